"""Regions of interest on an :class:`ImageView`: drawn polygons shown over the image (include
outlined green, exclude red, the area where defects do not count dimmed), and a drawing
mode in which clicks add points in image pixels (Enter or a double click closes the
polygon, Backspace removes the last point, Esc cancels)."""

from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

from PySide6.QtCore import QEvent, QObject, QPointF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QMouseEvent, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsPathItem, QGraphicsView

from .image_view import ImageView

Point = Tuple[float, float]
Polygon = Sequence[Point]
INCLUDE, EXCLUDE = "include", "exclude"
COLORS = {INCLUDE: QColor("#46a758"), EXCLUDE: QColor("#e5484d")}
DIM = QColor(0, 0, 0, 110)


def _path(points: Polygon) -> QPainterPath:
    path = QPainterPath()
    path.addPolygon(QPolygonF([QPointF(x, y) for x, y in points]))
    path.closeSubpath()
    return path


def _pen(color: QColor, dashed: bool = False) -> QPen:
    pen = QPen(color, 2)
    pen.setCosmetic(True)  # constant screen width at any zoom
    if dashed:
        pen.setStyle(Qt.PenStyle.DashLine)
    return pen


class RegionEditor(QObject):
    """Draws regions over ``view`` and lets the user draw a new one (:meth:`start`)."""

    polygon_drawn = Signal(str, list)  # kind, [(x, y), ...] in image pixels
    drawing_changed = Signal(bool)

    def __init__(self, view: ImageView, parent: Optional[QObject] = None):
        super().__init__(parent or view)
        self.view = view
        self.kind = INCLUDE
        self.points: List[Point] = []
        self._shown: List[QGraphicsPathItem] = []
        self._draft = QGraphicsPathItem()
        self._draft.setZValue(20)
        view.scene().addItem(self._draft)
        self._drawing = False
        view.viewport().installEventFilter(self)
        view.installEventFilter(self)

    # -- showing ------------------------------------------------------------------------
    def show_regions(self, include: Sequence[Polygon], exclude: Sequence[Polygon],
                     size: Optional[Tuple[int, int]]) -> None:
        """Outline the regions and dim where defects do not count (``size``: image H, W)."""
        for item in self._shown:
            self.view.scene().removeItem(item)
        self._shown = []
        if not include and not exclude:
            return
        if size is not None:
            h, w = size
            allowed = QPainterPath()
            if include:
                for poly in include:
                    allowed = allowed.united(_path(poly))
            else:
                allowed.addRect(0, 0, w, h)
            for poly in exclude:
                allowed = allowed.subtracted(_path(poly))
            whole = QPainterPath()
            whole.addRect(0, 0, w, h)
            self._add(whole.subtracted(allowed), QPen(Qt.PenStyle.NoPen), QBrush(DIM), 9)
        for kind, polys in ((INCLUDE, include), (EXCLUDE, exclude)):
            for poly in polys:
                self._add(_path(poly), _pen(COLORS[kind]), QBrush(Qt.BrushStyle.NoBrush), 10)

    def _add(self, path: QPainterPath, pen: QPen, brush: QBrush, z: float) -> None:
        item = QGraphicsPathItem(path)
        item.setPen(pen)
        item.setBrush(brush)
        item.setZValue(z)
        self.view.scene().addItem(item)
        self._shown.append(item)

    # -- drawing ------------------------------------------------------------------------
    @property
    def drawing(self) -> bool:
        return self._drawing

    def start(self, kind: str = INCLUDE) -> None:
        """Enter drawing mode for an ``include`` or ``exclude`` polygon."""
        if kind not in COLORS:
            raise ValueError(f"kind must be {INCLUDE!r} or {EXCLUDE!r}, not {kind!r}")
        self.kind, self.points, self._drawing = kind, [], True
        self.view.setDragMode(QGraphicsView.DragMode.NoDrag)
        self.view.viewport().setCursor(Qt.CursorShape.CrossCursor)
        self._redraw()
        self.drawing_changed.emit(True)

    def cancel(self) -> None:
        self._finish(None)

    def close_polygon(self) -> bool:
        """Emit the polygon (3 points or more) and leave drawing mode; False if too few."""
        if len(self.points) < 3:
            return False
        self._finish(list(self.points))
        return True

    def add_point(self, x: float, y: float) -> None:
        """A point in image pixels, clamped to the image."""
        rect = self.view.sceneRect()
        x = min(max(x, rect.left()), rect.right())
        y = min(max(y, rect.top()), rect.bottom())
        self.points.append((round(x, 1), round(y, 1)))
        self._redraw()

    def _finish(self, polygon: Optional[List[Point]]) -> None:
        self._drawing, self.points = False, []
        self.view.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.view.viewport().unsetCursor()
        self._redraw()
        self.drawing_changed.emit(False)
        if polygon is not None:
            self.polygon_drawn.emit(self.kind, polygon)

    def _redraw(self) -> None:
        path = QPainterPath()
        if self.points:
            path.moveTo(*self.points[0])
            for x, y in self.points[1:]:
                path.lineTo(x, y)
        self._draft.setPath(path)
        self._draft.setPen(_pen(COLORS[self.kind], dashed=True))

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if not self._drawing:
            return False
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress and isinstance(event, QMouseEvent) \
                and event.button() == Qt.MouseButton.LeftButton:
            p = self.view.mapToScene(event.position().toPoint())
            self.add_point(p.x(), p.y())
            return True
        if kind == QEvent.Type.MouseButtonDblClick:
            self.close_polygon()
            return True
        if kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.close_polygon()
                return True
            if key == Qt.Key.Key_Escape:
                self.cancel()
                return True
            if key == Qt.Key.Key_Backspace and self.points:
                self.points.pop()
                self._redraw()
                return True
        return False
