"""Preprocessing operators with the exact arithmetic of the Paddle suites.

Every op works on an HWC image (uint8 or float32) and a :class:`Meta` record that
tracks what the postprocessor needs: the shapes before each resize / padding (to
map segmentation maps back, as PaddleSeg's ``reverse_transform`` does) and
``im_shape`` / ``scale_factor`` (the extra inputs of PaddleDetection models).

The ops differ on purpose where the suites differ (PaddleSeg rounds a kept ratio
with ``round``, PaddleDetection resizes by scale factors, PaddleClas rounds the
short side with ``round`` and crops with floor division); the config readers in
:mod:`inspectors.formats` pick the op that matches the suite that wrote the config.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Tuple

import cv2
import numpy as np

from ..errors import PreprocessError

INTERP = {
    "NEAREST": cv2.INTER_NEAREST,
    "LINEAR": cv2.INTER_LINEAR,
    "CUBIC": cv2.INTER_CUBIC,
    "AREA": cv2.INTER_AREA,
    "LANCZOS4": cv2.INTER_LANCZOS4,
}


def interp_code(value, default: int = cv2.INTER_LINEAR) -> int:
    """Accept OpenCV codes (ppdet writes ints) and names (PaddleSeg/PaddleX write strings)."""
    if value is None:
        return default
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        if int(value) not in INTERP.values():
            raise PreprocessError(f"unknown interpolation code {value}")
        return int(value)
    name = str(value).upper().replace("INTER_", "")
    if name == "RANDOM":  # a training-time option; inference uses the default
        return default
    if name == "BILINEAR":
        name = "LINEAR"
    if name == "BICUBIC":
        name = "CUBIC"
    if name not in INTERP:
        raise PreprocessError(f"unknown interpolation {value!r}; expected one of {sorted(INTERP)}")
    return INTERP[name]


@dataclass
class Meta:
    """Per-image bookkeeping filled in while preprocessing."""

    original_size: Tuple[int, int]  # (h, w) of the decoded image
    im_shape: Tuple[float, float] = (0.0, 0.0)  # (h, w) after resizing (ppdet input)
    scale_factor: Tuple[float, float] = (1.0, 1.0)  # (scale_y, scale_x) (ppdet input)
    trace: List[Tuple[str, Tuple[int, int]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.im_shape == (0.0, 0.0):
            self.im_shape = (float(self.original_size[0]), float(self.original_size[1]))


class Op:
    """Base class: ``__call__(image, meta) -> image``."""

    def __call__(self, im: np.ndarray, meta: Meta) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({args})"


def _pair(value, what: str) -> Tuple[int, int]:
    if isinstance(value, (int, np.integer)):
        return int(value), int(value)
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return int(value[0]), int(value[1])
    raise PreprocessError(f"{what} must be an int or a pair, got {value!r}")


def _record_resize(meta: Meta, im: np.ndarray, new_h: int, new_w: int, sy: float, sx: float) -> None:
    meta.trace.append(("resize", (im.shape[0], im.shape[1])))
    meta.im_shape = (float(new_h), float(new_w))
    meta.scale_factor = (meta.scale_factor[0] * sy, meta.scale_factor[1] * sx)


#: Largest image a preprocessing step may make. An extreme aspect ratio (a 1 x 60,000 strip
#: resized to a short side of 256) would otherwise ask for gigabytes.
MAX_RESIZED_PIXELS = 64_000_000


def check_resize(h: int, w: int, src: Tuple[int, int]) -> None:
    if h * w > MAX_RESIZED_PIXELS:
        raise PreprocessError(
            f"resizing {src[1]}x{src[0]} would make a {w}x{h} image ({h * w / 1e6:.0f} megapixels, "
            f"limit {MAX_RESIZED_PIXELS / 1e6:g}); the aspect ratio is too extreme for this model")


def _resize_to(im: np.ndarray, meta: Meta, w: int, h: int, interp: int) -> np.ndarray:
    if w <= 0 or h <= 0:
        raise PreprocessError(f"resize target {w}x{h} is empty")
    check_resize(h, w, im.shape[:2])
    sy, sx = h / im.shape[0], w / im.shape[1]
    _record_resize(meta, im, h, w, sy, sx)
    return cv2.resize(im, (w, h), interpolation=interp)


class SegResize(Op):
    """PaddleSeg ``Resize``: target_size is (w, h); keep_ratio uses ``rescale_size``."""

    def __init__(self, target_size=(512, 512), keep_ratio=False, size_divisor=None, interp="LINEAR"):
        self.target = _pair(target_size, "target_size")
        self.keep_ratio = bool(keep_ratio)
        self.size_divisor = int(size_divisor) if size_divisor else None
        self.interp = interp_code(interp)

    def __call__(self, im, meta):
        w, h = self.target
        if self.keep_ratio:
            ih, iw = im.shape[:2]
            scale = min(max(self.target) / max(iw, ih), min(self.target) / min(iw, ih))
            w, h = round(iw * scale), round(ih * scale)
        if self.size_divisor:
            w = math.ceil(w / self.size_divisor) * self.size_divisor
            h = math.ceil(h / self.size_divisor) * self.size_divisor
        return _resize_to(im, meta, w, h, self.interp)


class ResizeHW(Op):
    """Resize to an exact (h, w) (PaddleX 2.x ``Resize`` without keep_ratio)."""

    def __init__(self, height: int, width: int, interp="LINEAR"):
        self.height, self.width, self.interp = int(height), int(width), interp_code(interp)

    def __call__(self, im, meta):
        return _resize_to(im, meta, self.width, self.height, self.interp)


class ResizeShort(Op):
    """Scale so the short side is ``short_size`` (PaddleSeg/PaddleX ``ResizeByShort``,
    PaddleClas ``ResizeImage(resize_short=...)``); ``max_size`` caps the long side."""

    def __init__(self, short_size: int, max_size: Optional[float] = None, interp="LINEAR"):
        self.short_size = int(short_size)
        self.max_size = float(max_size) if max_size and max_size > 0 else None
        self.interp = interp_code(interp)

    def __call__(self, im, meta):
        h, w = im.shape[:2]
        short = self.short_size
        if self.max_size and short / min(h, w) * max(h, w) > self.max_size:
            short = int(self.max_size / max(h, w) * min(h, w))
        scale = short / min(h, w)
        return _resize_to(im, meta, int(round(w * scale)), int(round(h * scale)), self.interp)


class ResizeLong(Op):
    """Scale so the long side is ``long_size`` (PaddleSeg/PaddleX ``ResizeByLong``)."""

    def __init__(self, long_size: int, interp="LINEAR"):
        self.long_size, self.interp = int(long_size), interp_code(interp)

    def __call__(self, im, meta):
        h, w = im.shape[:2]
        scale = self.long_size / max(h, w)
        return _resize_to(im, meta, int(round(w * scale)), int(round(h * scale)), self.interp)


class DetResize(Op):
    """PaddleDetection ``Resize``: target_size is (h, w); with keep_ratio the scale
    fits min/max of the target; OpenCV resizes by the scale factors (fx, fy)."""

    def __init__(self, target_size, keep_ratio=True, interp=cv2.INTER_LINEAR):
        self.target = _pair(target_size, "target_size")
        self.keep_ratio = bool(keep_ratio)
        self.interp = interp_code(interp)

    def __call__(self, im, meta):
        h, w = im.shape[:2]
        if self.keep_ratio:
            scale = min(min(self.target) / min(h, w), max(self.target) / max(h, w))
            sx = sy = scale
            new_h, new_w = scale * h, scale * w
        else:
            new_h, new_w = self.target
            sy, sx = new_h / h, new_w / w
        if round(new_h) <= 0 or round(new_w) <= 0:
            raise PreprocessError(f"resize target {new_w:g}x{new_h:g} is empty")
        check_resize(round(new_h), round(new_w), (h, w))
        out = cv2.resize(im, None, None, fx=sx, fy=sy, interpolation=self.interp)
        meta.trace.append(("resize", (h, w)))
        meta.im_shape = (float(new_h), float(new_w))
        meta.scale_factor = (meta.scale_factor[0] * sy, meta.scale_factor[1] * sx)
        return out


class PadTo(Op):
    """Pad bottom/right to a fixed (w, h) (PaddleSeg/PaddleX ``Padding``)."""

    def __init__(self, target_size, value: Sequence[float] = (127.5, 127.5, 127.5)):
        self.target = _pair(target_size, "target_size")
        self.value = tuple(float(v) for v in (value if isinstance(value, (list, tuple)) else [value] * 3))

    def __call__(self, im, meta):
        h, w = im.shape[:2]
        tw, th = self.target
        if h > th or w > tw:
            raise PreprocessError(
                f"image {w}x{h} is larger than the model's padding size {tw}x{th}"
            )
        meta.trace.append(("padding", (h, w)))
        return cv2.copyMakeBorder(im, 0, th - h, 0, tw - w, cv2.BORDER_CONSTANT, value=self.value)


class PadStride(Op):
    """Pad bottom/right with zeros to a multiple of ``stride`` (ppdet FPN models)."""

    def __init__(self, stride: int = 32):
        self.stride = int(stride)

    def __call__(self, im, meta):
        if self.stride <= 0:
            return im
        h, w = im.shape[:2]
        th = int(math.ceil(h / self.stride) * self.stride)
        tw = int(math.ceil(w / self.stride) * self.stride)
        if (th, tw) == (h, w):
            return im
        meta.trace.append(("padding", (h, w)))
        return cv2.copyMakeBorder(im, 0, th - h, 0, tw - w, cv2.BORDER_CONSTANT, value=(0, 0, 0))


class CenterCrop(Op):
    """Centre crop to (w, h) with floor offsets (PaddleClas ``CropImage``)."""

    def __init__(self, size):
        self.size = _pair(size, "crop size")

    def __call__(self, im, meta):
        w, h = self.size
        ih, iw = im.shape[:2]
        if w > iw or h > ih:
            raise PreprocessError(f"crop {w}x{h} is larger than the image {iw}x{ih}")
        x0, y0 = (iw - w) // 2, (ih - h) // 2
        meta.trace.append(("crop", (ih, iw)))
        return im[y0 : y0 + h, x0 : x0 + w]


class Normalize(Op):
    """``(im * scale - mean) / std`` per channel, in float32, in that order.

    ``divide`` selects ``im / 255`` (PaddleSeg) instead of ``im * (1/255)``
    (PaddleDetection, PaddleClas); both are kept so results match the suites bit
    for bit as far as float32 allows.
    """

    def __init__(self, mean=(0.5, 0.5, 0.5), std=(0.5, 0.5, 0.5), scale: float = 1 / 255.0,
                 divide=None, offset: Optional[Sequence[float]] = None):
        self.mean = np.asarray(mean, dtype=np.float64).reshape(1, 1, -1)
        self.std = np.asarray(std, dtype=np.float64).reshape(1, 1, -1)
        if np.any(self.std == 0):
            raise PreprocessError(f"Normalize std must not contain 0: {list(std)}")
        self.scale = float(scale)
        self.divide = None if divide is None else np.asarray(divide, dtype=np.float64).reshape(1, 1, -1)
        if self.divide is not None and np.any(self.divide == 0):
            raise PreprocessError("Normalize range (max_val - min_val) must not contain 0")
        self.offset = None if offset is None else np.asarray(offset, dtype=np.float64).reshape(1, 1, -1)

    def __call__(self, im, meta):
        if im.ndim == 3 and all(p is None or p.size in (1, im.shape[2])
                                for p in (self.offset, self.divide, self.mean, self.std)):
            return self._per_channel(im)
        im = im.astype(np.float32, copy=True)
        if self.offset is not None:
            im -= self.offset
        if self.divide is not None:
            im /= self.divide
        elif self.scale != 1.0:
            im *= self.scale
        im -= self.mean
        im /= self.std
        return im

    def _per_channel(self, im: np.ndarray) -> np.ndarray:
        """The same arithmetic channel by channel: each step in float64 rounded to float32,
        as ``im -= mean`` does, bit for bit, but without NumPy's buffered cast over an
        innermost axis of 3 (4-5x slower: a third of a fast model's time per image).

        The float32 copy is made channel-first (planes contiguous: each step runs over one
        contiguous plane, about 2x faster than over a stride-3 column) and handed back as
        an HxWxC view of it, so :func:`to_chw` finds it already laid out and copies nothing."""
        im = np.array(im.transpose(2, 0, 1), dtype=np.float32, order="C")

        def step(ufunc, col, values, c):
            ufunc(col, values.flat[c if values.size > 1 else 0], out=col, dtype=np.float64, casting="same_kind")

        if self.divide is None and self.scale != 1.0:
            im *= self.scale  # float32 with a Python float: a float32 loop, as before
        for c in range(im.shape[0]):
            col = im[c]
            if self.offset is not None:
                step(np.subtract, col, self.offset, c)
            if self.divide is not None:
                step(np.divide, col, self.divide, c)
            step(np.subtract, col, self.mean, c)
            step(np.divide, col, self.std, c)
        return im.transpose(1, 2, 0)


def to_chw(im: np.ndarray) -> np.ndarray:
    if im.ndim == 2:
        im = im[:, :, None]
    return np.ascontiguousarray(im.transpose(2, 0, 1), dtype=np.float32)
