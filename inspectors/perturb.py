"""Line-like image perturbations: what a drifting camera, an ageing lamp or a loose mount
does to the decoded image before the model sees it.

Every perturbation is a pure function ``f(image, strength, rng) -> image`` on a uint8
image (HxW or HxWxC, BGR as :func:`inspectors.imageio.read_image` decodes it), returning a
new uint8 image of the same shape; only ``noise`` draws from ``rng`` (a seeded
``numpy.random.Generator``), so a seed gives the same image every time. Results are
rounded to the nearest integer and clipped to 0..255. The same functions run in
``evaluate --robustness`` (measuring) and in the training recipes' ``augment`` (training
against), so what is measured and what is trained against are one code.

Formulas (``I`` the input as float, ``s`` the strength):

- ``blur`` (sigma, px): Gaussian, kernel 2*ceil(3 s)+1, border reflect-101 (OpenCV).
- ``motion`` (length, px): the mean along a line of ``s`` px through each pixel at
  ``MOTION_ANGLE`` degrees (bilinear line kernel, normalised to sum 1), border reflect-101.
- ``brightness`` (+-%): ``I * (1 + s/100)`` (-20 = a lamp 20 % dimmer).
- ``contrast`` (+-%): ``(I - m) * (1 + s/100) + m``, ``m`` the image's mean over all pixels.
- ``gamma`` (exponent): ``255 * (I/255) ** s``.
- ``noise`` (sigma, grey levels): ``I + N(0, s)``, independent per pixel and channel.
- ``jpeg`` (quality 1-100): JPEG encode at that quality and decode (OpenCV / libjpeg).
- ``shift`` (px): translate by ``s`` px right and ``s`` px down, bilinear, border replicate.
- ``rotate`` (degrees): rotate counter-clockwise by ``s`` about the image centre
  ((w-1)/2, (h-1)/2), bilinear, border replicate.
- ``vignette`` (%): ``I * (1 - s/100 * (r/R)**2)``, ``r`` the distance to the centre,
  ``R`` the half diagonal (corners ``s`` % darker, the centre unchanged).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np

PerturbFn = Callable[[np.ndarray, float, Optional[np.random.Generator]], np.ndarray]

MOTION_ANGLE = 0.0  # degrees: horizontal, the direction a conveyor moves


def _to_u8(x: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(x), 0, 255).astype(np.uint8)


def gaussian_blur(im: np.ndarray, sigma: float, rng=None) -> np.ndarray:
    if sigma <= 0:
        return im.copy()
    k = 2 * math.ceil(3 * sigma) + 1
    return cv2.GaussianBlur(im, (k, k), sigmaX=sigma, sigmaY=sigma, borderType=cv2.BORDER_REFLECT_101)


def motion_kernel(length: float, angle: float = MOTION_ANGLE) -> np.ndarray:
    """A line of ``length`` px (end taps weighted by the fraction of a pixel they cover)
    rotated by ``angle`` degrees about its centre, normalised to sum 1."""
    n = 2 * math.ceil((length - 1) / 2) + 1
    k = np.zeros((n, n), np.float32)
    c = n // 2
    half = (length - 1) / 2
    for i in range(n):
        k[c, i] = float(np.clip(half + 1 - abs(i - c), 0.0, 1.0))
    if angle % 180:
        m = cv2.getRotationMatrix2D((float(c), float(c)), angle, 1.0)
        k = cv2.warpAffine(k, m, (n, n), flags=cv2.INTER_LINEAR)
    return k / k.sum()


def motion_blur(im: np.ndarray, length: float, rng=None, angle: float = MOTION_ANGLE) -> np.ndarray:
    if length <= 1:
        return im.copy()
    out = cv2.filter2D(im.astype(np.float32), -1, motion_kernel(length, angle),
                       borderType=cv2.BORDER_REFLECT_101)
    return _to_u8(out)


def brightness(im: np.ndarray, pct: float, rng=None) -> np.ndarray:
    return _to_u8(im.astype(np.float32) * (1.0 + pct / 100.0))


def contrast(im: np.ndarray, pct: float, rng=None) -> np.ndarray:
    x = im.astype(np.float32)
    m = float(x.mean())
    return _to_u8((x - m) * (1.0 + pct / 100.0) + m)


def gamma(im: np.ndarray, g: float, rng=None) -> np.ndarray:
    lut = _to_u8(255.0 * (np.arange(256) / 255.0) ** g)
    return lut[im]


def noise(im: np.ndarray, sigma: float, rng: Optional[np.random.Generator] = None) -> np.ndarray:
    if sigma <= 0:
        return im.copy()
    rng = rng if rng is not None else np.random.default_rng(0)
    return _to_u8(im.astype(np.float32) + rng.normal(0.0, sigma, im.shape).astype(np.float32))


def jpeg(im: np.ndarray, quality: float, rng=None) -> np.ndarray:
    if quality >= 100:
        return im.copy()
    ok, buf = cv2.imencode(".jpg", im, [cv2.IMWRITE_JPEG_QUALITY, int(round(quality))])
    if not ok:
        raise ValueError("JPEG encoding failed")
    return cv2.imdecode(buf, cv2.IMREAD_UNCHANGED).reshape(im.shape)


def _warp(im: np.ndarray, m: np.ndarray) -> np.ndarray:
    h, w = im.shape[:2]
    out = cv2.warpAffine(im, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return out.reshape(im.shape)


def shift(im: np.ndarray, px: float, rng=None) -> np.ndarray:
    if px == 0:
        return im.copy()
    return _warp(im, np.float64([[1, 0, px], [0, 1, px]]))


def rotate(im: np.ndarray, degrees: float, rng=None) -> np.ndarray:
    if degrees == 0:
        return im.copy()
    h, w = im.shape[:2]
    return _warp(im, cv2.getRotationMatrix2D(((w - 1) / 2.0, (h - 1) / 2.0), degrees, 1.0))


def vignette_gain(h: int, w: int, pct: float) -> np.ndarray:
    cy, cx = (h - 1) / 2.0, (w - 1) / 2.0
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    r2 = ((x - cx) ** 2 + (y - cy) ** 2) / max(cx * cx + cy * cy, 1e-9)
    return 1.0 - pct / 100.0 * r2


def vignette(im: np.ndarray, pct: float, rng=None) -> np.ndarray:
    g = vignette_gain(im.shape[0], im.shape[1], pct)
    if im.ndim == 3:
        g = g[:, :, None]
    return _to_u8(im.astype(np.float32) * g)


@dataclass(frozen=True)
class Perturbation:
    """One kind of perturbation: its function, what its strength means, where it has no
    effect, the default sweep, and how severe a strength is (for "tolerates up to")."""

    name: str
    fn: PerturbFn
    unit: str
    identity: float
    sweep: Tuple[float, ...]
    severity: Callable[[float], float]
    signed: bool = False  # a range "a-b" with a < 0 makes sense (darker and brighter)

    def apply(self, im: np.ndarray, strength: float, rng: Optional[np.random.Generator] = None) -> np.ndarray:
        return self.fn(im, strength, rng)

    def label(self, strength: float) -> str:
        sign = "+" if self.signed and strength > 0 else ""
        return f"{self.name} {sign}{strength:g}{self.unit}"


PERTURBATIONS: Dict[str, Perturbation] = {
    p.name: p
    for p in (
        Perturbation("blur", gaussian_blur, " px sigma", 0.0, (0.5, 1.0, 1.5, 2.0, 3.0), abs),
        Perturbation("motion", motion_blur, " px", 1.0, (3.0, 5.0, 9.0, 15.0), abs),
        Perturbation("brightness", brightness, " %", 0.0, (-30.0, -20.0, -10.0, 10.0, 20.0, 30.0), abs, True),
        Perturbation("contrast", contrast, " %", 0.0, (-30.0, -15.0, 15.0, 30.0), abs, True),
        Perturbation("gamma", gamma, "", 1.0, (0.6, 0.8, 1.25, 1.6), lambda g: abs(math.log(g))),
        Perturbation("noise", noise, " grey levels sigma", 0.0, (2.0, 4.0, 8.0, 12.0, 16.0), abs),
        Perturbation("jpeg", jpeg, " quality", 100.0, (80.0, 60.0, 40.0, 20.0, 10.0), lambda q: 100.0 - q),
        Perturbation("shift", shift, " px", 0.0, (1.0, 2.0, 4.0, 8.0), abs),
        Perturbation("rotate", rotate, " deg", 0.0, (1.0, 2.0, 5.0, 10.0), abs, True),
        Perturbation("vignette", vignette, " %", 0.0, (10.0, 20.0, 30.0, 50.0), abs),
    )
}


def perturbation(name: str) -> Perturbation:
    try:
        return PERTURBATIONS[name.strip().lower()]
    except KeyError:
        raise ValueError(f"unknown perturbation {name!r}; known: {', '.join(PERTURBATIONS)}") from None


def parse_names(text: str) -> List[str]:
    """``"blur,noise"`` -> validated names (``"all"``: every perturbation)."""
    names = [n.strip().lower() for n in text.split(",") if n.strip()]
    if not names:
        raise ValueError("no perturbation named")
    if names == ["all"]:
        return list(PERTURBATIONS)
    return [perturbation(n).name for n in names]


_RANGE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(?:-\s*(-?\d+(?:\.\d+)?))?\s*$")


@dataclass(frozen=True)
class AugmentItem:
    name: str
    low: float
    high: float


def parse_augment(spec) -> List[AugmentItem]:
    """``"blur:0-2,noise:0-10,brightness:-30-30"`` (or a list of such items, or a mapping
    name -> [low, high]) -> the training augmentation list. A single value ``x`` means
    the range from the identity to ``x`` (``-x..x`` for the signed brightness / contrast /
    rotate)."""
    if isinstance(spec, dict):
        items = [f"{k}:{v[0]}-{v[1]}" if isinstance(v, (list, tuple)) else f"{k}:{v}" for k, v in spec.items()]
    elif isinstance(spec, str):
        items = [s for s in spec.split(",") if s.strip()]
    else:
        items = [str(s) for s in spec or ()]
    out: List[AugmentItem] = []
    for item in items:
        name, _, rng_text = item.partition(":")
        p = perturbation(name)
        m = _RANGE.match(rng_text)
        if not m:
            raise ValueError(f"augment {item!r}: expected name:low-high, e.g. blur:0-2")
        a = float(m.group(1))
        if m.group(2) is None:
            low, high = (-abs(a), abs(a)) if p.signed else (p.identity, a)
        else:
            low, high = a, float(m.group(2))
        if low > high:
            raise ValueError(f"augment {item!r}: low {low:g} above high {high:g}")
        out.append(AugmentItem(p.name, low, high))
    return out


def random_perturb(im: np.ndarray, items: Sequence[AugmentItem], rng: np.random.Generator,
                   p: float = 0.5) -> np.ndarray:
    """Training augmentation: each item applied with probability ``p`` at a strength drawn
    uniformly from its range, in the listed order (the same functions the sweep measures)."""
    for item in items:
        if rng.random() < p:
            im = PERTURBATIONS[item.name].apply(im, float(rng.uniform(item.low, item.high)), rng)
    return im
