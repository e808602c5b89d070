"""numpy BGR arrays -> QImage / QPixmap (copied, so the array may be freed)."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor, QIcon, QImage, QPixmap


def to_qimage(bgr: np.ndarray) -> QImage:
    img = np.ascontiguousarray(bgr)
    if img.ndim == 2:
        h, w = img.shape
        return QImage(img.data, w, h, img.strides[0], QImage.Format.Format_Grayscale8).copy()
    h, w = img.shape[:2]
    return QImage(img.data, w, h, img.strides[0], QImage.Format.Format_BGR888).copy()


def to_pixmap(bgr: np.ndarray) -> QPixmap:
    return QPixmap.fromImage(to_qimage(bgr))


def swatch(bgr: tuple, size: int = 12) -> QIcon:
    pm = QPixmap(size, size)
    b, g, r = bgr
    pm.fill(QColor(r, g, b))
    return QIcon(pm)
