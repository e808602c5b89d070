"""``compare``: two or more models on the same dataset with ground truth, side by side.

Each model goes through what ``evaluate`` does (its stored run reused, only what is missing
inferred; its own threshold and rules: the command line's, else the ones saved in its run),
then :mod:`inspectors.metrics.compare` gives the table (each metric per model and its
difference to the first), McNemar's test of each model against the first, and the images
the models disagree on. Writes ``comparison.json``, ``comparison.csv``, ``disagreements.csv``,
``comparison.html`` and compare thumbnails of the most disagreeing images.
"""

from __future__ import annotations

import argparse
import copy
import html
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

import numpy as np

from ..atomic import atomic_write_text
from ..csvfile import csv_text
from ..errors import GroundTruthError
from ..groundtruth import load_ground_truth
from ..metrics import evaluate as evaluate_metrics
from ..metrics.compare import correct, image_disagreement, mcnemar, metric_table
from ..metrics.decision import decision_metrics
from ..outdir import StagedFolder, check_apart
from ..results import Thresholds, is_defective
from ..rules import DefectTable, DefectTables, RulesError, parse_rules, rules_to_dict
from . import ruleuse, runuse
from .common import (
    CliError,
    add_runtime_args,
    load_inspector,
    non_negative_int,
    print_problems,
    source_folders,
)
from .evaluate import _collect


def add_parser(sub) -> None:
    p = sub.add_parser("compare", help="compare two or more models on a dataset with ground truth",
                       description="Model A against model B (and more) on the same images: metrics, "
                                   "McNemar's test, speed and the images they disagree on.")
    p.add_argument("--model", required=True, action="append", dest="models", metavar="MODEL",
                   help="exported model folder; give it two or more times (the first is the reference)")
    p.add_argument("--data", required=True, help="dataset folder or ground-truth file (as evaluate)")
    p.add_argument("--out", required=True, help="report folder: new, empty, or an earlier compare report")
    p.add_argument("--threshold", type=float, default=None,
                   help="confidence threshold for every model, 0-1 (default: each model's own)")
    p.add_argument("--worst", type=non_negative_int, default=12,
                   help="compare thumbnails of the N most disagreeing images")
    p.add_argument("--limit", type=non_negative_int, default=0, help="only the first N images (0: all)")
    ruleuse.add_rules_args(p)
    add_runtime_args(p)
    runuse.add_store_args(p)
    p.set_defaults(func=run)


@dataclass
class ModelRun:
    """One model's evaluation on the shared images."""

    name: str
    report: dict
    thresholds: Thresholds
    predictions: Dict[str, object]  # image key -> Result
    verdicts: Dict[str, int]
    kept_classes: Dict[str, tuple]


def _speed(store, images, elapsed: float) -> dict:
    """Images per second from the stored per-image timings (read + pre + inference + post);
    without a run, the wall time of this command."""
    if store is not None:
        total = sum(o.timings.total for o in runuse.outcomes(store, images, {}) if o.ok)
        if total > 0:
            return {"source": "stored timings", "seconds": round(total, 3),
                    "images_per_second": round(len(images) / total, 3)}
    return {"source": "wall time", "seconds": round(elapsed, 3),
            "images_per_second": round(len(images) / elapsed, 3) if elapsed > 0 else None}


def _one_model(args, model: str, gt, data: Path, images: List[Path]) -> ModelRun:
    margs = copy.copy(args)
    margs.model = model
    decider = ruleuse.decider_for(args)
    inspector = load_inspector(margs, images)
    if inspector.task != gt.task:
        raise CliError(f"{model} is a {inspector.task} model but {data} holds {gt.task} ground truth")
    thr = Thresholds(args.threshold if args.threshold is not None else inspector.spec.default_threshold)
    t0 = time.perf_counter()
    store = runuse.open_run(margs, data if data.is_dir() else data.parent, images, inspector.settings)
    tables: Dict[str, DefectTable] = {}
    try:
        if not decider.given and store is not None and store.rules_text:
            try:  # the rules this model was last decided with, saved in its run
                decider = ruleuse.Decider(parse_rules(store.rules_text, f"rules of run {store.run_id}"),
                                          None, False)
            except RulesError as e:
                raise CliError(f"{model}: {e}") from None
        decider.base = thr
        paired, failed = _collect(inspector, gt, images, args.quiet, store, tables)
        elapsed = time.perf_counter() - t0
        speed = _speed(store, images, elapsed)
    finally:
        if store is not None:
            store.close()
    print_problems(f"{model}: images that could not be inspected", failed)
    if not paired.pairs:
        raise CliError(f"{model}: no image could be evaluated")
    names = inspector.class_names or ()
    keys = [str(k) for k in paired.keys]
    verdicts = decider.decide_many(DefectTables.stack([tables[k] for k in keys]), names)
    gt_def = np.array([is_defective(g) for g, _ in paired.pairs], bool)
    report = evaluate_metrics(paired.pairs, gt.task, thr, image_ids=keys, difficult=paired.difficult)
    report["model"] = inspector.spec.summary()
    report["speed"] = speed
    report["decision"] = {**decision_metrics(verdicts.verdict, gt_def), "rules": rules_to_dict(decider.rules),
                          "threshold": thr.default}
    kept = {k: tuple(names[c] if c < len(names) else str(c) for c in np.flatnonzero(verdicts.kept_count[i]))
            for i, k in enumerate(keys)}
    return ModelRun(Path(model).name or model, report, thr,
                    {k: p for k, (_g, p) in zip(keys, paired.pairs)},
                    {k: int(v) for k, v in zip(keys, verdicts.verdict)}, kept)


def _fmt(v: Optional[float]) -> str:
    return "" if v is None else f"{v:.4f}"


def run(args: argparse.Namespace) -> int:
    if len(args.models) < 2:
        raise CliError("compare needs two or more models: give --model twice or more")
    if args.threshold is not None and not 0.0 <= args.threshold <= 1.0:
        raise CliError(f"--threshold {args.threshold} is outside 0-1")
    for m in args.models:
        if not os.path.isdir(os.path.expanduser(m)):
            raise CliError(f"{m}: not a model folder")
    ruleuse.decider_for(args)  # bad rules: exit 2 before any model is loaded
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
    staged = StagedFolder(out, "compare", info={"data": str(data), "models": list(args.models)})
    runs = [_one_model(args, m, gt, data, images) for m in args.models]
    common = [k for k in runs[0].verdicts if all(k in r.verdicts for r in runs[1:])]
    gt_of = {k: gt.get(Path(k)) for k in common}
    gt_def = np.array([is_defective(gt_of[k]) for k in common], bool)
    right = [correct(np.array([r.verdicts[k] for k in common]), gt_def) for r in runs]
    tests = [{"a": runs[0].name, "b": r.name, **mcnemar(right[0], right[j]).to_dict()}
             for j, r in enumerate(runs[1:], 1)]
    table = metric_table([r.report for r in runs])
    a, b = runs[0], runs[1]
    rows = []
    for k in common:
        d = image_disagreement(a.predictions[k], b.predictions[k], a.verdicts[k], b.verdicts[k],
                               a.kept_classes[k], b.kept_classes[k], a.thresholds, b.thresholds, gt_of[k])
        rows.append({"image": k, "ground_truth": "defective" if is_defective(gt_of[k]) else "clean",
                     "verdict_a": _verdict(a.verdicts[k]), "verdict_b": _verdict(b.verdicts[k]),
                     "classes_a": ";".join(a.kept_classes[k]), "classes_b": ";".join(b.kept_classes[k]),
                     **d.to_dict()})
    rows.sort(key=lambda r: -r["score"])
    result = {"task": gt.task, "data": str(data), "images": len(common),
              "models": [{"name": r.name, "path": p, "model": r.report["model"], "speed": r.report["speed"],
                          "decision": r.report["decision"], "thresholds": r.report.get("thresholds")}
                         for r, p in zip(runs, args.models)],
              "table": table, "mcnemar": tests, "correctness": "right = (NG or REVIEW) == ground truth defective",
              "disagreeing_images": sum(1 for r in rows if r["score"] > 0), "disagreements": rows}
    with staged as work:
        thumbs = _thumbnails(work, [r for r in rows if r["score"] > 0][: args.worst], a, b, gt_of)
        result["thumbnails"] = thumbs
        atomic_write_text(work / "comparison.json", json.dumps(result, ensure_ascii=False, indent=1))
        names = [r.name for r in runs]
        header = ["metric", *names, *[f"{n} - {names[0]}" for n in names[1:]]]
        lines = [dict(zip(header, [row["metric"], *row["values"], *row["diff"]]))
                 for row in table["overall"] + table["per_class"]]
        atomic_write_text(work / "comparison.csv", "\ufeff" + csv_text(header, lines))
        dis_cols = list(rows[0].keys()) if rows else ["image"]
        atomic_write_text(work / "disagreements.csv", "\ufeff" + csv_text(dis_cols, rows))
        atomic_write_text(work / "comparison.html", _html(result, names, thumbs))
    for t in tests:
        print(f"McNemar {t['a']} vs {t['b']}: {t['a_right_b_wrong']} images only {t['a']} right, "
              f"{t['a_wrong_b_right']} only {t['b']} right; p = {t['p_value']:.4g}", file=sys.stderr)
    print(f"{result['disagreeing_images']} of {len(common)} images disagree; report in {out}", file=sys.stderr)
    return 0


def _verdict(code: int) -> str:
    from ..rules import ImageVerdict

    return ImageVerdict(code).name if code >= 0 else "no result"


def _thumbnails(work: Path, rows, a: ModelRun, b: ModelRun, gt_of) -> List[str]:
    """Ground truth | A | B of each image at the same scale, each titled (the render layer's
    annotate / titled / side_by_side, as its compare image)."""
    from ..errors import InspectorError
    from ..imageio import read_image, write_image
    from ..render import RenderStyle, text
    from ..render.annotate import annotate, as_bgr
    from ..render.compare import side_by_side, titled

    written = []
    for rank, r in enumerate(rows, 1):
        k = r["image"]
        try:
            image = as_bgr(read_image(k))
        except InspectorError:
            continue
        m = text.metrics(image.shape, RenderStyle().font_scale)
        panes = [titled(annotate(image, gt_of[k], RenderStyle()), "Ground truth", m),
                 titled(annotate(image, a.predictions[k], RenderStyle(thresholds=a.thresholds)),
                        f"A: {r['verdict_a']}", m),
                 titled(annotate(image, b.predictions[k], RenderStyle(thresholds=b.thresholds)),
                        f"B: {r['verdict_b']}", m)]
        name = f"{rank:03d}_{Path(k).stem}_compare.jpg"
        write_image(work / "thumbnails" / name, side_by_side(panes, image.shape[1] > 2 * image.shape[0]))
        written.append(f"thumbnails/{name}")
    return written


def _html(result: dict, names: List[str], thumbs: List[str]) -> str:
    """A minimal self-contained page (no external URL; thumbnails beside it)."""
    e = html.escape
    head = "".join(f"<th>{e(n)}</th>" for n in names) + "".join(f"<th>{e(n)} &minus; {e(names[0])}</th>"
                                                           for n in names[1:])

    def rows(table):
        return "".join("<tr><td>" + e(r["metric"]) + "</td>" + "".join(f"<td>{_fmt(v)}</td>" for v in r["values"])
                       + "".join(f"<td>{_fmt(v)}</td>" for v in r["diff"]) + "</tr>" for r in table)

    mc = "".join(f"<tr><td>{e(t['a'])} vs {e(t['b'])}</td><td>{t['both_right']}</td><td>{t['a_right_b_wrong']}</td>"
                 f"<td>{t['a_wrong_b_right']}</td><td>{t['both_wrong']}</td><td>{t['p_value']:.4g}</td></tr>"
                 for t in result["mcnemar"])
    dis = "".join(f"<figure><img src='{e(t)}' style='max-width:100%'><figcaption>{e(Path(r['image']).name)}: "
                  f"{e(r['verdict_a'])} / {e(r['verdict_b'])}, ground truth {e(r['ground_truth'])}, "
                  f"score {r['score']:.0f}</figcaption></figure>"
                  for t, r in zip(thumbs, result["disagreements"]))
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>Model comparison</title><style>"
            "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
            "td,th{border:1px solid #bbb;padding:3px 8px;text-align:right}td:first-child{text-align:left}"
            "</style></head><body>"
            f"<h1>Model comparison</h1><p>{e(result['data'])}: {result['images']} images ({e(result['task'])}); "
            f"{result['disagreeing_images']} images where the models disagree.</p>"
            f"<h2>Overall</h2><table><tr><th>metric</th>{head}</tr>{rows(result['table']['overall'])}</table>"
            f"<h2>Per class</h2><table><tr><th>class</th>{head}</tr>{rows(result['table']['per_class'])}</table>"
            "<h2>McNemar's test (image-level correctness)</h2><table><tr><th>models</th><th>both right</th>"
            f"<th>only A right</th><th>only B right</th><th>both wrong</th><th>p-value</th></tr>{mc}</table>"
            f"<h2>Most disagreeing images (ground truth | A | B)</h2>{dis}</body></html>")
