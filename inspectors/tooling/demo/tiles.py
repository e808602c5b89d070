"""Synthetic magnetic-tile surfaces with pixel-exact label maps (the magnetic-tile classes:
0 background, 1 Blowhole, 2 Break, 3 Crack, 4 Fray, 5 Uneven).

A tile is a dark ground surface with fine vertical grinding marks; each generator draws
one defect and paints its class id into the label map with the same geometry, so the
ground truth is exact. Deterministic for a given ``numpy`` Generator.
"""

from __future__ import annotations

from typing import Callable, Dict, Tuple

import cv2
import numpy as np

from .textures import smooth_noise

Rng = np.random.Generator
Sample = Tuple[np.ndarray, np.ndarray]
CLASS_NAMES = ("background", "Blowhole", "Break", "Crack", "Fray", "Uneven")


def ground(rng: Rng, h: int, w: int) -> np.ndarray:
    """Ground ferrite: dark gray, vertical grinding marks, soft shading."""
    im = np.full((h, w), rng.uniform(60, 85), np.float32)
    marks = cv2.GaussianBlur(rng.normal(0, 1, (1, w)).astype(np.float32), (0, 0), 0.7)
    im += 7 * np.repeat(marks / (marks.std() + 1e-6), h, axis=0)
    im += 3 * smooth_noise(rng, 0.7, (h, w)) + 8 * smooth_noise(rng, 40, (h, w))
    return im


def _size(rng: Rng) -> Tuple[int, int]:
    return int(rng.integers(240, 380)), int(rng.integers(200, 360))


def blowhole(rng: Rng) -> Sample:
    h, w = _size(rng)
    im, lab = ground(rng, h, w), np.zeros((h, w), np.uint8)
    for _ in range(int(rng.integers(1, 4))):
        c = (int(rng.integers(20, w - 20)), int(rng.integers(20, h - 20)))
        axes = (int(rng.integers(3, 9)), int(rng.integers(3, 9)))
        angle = float(rng.uniform(0, 180))
        cv2.ellipse(im, c, (axes[0] + 2, axes[1] + 2), angle, 0, 360, float(rng.uniform(95, 120)), -1)
        cv2.ellipse(im, c, axes, angle, 0, 360, float(rng.uniform(10, 30)), -1)
        cv2.ellipse(lab, c, axes, angle, 0, 360, 1, -1)
    return im, lab


def _edge_polygon(rng: Rng, h: int, w: int) -> np.ndarray:
    """An irregular chip along the top or bottom edge."""
    x0 = float(rng.uniform(0, w * 0.6))
    width = float(rng.uniform(w * 0.15, w * 0.4))
    depth = float(rng.uniform(15, 45))
    xs = np.linspace(x0, min(w - 1, x0 + width), 9)
    ys = depth * np.sin(np.linspace(0, np.pi, 9)) * rng.uniform(0.6, 1.2, 9)
    top = rng.random() < 0.5
    pts = [(x, y if top else h - 1 - y) for x, y in zip(xs, ys)]
    return np.int32(pts)


def break_(rng: Rng) -> Sample:
    h, w = _size(rng)
    im, lab = ground(rng, h, w), np.zeros((h, w), np.uint8)
    poly = _edge_polygon(rng, h, w)
    region = np.zeros((h, w), np.uint8)
    cv2.fillPoly(region, [poly], 1)
    rough = 25 + 20 * smooth_noise(rng, 1.5, (h, w))
    im = np.where(region > 0, rng.uniform(110, 150) + rough - 25, im)
    cv2.polylines(im, [poly], False, 20.0, 2, cv2.LINE_AA)
    lab[region > 0] = 2
    return im, lab


def crack(rng: Rng) -> Sample:
    h, w = _size(rng)
    im, lab = ground(rng, h, w), np.zeros((h, w), np.uint8)
    p = np.array([rng.uniform(30, w - 30), rng.uniform(30, h - 30)])
    angle = float(rng.uniform(0, 2 * np.pi))
    pts = [p.copy()]
    for _ in range(int(rng.integers(6, 14))):
        angle += float(rng.normal(0, 0.35))
        p = np.clip(p + rng.uniform(5, 10) * np.array([np.cos(angle), np.sin(angle)]), 2, [w - 3, h - 3])
        pts.append(p.copy())
    thick = int(rng.integers(2, 4))
    cv2.polylines(im, [np.int32(pts)], False, float(rng.uniform(10, 30)), thick)
    cv2.polylines(lab, [np.int32(pts)], False, 3, thick)
    return im, lab


def fray(rng: Rng) -> Sample:
    h, w = _size(rng)
    im, lab = ground(rng, h, w), np.zeros((h, w), np.uint8)
    c = (int(rng.uniform(0.3, 0.7) * w), int(rng.uniform(0.45, 0.65) * h))
    axes = (int(rng.uniform(0.12, 0.25) * w), int(rng.uniform(0.25, 0.4) * h))
    region = np.zeros((h, w), np.uint8)
    cv2.ellipse(region, c, axes, float(rng.normal(0, 8)), 0, 360, 1, -1)
    smooth = cv2.GaussianBlur(im, (0, 0), 3) - rng.uniform(12, 22)
    im = np.where(region > 0, smooth, im)
    lab[region > 0] = 4
    return im, lab


def uneven(rng: Rng) -> Sample:
    h, w = _size(rng)
    im, lab = ground(rng, h, w), np.zeros((h, w), np.uint8)
    y0 = int(rng.uniform(0.1, 0.5) * h)
    y1 = min(h, y0 + int(rng.uniform(0.3, 0.5) * h))
    xs = np.arange(w)
    wave = (6 * np.sin(xs / rng.uniform(15, 40))).astype(int)
    region = np.zeros((h, w), np.uint8)
    for x in xs:
        region[max(0, y0 + wave[x]):max(0, y1 + wave[x]), x] = 1
    texture = rng.uniform(18, 30) + 6 * smooth_noise(rng, 2, (h, w))
    im = np.where(region > 0, im + texture, im)
    lab[region > 0] = 5
    return im, lab


def defect_free(rng: Rng) -> Sample:
    h, w = _size(rng)
    return ground(rng, h, w), np.zeros((h, w), np.uint8)


GENERATORS: Dict[str, Callable[[Rng], Sample]] = {
    "Blowhole": blowhole,
    "Break": break_,
    "Crack": crack,
    "Fray": fray,
    "Uneven": uneven,
    "Free": defect_free,
}


def render(sample: Sample) -> Sample:
    """uint8 image (sensor blur) and its label map."""
    im, lab = sample
    return np.clip(cv2.GaussianBlur(im, (0, 0), 0.6), 0, 255).astype(np.uint8), lab
