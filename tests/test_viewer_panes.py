"""Side by side: equal panes, each showing the whole image after fit (F)."""

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from app.widgets.viewer import SIDE_BY_SIDE, Viewer  # noqa: E402
from inspectors.results import DetectionResult  # noqa: E402


def _shown_rect(view):
    return view.mapFromScene(view.sceneRect()).boundingRect()


@pytest.mark.parametrize("size", [(1000, 500), (1270, 600)])
def test_side_by_side_panes_are_equal_and_show_the_whole_image(qtbot, size):
    v = Viewer()
    qtbot.addWidget(v)
    v.resize(*size)
    v.show()
    qtbot.waitExposed(v)
    img = np.full((200, 400, 3), 90, np.uint8)
    det = DetectionResult(np.array([[5, 5, 60, 50]], float), np.array([0.9]), np.array([0]), ("pit",), (200, 400))
    v.set_content(img, None, det)
    v.set_mode(SIDE_BY_SIDE)
    qtbot.waitUntil(lambda: v.right.view.isVisible())
    v.fit()
    assert abs(v.left.width() - v.right.width()) <= 1
    for view in (v.left.view, v.right.view):
        shown, port = _shown_rect(view), view.viewport().rect()
        assert port.contains(shown.adjusted(1, 1, -1, -1)), (shown, port)
        assert shown.width() >= port.width() - 3  # fitted: the width fills the pane
    # the window resized later (the app sets its geometry after the mode): still equal
    v.resize(size[0] + 300, size[1])
    qtbot.waitUntil(lambda: v.pair.width() == size[0] + 300 and abs(v.left.width() - v.right.width()) <= 1)
    # zoom is still linked once the user zooms
    v.left.view.zoom_by(2.0)
    assert v.right.view.zoom() == pytest.approx(v.left.view.zoom())


def test_side_by_side_chosen_before_the_window_shows_is_equal(qtbot):
    """As ``--view side-by-side`` does: the mode set before the window has a size."""
    v = Viewer()
    qtbot.addWidget(v)
    v.set_mode(SIDE_BY_SIDE)
    v.resize(900, 500)
    v.show()  # shown empty first, as the app is before its folder is read
    qtbot.waitExposed(v)
    img = np.full((200, 200, 3), 90, np.uint8)
    v.set_content(img, None, None)
    qtbot.waitUntil(lambda: v.right.view.isVisible() and abs(v.left.width() - v.right.width()) <= 1)
