"""Regions of interest drawn on the image view: clicks become polygon points in image
pixels at any zoom; Enter closes, Esc cancels; the outside of the regions is dimmed."""

import cv2  # noqa: F401 - imported before Qt so its plugin path can be undone
import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from app.qt_env import prepare_qt_env


@pytest.fixture(scope="session", autouse=True)
def _offscreen():
    prepare_qt_env("offscreen")


@pytest.fixture
def view(qtbot):
    from app.widgets.image_view import ImageView

    v = ImageView()
    qtbot.addWidget(v)
    v.resize(600, 400)
    v.show()
    v.set_image(np.zeros((120, 200, 3), np.uint8))
    return v


def _click(view, x, y):
    pos = view.mapFromScene(QPointF(x, y))
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)


@pytest.mark.parametrize("zoom", [None, 3.0])
def test_clicks_become_a_polygon_in_image_pixels(qtbot, view, zoom):
    from app.widgets.region_editor import EXCLUDE, RegionEditor

    if zoom:
        view.zoom_by(zoom)
        view.centerOn(QPointF(40, 40))
    editor = RegionEditor(view)
    editor.start(EXCLUDE)
    wanted = [(20.0, 20.0), (60.0, 25.0), (40.0, 60.0)]
    for x, y in wanted:
        _click(view, x, y)
    with qtbot.waitSignal(editor.polygon_drawn) as got:
        QTest.keyClick(view.viewport(), Qt.Key.Key_Return)
    kind, points = got.args
    assert kind == EXCLUDE and len(points) == 3
    tol = 1.0 / view.zoom() + 0.1  # one screen pixel, in image pixels
    for (x, y), (wx, wy) in zip(points, wanted):
        assert abs(x - wx) <= tol and abs(y - wy) <= tol
    assert not editor.drawing


def test_too_few_points_do_not_close_and_esc_cancels(qtbot, view):
    from app.widgets.region_editor import RegionEditor

    editor = RegionEditor(view)
    drawn = []
    editor.polygon_drawn.connect(lambda *a: drawn.append(a))
    editor.start()
    _click(view, 10, 10)
    _click(view, 50, 10)
    QTest.keyClick(view.viewport(), Qt.Key.Key_Return)
    assert editor.drawing and not drawn
    QTest.keyClick(view.viewport(), Qt.Key.Key_Escape)
    assert not editor.drawing and not drawn


def test_outside_of_the_regions_is_dimmed(view):
    from app.widgets.region_editor import RegionEditor

    editor = RegionEditor(view)
    include = [[(10, 10), (110, 10), (110, 90), (10, 90)]]
    exclude = [[(40, 40), (60, 40), (60, 60), (40, 60)]]
    editor.show_regions(include, exclude, (120, 200))
    dim = editor._shown[0].path()
    assert dim.contains(QPointF(150, 100)) and dim.contains(QPointF(50, 50))  # outside, excluded
    assert not dim.contains(QPointF(20, 20))  # inside the include region
    editor.show_regions([], [], (120, 200))
    assert editor._shown == []
