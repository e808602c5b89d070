"""``train``: train a classifier / segmenter / detector from a YAML recipe and export it.

    python main.py train cls --config resources/configs/cls/neu_cls_resnet_small.yml
    python main.py train seg --config resources/configs/seg/magnetic_tile_fastscnn.yml --resume
    python main.py train det --config resources/configs/det/neu_det_picodet_s.yml

Checkpoints go to the config's ``output`` folder every epoch (cls, det) or every
``eval_interval`` iterations (seg); ``--resume`` continues from there. The dataset is
checked before the first step; a bad list stops with a message and exit code 1.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import yaml

from .common import CliError

TASKS = ("cls", "seg", "det")


def add_parser(sub) -> None:
    p = sub.add_parser("train", help="train a model from a recipe config and export it",
                       description="Train from a YAML recipe (resources/configs/<task>/) and export "
                       "in the suite's deploy layout.")
    p.add_argument("task", choices=TASKS, help="cls (paddle.vision), seg (paddleseg), det (paddledet)")
    p.add_argument("--config", required=True, help="recipe YAML file")
    p.add_argument("--resume", action="store_true", help="continue from the output folder's checkpoint")
    p.add_argument("--pretrained", default=None, help="local weights (.pdparams) to start from, or an exported "
                   "model folder of the recipe's network to continue from (e.g. models/neu_det_picodet_s)")
    p.add_argument("--vdl", action="store_true", help="write VisualDL logs to OUTPUT/vdl")
    p.add_argument("--no-export", action="store_true", help="train only; do not export at the end")
    p.add_argument("--output", default=None, help="override the config's checkpoint folder")
    p.add_argument("--export-dir", default=None, help="override the config's export folder")
    p.add_argument("--augment", default=None, metavar="LIST",
                   help="line-like perturbations to train against, e.g. blur:0-2,noise:0-10,"
                        "brightness:-30-30 (names as evaluate --robustness; replaces the recipe's list)")
    p.add_argument("--threads", type=int, default=None,
                   help="CPU threads (sets OMP_NUM_THREADS; default: all cores)")
    p.set_defaults(func=run)


class _AnyTagLoader(yaml.SafeLoader):
    """Safe YAML that reads ppdet's ``!VOCDataSet``-style tags as plain data (a check only)."""


_AnyTagLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def check_recipe(config: Path) -> None:
    """A usage error (exit 2) for a config that is not a YAML mapping, before any training
    code (ppdet's own loader included) sees it."""
    try:
        data = yaml.load(config.read_text(encoding="utf-8"), Loader=_AnyTagLoader)  # noqa: S506
    except UnicodeDecodeError as e:
        raise CliError(f"--config {config} is not a text file (byte {e.start} is not UTF-8)") from None
    except yaml.YAMLError as e:
        raise CliError(f"--config {config} is not valid YAML: {' '.join(str(e).split())}") from None
    except OSError as e:
        raise CliError(f"--config {config} cannot be read: {e.strerror or e}") from None
    if not isinstance(data, dict):
        raise CliError(f"--config {config} must hold a mapping of settings")


def run(args: argparse.Namespace) -> int:
    config = Path(args.config)
    if not config.is_file():
        raise CliError(f"--config {config} not found")
    check_recipe(config)
    if args.pretrained and not (Path(args.pretrained).is_file() or Path(args.pretrained).is_dir()):
        raise CliError(f"--pretrained {args.pretrained} not found")
    if args.threads is not None:
        if args.threads < 1:
            raise CliError("--threads must be >= 1")
        os.environ["OMP_NUM_THREADS"] = str(args.threads)
    os.environ.setdefault("OMP_NUM_THREADS", str(os.cpu_count() or 1))
    overrides = {}
    if args.output:
        overrides["output"] = Path(args.output).absolute()
    if args.export_dir:
        overrides["export_dir"] = Path(args.export_dir).absolute()
    if args.augment:
        from ..perturb import parse_augment

        try:
            parse_augment(args.augment)
        except ValueError as e:
            raise CliError(f"--augment: {e}") from None
        overrides["perturb"] = args.augment
    pretrained = Path(args.pretrained) if args.pretrained else None
    if args.task == "cls":
        from ..tooling.training.classification import train_classification as train
    elif args.task == "seg":
        from ..tooling.training.segmentation import train_segmentation as train
    else:
        from ..tooling.training.detection import train_detection as train
    state = train(config, resume=args.resume, pretrained=pretrained, vdl=args.vdl,
                  export=not args.no_export, **overrides)
    best = state.get("best_metric_name", "val_acc")
    print(f"done: best {best} {state.get('best_acc', state.get('best_metric'))} at epoch/iter "
          f"{state.get('best_epoch', state.get('best_iter'))}; "
          f"export: {state.get('export', 'skipped')}")
    return 0
