"""Thumbnails of the image list's grid: decoded on a worker pool only when the grid asks for
them (the items it paints), cached on disk under the work dir — never in the image folder —
and in memory for the items seen last.

A cached file is named by the image's path, size and mtime, so an edited image gets a new
thumbnail (the old file is simply never asked for again).
"""

from __future__ import annotations

import collections
import hashlib
import os
from pathlib import Path
from typing import Dict, Optional, Set

import cv2
import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from inspectors.atomic import atomic_write_bytes
from inspectors.imageio import read_image

from .workers import FunctionWorker, WorkerPool

THUMB_PX = 128  # longest side
MEMORY_ITEMS = 600  # QImages kept (a few screens of a 4K grid)
#: a queued decode is skipped once this many newer tiles were asked for (the grid scrolled on)
STALE_AFTER = 300


def thumbnail_file(root: Path, image: str, px: int = THUMB_PX) -> Path:
    """Where ``image``'s thumbnail lives under ``root`` (keyed by path, size and mtime)."""
    st = os.stat(image)
    key = f"{os.path.abspath(image)}|{st.st_size}|{st.st_mtime_ns}|{px}".encode()
    digest = hashlib.blake2b(key, digest_size=16).hexdigest()
    return root / digest[:2] / f"{digest}.png"


def make_thumbnail(root: Path, image: str, px: int = THUMB_PX) -> Path:
    """The cached thumbnail of ``image``, made first when missing (atomic write)."""
    out = thumbnail_file(root, image, px)
    if not out.exists():
        img = read_image(image)
        h, w = img.shape[:2]
        scale = min(1.0, px / max(h, w))
        small = cv2.resize(img, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
        ok, data = cv2.imencode(".png", np.ascontiguousarray(small))
        if not ok:
            raise OSError(f"cannot encode the thumbnail of {image}")
        atomic_write_bytes(out, data.tobytes())
    return out


def _load(root: Path, image: str, px: int) -> QImage:
    out = QImage(str(make_thumbnail(root, image, px)))  # QImage is safe off the GUI thread
    if out.isNull():
        raise OSError(f"cannot read the thumbnail of {image}")
    return out


class ThumbnailLoader(QObject):
    """``get(path)``: the thumbnail if it is in memory, else None and a decode is queued;
    ``ready(path)`` when it arrives. ``requested`` counts the decodes asked for (the lazy grid's
    test: only painted items ask)."""

    ready = Signal(str)
    failed = Signal(str, str)  # path, message

    def __init__(self, root: Path, px: int = THUMB_PX, parent: Optional[QObject] = None):
        super().__init__(parent)
        self.root, self.px = Path(root), px
        self.pool = WorkerPool(2, self)
        self.requested = 0
        self._images: collections.OrderedDict[str, QImage] = collections.OrderedDict()
        self._pending: Set[str] = set()
        self._failed: Set[str] = set()
        self._asked: Dict[str, int] = {}  # path -> when it was asked for (a request number)

    def get(self, path: str) -> Optional[QImage]:
        image = self._images.get(path)
        if image is not None:
            self._images.move_to_end(path)
            return image
        if path not in self._pending and path not in self._failed:
            self._pending.add(path)
            self.requested += 1
            self._asked[path] = self.requested
            worker = FunctionWorker(lambda: self._decode(path))
            worker.signals.returned.connect(lambda img, p=path: self._arrived(p, img))
            worker.signals.errored.connect(lambda e, p=path: self._error(p, e))
            self.pool.start(worker)
        return None

    def _decode(self, path: str) -> Optional[QImage]:
        """On a worker: None when the grid has moved far past this tile (fast scrolling over
        a large folder must not queue thousands of decodes ahead of the tiles on screen)."""
        if self.requested - self._asked.get(path, 0) > STALE_AFTER:
            return None
        return _load(self.root, path, self.px)

    def forget(self) -> None:
        """A new folder: queued decodes are dropped, the memory cache emptied."""
        self.pool.cancel_all()
        self._images.clear()
        self._pending.clear()
        self._failed.clear()
        self._asked.clear()

    def _arrived(self, path: str, image: Optional[QImage]) -> None:
        self._pending.discard(path)
        if image is None:  # skipped: asked for again when it is painted again
            return
        self._images[path] = image
        while len(self._images) > MEMORY_ITEMS:
            self._images.popitem(last=False)
        self.ready.emit(path)

    def _error(self, path: str, error: BaseException) -> None:
        self._pending.discard(path)
        self._failed.add(path)
        self.failed.emit(path, str(error))

    def shutdown(self, timeout_ms: int = 2000) -> None:
        self.pool.cancel_all()
        self.pool.wait(timeout_ms)
