"""Overlay tags drawn by Qt at the screen's scale: text of one size at any zoom, placed by
:func:`inspectors.render.placement.place_labels` in screen pixels (clear of each other and
of the image edge, leader lines where a tag moved away), re-placed at once on every zoom
without redrawing the picture."""

from __future__ import annotations

from typing import List, Sequence, Tuple

from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
)

from inspectors.render.palette import text_color
from inspectors.render.placement import leader_points, place_labels
from inspectors.render.text import Tag

PAD = 3  # screen pixels around the text
Z = 10.0  # above the picture


class ScreenLabels:
    """The tags of one view's overlay, as graphics items that ignore the view's zoom."""

    def __init__(self, scene: QGraphicsScene):
        self.scene = scene
        self.font = QFont()
        self.font.setPointSizeF(max(8.5, self.font.pointSizeF()))
        self._tags: List[Tuple[str, float, float, Tuple[int, int, int]]] = []
        self._size: Tuple[int, int] = (0, 0)  # the image (width, height)
        self._items: List[QGraphicsItem] = []
        self.zoom = 0.0  # the zoom the items were placed for
        self.tag_items: List[QGraphicsRectItem] = []  # the filled tags, most important first

    def set_tags(self, tags: Sequence[Tag], scale: float, size: Tuple[int, int], zoom: float) -> None:
        """``tags`` as :func:`~inspectors.render.text.collect_tags` gave them on an image
        enlarged ``1 / scale`` times; ``size``: the image's (width, height)."""
        self._tags = [(t, x * scale, y * scale, c) for t, x, y, c in tags]
        self._size = size
        self.place(zoom)

    def clear(self) -> None:
        self._tags = []
        self.place(self.zoom)

    def place(self, zoom: float) -> None:
        for item in self._items:
            self.scene.removeItem(item)
        self._items, self.tag_items = [], []
        self.zoom = zoom
        if not self._tags or zoom <= 0:
            return
        fm = QFontMetrics(self.font)
        items = self._tags[::-1]  # the most important first: it keeps its preferred spot
        sizes = [(fm.horizontalAdvance(t) + 2 * PAD, fm.height() + 2 * PAD) for t, *_ in items]
        anchors = [(int(round(x * zoom)), int(round(y * zoom))) for _t, x, y, _c in items]
        bounds = (int(self._size[0] * zoom), int(self._size[1] * zoom))
        spots = place_labels(anchors, sizes, bounds)
        for (text, _x, _y, colour), anchor, spot in zip(items, anchors, spots):
            if spot is None:
                continue
            b, g, r = colour
            x, y, w, h = spot.rect
            if spot.leader:
                a, p = leader_points(anchor, spot.rect)
                line = QGraphicsLineItem(QLineF(a[0] / zoom, a[1] / zoom, p[0] / zoom, p[1] / zoom))
                pen = QPen(QColor(r, g, b), 1.5)
                pen.setCosmetic(True)
                line.setPen(pen)
                line.setZValue(Z)
                self.scene.addItem(line)
                self._items.append(line)
            rect = QGraphicsRectItem(QRectF(0, 0, w, h))
            rect.setBrush(QBrush(QColor(r, g, b)))
            rect.setPen(QPen(Qt.PenStyle.NoPen))
            rect.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
            rect.setPos(x / zoom, y / zoom)
            rect.setZValue(Z + 1)
            label = QGraphicsSimpleTextItem(text, rect)
            label.setFont(self.font)
            tb, tg, tr = text_color(colour)
            label.setBrush(QBrush(QColor(tr, tg, tb)))
            label.setPos(PAD, PAD)
            self.scene.addItem(rect)
            self._items.append(rect)
            self.tag_items.append(rect)
