"""After training: evaluate the export on the validation split and write its model card."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

from .evaluation import evaluate_export
from .model_card import write_model_card


def _rel(path: Path) -> str:
    """``path`` relative to the working directory (the repository root), as a command uses it."""
    try:
        return os.path.relpath(Path(path).resolve(), Path.cwd().resolve())
    except ValueError:  # another drive (Windows)
        return str(path)


def set_draw_threshold(infer_cfg: Path, threshold: float) -> None:
    """Rewrite ``draw_threshold`` in a ppdet ``infer_cfg.yml``, leaving the rest as written."""
    text = infer_cfg.read_text(encoding="utf-8")
    new, n = re.subn(r"^draw_threshold:.*$", f"draw_threshold: {threshold:.2f}", text, flags=re.M)
    if n == 0:
        new = f"draw_threshold: {threshold:.2f}\n" + text
    tmp = infer_cfg.with_suffix(".tmp")
    tmp.write_text(new, encoding="utf-8")
    os.replace(tmp, infer_cfg)


def _reproduce(task: str, config_path: Path, export_dir: Path, data_root: Path,
               pretrained: Optional[str] = None) -> str:
    """The two commands a model card gives: train the recipe (from the export it continued,
    if any), evaluate the export."""
    start = f" --pretrained {_rel(Path(pretrained))}" if pretrained and Path(pretrained).is_dir() else ""
    return (f"python main.py train {task} --config {_rel(config_path)}{start}\n"
            f"python main.py evaluate --model {_rel(export_dir)} --data {_rel(data_root)} "
            "--out out/eval/" + Path(export_dir).name)


def _start(pretrained: Optional[str], checkpoint: str) -> str:
    """Where training started: an export (a fine-tune), a checkpoint, or nothing."""
    if not pretrained:
        return "from scratch (no pretrained weights available offline)"
    if Path(pretrained).is_dir():
        return f"continued from the weights of the export `{_rel(Path(pretrained))}`"
    return f"{checkpoint} `{_rel(Path(pretrained))}`"


def finalize_classifier(trainer, state: Dict[str, Any], export_dir: Path, config_path: Path,
                        notes: Optional[List[str]] = None) -> Dict[str, Any]:
    """Evaluate ``export_dir`` on the trainer's val list and write MODEL_CARD.md."""
    from ...groundtruth.classification import load_cls_list

    cfg = trainer.cfg
    gt = load_cls_list(cfg.val_list, trainer.names, root=cfg.root)
    metrics = evaluate_export(export_dir, gt)
    per_class = len(trainer.train_rows) // max(1, len(trainer.names))
    data = (f"`{_rel(cfg.root)}`: {len(trainer.train_rows)} training images "
            f"(`{cfg.train_list.name}`, ~{per_class} per class) and {len(trainer.val_rows)} "
            f"validation images (`{cfg.val_list.name}`), classes {', '.join(trainer.names)}. "
            "8-bit gray BMP read as 3 identical channels (as the suites read it).")
    pretrained = getattr(trainer, "pretrained", None)
    keep = ("best validation accuracy kept" if cfg.select is None else
            "kept: the epoch with the largest worst margin over the targets (clean >= "
            f"{cfg.select.clean:.0%}, >= {cfg.select.perturbed:.0%} under "
            f"{', '.join(f'{s.name} {s.strength:g}' for s in cfg.select.under)})")
    recipe = (f"`{cfg.arch}` {_start(str(pretrained) if pretrained else None, 'initialised from')} at "
              f"{cfg.image_size}x{cfg.image_size} (resize short side {cfg.resize_short or cfg.image_size}, "
              f"centre crop, ImageNet mean/std); augmentation {cfg.augment}; SGD momentum "
              f"{cfg.momentum} (Nesterov), lr {cfg.lr} with {cfg.warmup_epochs} warm-up epochs and "
              f"cosine decay, weight decay {cfg.weight_decay}, label smoothing {cfg.label_smoothing}, "
              f"batch {cfg.batch_size}, {cfg.epochs} epochs; {keep} "
              f"(epoch {state.get('best_epoch')}). Exported in the PaddleClas layout "
              "(inference.pdmodel/.pdiparams + inference.yml, softmax appended).")
    reproduce = _reproduce("cls", config_path, export_dir, cfg.root, str(pretrained) if pretrained else None)
    write_model_card(export_dir, title=f"{cfg.model_name}: NEU-CLS surface-defect classifier",
                     task="classification", data=data, recipe=recipe,
                     config_path=_rel(config_path), train_seconds=state.get("train_seconds", 0.0),
                     metrics=metrics, reproduce=reproduce, notes=notes,
                     history=[h for h in state.get("history", []) if "val_acc" in h])
    return metrics


def finalize_segmenter(state: Dict[str, Any], export_dir: Path, config_path: Path,
                       resolved: Path, val_list: Path, names: List[str], data_root: Path,
                       notes: Optional[List[str]] = None) -> Dict[str, Any]:
    """Evaluate a PaddleSeg export on ``val_list`` and write MODEL_CARD.md."""
    from ...groundtruth.segmentation import load_seg_list

    cfg = yaml.safe_load(Path(resolved).read_text(encoding="utf-8"))
    gt = load_seg_list(val_list, names, root=data_root)
    metrics = evaluate_export(export_dir, gt)
    train_tf = [t["type"] for t in cfg["train_dataset"]["transforms"]]
    loss = cfg["loss"]
    data = (f"`{_rel(data_root)}`: {state.get('train_images')} training images used "
            f"(all defective ones + {state.get('defect_free_used')} defect-free), "
            f"{len(gt)} validation images (`{Path(val_list).name}`, all of them, defect-free "
            f"included); classes {', '.join(names)}.")
    start = _start(state.get("pretrained"), "initialised from")
    recipe = (f"PaddleSeg `{cfg['model']['type']}` {start}, batch {cfg['batch_size']}, "
              f"{state.get('iter')} iterations (best at {state.get('best_iter')}), "
              f"transforms {train_tf}, loss {loss}, optimizer {cfg['optimizer']}, "
              f"lr {cfg['lr_scheduler']}. Exported with PaddleSeg's layout "
              "(deploy.yaml, output_op softmax so the app gets per-pixel confidence).")
    reproduce = _reproduce("seg", config_path, export_dir, data_root, state.get("pretrained"))
    write_model_card(export_dir, title=f"{Path(export_dir).name}: magnetic-tile defect segmentation",
                     task="segmentation", data=data, recipe=recipe, config_path=_rel(config_path),
                     train_seconds=state.get("train_seconds", 0.0), metrics=metrics,
                     reproduce=reproduce, notes=notes, history=state.get("history"))
    return metrics


def finalize_detector(state: Dict[str, Any], export_dir: Path, config_path: Path, val_list: Path,
                      names: List[str], data_root: Path, recipe: Dict[str, Any],
                      notes: Optional[List[str]] = None) -> Dict[str, Any]:
    """Evaluate a PaddleDetection export on ``val_list`` and write MODEL_CARD.md."""
    from ...groundtruth.voc import load_voc_list

    gt = load_voc_list(val_list, names, root=data_root)
    metrics = evaluate_export(export_dir, gt)
    best = metrics["best_f1"]
    set_draw_threshold(Path(export_dir) / "infer_cfg.yml", best["threshold"])
    notes = [*(notes or []), f"`draw_threshold` in infer_cfg.yml is {best['threshold']:.2f}: the confidence "
             f"with the best box-level F1 on the validation split (precision {best['precision']:.3f}, "
             f"recall {best['recall']:.3f} at IoU 0.5). The app starts the demo there; PaddleDetection's "
             "deploy tools use it as their drawing threshold."]
    data = (f"`{_rel(data_root)}`: {state.get('train_images')} training images, "
            f"{len(gt)} validation images (`{Path(val_list).name}`); classes {', '.join(names)}.")
    start = _start(state.get("pretrained"), "backbone initialised from")
    text = (f"PaddleDetection `{recipe.get('architecture')}`, {start}; batch "
            f"{recipe.get('batch_size')}, base lr {recipe.get('base_lr')}, {state.get('epoch')} epochs "
            f"(best at {state.get('best_epoch')}); train transforms {recipe.get('sample_transforms')} + "
            f"{recipe.get('batch_transforms')}; test size {recipe.get('test_size')}. Exported with "
            "ppdet's own `Trainer.export` (infer_cfg.yml, NMS in the program).")
    reproduce = _reproduce("det", config_path, export_dir, data_root, state.get("pretrained"))
    write_model_card(export_dir, title=f"{Path(export_dir).name}: surface-defect detection",
                     task="detection", data=data, recipe=text, config_path=_rel(config_path),
                     train_seconds=state.get("train_seconds", 0.0), metrics=metrics,
                     reproduce=reproduce, notes=notes, history=state.get("history"))
    return metrics
