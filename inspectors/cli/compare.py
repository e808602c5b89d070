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
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import numpy as np

from ..atomic import atomic_write_text
from ..csvfile import csv_text
from ..errors import GroundTruthError
from ..groundtruth import load_ground_truth
from ..metrics import evaluate as evaluate_metrics
from ..metrics.compare import correct, image_disagreement, mcnemar, metric_table
from ..metrics.decision import decision_metrics
from ..outdir import StagedFolder, check_apart
from ..report import (
    Column,
    Document,
    KeyValues,
    Paragraph,
    Picture,
    Table,
    Thumb,
    ThumbGrid,
    write_html,
    write_pdf,
)
from ..results import Thresholds, is_defective
from ..rules import DefectTable, DefectTables, ImageVerdict, RulesError, parse_rules, rules_to_dict
from ..runs.fingerprint import model_fingerprint
from . import ruleuse, runuse
from .common import (
    CliError,
    add_runtime_args,
    load_inspector,
    non_negative_int,
    print_problems,
    source_folders,
)
from .evaluate import collect_pairs


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
        paired, failed = collect_pairs(inspector, gt, images, args.quiet, store, tables)
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
    report["model"] = {**inspector.spec.summary(), "fingerprint": model_fingerprint(model)[1]}
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
        result["thumbnails"] = [t[0] for t in thumbs]
        atomic_write_text(work / "comparison.json", json.dumps(result, ensure_ascii=False, indent=1))
        names = [r.name for r in runs]
        header = ["metric", *names, *[f"{n} - {names[0]}" for n in names[1:]]]
        lines = [dict(zip(header, [row["metric"], *row["values"], *row["diff"]]))
                 for row in table["overall"] + table["per_class"]]
        atomic_write_text(work / "comparison.csv", "\ufeff" + csv_text(header, lines))
        dis_cols = list(rows[0].keys()) if rows else ["image"]
        atomic_write_text(work / "disagreements.csv", "\ufeff" + csv_text(dis_cols, rows))
        doc = _document(result, names, thumbs)
        write_html(doc, work / "comparison.html")
        write_pdf(doc, work / "comparison.pdf")
    for t in tests:
        print(f"McNemar {t['a']} vs {t['b']}: {t['a_right_b_wrong']} images only {t['a']} right, "
              f"{t['a_wrong_b_right']} only {t['b']} right; p = {t['p_value']:.4g}", file=sys.stderr)
    print(f"{result['disagreeing_images']} of {len(common)} images disagree; report in {out}", file=sys.stderr)
    return 0


def _verdict(code: int) -> str:
    return ImageVerdict(code).name if code >= 0 else "no result"


def _thumbnails(work: Path, rows, a: ModelRun, b: ModelRun, gt_of) -> List[Tuple[str, np.ndarray, dict]]:
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
        panel = side_by_side(panes, image.shape[1] > 2 * image.shape[0])
        write_image(work / "thumbnails" / name, panel)
        written.append((f"thumbnails/{name}", panel, r))
    return written


def _document(result: dict, names: List[str], thumbs) -> Document:
    """The comparison report (:mod:`inspectors.report`: one HTML file and a PDF)."""
    models = result["models"]
    doc = Document("Model comparison", subtitle=f"{result['data']} ({result['task']}, {result['images']} images)")
    doc.section("Models", Table(
        [Column("", "text"), Column("model"), Column("fingerprint"), Column("threshold", "number", 2),
         Column("images / s", "number", 1), Column("speed from")],
        [[chr(ord("A") + i), m["name"], str((m["model"] or {}).get("fingerprint", ""))[:12],
          m["decision"].get("threshold"), m["speed"].get("images_per_second"), m["speed"].get("source")]
         for i, m in enumerate(models)]))
    cols = [Column("metric"), *[Column(f"{chr(ord('A') + i)}: {n}", "number", 4) for i, n in enumerate(names)],
            *[Column(f"{chr(ord('A') + i)} - A", "number", 4) for i in range(1, len(names))]]

    counts = {"escapes", "false rejects"}

    def rows(table, keep):
        return [[r["metric"], *r["values"], *r["diff"]] for r in table if keep(r["metric"])]

    int_cols = [cols[0], *[Column(c.name, "int") for c in cols[1:]]]
    doc.section("Metrics",
                Table(cols, rows(result["table"]["overall"], lambda m: m not in counts and m != "images / s"),
                      title="Overall"),
                Table(int_cols, rows(result["table"]["overall"], lambda m: m in counts), title="Decision counts"),
                Table(cols, rows(result["table"]["per_class"], lambda m: True), title="Per class"))
    doc.section("McNemar's test (image-level correctness)",
                Paragraph("An image is right when its verdict sends it on (NG or REVIEW) exactly when its "
                          "ground truth is defective. Exact two-sided binomial test on the images only "
                          "one model gets right."),
                Table([Column("models"), Column("both right", "int"), Column("only A right", "int"),
                       Column("only the other right", "int"), Column("both wrong", "int"), Column("p-value")],
                      [[f"A vs {chr(ord('A') + j)}", t["both_right"], t["a_right_b_wrong"], t["a_wrong_b_right"],
                        t["both_wrong"], f"{t['p_value']:.3g}"] for j, t in enumerate(result["mcnemar"], 1)]))
    doc.section("Where the models disagree",
                KeyValues([("images where A and B disagree", f"{result['disagreeing_images']} of {result['images']}"),
                           ("sorted by", "verdict differs (4), each ground-truth defect one missed (1), "
                                         "kept classes differ (1)")]),
                ThumbGrid([Thumb(Picture.from_array(panel, Path(path).name, jpeg_quality=85),
                                 [Path(r["image"]).name, f"A {r['verdict_a']} | B {r['verdict_b']}",
                                  f"ground truth: {r['ground_truth']}", f"disagreement {r['score']:.0f}"],
                                 link=path, tone="warn")
                           for path, panel, r in thumbs], columns=3, title="ground truth | A | B",
                          empty="the models agree on every image"))
    return doc
