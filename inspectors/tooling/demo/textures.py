"""Synthetic hot-rolled-steel textures with NEU's six defect classes (200x200, 8-bit gray).

Every generator draws on a rolled-steel base (smoothed noise with vertical rolling
streaks) and returns the image; given a ``defect`` array it also paints where it drew the
defect (1.0), which :func:`defect_boxes` turns into NEU-DET-style boxes. The class is known
exactly, so the images come with exact ground truth. Deterministic for a given ``numpy``
Generator (the mask costs no random draws: images are the same with or without it).
"""

from __future__ import annotations

from typing import Callable, Dict, List, Optional, Tuple

import cv2
import numpy as np

from ...rules.components import regions_of

SIZE = 200
Rng = np.random.Generator


def smooth_noise(rng: Rng, sigma: float, shape=(SIZE, SIZE)) -> np.ndarray:
    """Zero-mean, unit-std Gaussian-filtered noise."""
    n = cv2.GaussianBlur(rng.normal(0, 1, shape).astype(np.float32), (0, 0), sigma)
    return (n - n.mean()) / (n.std() + 1e-6)


def base(rng: Rng, mean: float, grain: float, streak: float) -> np.ndarray:
    """Rolled-steel background: fine grain, vertical streaks, slow shading."""
    im = np.full((SIZE, SIZE), mean, np.float32)
    im += grain * smooth_noise(rng, 0.8)
    cols = cv2.GaussianBlur(rng.normal(0, 1, (1, SIZE)).astype(np.float32), (0, 0), 2.0)
    im += streak * np.repeat(cols / (cols.std() + 1e-6), SIZE, axis=0)
    im += 0.4 * grain * smooth_noise(rng, 25)
    return im


def finish(im: np.ndarray) -> np.ndarray:
    return np.clip(im, 0, 255).astype(np.uint8)


def crazing(rng: Rng, defect: Optional[np.ndarray] = None) -> np.ndarray:
    """Cr: rough bright surface criss-crossed by a network of fine dark cracks."""
    im = base(rng, rng.uniform(125, 150), 22, 8)
    for _ in range(int(rng.integers(45, 70))):
        p = rng.uniform(0, SIZE, 2)
        angle = rng.uniform(-0.6, 0.6) + (0 if rng.random() < 0.6 else np.pi / 2)
        pts = [p.copy()]
        for _ in range(int(rng.integers(3, 7))):
            angle += rng.normal(0, 0.5)
            p = p + rng.uniform(4, 9) * np.array([np.cos(angle), np.sin(angle)])
            pts.append(p.copy())
        cv2.polylines(im, [np.int32(pts)], False, float(rng.uniform(40, 80)), 1, cv2.LINE_AA)
        if defect is not None:
            cv2.polylines(defect, [np.int32(pts)], False, 1.0, 1)
    return finish(cv2.GaussianBlur(im, (0, 0), 0.6))


def inclusion(rng: Rng, defect: Optional[np.ndarray] = None) -> np.ndarray:
    """In: smooth gray surface with long, soft, dark inclusions along the rolling direction."""
    im = base(rng, rng.uniform(70, 130), 4, 5)
    mask = np.zeros_like(im)
    for _ in range(int(rng.integers(1, 4))):
        x, y = float(rng.uniform(20, 180)), float(rng.uniform(-20, 100))
        for _ in range(int(rng.integers(2, 5))):
            c = (int(x + rng.normal(0, 4)), int(y))
            axes = (int(rng.integers(3, 10)), int(rng.integers(15, 45)))
            cv2.ellipse(mask, c, axes, float(rng.normal(0, 4)), 0, 360, float(rng.uniform(0.5, 1)), -1)
            y += float(rng.uniform(30, 70))
    mask = cv2.GaussianBlur(mask, (0, 0), 4)
    if defect is not None:
        defect[mask > 0.25] = 1.0
    return finish(im - rng.uniform(20, 40) * mask)


def _aniso_noise(rng: Rng, sx: float, sy: float) -> np.ndarray:
    n = cv2.GaussianBlur(rng.normal(0, 1, (SIZE, SIZE)).astype(np.float32), (0, 0), sigmaX=sx, sigmaY=sy)
    return (n - n.mean()) / (n.std() + 1e-6)


def patches(rng: Rng, defect: Optional[np.ndarray] = None) -> np.ndarray:
    """Pa: bright grainy surface with large dark patches, elongated along the rolling direction."""
    im = base(rng, rng.uniform(190, 225), 20, 6)
    blob = _aniso_noise(rng, 9, 22) + 0.3 * smooth_noise(rng, 4)
    mask = cv2.GaussianBlur((blob > rng.uniform(0.5, 1.0)).astype(np.float32), (0, 0), 4)
    if defect is not None:
        defect[mask > 0.3] = 1.0
    return finish(im - rng.uniform(110, 150) * mask)


def pitted_surface(rng: Rng, defect: Optional[np.ndarray] = None) -> np.ndarray:
    """PS: very light surface peppered with small gray pits."""
    im = base(rng, rng.uniform(195, 230), 8, 4)
    for _ in range(int(rng.integers(100, 300))):
        c = (int(rng.integers(0, SIZE)), int(rng.integers(0, SIZE)))
        axes = (int(rng.integers(1, 3)), int(rng.integers(1, 4)))
        angle, value = float(rng.uniform(0, 180)), float(rng.uniform(120, 170))
        cv2.ellipse(im, c, axes, angle, 0, 360, value, -1, cv2.LINE_AA)
        if defect is not None:
            cv2.ellipse(defect, c, axes, angle, 0, 360, 1.0, -1)
    return finish(cv2.GaussianBlur(im, (0, 0), 0.8))


def rolled_in_scale(rng: Rng, defect: Optional[np.ndarray] = None) -> np.ndarray:
    """RS: grainy, mottled mid-gray surface with clusters of small dark scale flakes."""
    im = base(rng, rng.uniform(100, 150), 5, 3)
    im += 12 * smooth_noise(rng, 15) + 3 * _aniso_noise(rng, 3, 0.6)
    flakes = np.zeros_like(im)
    for _ in range(int(rng.integers(2, 5))):
        cx, cy = rng.uniform(20, 180, 2)
        for _ in range(int(rng.integers(5, 14))):
            c = (int(rng.normal(cx, 18)), int(rng.normal(cy, 18)))
            axes = (int(rng.integers(2, 6)), int(rng.integers(1, 3)))
            cv2.ellipse(flakes, c, axes, float(rng.uniform(-20, 20)), 0, 360, 1.0, -1)
    flakes = cv2.GaussianBlur(flakes, (0, 0), 0.9)
    if defect is not None:
        defect[flakes > 0.3] = 1.0
    return finish(im - rng.uniform(35, 55) * flakes)


def scratches(rng: Rng, defect: Optional[np.ndarray] = None) -> np.ndarray:
    """Sc: darker smooth surface with a few long thin bright scratches."""
    im = base(rng, rng.uniform(70, 110), 6, 8)
    vertical = rng.random() < 0.8
    for _ in range(int(rng.integers(2, 6))):
        a = float(rng.uniform(10, 190))
        b = a + float(rng.normal(0, 12))
        p, q = ((a, 0), (b, SIZE)) if vertical else ((0, a), (SIZE, b))
        value, width = float(rng.uniform(170, 250)), int(rng.integers(1, 4))
        cv2.line(im, np.int32(p), np.int32(q), value, width, cv2.LINE_AA)
        if defect is not None:
            cv2.line(defect, np.int32(p), np.int32(q), 1.0, width)
    return finish(cv2.GaussianBlur(im, (0, 0), 0.7))


#: Closing radius (px) that merges a class's marks into the regions NEU-DET annotators box:
#: crack networks, pit fields and flake clusters become one region, separate inclusions,
#: patches and scratches stay apart.
MERGE = {"Cr": 25, "In": 6, "Pa": 6, "PS": 25, "RS": 12, "Sc": 4}


def defect_boxes(defect: np.ndarray, merge: int, min_side: int = 6) -> List[Tuple[int, int, int, int]]:
    """Boxes (x1, y1, x2, y2, inclusive pixels) around the connected regions of ``defect``
    after a closing of radius ``merge``; regions smaller than ``min_side`` are dropped."""
    binary = (defect > 0.5).astype(np.uint8)
    if merge > 0:
        # zero padding: OpenCV's erosion treats outside pixels as set, which would stretch
        # every closed region that comes near the border out to it
        k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * merge + 1, 2 * merge + 1))
        padded = cv2.copyMakeBorder(binary, merge, merge, merge, merge, cv2.BORDER_CONSTANT, value=0)
        binary = cv2.morphologyEx(padded, cv2.MORPH_CLOSE, k)[merge:-merge, merge:-merge]
    n, _, stats, _ = regions_of(binary)
    rows, cols = binary.shape
    boxes = []
    for x, y, w, h, _area in stats[1:n]:
        if max(w, h) < min_side:
            continue
        x1, y1, x2, y2 = int(x), int(y), int(x + w - 1), int(y + h - 1)
        # a 1-2 px line (a scratch) gets a 3 px box: VOC readers reject xmax <= xmin
        if x2 - x1 < 2:
            x1, x2 = max(0, x1 - 1), min(cols - 1, x2 + 1)
        if y2 - y1 < 2:
            y1, y2 = max(0, y1 - 1), min(rows - 1, y2 + 1)
        boxes.append((x1, y1, x2, y2))
    return sorted(boxes)


#: NEU class order (labels.txt of neu-cls): Cr In Pa PS RS Sc.
GENERATORS: Dict[str, Callable[[Rng], np.ndarray]] = {
    "Cr": crazing,
    "In": inclusion,
    "Pa": patches,
    "PS": pitted_surface,
    "RS": rolled_in_scale,
    "Sc": scratches,
}
