"""NEU-style classification data for training: a PaddleClas list read with the project's
ground-truth reader, strict checks before the first step, images cached in memory,
training augmentation, and the exact inference preprocessing of the export."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np

from ...errors import InspectorError
from ...formats.paddleclas import cls_op
from ...groundtruth.classification import load_cls_list
from ...imageio import read_image
from ...perturb import AugmentItem, parse_augment, random_perturb
from ...preprocess import Preprocessor
from .common import TrainingDataError


def eval_transform_ops(size: int, resize_short: Optional[int] = None) -> List[Dict]:
    """The PaddleClas ``transform_ops`` the export writes: resize the short side to
    ``resize_short`` (default ``size``: a plain resize for square NEU images), centre-crop
    ``size``, ImageNet normalisation. Training feeds the network through the same ops."""
    from ..exporters.paddleclas_export import transform_ops

    return transform_ops(size, resize_short or size, 1.0 / 255.0, True)


def preprocessor(size: int, resize_short: Optional[int] = None) -> Preprocessor:
    """The engine's own preprocessor for :func:`eval_transform_ops` (identical arithmetic)."""
    ops = [op for op in (cls_op(e) for e in eval_transform_ops(size, resize_short)) if op]
    return Preprocessor(tuple(ops), rgb=True, float_first=False)


def load_samples(
    list_file: Path, root: Path, class_names: Optional[Sequence[str]] = None
) -> Tuple[List[Tuple[Path, int]], Tuple[str, ...]]:
    """``(image, class_id)`` rows of a PaddleClas list; any bad line stops training."""
    if not list_file.is_file():
        raise TrainingDataError(f"list file {list_file} not found")
    try:
        gt = load_cls_list(list_file, class_names, root=root)
    except InspectorError as e:
        raise TrainingDataError(f"{list_file}: {e}{_explain(list_file, root)}") from None
    if gt.problems:
        shown = "\n  ".join(p.message for p in gt.problems[:10])
        more = f"\n  ... and {len(gt.problems) - 10} more" if len(gt.problems) > 10 else ""
        raise TrainingDataError(
            f"{list_file}: {len(gt.problems)} bad line(s); fix them before training:\n  {shown}{more}"
        )
    rows = [(p, int(gt.get(p).class_id)) for p in gt.images]
    if not rows:
        raise TrainingDataError(f"{list_file} lists no images")
    return rows, gt.class_names


def _explain(list_file: Path, root: Path) -> str:
    """Why a list has no usable line: the first few missing images, else nothing."""
    missing = []
    for number, line in enumerate(list_file.read_text(encoding="utf-8").splitlines(), 1):
        parts = line.strip().rsplit(None, 1)
        if len(parts) == 2 and not (root / parts[0]).is_file():
            missing.append(f"line {number}: image {parts[0]} not found")
    return ("; " + "; ".join(missing[:5])) if missing else " (the list is empty)"


class ImageCache:
    """Decoded BGR uint8 images, read once (NEU: 1,500 x 200x200x3 = 180 MB)."""

    def __init__(self) -> None:
        self._images: Dict[Path, np.ndarray] = {}

    def get(self, path: Path) -> np.ndarray:
        im = self._images.get(path)
        if im is None:
            try:
                im = read_image(path)
            except InspectorError as e:
                raise TrainingDataError(f"cannot read {path}: {e}") from None
            if im.ndim == 2:
                im = cv2.cvtColor(im, cv2.COLOR_GRAY2BGR)
            self._images[path] = im
        return im


def augment(
    im: np.ndarray, rng: np.random.Generator, hflip: bool = True, vflip: bool = True,
    crop_scale: float = 0.8, brightness: float = 0.2, contrast: float = 0.2,
    perturb: Sequence[AugmentItem] = (), perturb_p: float = 0.5,
) -> np.ndarray:
    """Line-like perturbations first (``perturb``: :func:`inspectors.perturb.random_perturb`,
    on the whole decoded image, as ``evaluate --robustness`` applies them), then random
    flips, a random crop of ``crop_scale``..1 of each side, brightness/contrast."""
    if perturb:
        im = random_perturb(im, perturb, rng, perturb_p)
    if hflip and rng.random() < 0.5:
        im = im[:, ::-1]
    if vflip and rng.random() < 0.5:
        im = im[::-1]
    if crop_scale < 1.0:
        h, w = im.shape[:2]
        ch = int(round(h * rng.uniform(crop_scale, 1.0)))
        cw = int(round(w * rng.uniform(crop_scale, 1.0)))
        y = int(rng.integers(0, h - ch + 1))
        x = int(rng.integers(0, w - cw + 1))
        im = im[y:y + ch, x:x + cw]
    if brightness > 0 or contrast > 0:
        a = 1.0 + rng.uniform(-contrast, contrast)
        b = 255.0 * rng.uniform(-brightness, brightness) * 0.5
        mean = float(im.mean())
        im = np.clip((im.astype(np.float32) - mean) * a + mean + b, 0, 255).astype(np.uint8)
    return np.ascontiguousarray(im)


class Batches:
    """Mini-batches of preprocessed CHW float32 arrays (single process: 2 CPU cores)."""

    def __init__(
        self, rows: List[Tuple[Path, int]], cache: ImageCache, pre: Preprocessor,
        batch_size: int, train: bool, seed: int = 0, aug: Optional[Dict] = None,
        hook: Optional[Callable[[np.ndarray, Path], np.ndarray]] = None,
    ) -> None:
        """``hook(image, path)``: applied to every decoded image (a fixed perturbation
        for validation under line drift), before augmentation and preprocessing."""
        self.rows, self.cache, self.pre, self.hook = rows, cache, pre, hook
        self.batch_size, self.train, self.aug = batch_size, train, dict(aug or {})
        if self.aug.get("perturb"):
            try:
                self.aug["perturb"] = parse_augment(self.aug["perturb"])
            except ValueError as e:
                raise TrainingDataError(f"augment: {e}") from None
        self.seed = seed

    def __len__(self) -> int:
        n = len(self.rows)
        return n // self.batch_size if self.train and n >= self.batch_size else -(-n // self.batch_size)

    def epoch(self, epoch: int):
        """Yield ``(images [B,3,H,W], labels [B])``; training order is shuffled per epoch."""
        order = np.arange(len(self.rows))
        rng = np.random.default_rng([self.seed, epoch])  # reproducible after a resume
        if self.train:
            order = rng.permutation(order)
        for b in range(len(self)):
            idx = order[b * self.batch_size:(b + 1) * self.batch_size]
            xs, ys = [], []
            for i in idx:
                path, label = self.rows[i]
                im = self.cache.get(path)
                if self.hook is not None:
                    im = self.hook(im, path)
                if self.train:
                    im = augment(im, rng, **self.aug)
                xs.append(self.pre(im)[0])
                ys.append(label)
            yield np.stack(xs).astype(np.float32), np.asarray(ys, np.int64)
