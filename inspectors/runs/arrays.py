"""Compact forms of a result's arrays: PNG label maps, 8-bit confidence, histograms.

- Label map: a grayscale PNG, uint8 (up to 256 labels, ``ignore_index`` 255 included)
  or uint16; exact.
- Confidence (winning class probability per pixel): quantized to ``round(c * 255)`` as
  an 8-bit PNG; read back as ``q / 255`` (within 1/255 of the original). NaN is stored as 0.
- Per-class confidence histograms (:func:`class_histograms`): ``counts[class, bin]`` of the
  prediction's pixels in the 101 bins of :func:`inspectors.metrics.segmentation.bin_confidences`
  (bin ``k`` holds ``k/100 <= c < (k+1)/100``), computed from the full-precision confidence,
  so "pixels of class c at or above threshold t" is exact on the 0.01 grid without a mask.

Measured (bench/bench_runs.py, one synthetic 1600x256 softmax strip, 4 classes, confidence
made at 800x128 and resized; 2 shared CPU cores): in RAM the result is 2.05 MB (uint8 label
map 0.4 MB + float32 confidence 1.6 MB); on disk the label PNG is 17 KB and the confidence
PNG 226 KB at cv2 level 1 (15 ms to encode) -- 243 KB, 8x smaller than RAM. Level 6 gives
209 KB in 48 ms; ``np.savez_compressed`` of the same uint8 arrays 322 KB in 29 ms. The index
row (scores + zlib'd 101-bin histograms, ~0.6 KB) is ~1.1 KB per image.
"""

from __future__ import annotations

import zlib
from typing import Optional

import cv2
import numpy as np

from ..errors import InspectorError
from ..metrics.segmentation import N_BINS, bin_confidences

#: cv2 PNG compression level: 1 is ~3x faster than 6 and within a few % of its size here.
PNG_LEVEL = 1


def encode_png(image: np.ndarray) -> bytes:
    """A 2-D uint8 / uint16 array as PNG bytes."""
    ok, buf = cv2.imencode(".png", image, [cv2.IMWRITE_PNG_COMPRESSION, PNG_LEVEL])
    if not ok:
        raise InspectorError(f"cannot encode a {image.dtype} {image.shape} array as PNG")
    return buf.tobytes()


def decode_png(data: bytes, what: str) -> np.ndarray:
    """PNG bytes back to the 2-D array (InspectorError naming ``what`` when unreadable)."""
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED) if data else None
    if img is None or img.ndim != 2:
        raise InspectorError(f"{what} is not a readable single-channel PNG ({len(data)} bytes)")
    return img


def label_png(label_map: np.ndarray) -> bytes:
    """Label map as uint8 or uint16 PNG (exact)."""
    lm = np.asarray(label_map)
    if lm.size and (lm.min() < 0 or lm.max() > 65535):
        raise InspectorError(f"label values {int(lm.min())}..{int(lm.max())} do not fit 16 bits")
    dtype = np.uint8 if not lm.size or lm.max() <= 255 else np.uint16
    return encode_png(np.ascontiguousarray(lm, dtype=dtype))


def quantize(confidence: np.ndarray) -> np.ndarray:
    """float confidence in [0, 1] -> uint8 ``round(c * 255)`` (NaN -> 0)."""
    c = np.nan_to_num(np.asarray(confidence, np.float32), nan=0.0)
    return np.rint(np.clip(c, 0.0, 1.0) * np.float32(255.0)).astype(np.uint8)


def dequantize(q: np.ndarray) -> np.ndarray:
    """uint8 -> float32 ``q / 255``."""
    return q.astype(np.float32) / np.float32(255.0)


def confidence_png(confidence: np.ndarray) -> bytes:
    return encode_png(quantize(confidence))


def class_histograms(label_map: np.ndarray, confidence: Optional[np.ndarray],
                     num_classes: int) -> np.ndarray:
    """``counts[class, bin]`` (uint32, shape (C, 101)) of the predicted pixels per class and
    confidence bin; labels outside ``0..C-1`` (ignore) are left out; no confidence counts
    as 1.0 (bin 100), as the metrics count it."""
    lm = np.asarray(label_map).ravel().astype(np.int64)
    if confidence is None:
        bins = np.full(lm.size, N_BINS - 1, np.int64)
    else:
        bins = bin_confidences(confidence).astype(np.int64)
    keep = (lm >= 0) & (lm < num_classes)
    idx = lm[keep] * N_BINS + bins[keep]
    return np.bincount(idx, minlength=num_classes * N_BINS).astype(np.uint32).reshape(num_classes, N_BINS)


def pack_histograms(hist: np.ndarray) -> bytes:
    return zlib.compress(np.ascontiguousarray(hist, np.uint32).tobytes(), 1)


def unpack_histograms(data: bytes, num_classes: int) -> np.ndarray:
    return np.frombuffer(zlib.decompress(data), np.uint32).reshape(num_classes, N_BINS)
