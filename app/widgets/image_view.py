"""A zoomable, pannable image view: wheel zooms around the cursor, drag pans,
F fits, 1 shows pixels 1:1, +/- zoom. Two views can be linked (side-by-side)."""

from __future__ import annotations

from typing import Optional, Tuple

import numpy as np
from PySide6.QtCore import QEvent, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QResizeEvent,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsView,
    QWidget,
)

from .qimage import to_pixmap

MIN_ZOOM, MAX_ZOOM = 0.02, 64.0


class ImageView(QGraphicsView):
    """Shows one image; ``view_changed`` fires after every zoom or pan."""

    view_changed = Signal()
    hovered = Signal(int, int)  # the image pixel under the cursor; -1, -1 when it leaves the image

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self._item = QGraphicsPixmapItem()
        self._item.setTransformationMode(Qt.TransformationMode.FastTransformation)
        self.scene().addItem(self._item)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        app = QApplication.instance()
        background = app.property("imageBackground") if app is not None else None  # app.theme
        self.setBackgroundBrush(QColor(background) if background else QColor(Qt.GlobalColor.black))
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.fit_mode = True  # refit on resize / new image until the user zooms
        self.setMouseTracking(True)
        self.horizontalScrollBar().valueChanged.connect(lambda _v: self.view_changed.emit())
        self.verticalScrollBar().valueChanged.connect(lambda _v: self.view_changed.emit())

    def has_image(self) -> bool:
        return not self._item.pixmap().isNull()

    def set_image(self, bgr: Optional[np.ndarray], scale: float = 1.0) -> None:
        """Replace the picture; the zoom and position stay unless in fit mode or the size changed.

        ``scale``: the picture is drawn at this size per pixel (an overlay rendered on the image
        enlarged k times comes with 1 / k); zoom and pixel positions stay in image pixels."""
        old = self.scene().sceneRect().size()
        if bgr is None:
            self._item.setPixmap(to_pixmap(np.zeros((1, 1, 3), np.uint8)))
        else:
            self._item.setPixmap(to_pixmap(bgr))
        self._item.setScale(scale)
        size = self._item.pixmap().size()
        self.scene().setSceneRect(QRectF(0.0, 0.0, size.width() * scale, size.height() * scale))
        if self.fit_mode or old != self.scene().sceneRect().size():
            self.fit()

    def zoom(self) -> float:
        return float(self.transform().m11())

    def fit(self) -> None:
        self.fit_mode = True
        if self.has_image():
            self.fitInView(self._item, Qt.AspectRatioMode.KeepAspectRatio)
        self.view_changed.emit()

    def actual_size(self) -> None:
        self.fit_mode = False
        self.resetTransform()
        self.view_changed.emit()

    def set_zoom(self, zoom: float) -> None:
        """Show the image at ``zoom`` (1.0: one image pixel per screen pixel)."""
        self.fit_mode = False
        self.setTransform(QTransform.fromScale(max(MIN_ZOOM, min(MAX_ZOOM, zoom)),
                                               max(MIN_ZOOM, min(MAX_ZOOM, zoom))))
        self.view_changed.emit()

    def pixel_at(self, x: float, y: float) -> Tuple[int, int]:
        """The image pixel (column, row) under the viewport point (x, y); (-1, -1) outside."""
        p = self.mapToScene(int(x), int(y))
        col, row = int(p.x() // 1), int(p.y() // 1)
        rect = self.scene().sceneRect()
        if self.has_image() and 0 <= col < int(rect.width()) and 0 <= row < int(rect.height()):
            return col, row
        return -1, -1

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        super().mouseMoveEvent(event)
        pos = event.position()
        self.hovered.emit(*self.pixel_at(pos.x(), pos.y()))

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().leaveEvent(event)
        self.hovered.emit(-1, -1)

    def zoom_by(self, factor: float) -> None:
        z = self.zoom()
        factor = max(MIN_ZOOM / z, min(MAX_ZOOM / z, factor))
        self.fit_mode = False
        self.scale(factor, factor)
        self.view_changed.emit()

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt override
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom_by(1.25 ** steps)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key = event.key()
        if key == Qt.Key.Key_F:
            self.fit()
        elif key == Qt.Key.Key_1:
            self.actual_size()
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_by(1.25)
        elif key == Qt.Key.Key_Minus:
            self.zoom_by(0.8)
        else:
            super().keyPressEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self.fit_mode:
            self.fit()

    def copy_view_from(self, other: ImageView) -> None:
        """Take ``other``'s zoom and scroll position (used to link two views)."""
        self.fit_mode = other.fit_mode
        self.setTransform(other.transform())
        self.horizontalScrollBar().setValue(other.horizontalScrollBar().value())
        self.verticalScrollBar().setValue(other.verticalScrollBar().value())
