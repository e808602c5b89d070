"""Tags drawn by Qt at the screen's scale: the same on-screen text height at 1x and 8x on a
1600x256 strip, and the GUI keeps running while the picture is redrawn for a new zoom."""

import time

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QTimer  # noqa: E402

from app.widgets.viewer import Viewer  # noqa: E402
from inspectors.render.screen import render_factor  # noqa: E402
from inspectors.results import DetectionResult  # noqa: E402

from .app_helpers import tag_screen_height, tag_screen_rows  # noqa: E402


def test_text_keeps_its_screen_size_from_1x_to_8x_and_the_gui_stays_responsive(qtbot):
    rng = np.random.default_rng(5)
    img = rng.integers(60, 120, (256, 1600, 3), dtype=np.uint8)
    det = DetectionResult(np.array([[40, 100, 46, 150], [700, 120, 760, 200]], float), np.array([0.91, 0.8]),
                          np.array([0, 0]), ("scratch",), (256, 1600))
    v = Viewer()
    qtbot.addWidget(v)
    v.resize(900, 400)
    v.show()
    qtbot.waitExposed(v)
    v.set_content(img, None, det)
    view = v.single.view
    labels = v.labels[view]
    heights, rows = [], []
    for zoom in (1.0, 8.0):
        ticks = [time.perf_counter()]
        timer = QTimer()
        timer.setInterval(10)
        timer.timeout.connect(lambda t=ticks: t.append(time.perf_counter()))
        timer.start()
        view.set_zoom(zoom)
        view.centerOn(60, 100)  # the first box's tag in view
        qtbot.waitUntil(lambda z=zoom: abs(v.overlay.rendered.get(view, 0) - z) < 0.01 * z
                        and not v.overlay.busy.get(view), timeout=20000)
        qtbot.wait(50)
        timer.stop()
        assert max(np.diff(ticks)) < 0.2, f"the event loop stalled {max(np.diff(ticks)):.3f} s at {zoom}x"
        assert labels.tag_items and labels.zoom == pytest.approx(zoom)
        heights.append(tag_screen_height(view, labels.tag_items[0]))
        rows.append(tag_screen_rows(view, labels.tag_items[0]))
    assert abs(heights[1] - heights[0]) <= 0.1 * heights[0], heights
    assert rows[0] >= 8 and abs(rows[1] - rows[0]) <= 0.1 * rows[0] + 1, rows  # measured in pixels
    # the picture itself is redrawn at the view's scale (up to the pixel cap)
    assert round(1 / view._item.scale()) == render_factor(8.0, img.shape) > 1
