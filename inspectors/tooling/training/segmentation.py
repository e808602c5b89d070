"""Segmentation training with PaddleSeg's own API (``SegBuilder`` from a PaddleSeg-format
YAML, ``paddleseg.core.train``), evaluated with the app's engine and metrics, exported in
PaddleSeg's deploy layout.

The YAML is a normal PaddleSeg config plus an ``inspector:`` block (removed before
PaddleSeg sees it)::

    inspector:
      output: out/train/NAME          # checkpoints (iter_N/), state.json, logs
      export_dir: models/NAME         # where the best model is exported at the end
      eval_interval: 200              # iterations between evaluations / checkpoints
      output_op: softmax              # deploy output (softmax keeps per-pixel confidence)
      defect_free: all | none | 0.3   # which all-background images to train on
      class_names: [...]              # else labels.txt next to the data
      log_iters: 10

Training runs in chunks of ``eval_interval`` iterations; after each chunk the model is
exported and evaluated on the val list; the best export is kept and copied to
``export_dir`` at the end. ``resume`` continues from the newest ``iter_N`` checkpoint.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

from .common import (
    RunLog,
    TrainingError,
    load_state,
    publish_export,
    read_config,
    resolve,
    save_state,
)
from .from_export import export_weights, is_export
from .perturb_ops import DEFAULT_P, add_seg_transform, recipe_items, register_seg
from .seg_data import check_seg_list, select_defect_free, write_list
from .seg_utils import export_model, latest_iter, prune, resume_dir_for, wrap_losses


def _class_names(extra: Dict[str, Any], root: Path, n: int) -> List[str]:
    if extra.get("class_names"):
        names = [str(v) for v in extra["class_names"]]
    elif (root / "labels.txt").is_file():
        names = [ln.strip() for ln in (root / "labels.txt").read_text("utf-8").splitlines()
                 if ln.strip()]
    else:
        names = [str(i) for i in range(n)]
    if len(names) != n:
        raise TrainingError(f"{len(names)} class names for num_classes {n}")
    return names


def _list_path(base: Path, root: Path, value: str) -> Path:
    """PaddleSeg resolves list paths as given; we also accept them relative to the root."""
    p = Path(value)
    if not p.is_absolute() and (root / p).is_file():
        return root / p
    return resolve(base, value)


def prepare(config: Path | str, **overrides: Any) -> Dict[str, Any]:
    """Read and check a recipe; writes the resolved PaddleSeg config + lists to the output
    folder and returns ``{"config": path, "extra": {...}, "names": [...], ...}``."""
    config = Path(config)
    cfg = read_config(config)
    extra = dict(cfg.pop("inspector", None) or {})
    extra.update({k: v for k, v in overrides.items() if v is not None})
    base = config.parent
    out = Path(resolve(base, str(extra.get("output", "out/train/seg"))))
    extra["output"] = out
    if extra.get("export_dir"):
        extra["export_dir"] = resolve(base, str(extra["export_dir"]))
    train_cfg, val_cfg = cfg.get("train_dataset"), cfg.get("val_dataset")
    if not isinstance(train_cfg, dict) or not isinstance(val_cfg, dict):
        raise TrainingError(f"{config} needs train_dataset and val_dataset sections")
    lists = {}
    for key, ds, list_key in (("train", train_cfg, "train_path"), ("val", val_cfg, "val_path")):
        if ds.get("type", "Dataset") != "Dataset":
            raise TrainingError(f"{key}_dataset type must be Dataset (PaddleSeg file lists)")
        root = resolve(base, str(ds.get("dataset_root", ".")))
        if list_key not in ds:
            raise TrainingError(f"{key}_dataset misses {list_key}")
        list_file = _list_path(base, root, str(ds[list_key]))
        n = int(ds.get("num_classes", cfg.get("model", {}).get("num_classes", 0)))
        if n < 2:
            raise TrainingError(f"{key}_dataset needs num_classes >= 2")
        rows = check_seg_list(list_file, root, n, int(ds.get("ignore_index", 255)))
        lists[key] = (root, list_file, rows, n)
    root, val_list, _, n = lists["val"]
    names = _class_names(extra, lists["train"][0], n)
    train_rows = select_defect_free(lists["train"][2], extra.get("defect_free", "all"),
                                    int(extra.get("seed", 0)))
    items = recipe_items(extra)
    if items:
        add_seg_transform(train_cfg, items, float(extra.get("augment_p", DEFAULT_P)), int(extra.get("seed", 0)))
    out.mkdir(parents=True, exist_ok=True)
    train_cfg.update(dataset_root="/", train_path=str(write_list(train_rows, out / "train_list.txt")))
    val_cfg.update(dataset_root="/", val_path=str(write_list(lists["val"][2], out / "val_list.txt")))
    for key in ("batch_size", "iters"):
        if overrides.get(key):
            cfg[key] = int(overrides[key])
    resolved = out / "config_resolved.yml"
    resolved.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    return {"config": resolved, "extra": extra, "names": names, "val_list": val_list,
            "val_root": root, "cfg": cfg, "train_images": len(train_rows),
            "defect_free_used": sum(1 for r in train_rows if not r[2])}


def build(resolved: Path):
    """PaddleSeg's ``SegBuilder`` for a resolved config (model, datasets, losses, optimizer)."""
    from paddleseg.cvlibs import Config, SegBuilder

    register_seg()
    return SegBuilder(Config(str(resolved)))


def train_segmentation(
    config: Path | str, resume: bool = False, pretrained: Optional[Path] = None,
    vdl: bool = False, export: bool = True, **overrides: Any,
) -> Dict[str, Any]:
    """Train a PaddleSeg recipe; returns the final state (history, best mIoU and iteration)."""
    import paddle
    from paddleseg.core import train as seg_train
    from paddleseg.utils import utils as seg_utils

    from ...groundtruth.segmentation import load_seg_list
    from .evaluation import evaluate_export
    from .finalize import finalize_segmenter

    prep = prepare(config, **overrides)
    extra, out, cfg = prep["extra"], prep["extra"]["output"], prep["cfg"]
    log = RunLog(out, vdl=False)
    builder = build(prep["config"])
    paddle.seed(int(extra.get("seed", 0)))
    model = builder.model
    if is_export(pretrained):  # a bundled / exported segmenter: continue from its weights
        model.set_state_dict(export_weights(pretrained, lambda: build(prep["config"]).model,
                                            f"this recipe's {cfg['model']['type']}"))
        log.say(f"pretrained: every weight of the export {pretrained}")
    elif pretrained is not None:
        seg_utils.load_pretrained_model(model, str(pretrained))
    optimizer, losses, train_ds = builder.optimizer, builder.loss, builder.train_dataset
    sink: List[float] = []
    terms = max(1, wrap_losses(losses, sink))
    iters, interval = int(cfg["iters"]), int(extra.get("eval_interval", 200))
    output_op = str(extra.get("output_op", "softmax"))
    gt = load_seg_list(prep["val_list"], prep["names"], root=prep["val_root"])
    state: Dict[str, Any] = {"iter": 0, "best_metric": -1.0, "best_iter": 0, "history": [],
                             "train_seconds": 0.0, "best_metric_name": "val_miou",
                             "train_images": prep["train_images"],
                             "defect_free_used": prep["defect_free_used"],
                             "pretrained": str(pretrained) if pretrained is not None else None}
    resume_dir = None
    if resume:
        resume_dir, old = latest_iter(out), load_state(out)
        if resume_dir is None:
            raise TrainingError(f"nothing to resume in {out}")
        state = old or state
        state["iter"] = int(resume_dir.name.split("_")[-1])
        resume_dir = resume_dir_for(model, resume_dir)
        state["history"] = [h for h in state["history"] if h["iter"] <= state["iter"]]
    log.say(f"{cfg['model']['type']}: {prep['train_images']} train images "
            f"({prep['defect_free_used']} defect-free), {len(gt)} val, {iters} iterations")
    while state["iter"] < iters:
        target = min(iters, (state["iter"] // interval + 1) * interval)
        t0 = time.time()
        seg_train(model, train_ds, val_dataset=None, optimizer=optimizer, save_dir=str(out),
                  iters=target, batch_size=int(cfg["batch_size"]),
                  resume_model=str(resume_dir) if resume_dir else None,
                  save_interval=interval, log_iters=int(extra.get("log_iters", 10)),
                  num_workers=0, use_vdl=vdl, losses=losses, keep_checkpoint_max=2)
        seconds = time.time() - t0
        steps = [sum(sink[i:i + terms]) for i in range(0, len(sink) - terms + 1, terms)]
        sink.clear()
        state["iter"], resume_dir = target, out / f"iter_{target}"
        (resume_dir / "param_names.json").write_text(
            json.dumps({n: p.name for n, p in model.named_parameters()}), encoding="utf-8")
        state["train_seconds"] += seconds
        result = export_model(model, out / "eval_export", cfg, output_op)
        metrics = evaluate_export(result.dir, gt)
        row = {"iter": target, "miou": metrics["miou"], "seconds": round(seconds, 1),
               "loss": sum(steps) / max(1, len(steps)), "first_loss": steps[0] if steps else None,
               "last_loss": steps[-1] if steps else None,
               "class_iou": [round(c["iou"], 4) for c in metrics["per_class"]]}
        if metrics["miou"] > state["best_metric"]:
            state["best_metric"], state["best_iter"] = metrics["miou"], target
            best = out / "best_export"
            shutil.rmtree(best, ignore_errors=True)
            shutil.copytree(result.dir, best)
            (best / "val_metrics.json").write_text(yaml.safe_dump(
                {k: v for k, v in metrics.items() if k != "confusion_matrix"}, sort_keys=False))
        state["history"].append(row)
        save_state(out, state)
        prune(out, keep={target, state["best_iter"]})
        log.record(**row)
        log.say(f"[inspector] iter {target}: val mIoU {metrics['miou']:.4f} "
                f"(best {state['best_metric']:.4f} at {state['best_iter']}) {row['class_iou']}")
    if export and extra.get("export_dir"):
        def finish(work: Path) -> None:
            (work / "val_metrics.json").unlink(missing_ok=True)
            # deploy.yaml carries no class names; the engine reads them from labels.txt beside it
            (work / "labels.txt").write_text("\n".join(prep["names"]) + "\n", encoding="utf-8")

        dest = publish_export(out / "best_export", Path(extra["export_dir"]), finish)
        state["export"] = str(dest)
        state["val_metrics"] = finalize_segmenter(
            state, dest, Path(config), prep["config"], prep["val_list"], prep["names"],
            prep["val_root"])
    log.close()
    return state


def recipe_builder(config: Path | str):
    """``SegBuilder`` for a recipe without touching its data (model, losses, optimizer and
    transforms can be built; datasets cannot): used to inspect the seed configs."""
    import tempfile

    cfg = read_config(Path(config))
    cfg.pop("inspector", None)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "config.yml"
        path.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
        return build(path)
