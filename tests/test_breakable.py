"""Long paths in word-wrapped labels wrap at separators instead of widening the panel."""

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtWidgets import QLabel  # noqa: E402

from app.widgets.breakable import breakable, plain  # noqa: E402

PATHS = [
    "Could not load C:\\Users\\qa\\models\\neu_det_picodet_s_416_coco_lcnet_exported\\model.pdmodel: bad",
    "Could not load /work/shared/models/magnetic_tile_fastscnn_exported_2026_11_30/inference.pdiparams",
]


@pytest.mark.parametrize("text", PATHS)
def test_long_paths_wrap_in_a_narrow_label(qtbot, text):
    before, after = QLabel(text), QLabel(breakable(text))
    for label in (before, after):
        label.setWordWrap(True)
        qtbot.addWidget(label)
    # unbroken, the path alone is wider than a 1280x720 side panel; broken, it fits
    assert before.minimumSizeHint().width() > 240
    assert after.minimumSizeHint().width() <= 240
    assert plain(after.text()) == text
    assert breakable("Results saved in run 3.") == "Results saved in run 3."  # short words untouched
