"""Builders shared by the ground-truth tests: images and label maps written to disk."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image


def _image(path: Path, h: int, w: int, value: int = 128) -> Path:
    """Write a small image (also to non-ASCII paths) without the code under test."""
    path.parent.mkdir(parents=True, exist_ok=True)
    ok, buf = cv2.imencode(path.suffix, np.full((h, w, 3), value, np.uint8))
    assert ok
    path.write_bytes(buf.tobytes())
    return path


def _label(path: Path, array: np.ndarray, mode: str = "L") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    img = Image.fromarray(array.astype(np.uint8), "L")
    if mode == "P":
        img = img.convert("P")
        img.putpalette([(i * 37) % 256 for i in range(768)])
    img.save(path)
    return path


def _messages(gt) -> str:
    return "\n".join(str(p) for p in gt.problems)


