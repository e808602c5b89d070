"""``evaluate``: run a model over a dataset with ground truth and write the seed reports.

Writes ``metrics.json``, ``tp_fp_list.txt`` and ``image-level_tp_fp.png`` (as seed
002's cal_tp_fp.py), per-class and PR / confusion charts, and ground-truth vs
prediction compare images of the worst cases (as seed 002's compare.py).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import List, Tuple

import numpy as np

from ..atomic import atomic_write_text
from ..errors import GroundTruthError, InspectorError
from ..groundtruth import load_ground_truth
from ..metrics import (
    box_iou,
    choose_operating_point,
    evaluate,
    image_level_curve,
    plot_tp_fp,
    write_tp_fp_list,
)
from ..metrics.alignment import class_mapping, to_gt_space
from ..metrics.plots import plot_confusion, plot_per_class, plot_pr_curves
from ..results import DetectionResult, Result, SegmentationResult, Thresholds
from .common import CliError, add_runtime_args, load_inspector


def add_parser(sub) -> None:
    p = sub.add_parser("evaluate", help="measure a model on a dataset with ground truth",
                       description="Run a model over a dataset and write metrics, curves and compare images.")
    p.add_argument("--model", required=True, help="exported model folder")
    p.add_argument("--data", required=True,
                   help="dataset folder (PaddleSeg / VOC / COCO / PaddleClas layouts; the val list is used) "
                        "or a list / csv / json ground-truth file")
    p.add_argument("--out", required=True, help="report folder")
    p.add_argument("--threshold", type=float, default=None, help="confidence threshold (default: model's)")
    p.add_argument("--min-recall", type=float, default=0.95, help="operating point: lowest FPR at this recall")
    p.add_argument("--worst", type=int, default=20, help="compare images written for the N worst images")
    p.add_argument("--limit", type=int, default=0, help="evaluate only the first N images (0: all)")
    add_runtime_args(p)
    p.set_defaults(func=run)


def disagreement(gt: Result, pred: Result, thresholds: Thresholds) -> float:
    """How wrong one image is, for ranking the worst cases."""
    pred = pred.filtered(thresholds)
    if isinstance(gt, DetectionResult):
        if not len(gt) or not len(pred):
            return float(len(gt) + len(pred))
        iou = box_iou(gt.boxes, pred.boxes)
        same = gt.class_ids[:, None] == pred.class_ids[None, :]
        hit = (iou > 0.5) & same
        return float((~hit.any(axis=1)).sum() + (~hit.any(axis=0)).sum())
    if isinstance(gt, SegmentationResult):
        a, b = gt.defect_mask(), pred.defect_mask()
        union = (a | b).sum()
        return 0.0 if union == 0 else 1.0 - float((a & b).sum()) / float(union)
    return pred.score if pred.class_id != gt.class_id else 0.0


def _collect(inspector, gt, images, quiet: bool) -> Tuple[List, List[str], List[str]]:
    from tqdm import tqdm

    mapping = None
    pairs, ids, errors = [], [], []
    with tqdm(total=len(images), unit="img", file=sys.stderr, disable=quiet, mininterval=0.5) as bar:
        for outcome in inspector.run(images):
            bar.update(1)
            if not outcome.ok:
                errors.append(f"{outcome.path}: {outcome.error}")
                continue
            try:
                target = gt.get(outcome.path)
            except GroundTruthError as e:
                errors.append(f"{outcome.path}: {e}")
                continue
            if target is None:
                continue
            if mapping is None:
                mapping, notes = class_mapping(outcome.result.class_names, gt.class_names, gt.task)
                errors.extend(f"note: {n}" for n in notes)
            pairs.append((target, to_gt_space(outcome.result, mapping, gt.class_names)))
            ids.append(str(outcome.path))
    return pairs, ids, errors


def write_charts(out: Path, report: dict, task: str) -> None:
    names = report["class_names"]
    m = report["metrics"]
    if task == "detection":
        plot_pr_curves(out / "pr_curves.png", m.get("pr_curves", []))
        plot_per_class(out / "per_class_ap.png", names, [c["ap_area"] for c in m["per_class"]], "VOC AP@0.5")
        conf = report.get("errors", {}).get("confusion")
        if conf:
            plot_confusion(out / "confusion_matrix.png", conf["matrix"], conf["rows"], conf["columns"],
                           "Box confusion (IoU >= 0.5)")
    elif task == "segmentation":
        plot_per_class(out / "per_class_iou.png", names, [c["iou"] for c in m["per_class"]], "IoU")
        plot_confusion(out / "confusion_matrix.png", m["confusion_matrix"], names, names, "Pixel confusion")
    else:
        plot_per_class(out / "per_class_recall.png", names, [c["recall"] for c in m["per_class"]], "recall")
        plot_confusion(out / "confusion_matrix.png", m["confusion_matrix"], names, names)


def write_worst(out: Path, pairs, ids, thresholds: Thresholds, n: int) -> List[str]:
    from ..imageio import read_image, write_image
    from ..render import RenderStyle, compare

    scores = np.array([disagreement(g, p, thresholds) for g, p in pairs])
    order = [i for i in np.argsort(-scores, kind="stable")[:n] if scores[i] > 0]
    written = []
    for rank, i in enumerate(order, 1):
        try:
            image = read_image(ids[i])
        except InspectorError:
            continue
        g, p = pairs[i]
        panel = compare(image, g, p, RenderStyle(thresholds=thresholds))
        name = f"{rank:03d}_{Path(ids[i]).stem}.jpg"
        write_image(out / "worst" / name, panel)
        written.append(name)
    return written


def run(args: argparse.Namespace) -> int:
    data = Path(args.data).expanduser()
    try:
        gt = load_ground_truth(data)
    except GroundTruthError as e:
        raise CliError(str(e)) from None
    images = list(gt.images)[: args.limit or None]
    if not images:
        raise CliError(f"{data}: the ground truth lists no images")
    inspector = load_inspector(args)
    if inspector.task != gt.task:
        raise CliError(f"the model is a {inspector.task} model but {data} holds {gt.task} ground truth")
    out = Path(args.out).expanduser()
    out.mkdir(parents=True, exist_ok=True)
    thr = Thresholds(args.threshold if args.threshold is not None else inspector.spec.default_threshold)
    t0 = time.perf_counter()
    try:
        pairs, ids, problems = _collect(inspector, gt, images, args.quiet)
    except InspectorError as e:
        raise CliError(str(e)) from None
    if not pairs:
        raise CliError("no image could be evaluated: " + "; ".join(problems[:3]))
    elapsed = time.perf_counter() - t0
    difficult = [gt.difficult_flags(i) for i in ids] if gt.task == "detection" else None
    report = evaluate(pairs, gt.task, thr, min_recall=args.min_recall, image_ids=ids, difficult=difficult)
    report["model"] = inspector.spec.summary()
    report["data"] = {"path": str(data), "layout": getattr(gt, "layout", None), "images": len(images),
                      "evaluated": len(pairs), "problems": [str(p) for p in gt.problems] + problems}
    report["speed"] = {"seconds": round(elapsed, 3), "images_per_second": round(len(images) / elapsed, 3)}
    curve = image_level_curve(pairs)
    write_tp_fp_list(out / "tp_fp_list.txt", curve)
    plot_tp_fp(out / "image-level_tp_fp.png", curve, choose_operating_point(curve, args.min_recall))
    write_charts(out, report, gt.task)
    report["worst_cases"] = write_worst(out, pairs, ids, thr, args.worst)
    atomic_write_text(out / "metrics.json", json.dumps(report, ensure_ascii=False, indent=1))
    print(headline(report), file=sys.stderr)
    return 0


def headline(report: dict) -> str:
    m, il = report["metrics"], report["image_level"]
    task = report["task"]
    if task == "segmentation":
        main = f"mIoU {m['miou']:.4f}  acc {m['accuracy']:.4f}  kappa {m['kappa']:.4f}"
    elif task == "detection":
        main = f"VOC mAP@0.5 {m['voc_map']['area']:.4f} (11pt {m['voc_map']['11point']:.4f})"
        if m.get("coco"):
            main += f"  COCO mAP {m['coco']['map']:.4f}"
    else:
        main = f"top-1 {m['accuracy']:.4f}"
    rec, fpr = il.get("recall"), il.get("false_positive_rate")
    fmt = lambda v: "n/a" if v is None else f"{v:.4f}"  # noqa: E731
    return (f"{report['data']['evaluated']} images: {main}; image-level recall {fmt(rec)}, "
            f"FPR {fmt(fpr)} at threshold {report['thresholds']['default']}")
