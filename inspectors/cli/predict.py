"""``predict``: run a model over a file, a folder or a list of images; one JSON per image
and a CSV summary, written into a new folder that replaces an older ``predict`` output
only when the run finishes.

The results go into an inspection run (:mod:`inspectors.runs`, chosen by
:func:`.runuse.open_run`: the input folder's, a single image's folder's or a list file's
folder's run of this model); images it already holds unchanged are not inferred again,
and the JSON / CSV files are exports of the run for this command's images. ``--no-store``
skips the run (each JSON written as its image is done, as before runs existed)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from ..atomic import atomic_write_text, sync_folder, write_unsynced
from ..csvfile import csv_text
from ..errors import InspectorError
from ..imageio import is_image_file, list_images
from ..outdir import StagedFolder, check_apart
from ..problems import Problem
from ..results import Outcome, Thresholds
from ..rules import Decision
from . import clusteruse, ruleuse, runuse
from .common import (
    CliError,
    add_runtime_args,
    load_inspector,
    print_problems,
    source_folders,
    unit_interval,
)

SUMMARY_FIELDS = ["file", "status", "error", "task", "flagged", "verdict", "reasons", "defect_score",
                  "classes", "n_objects", "read_ms", "preprocess_ms", "inference_ms", "postprocess_ms"]
LIST_SUFFIXES = (".txt", ".lst")


def add_parser(sub) -> None:
    p = sub.add_parser("predict", help="run a model over images; write JSON per image + summary.csv",
                       description="Run an exported model over an image, a folder of images or a "
                       "list file (one image path per line, relative to the list's folder).")
    p.add_argument("--model", required=True, help="exported model folder (or its config file)")
    p.add_argument("--input", required=True, help="an image file, a folder (searched recursively) or a .txt list")
    p.add_argument("--out", required=True,
                   help="output folder: new, empty, or an earlier predict output (replaced when this run ends)")
    p.add_argument("--threshold", type=unit_interval, default=None,
                   help="confidence threshold for flagging, 0-1 (default: the model's, else 0.5)")
    ruleuse.add_rules_args(p)
    add_runtime_args(p)
    runuse.add_store_args(p)
    clusteruse.add_cluster_args(p)
    p.set_defaults(func=run)


def _read_list(path: Path) -> Tuple[List[Path], List[Problem]]:
    from ..groundtruth.lists import list_lines, list_path

    images, problems = [], []
    try:
        lines = list(list_lines(path))
    except InspectorError as e:
        raise CliError(str(e)) from None
    for number, line in lines:
        whole = list_path(path.parent, line)  # a path with spaces, else "image label ..."
        image = (whole if whole.exists() else list_path(path.parent, line.split()[0])).absolute()
        if not is_image_file(image):
            problems.append((str(path), f"line {number}: {image.name} is not an image file"))
        else:
            images.append(image)
    return images, problems


def inputs(path: Path) -> Tuple[List[Path], Path, List[Problem]]:
    """The images to inspect, the folder their names are relative to, and listing problems."""
    problems: List[Problem] = []
    if path.is_dir():
        images = list_images(path, problems=problems)
        if not images:
            raise CliError(f"--input folder {path} contains no images")
        return images, path, problems
    if path.is_file():
        if path.suffix.lower() in LIST_SUFFIXES:
            images, problems = _read_list(path)
            if not images:
                raise CliError(f"--input list {path} names no images")
            return images, path.parent, problems
        if not is_image_file(path):
            raise CliError(f"--input {path} is not an image file (bmp, jpg, png, tif, ...) "
                           "or a .txt list of images")
        return [path], path.parent, problems
    if path.is_symlink():
        raise CliError(f"--input {path} is a symbolic link that points to nothing")
    raise CliError(f"--input {path} does not exist")


def relative_name(image: Path, root: Path) -> str:
    """The image's name in the output: its path under ``root``, else its file name."""
    try:
        return Path(os.path.relpath(image, root)).as_posix() if root in image.parents else image.name
    except ValueError:  # another drive (Windows)
        return image.name


def _unique(name: str, used: Dict[str, int]) -> str:
    """``name``, or ``name`` with a counter when two inputs share it (list files)."""
    n = used.get(name, 0)
    used[name] = n + 1
    return name if n == 0 else f"{name}~{n}"


def summary_row(outcome: Outcome, name: str, thresholds: Thresholds,
                decision: Optional[Decision] = None) -> dict:
    """The image's summary.csv row; ``flagged`` and ``verdict`` come from ``decision`` (the
    rules; without one, the flagging decision at ``thresholds``)."""
    t = outcome.timings
    row = {"file": name,
           "read_ms": round(t.read * 1e3, 2), "preprocess_ms": round(t.preprocess * 1e3, 2),
           "inference_ms": round(t.inference * 1e3, 2), "postprocess_ms": round(t.postprocess * 1e3, 2)}
    if not outcome.ok:
        return {**row, "status": "error", "error": outcome.error}
    r = outcome.result.filtered(thresholds)
    if r.task == "detection":
        classes, n = sorted({r.class_names[c] for c in r.class_ids}), len(r)
    elif r.task == "segmentation":
        classes = [r.class_names[c] for c in sorted(r.class_scores())]
        n = len(classes)
    else:
        classes, n = [r.class_name], 1
    flagged = decision.flagged if decision is not None else r.is_defective(thresholds)
    verdict = decision.verdict.name if decision is not None else ("NG" if flagged else "OK")
    return {**row, "status": "ok", "error": "", "task": r.task,
            "flagged": int(flagged), "verdict": verdict,
            "reasons": "; ".join(decision.reasons) if decision is not None else "",
            "defect_score": round(r.defect_score(), 6), "classes": ";".join(classes), "n_objects": n}


def export_one(work: Path, name: str, image: Path, outcome: Outcome, inspector, thr: Thresholds,
               errors: List[Problem], decision: Optional[Decision] = None) -> dict:
    """The image's JSON in ``work`` and its summary.csv row. The JSON lists every candidate
    defect, kept or ignored and why (scores as stored, float32 values)."""
    payload = {"file": str(image), "model": inspector.spec.summary(), "threshold": thr.default}
    if outcome.ok:
        payload["result"] = outcome.result.to_dict()
        payload["flagged"] = decision.flagged if decision is not None else outcome.result.is_defective(thr)
        if decision is not None:
            payload.update(decision.to_dict())
    else:
        payload["error"] = outcome.error
        errors.append((str(image), outcome.error or "error"))
    # the staged folder is renamed into place whole: no temporary file or fsync per image
    write_unsynced(work / (name + ".json"), json.dumps(payload, ensure_ascii=False, indent=1))
    return summary_row(outcome, name, thr, decision)


def run(args: argparse.Namespace) -> int:
    decider = ruleuse.decider_for(args)  # bad rules: exit 2 before the model is loaded
    src = Path(os.path.abspath(os.path.expanduser(args.input)))
    images, root, problems = inputs(src)
    out = Path(os.path.abspath(os.path.expanduser(args.out)))
    check_apart(out, source_folders(images, src))
    staged = StagedFolder(out, "predict", info={"input": str(src), "model": str(args.model)})
    inspector = clusteruse.load(args, images) if clusteruse.wanted(args) else load_inspector(args, images)
    thr = Thresholds(args.threshold if args.threshold is not None else inspector.spec.default_threshold)
    decider.base = thr
    if inspector.class_names:  # a class the model lacks: said before any image is inferred
        decider.bound(inspector.class_names)
    store = runuse.open_run(args, root, images, inspector.settings)
    try:
        code = _predict(args, images, root, problems, out, staged, inspector, thr, store, decider)
        ruleuse.save(decider, store)
        return code
    finally:
        if store is not None:
            store.close()


def _decision(decider: ruleuse.Decider, store, image: Path, outcome: Outcome,
              kept: Dict[str, Outcome]) -> Optional[Decision]:
    table = ruleuse.table_of(store, image, outcome, kept)
    return None if table is None else decider.decide(table, outcome.result.class_names)


def _predict(args, images, root, problems, out, staged, inspector, thr, store, decider) -> int:
    rows: List[dict] = []
    errors: List[Problem] = []
    used: Dict[str, int] = {}
    t0 = time.perf_counter()
    from tqdm import tqdm

    if store is None:  # the behaviour without a store: each JSON written as its image is done
        with staged as work, tqdm(total=len(images), unit="img", file=sys.stderr, disable=args.quiet) as bar:
            for outcome in inspector.run(images):
                name = _unique(relative_name(Path(outcome.path), root), used)
                decision = _decision(decider, None, Path(outcome.path), outcome, {})
                rows.append(export_one(work, name, Path(outcome.path), outcome, inspector, thr, errors,
                                       decision))
                bar.update(1)
            if len(rows) != len(images):
                raise InspectorError(f"the run ended after {len(rows)} of {len(images)} images")
            atomic_write_text(work / "summary.csv", csv_text(SUMMARY_FIELDS, rows))
            ruleuse.save(decider, None, work)
            sync_folder(work)  # durable before the rename publishes it: one flush, not one per file
    else:
        todo = runuse.plan(store, images)
        print(todo.line(store), file=sys.stderr)
        with staged as work:
            with tqdm(total=len(todo.todo), unit="img", file=sys.stderr, disable=args.quiet) as bar:
                kept = runuse.infer_into(store, inspector, todo.todo, bar)
            for image, outcome in zip(images, runuse.outcomes(store, images, kept)):
                name = _unique(relative_name(image, root), used)
                decision = _decision(decider, store, image, outcome, kept)
                rows.append(export_one(work, name, image, outcome, inspector, thr, errors, decision))
            atomic_write_text(work / "summary.csv", csv_text(SUMMARY_FIELDS, rows))
            ruleuse.save(decider, None, work)
            sync_folder(work)
    elapsed = time.perf_counter() - t0
    flagged = sum(1 for r in rows if r.get("flagged"))
    verdicts = {v: sum(1 for r in rows if r.get("verdict") == v) for v in ("OK", "REVIEW", "NG")}
    print_problems("skipped while listing the input", problems)
    print_problems("images that could not be inspected", errors)
    print(f"{len(rows)} images in {elapsed:.1f} s ({len(rows) / max(elapsed, 1e-9):.2f} img/s): "
          f"{flagged} flagged (OK {verdicts['OK']}, REVIEW {verdicts['REVIEW']}, NG {verdicts['NG']}), "
          f"{len(errors)} unreadable -> {out}", file=sys.stderr)
    if errors and len(errors) == len(rows):
        print("error: no image could be inspected", file=sys.stderr)
        return 1
    return 0
