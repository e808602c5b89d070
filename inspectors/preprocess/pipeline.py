"""A model's preprocessing: colour order, dtype and a list of ops, ending in CHW float32."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence, Tuple

import cv2
import numpy as np

from .ops import Meta, Op, to_chw


@dataclass(frozen=True)
class Preprocessor:
    """Turns a decoded BGR uint8 image into the network input.

    ``rgb``: convert BGR -> RGB first (all suites except PaddleX 1.x ``TransformsMode: BGR``).
    ``float_first``: cast to float32 before the ops (PaddleSeg does; ppdet and
    PaddleClas resize the uint8 image and cast in ``Normalize``).
    """

    ops: Tuple[Op, ...]
    rgb: bool = True
    float_first: bool = False

    def __call__(self, image: np.ndarray) -> Tuple[np.ndarray, Meta]:
        if image.ndim == 2:
            image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
        meta = Meta(original_size=(int(image.shape[0]), int(image.shape[1])))
        im = cv2.cvtColor(image, cv2.COLOR_BGR2RGB) if self.rgb else image
        if self.float_first:
            im = im.astype(np.float32)
        for op in self.ops:
            im = op(im, meta)
        return to_chw(im), meta

    def describe(self) -> Sequence[str]:
        return [repr(op) for op in self.ops]
