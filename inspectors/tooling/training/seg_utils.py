"""PaddleSeg training helpers: loss wrappers for paddle 2.6, checkpoints that resume in
any process (optimizer keys renamed to the current parameter names), pruning, export."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Dict, List, Optional


def _loss_wrapper():
    from paddle import nn

    class Loss1D(nn.Layer):
        """Returns the wrapped loss as shape [1] (paddleseg 2.8's logging indexes ``l[0]``,
        which fails on paddle 2.6's 0-D losses) and records head-0 values."""

        def __init__(self, loss: nn.Layer, sink: Optional[List[float]]) -> None:
            super().__init__()
            self.loss, self.sink = loss, sink
            self.ignore_index = getattr(loss, "ignore_index", 255)

        def forward(self, logits, labels):
            value = self.loss(logits, labels).reshape([1])
            if self.sink is not None:
                self.sink.append(float(value))
            return value

    return Loss1D


def wrap_losses(losses: Dict[str, Any], sink: List[float]) -> int:
    """Wrap every plain / MixedLoss member in place; returns how many head-0 terms record."""
    wrap, recorded = _loss_wrapper(), 0
    for head, loss in enumerate(losses["types"]):
        rec = sink if head == 0 else None
        name = type(loss).__name__
        if name == "MixedLoss":
            loss.losses = [wrap(inner, rec) for inner in loss.losses]
            recorded += len(loss.losses) if head == 0 else 0
        elif name not in ("BCELoss", "KLLoss"):
            losses["types"][head] = wrap(loss, rec)
            recorded += 1 if head == 0 else 0
    return recorded


def _rename_opt_keys(state: Dict[str, Any], mapping: Dict[str, str]) -> Dict[str, Any]:
    """Optimizer keys start with a parameter's process-wide name; map them to new names."""
    order = sorted(mapping, key=len, reverse=True)
    out: Dict[str, Any] = {}
    for key, value in state.items():
        src = next((s for s in order if key.startswith(s + "_")), None)
        out[mapping[src] + key[len(src):] if src else key] = value
    return out


def resume_dir_for(model, ckpt: Path) -> Path:
    """A copy of ``ckpt`` whose optimizer keys use this process's parameter names (names
    are counters; they differ when the model was built in another order or process)."""
    import paddle

    names_file = ckpt / "param_names.json"
    if not names_file.is_file():
        return ckpt
    saved = json.loads(names_file.read_text(encoding="utf-8"))
    current = {n: p.name for n, p in model.named_parameters()}
    mapping = {raw: current[n] for n, raw in saved.items() if n in current}
    dest = ckpt.parent / "resume" / ckpt.name
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ckpt / "model.pdparams", dest / "model.pdparams")
    opt = _rename_opt_keys(paddle.load(str(ckpt / "model.pdopt")), mapping)
    paddle.save(opt, str(dest / "model.pdopt"))
    return dest


def prune(out: Path, keep: set) -> None:
    """Remove checkpoints other than the two newest and those in ``keep``."""
    dirs = sorted(out.glob("iter_*"), key=lambda d: int(d.name.split("_")[-1]))
    for d in dirs[:-2]:
        if int(d.name.split("_")[-1]) not in keep:
            shutil.rmtree(d, ignore_errors=True)


def latest_iter(out: Path) -> Optional[Path]:
    dirs = [d for d in out.glob("iter_*") if (d / "model.pdopt").is_file()]
    return max(dirs, key=lambda d: int(d.name.split("_")[-1])) if dirs else None


def export_model(model, out_dir: Path, cfg: Dict[str, Any], output_op: str):
    """PaddleSeg deploy layout via :mod:`inspectors.tooling.exporters` (val transforms as written)."""
    from ..exporters.paddleseg_export import export_paddleseg

    transforms = [dict(t) for t in cfg["val_dataset"].get("transforms", [{"type": "Normalize"}])]
    return export_paddleseg(model, out_dir, transforms=transforms, output_op=output_op)
