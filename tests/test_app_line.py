"""The Line view: a real station on a watched folder behind the window; the verdict, the
counters and the NG strip follow what the line decides; pause and stop."""

from __future__ import annotations

import os

import cv2  # noqa: F401 - imported before Qt so its plugin path can be undone
import pytest

from app.qt_env import prepare_qt_env
from inspectors.engine import Inspector
from inspectors.results import Thresholds
from inspectors.rules import Rules, bind, decide, defect_table
from inspectors.runtime import RuntimeSettings
from tests.line_helpers import CLS_MODEL, sample_images

pytest.importorskip("PySide6")


@pytest.fixture(scope="session", autouse=True)
def _offscreen():
    prepare_qt_env("offscreen")


def test_line_view_shows_the_lines_verdicts(qtbot, tmp_path):
    from app.widgets.line_view import STRIP, LineView

    folder = tmp_path / "line"
    images = sample_images(folder, 12)
    old = 1_000_000_000
    for p in images:
        os.utime(p, (old, old))
    settings = RuntimeSettings(engine="paddle")
    view = LineView(str(CLS_MODEL), tmp_path / "runs", settings, Rules())
    qtbot.addWidget(view)
    view.show()
    view.source_edit.setText(str(folder))
    with qtbot.waitSignal(view.started):
        worker = view.start()
    qtbot.waitUntil(lambda: view.values["decided"].text() == "12", timeout=60_000)

    # the reference: each image inspected apart, decided with the same rules
    insp = Inspector.from_path(CLS_MODEL, settings)
    bound = bind(Rules(), insp.class_names, Thresholds(insp.spec.default_threshold))
    verdicts = [decide(defect_table(insp.predict_path(p).result), bound).verdict.name for p in images]
    for key in ("OK", "REVIEW", "NG"):
        assert view.values[key].text() == str(verdicts.count(key))
    qtbot.waitUntil(lambda: view.strip.count() == min(STRIP, verdicts.count("NG")), timeout=10_000)
    assert view.verdict.text() in {"OK", "REVIEW", "NG"}
    assert not view.frame_label.pixmap().isNull()
    assert view.values["p50_ms"].text().endswith(" ms")

    view.pause_btn.setChecked(True)
    assert worker.station.paused and view.pause_btn.text() == "Resume"
    view.pause_btn.setChecked(False)
    assert not worker.station.paused
    with qtbot.waitSignal(view.stopped, timeout=30_000):
        view.stop()
    assert view.start_btn.isEnabled() and not view.stop_btn.isEnabled()
