"""The line-like perturbations of :mod:`inspectors.perturb` as a PaddleSeg transform and a
PaddleDetection sample operator (``LinePerturb``), so the seg / det recipes train against
the same functions ``evaluate --robustness`` measures.

A recipe asks for them in its ``inspector:`` block (or ``train --augment``)::

    inspector:
      augment: [blur:0-2, noise:0-10, brightness:-30-30]
      augment_p: 0.35      # each item's probability (default 0.35)

They run on the decoded image before every other transform (as the sweep perturbs the
decoded image before the model's preprocessing).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

import numpy as np

from ...perturb import parse_augment, random_perturb
from .common import TrainingError

DEFAULT_P = 0.35


class _Perturber:
    def __init__(self, perturb: Sequence[str] | str, p: float = DEFAULT_P, seed: int = 0) -> None:
        try:
            self.items = parse_augment(perturb)
        except ValueError as e:
            raise TrainingError(f"augment: {e}") from None
        self.p = float(p)
        self.rng = np.random.default_rng(seed)

    def image(self, im: np.ndarray, rgb: bool) -> np.ndarray:
        """Perturb a float or uint8 image in 0..255 (RGB when ``rgb``: the functions expect BGR
        for JPEG's colour conversion); returns the input's dtype."""
        dtype = im.dtype
        u8 = np.clip(np.rint(im), 0, 255).astype(np.uint8) if dtype != np.uint8 else im
        if rgb and u8.ndim == 3:
            u8 = u8[:, :, ::-1]
        out = random_perturb(np.ascontiguousarray(u8), self.items, self.rng, self.p)
        if rgb and out.ndim == 3:
            out = out[:, :, ::-1]
        return np.ascontiguousarray(out).astype(dtype, copy=False)


def recipe_items(extra: Dict[str, Any]) -> Optional[List[str]]:
    """The recipe's (or --augment's ``perturb``) list as strings; None when absent."""
    spec = extra.get("perturb") or extra.get("augment")
    if not spec:
        return None
    try:
        items = parse_augment(spec)
    except ValueError as e:
        raise TrainingError(f"augment: {e}") from None
    return [f"{i.name}:{i.low:g}-{i.high:g}" for i in items]


def register_seg() -> None:
    """Register ``LinePerturb`` with PaddleSeg's transform manager (idempotent)."""
    from paddleseg.cvlibs import manager

    if "LinePerturb" in manager.TRANSFORMS.components_dict:
        return

    class LinePerturb(_Perturber):
        """PaddleSeg transform: ``data['img']`` (float32 RGB after PaddleSeg's read)."""

        def __call__(self, data: Dict[str, Any]) -> Dict[str, Any]:
            data["img"] = self.image(data["img"], rgb=True)
            return data

    manager.TRANSFORMS.add_component(LinePerturb)


def add_seg_transform(train_cfg: Dict[str, Any], items: List[str], p: float, seed: int) -> None:
    train_cfg["transforms"] = [{"type": "LinePerturb", "perturb": items, "p": p, "seed": seed}] + [
        t for t in train_cfg.get("transforms", []) if t.get("type") != "LinePerturb"]


def register_det() -> None:
    """Register ``LinePerturb`` as a PaddleDetection sample operator (idempotent)."""
    import ppdet.data.transform as transform
    from ppdet.data.transform.operators import BaseOperator

    if hasattr(transform, "LinePerturb"):
        return

    class LinePerturb(BaseOperator, _Perturber):
        """ppdet operator: ``sample['image']`` (RGB uint8 after ``Decode``)."""

        def __init__(self, perturb: Sequence[str] = (), p: float = DEFAULT_P, seed: int = 0) -> None:
            BaseOperator.__init__(self)
            _Perturber.__init__(self, perturb, p, seed)

        def apply(self, sample, context=None):
            sample["image"] = self.image(sample["image"], rgb=True)
            return sample

    transform.LinePerturb = LinePerturb


def add_det_op(reader: Dict[str, Any], items: List[str], p: float, seed: int) -> None:
    ops = [t for t in reader.get("sample_transforms", []) if "LinePerturb" not in t]
    at = next((i + 1 for i, t in enumerate(ops) if "Decode" in t), 0)
    ops.insert(at, {"LinePerturb": {"perturb": items, "p": p, "seed": seed}})
    reader["sample_transforms"] = ops
