"""``evaluate``: run a model over a dataset with ground truth and write the seed reports.

Writes ``metrics.json``, ``tp_fp_list.txt`` and ``image-level_tp_fp.png`` (as seed
002's cal_tp_fp.py), per-class and PR / confusion charts, ground-truth vs
prediction compare images of the worst cases (as seed 002's compare.py), and the
inspection report (``report.html``, ``report.pdf``, ``images.csv``, ``defects.csv``:
:mod:`.reportuse`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import numpy as np

from ..atomic import atomic_write_text
from ..errors import GroundTruthError, InspectorError
from ..groundtruth import load_ground_truth
from ..metrics import (
    choose_operating_point,
    evaluate,
    image_level_curve,
    plot_tp_fp,
    write_tp_fp_list,
)
from ..metrics.decision import decision_metrics
from ..metrics.detection import box_outcomes
from ..metrics.pairing import Pairs, pair_with_ground_truth
from ..metrics.plots import plot_confusion, plot_per_class, plot_pr_curves
from ..outdir import StagedFolder, check_apart
from ..problems import Problem
from ..results import DetectionResult, Result, SegmentationResult, Thresholds, is_defective
from ..rules import DefectTable, DefectTables, rules_to_dict
from . import clusteruse, reportuse, robustnessuse, ruleuse, runuse
from .common import (
    CliError,
    add_runtime_args,
    load_inspector,
    non_negative_int,
    print_problems,
    source_folders,
    unit_interval,
)


def add_parser(sub) -> None:
    p = sub.add_parser("evaluate", help="measure a model on a dataset with ground truth",
                       description="Run a model over a dataset and write metrics, curves and compare images.")
    p.add_argument("--model", required=True, help="exported model folder")
    p.add_argument("--data", required=True,
                   help="dataset folder (PaddleSeg / VOC / COCO / PaddleClas layouts; the val list is used) "
                        "or a list / csv / json ground-truth file")
    p.add_argument("--out", required=True,
                   help="report folder: new, empty, or an earlier evaluate report (replaced when this run ends)")
    p.add_argument("--threshold", type=unit_interval, default=None,
                   help="confidence threshold, 0-1 (default: the model's)")
    p.add_argument("--min-recall", type=unit_interval, default=0.95,
                   help="operating point: lowest FPR at this recall")
    p.add_argument("--worst", type=non_negative_int, default=20, help="compare images written for the N worst images")
    p.add_argument("--limit", type=non_negative_int, default=0, help="evaluate only the first N images (0: all)")
    robustnessuse.add_robustness_args(p)
    ruleuse.add_rules_args(p)
    add_runtime_args(p)
    runuse.add_store_args(p)
    clusteruse.add_cluster_args(p)
    p.set_defaults(func=run)


def disagreement(gt: Result, pred: Result, thresholds: Thresholds,
                 difficult: Optional[np.ndarray] = None) -> float:
    """How wrong one image is, for ranking the worst cases. Detection: false-positive plus
    missed boxes at ``thresholds`` by the metrics' own matching (:func:`box_outcomes`)."""
    pred = pred.filtered(thresholds)
    if isinstance(gt, DetectionResult):
        _tp, fp, fn = box_outcomes(gt, pred, difficult=difficult).counts()
        return float(fp + fn)
    if isinstance(gt, SegmentationResult):
        a, b = gt.defect_mask(), pred.defect_mask()
        union = (a | b).sum()
        return 0.0 if union == 0 else 1.0 - float((a & b).sum()) / float(union)
    return pred.score if pred.class_id != gt.class_id else 0.0


def collect_pairs(inspector, gt, images, quiet: bool, store=None,
             tables: Optional[Dict[str, DefectTable]] = None) -> Tuple[Pairs, List[Problem]]:
    """The pairs (:func:`pair_with_ground_truth`) and (file, message) of images that failed to run.

    With a run (``store``), stored unchanged images are reused and the others inferred and
    stored; every prediction is then read back from the run, in the images' order.
    ``tables`` receives each prediction's defect table (the run's, as the app decides from),
    keyed as the pairs are."""
    from tqdm import tqdm

    failed: List[Problem] = []
    tables = {} if tables is None else tables
    kept: Dict = {}
    if store is not None:
        plan = runuse.plan(store, images)
        with tqdm(total=len(plan.todo), unit="img", file=sys.stderr, disable=quiet, mininterval=0.5) as bar:
            kept.update(runuse.infer_into(store, inspector, plan.todo, bar))
        print(f"reused {plan.reused} results from run {store.run_id}; inferred {len(plan.todo)} "
              f"({plan.stale} stale, {plan.new} new, {plan.retried} failed before)", file=sys.stderr)
        source = zip(images, runuse.outcomes(store, images, kept))
    else:
        source = None

    def predictions():
        if source is not None:
            for image, outcome in source:
                if not outcome.ok:
                    failed.append((str(image), outcome.error or "error"))
                    continue
                tables[str(image)] = ruleuse.table_of(store, Path(image), outcome, kept)
                yield str(image), str(image), outcome.result
            return
        with tqdm(total=len(images), unit="img", file=sys.stderr, disable=quiet, mininterval=0.5) as bar:
            for outcome in inspector.run(images):
                bar.update(1)
                if not outcome.ok:
                    failed.append((str(outcome.path), outcome.error or "error"))
                    continue
                tables[str(outcome.path)] = ruleuse.table_of(None, Path(outcome.path), outcome, kept)
                yield str(outcome.path), outcome.path, outcome.result

    return pair_with_ground_truth(gt, predictions()), failed


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


def write_worst(out: Path, pairs, ids, thresholds: Thresholds, n: int,
                difficult: Optional[List[np.ndarray]] = None) -> List[str]:
    from ..imageio import read_image, write_image
    from ..render import RenderStyle, compare

    flags = difficult if difficult is not None else [None] * len(pairs)
    scores = np.array([disagreement(g, p, thresholds, d) for (g, p), d in zip(pairs, flags)])
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
    decider = ruleuse.decider_for(args)  # bad rules: exit 2 before the model is loaded
    sweep_plan = robustnessuse.plan_from_args(args)  # bad --perturb / --strengths: exit 2 too
    data = Path(os.path.abspath(os.path.expanduser(args.data)))
    try:
        gt = load_ground_truth(data)
    except GroundTruthError as e:
        raise CliError(str(e)) from None
    images = list(gt.images)[: args.limit or None]
    if not images:
        raise CliError(f"{data}: the ground truth ({gt.describe()}) lists no images")
    out = Path(os.path.abspath(os.path.expanduser(args.out)))
    check_apart(out, source_folders(images, data, *gt.sources))
    staged = StagedFolder(out, "evaluate", info={"data": str(data), "model": str(args.model)})
    inspector = clusteruse.load(args, images) if clusteruse.wanted(args) else load_inspector(args, images)
    if inspector.task != gt.task:
        raise CliError(f"the model is a {inspector.task} model but {data} holds {gt.task} ground truth")
    print(f"ground truth: {gt.describe()} ({len(images)} images)", file=sys.stderr)
    thr = Thresholds(args.threshold if args.threshold is not None else inspector.spec.default_threshold)
    decider.base = thr
    if inspector.class_names:
        decider.bound(inspector.class_names)
    t0 = time.perf_counter()
    store = runuse.open_run(args, data if data.is_dir() else data.parent, images, inspector.settings)
    tables: Dict[str, DefectTable] = {}
    try:
        paired, failed = collect_pairs(inspector, gt, images, args.quiet, store, tables)
        names = inspector.class_names or (store.class_names if store is not None else ())
        decision = _decision(decider, names, paired, tables) if paired.pairs else None
        ruleuse.save(decider, store)
    finally:
        if store is not None:
            store.close()
    pairs, ids, difficult = paired.pairs, [str(k) for k in paired.keys], paired.difficult
    notes = paired.notes + paired.left_out()
    gt_problems = [(p.path, p.message) for p in gt.problems]
    print_problems("ground-truth problems", gt_problems)
    print_problems("images that could not be inspected", failed)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    if not pairs:
        print("error: no image could be evaluated", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - t0
    report = evaluate(pairs, gt.task, thr, min_recall=args.min_recall, image_ids=ids, difficult=difficult)
    report["model"] = inspector.spec.summary()
    report["data"] = {"path": str(data), "layout": getattr(gt, "layout", None),
                      "ground_truth": [str(p) for p in gt.sources], "images": len(images),
                      "evaluated": len(pairs),
                      "problems": [str(p) for p in gt.problems] + [f"{p}: {m}" for p, m in failed],
                      "notes": notes}
    report["speed"] = {"seconds": round(elapsed, 3), "images_per_second": round(len(images) / elapsed, 3)}
    report["decision"] = {**decision, "rules": rules_to_dict(decider.rules), "threshold": thr.default}
    if sweep_plan:
        report["robustness"] = robustnessuse.run_sweep(args, inspector, gt, images, sweep_plan, thr, report)
    with staged as work:
        curve = image_level_curve(pairs)
        write_tp_fp_list(work / "tp_fp_list.txt", curve)
        plot_tp_fp(work / "image-level_tp_fp.png", curve, choose_operating_point(curve, args.min_recall))
        write_charts(work, report, gt.task)
        if report.get("robustness"):
            robustnessuse.write_chart(work, report["robustness"])
        report["worst_cases"] = write_worst(work, pairs, ids, thr, args.worst, difficult)
        atomic_write_text(work / "metrics.json", json.dumps(report, ensure_ascii=False, indent=1))
        ruleuse.save(decider, None, work)
        reportuse.write_evaluation_report(work, inspector, report, data, gt, paired, failed, tables, decider,
                                          names, thr)
    print(headline(report), file=sys.stderr)
    print(decision_line(report["decision"]), file=sys.stderr)
    for line in robustnessuse.summary_lines(report.get("robustness")):
        print(line, file=sys.stderr)
    return 0


def _decision(decider: ruleuse.Decider, class_names, paired: Pairs, tables: Dict[str, DefectTable]) -> dict:
    """OK / REVIEW / NG of every paired image by the rules (on the model's own classes, from
    the run's stored tables) against its ground truth clean / defective."""
    verdicts = decider.decide_many(DefectTables.stack([tables[str(k)] for k in paired.keys]), class_names)
    return decision_metrics(verdicts.verdict, np.array([is_defective(g) for g, _ in paired.pairs], bool))


def _pct(value: Optional[float]) -> str:
    return "n/a" if value is None else f"{100 * value:.1f} %"


def decision_line(d: dict) -> str:
    """The verdicts against the ground truth, one line."""
    return (f"decision: OK {d['OK']}, REVIEW {d['REVIEW']}, NG {d['NG']}; review rate {_pct(d['review_rate'])}; "
            f"escapes {d['escapes']} of {d['defective']} defective ({_pct(d['escape_rate'])}); "
            f"false rejects {d['false_rejects']} of {d['clean']} clean ({_pct(d['false_reject_rate'])})")


def _fmt(value: Optional[float]) -> str:
    return "n/a" if value is None else f"{value:.4f}"


def headline(report: dict) -> str:
    """One line of the main numbers; a metric without a defined value (no ground-truth
    boxes in an all-good set) reads "n/a", never a crash."""
    m, il = report["metrics"], report["image_level"]
    task = report["task"]
    if task == "segmentation":
        main = f"mIoU {_fmt(m['miou'])}  acc {_fmt(m['accuracy'])}  kappa {_fmt(m['kappa'])}"
    elif task == "detection":
        voc = m.get("voc_map") or {}
        main = f"VOC mAP@0.5 {_fmt(voc.get('area'))} (11pt {_fmt(voc.get('11point'))})"
        if voc.get("area") is None:
            main += " [no ground-truth boxes]"
        if m.get("coco"):
            main += f"  COCO mAP {_fmt(m['coco'].get('map'))}"
    else:
        main = f"top-1 {_fmt(m['accuracy'])}"
    return (f"{report['data']['evaluated']} images: {main}; image-level recall {_fmt(il.get('recall'))}, "
            f"FPR {_fmt(il.get('false_positive_rate'))} at threshold {report['thresholds']['default']}")
