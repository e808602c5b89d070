"""What the soak benches share: the repository on sys.path, the process RSS, test images."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import inspectors  # noqa: E402,F401 - first: its paddle_env sets the safe import order


def rss_mb() -> float:
    """Resident set size of this process in MB (Linux)."""
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def make_images(folder: Path, n: int, h: int, w: int, ext: str = ".jpg") -> None:
    """``n`` steel-like gray images of ``h`` x ``w``, each with a dark "crack" elsewhere."""
    import cv2
    import numpy as np

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    base = rng.integers(60, 120, (h, w, 3), dtype=np.uint8)
    for i in range(n):
        img = base.copy()
        x = (i * 37) % max(1, w - 20)
        cv2.line(img, (x, 0), (x + 15, h - 1), (20, 20, 20), 3)
        cv2.imwrite(str(folder / f"strip_{i:05d}{ext}"), img)
