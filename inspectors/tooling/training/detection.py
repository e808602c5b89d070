"""Detection training with PaddleDetection's own ``Trainer`` on Pascal VOC lists,
evaluated with the app's engine and metrics, exported in ppdet's deploy layout.

The recipe is a normal PaddleDetection 2.6 config (``_BASE_`` files allowed, ``!VOCDataSet``
datasets) plus an ``inspector:`` block::

    inspector:
      output: out/train/NAME      # ppdet checkpoints (ckpt/), state.json, logs, best_export/
      export_dir: models/NAME     # where the best export is copied at the end
      eval_interval: 2            # epochs between evaluations
      model_name: NAME            # model card title

Training runs in chunks of ``eval_interval`` epochs. After each chunk the weights are
exported and evaluated (VOC mAP@0.5 as PaddleDetection computes it) in a child process:
ppdet 2.6 cannot build some architectures (PicoDet) twice in one process, and the
training process keeps its model. The best export is kept; ``resume`` continues from the
newest epoch checkpoint with the optimizer and learning-rate state.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

from ...formats.spec import read_label_file
from .common import (
    RunLog,
    TrainingDataError,
    TrainingError,
    load_matching_weights,
    load_state,
    publish_export,
    resolve,
    save_state,
)
from .from_export import export_weights, is_export
from .perturb_ops import DEFAULT_P, add_det_op, recipe_items, register_det

_DATASETS = ("TrainDataset", "EvalDataset")


def _label_names(ds: Any) -> List[str]:
    label_list = getattr(ds, "label_list", None)
    if not label_list:
        raise TrainingError("the VOC datasets need label_list (one class name per line)")
    path = Path(ds.dataset_dir) / label_list
    if not path.is_file():
        raise TrainingDataError(f"label list {path} not found")
    names = list(read_label_file(path))
    if not names:
        raise TrainingDataError(f"label list {path} is empty")
    return names


def check_voc_dataset(ds: Any, names: List[str], key: str, allow_empty: bool) -> int:
    """Read a ppdet VOCDataSet's list with the project's reader; raise
    :class:`TrainingDataError` on missing files, unknown classes, bad boxes or no images."""
    from ...groundtruth.voc import load_voc_list

    list_file = Path(ds.dataset_dir) / ds.anno_path
    if not list_file.is_file():
        raise TrainingDataError(f"{key}: list {list_file} not found")
    try:
        gt = load_voc_list(list_file, names, root=ds.dataset_dir)
    except Exception as e:  # unreadable list
        raise TrainingDataError(f"{key}: {e}") from None
    if gt.problems:
        shown = "\n  ".join(f"{p.path}: {p.message}" for p in gt.problems[:8])
        more = f"\n  ... and {len(gt.problems) - 8} more" if len(gt.problems) > 8 else ""
        raise TrainingDataError(f"{key}: {len(gt.problems)} problem(s) in {list_file}:\n  {shown}{more}")
    if not gt.images:
        raise TrainingDataError(f"{key}: {list_file} lists no images")
    boxed = sum(1 for p in gt.images if len(gt.get(p).boxes))
    if boxed == 0:
        raise TrainingDataError(f"{key}: no image in {list_file} has a box")
    if key == "TrainDataset" and not allow_empty and boxed < len(gt.images):
        # ppdet would silently drop them; say so instead of training on fewer images.
        print(f"note: {len(gt.images) - boxed} training images have no box and are skipped "
              "(set allow_empty: true on TrainDataset to train on them as background)", flush=True)
    return len(gt.images)


def prepare(config: Path, extra_overrides: Dict[str, Any]) -> Dict[str, Any]:
    """Load the recipe into ppdet's global config (call inside ``ppdet_config_scope``),
    resolve the datasets' folders, check the data; returns the pieces training needs."""
    from ppdet.core.workspace import load_config

    try:
        cfg = load_config(str(config))
    except Exception as e:
        raise TrainingError(f"config {config} could not be read by PaddleDetection: {e}") from None
    extra = dict(cfg.get("inspector") or {})
    extra.update({k: v for k, v in extra_overrides.items() if v is not None})
    base = config.parent
    extra["output"] = Path(resolve(base, str(extra.get("output", "out/train/det"))))
    if extra.get("export_dir"):
        extra["export_dir"] = Path(resolve(base, str(extra["export_dir"])))
    for key in _DATASETS:
        ds = cfg.get(key)
        if ds is None or not hasattr(ds, "anno_path"):
            raise TrainingError(f"{config} needs a {key} (!VOCDataSet with dataset_dir, anno_path, label_list)")
        ds.dataset_dir = str(resolve(base, str(ds.dataset_dir)))
    names = _label_names(cfg["TrainDataset"])
    if _label_names(cfg["EvalDataset"]) != names:
        raise TrainingDataError("TrainDataset and EvalDataset label lists differ")
    if int(cfg.get("num_classes", len(names))) != len(names):
        raise TrainingDataError(f"num_classes {cfg.get('num_classes')} but {len(names)} names in the label list")
    counts = {key: check_voc_dataset(cfg[key], names, key, bool(getattr(cfg[key], "allow_empty", False)))
              for key in _DATASETS}
    batch = int(cfg.get("TrainReader", {}).get("batch_size", 1))
    if counts["TrainDataset"] < batch:
        raise TrainingDataError(f"TrainDataset: {counts['TrainDataset']} images, fewer than "
                                f"TrainReader batch_size {batch}: no full batch to train on")
    items = recipe_items(extra)
    if items:
        register_det()
        add_det_op(cfg["TrainReader"], items, float(extra.get("augment_p", DEFAULT_P)), int(extra.get("seed", 0)))
    ev = cfg["EvalDataset"]
    return {"cfg": cfg, "extra": extra, "names": names, "counts": counts,
            "val_list": Path(ev.dataset_dir) / ev.anno_path, "val_root": Path(ev.dataset_dir)}


def _pretrained_path(cfg: Any, pretrained: Optional[Path], base: Path) -> Optional[Path]:
    if pretrained is not None:
        return Path(pretrained)
    value = str(cfg.get("pretrain_weights") or "")
    if not value:
        return None
    if value.startswith(("http://", "https://")):
        raise TrainingError(f"pretrain_weights {value} is a URL and nothing is downloaded here: "
                            "fetch it yourself and pass --pretrained FILE.pdparams")
    path = resolve(base, value)
    if not (path.is_file() or is_export(path)):
        raise TrainingError(f"pretrain_weights {path} not found (see the config's comments for "
                            "the command that makes it, or pass --pretrained)")
    return path


def _export_start(weights: Path, cfg: Any) -> Dict[str, Any]:
    """The weights of an exported detector (a bundled model) as this recipe's network. Read
    before the trainer builds its own: ppdet's ``create`` writes into the global config it
    reads (a second build in the same scope gets other channel counts)."""
    from ppdet.core.workspace import create

    from ..exporters.paddledet_export import ppdet_config_scope

    with ppdet_config_scope():
        return export_weights(weights, lambda: create(cfg.architecture), f"this recipe's {cfg.architecture}")


def _loss_recorder(sink: List[float]):
    from ppdet.engine.callbacks import Callback

    class LossRecorder(Callback):
        """Keeps each step's total loss (ppdet logs only smoothed values)."""

        def on_step_end(self, status: Dict[str, Any]) -> None:
            meters = getattr(status.get("training_staus"), "meters", {})
            if "loss" in meters:
                sink.append(float(meters["loss"].value))

    return LossRecorder


def _latest_epoch(ckpt: Path) -> Optional[int]:
    done = [int(p.stem) for p in ckpt.glob("*.pdparams") if p.stem.isdigit()
            and p.with_suffix(".pdopt").is_file()]
    return max(done) if done else None


def _prune(ckpt: Path, keep: int) -> None:
    for p in ckpt.iterdir():
        if p.stem.isdigit() and int(p.stem) != keep and p.suffix in (".pdparams", ".pdopt"):
            p.unlink()


def export_and_evaluate(config: Path, weights: Path, out_dir: Path, names: List[str],
                        val_list: Path, val_root: Path, threads: int = 2) -> Dict[str, Any]:
    """Export ``weights`` and evaluate the export on the val list, in a child process."""
    cmd = [sys.executable, "-m", "inspectors.tooling.training.det_eval", "--config", str(config),
           "--weights", str(weights), "--out", str(out_dir), "--val-list", str(val_list),
           "--val-root", str(val_root), "--threads", str(threads), "--labels", *names]
    root = Path(__file__).resolve().parents[3]  # the folder that holds the inspectors package
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise TrainingError(f"export/evaluation failed:\n{proc.stderr[-3000:]}")
    return json.loads((out_dir / "val_metrics.json").read_text(encoding="utf-8"))


def train_detection(
    config: Path | str, resume: bool = False, pretrained: Optional[Path] = None,
    vdl: bool = False, export: bool = True, **overrides: Any,
) -> Dict[str, Any]:
    """Train a PaddleDetection VOC recipe; returns the final state (history, best mAP)."""
    import ppdet  # noqa: F401 - before paddle (zlib segfault otherwise, ENVIRONMENT.md)

    from ..exporters.paddledet_export import ppdet_config_scope
    from .finalize import finalize_detector

    config = Path(config).absolute()
    with ppdet_config_scope():
        prep = prepare(config, overrides)
        state = _train(config, prep, resume, pretrained, vdl)
    extra, out = prep["extra"], prep["extra"]["output"]
    if export and extra.get("export_dir"):
        dest = publish_export(out / "best_export", Path(extra["export_dir"]),
                              lambda work: (work / "val_metrics.json").unlink(missing_ok=True))
        state["export"] = str(dest)
        state["val_metrics"] = finalize_detector(
            state, dest, config, prep["val_list"], prep["names"], prep["val_root"], prep["recipe"])
    return state


def _recipe_text(cfg: Any) -> Dict[str, Any]:
    """What the model card says about the recipe, read from the loaded config."""
    reader = cfg.get("TrainReader", {})
    lr = cfg.get("LearningRate", {})
    return {
        "architecture": cfg.get("architecture"),
        "epochs": int(cfg.get("epoch", 0)),
        "batch_size": reader.get("batch_size"),
        "base_lr": getattr(lr, "base_lr", None) if not isinstance(lr, dict) else lr.get("base_lr"),
        "sample_transforms": [next(iter(t)) for t in reader.get("sample_transforms", [])],
        "batch_transforms": [next(iter(t)) for t in reader.get("batch_transforms", [])],
        "test_size": next((t["Resize"].get("target_size") for t in cfg.get("TestReader", {}).get(
            "sample_transforms", []) if "Resize" in t), None),
    }


def _train(config: Path, prep: Dict[str, Any], resume: bool, pretrained: Optional[Path],
           vdl: bool) -> Dict[str, Any]:
    import random

    import numpy as np
    import paddle
    from ppdet.engine import Trainer

    cfg, extra, names = prep["cfg"], prep["extra"], prep["names"]
    out: Path = extra["output"]
    weights = _pretrained_path(cfg, pretrained, config.parent)
    # an export that is not this recipe's network is refused before anything is written
    start = None if resume or not is_export(weights) else _export_start(weights, cfg)
    ckpt = out / "ckpt"
    ckpt.mkdir(parents=True, exist_ok=True)
    total, interval = int(cfg.epoch), max(1, int(extra.get("eval_interval", 1)))
    cfg.save_dir, cfg.filename, cfg.snapshot_epoch = str(out), "ckpt", 1
    if vdl:
        try:
            import visualdl  # noqa: F401 - ppdet's VisualDLWriter needs it
        except ImportError:
            raise TrainingError("--vdl needs the visualdl package (pip install visualdl)") from None
    cfg.use_vdl, cfg.vdl_log_dir = bool(vdl), str(out / "vdl")
    cfg.pretrain_weights = ""  # loaded below by name and shape, never downloaded by ppdet
    prep["recipe"] = _recipe_text(cfg)
    log = RunLog(out)
    gpu = bool(cfg.get("use_gpu", False)) and paddle.is_compiled_with_cuda() \
        and paddle.device.cuda.device_count() > 0
    if cfg.get("use_gpu", False) and not gpu:
        log.say("use_gpu is set but this Paddle build sees no CUDA device: training on the CPU")
    paddle.set_device("gpu" if gpu else "cpu")  # ppdet's tools/train.py does this, not its Trainer
    cfg.use_gpu = gpu
    seed = int(extra.get("seed", 0))
    paddle.seed(seed)
    np.random.seed(seed)  # ppdet's augmentations draw from numpy and random
    random.seed(seed)
    trainer = Trainer(cfg, mode="train")
    sink: List[float] = []
    trainer.register_callbacks([_loss_recorder(sink)(trainer)])
    state: Dict[str, Any] = {"epoch": 0, "best_metric": -1.0, "best_epoch": 0, "history": [],
                             "train_seconds": 0.0, "best_metric_name": "val_voc_map",
                             "train_images": prep["counts"]["TrainDataset"],
                             "val_images": prep["counts"]["EvalDataset"],
                             "pretrained": str(weights) if weights else None}
    if resume:
        last, old = _latest_epoch(ckpt), load_state(out)
        if last is None:
            raise TrainingError(f"nothing to resume in {ckpt}")
        trainer.resume_weights(str(ckpt / str(last)))
        state = old or state
        state["epoch"] = last + 1
        state["history"] = [h for h in state["history"] if h["epoch"] <= state["epoch"]]
        log.say(f"resumed after epoch {state['epoch']} (best mAP {state['best_metric']:.4f})")
    elif start is not None:
        trainer.model.set_state_dict(start)
        log.say(f"pretrained: the weights of the export {weights}")
    elif weights is not None:
        load_matching_weights(trainer.model, weights)
    val_list, val_root = prep["val_list"], prep["val_root"]
    log.say(f"{cfg.architecture}: {state['train_images']} train / {state['val_images']} val images, "
            f"{len(trainer.loader)} steps per epoch, {total} epochs")
    while state["epoch"] < total:
        target = min(total, (state["epoch"] // interval + 1) * interval)
        trainer.cfg.epoch, trainer.start_epoch = target, state["epoch"]
        t0 = time.time()
        trainer.train(validate=False)
        seconds = time.time() - t0
        # ppdet names the chunk's last epoch model_final; keep it under its number to resume.
        for suffix in (".pdparams", ".pdopt"):
            src, dst = ckpt / f"model_final{suffix}", ckpt / f"{target - 1}{suffix}"
            shutil.copyfile(src, str(dst) + ".tmp")
            os.replace(str(dst) + ".tmp", dst)
        state["epoch"] = target
        state["train_seconds"] += seconds
        metrics = export_and_evaluate(config, ckpt / f"{target - 1}.pdparams", out / "eval_export",
                                      names, val_list, val_root)
        row = {"epoch": target, "map": metrics["map"], "coco_map": metrics["coco"].get("map"),
               "seconds": round(seconds, 1), "loss": sum(sink) / max(1, len(sink)),
               "first_loss": sink[0] if sink else None, "last_loss": sink[-1] if sink else None,
               "class_ap": [round(c["ap_area"], 4) for c in metrics["per_class"]]}
        sink.clear()
        if metrics["map"] > state["best_metric"]:
            state["best_metric"], state["best_epoch"] = metrics["map"], target
            best = out / "best_export"
            shutil.rmtree(best, ignore_errors=True)
            shutil.copytree(out / "eval_export", best)
        state["history"].append(row)
        save_state(out, state)
        _prune(ckpt, keep=target - 1)
        log.record(**row)
        log.say(f"[inspector] epoch {target}: val mAP@0.5 {metrics['map']:.4f} "
                f"(best {state['best_metric']:.4f} at {state['best_epoch']}) {row['class_ap']}")
    log.close()
    return state
