"""What the rules tests share: small hand-built results and one-image verdicts."""

from __future__ import annotations

from collections import deque

import numpy as np

from inspectors.results import (
    DetectionResult,
    SegmentationResult,
)
from inspectors.rules import (
    ImageVerdict,
    Rules,
    bind,
    decide_result,
)

__all__ = ["OK", "REVIEW", "NG", "SEG", "DET", "seg", "det", "verdict", "flood_components", "random_label_map"]

OK, REVIEW, NG = ImageVerdict.OK, ImageVerdict.REVIEW, ImageVerdict.NG
SEG = ("background", "pit", "scratch")
DET = ("pit", "scratch", "dent")


def seg(lm, conf=None, names=SEG) -> SegmentationResult:
    return SegmentationResult(np.asarray(lm, np.uint8), names, None if conf is None else np.asarray(conf, np.float32))


def det(boxes, scores, classes, size=(100, 200)) -> DetectionResult:
    return DetectionResult(np.array(boxes, np.float32).reshape(-1, 4), scores, classes, DET, size)


def verdict(result, rules: Rules, base=0.5) -> ImageVerdict:
    return decide_result(result, bind(rules, result.class_names, base)).verdict


def flood_components(lm: np.ndarray, background=0):
    """Independent: 8-connected components per class by breadth-first search, as sets."""
    h, w = lm.shape
    seen = np.zeros_like(lm, bool)
    out = []
    for y in range(h):
        for x in range(w):
            c = int(lm[y, x])
            if c == background or seen[y, x]:
                continue
            pixels, queue = set(), deque([(y, x)])
            seen[y, x] = True
            while queue:
                py, px = queue.popleft()
                pixels.add((py, px))
                for dy in (-1, 0, 1):
                    for dx in (-1, 0, 1):
                        ny, nx = py + dy, px + dx
                        if 0 <= ny < h and 0 <= nx < w and not seen[ny, nx] and lm[ny, nx] == c:
                            seen[ny, nx] = True
                            queue.append((ny, nx))
            out.append((c, frozenset(pixels)))
    return out


def random_label_map(rng, shape=(24, 32), classes=3, density=0.25):
    lm = rng.integers(1, classes, shape) * (rng.uniform(size=shape) < density)
    return lm.astype(np.uint8)
