"""``predict``: run a model over a file or folder; one JSON per image and a CSV summary."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import time
from pathlib import Path
from typing import List

from ..atomic import atomic_write_text
from ..imageio import is_image_file, list_images
from ..results import Outcome, Thresholds
from .common import CliError, add_runtime_args, load_inspector

SUMMARY_FIELDS = ["file", "status", "error", "task", "flagged", "defect_score", "classes",
                  "n_objects", "read_ms", "preprocess_ms", "inference_ms", "postprocess_ms"]


def add_parser(sub) -> None:
    p = sub.add_parser("predict", help="run a model over images; write JSON per image + summary.csv",
                       description="Run an exported model over an image or a folder of images.")
    p.add_argument("--model", required=True, help="exported model folder (or its config file)")
    p.add_argument("--input", required=True, help="an image file or a folder (searched recursively)")
    p.add_argument("--out", required=True, help="output folder (created; existing files are replaced)")
    p.add_argument("--threshold", type=float, default=None,
                   help="confidence threshold for flagging (default: the model's, else 0.5)")
    add_runtime_args(p)
    p.set_defaults(func=run)


def _inputs(path: Path) -> List[Path]:
    if path.is_file():
        if not is_image_file(path):
            raise CliError(f"--input {path} is not an image file (supported: bmp, jpg, png, tif, ...)")
        return [path]
    if path.is_dir():
        images = list_images(path)
        if not images:
            raise CliError(f"--input folder {path} contains no images")
        return images
    raise CliError(f"--input {path} does not exist")


def _json_name(image: Path, root: Path) -> str:
    rel = image.relative_to(root) if root.is_dir() else Path(image.name)
    return str(rel.with_name(rel.name + ".json"))


def summary_row(outcome: Outcome, root: Path, thresholds: Thresholds) -> dict:
    t = outcome.timings
    row = {"file": str(Path(outcome.path).relative_to(root)) if root.is_dir() else Path(outcome.path).name,
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
    return {**row, "status": "ok", "error": "", "task": r.task,
            "flagged": int(r.is_defective(thresholds)), "defect_score": round(r.defect_score(), 6),
            "classes": ";".join(classes), "n_objects": n}


def run(args: argparse.Namespace) -> int:
    src = Path(args.input).expanduser()
    images = _inputs(src)
    out = Path(args.out).expanduser()
    if out.resolve() == src.resolve() or (src.is_dir() and src.resolve() in out.resolve().parents):
        raise CliError("--out must not be the input folder or inside it (source images are never touched)")
    out.mkdir(parents=True, exist_ok=True)
    inspector = load_inspector(args)
    thr = Thresholds(args.threshold if args.threshold is not None else inspector.spec.default_threshold)
    root = src if src.is_dir() else src.parent
    rows, n_err, t0 = [], 0, time.perf_counter()
    from tqdm import tqdm

    with tqdm(total=len(images), unit="img", file=sys.stderr, disable=args.quiet) as bar:
        for outcome in inspector.run(images):
            payload = {"file": str(outcome.path), "model": inspector.spec.summary(),
                       "threshold": thr.default}
            if outcome.ok:
                payload["result"] = outcome.result.to_dict()
                payload["flagged"] = outcome.result.is_defective(thr)
            else:
                payload["error"] = outcome.error
                n_err += 1
            atomic_write_text(out / _json_name(Path(outcome.path), root),
                              json.dumps(payload, ensure_ascii=False, indent=1))
            rows.append(summary_row(outcome, root, thr))
            bar.update(1)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=SUMMARY_FIELDS)
    writer.writeheader()
    writer.writerows(rows)
    atomic_write_text(out / "summary.csv", buf.getvalue())
    elapsed = time.perf_counter() - t0
    flagged = sum(1 for r in rows if r.get("flagged"))
    print(f"{len(rows)} images in {elapsed:.1f} s ({len(rows) / max(elapsed, 1e-9):.2f} img/s): "
          f"{flagged} flagged, {n_err} unreadable -> {out}", file=sys.stderr)
    return 0
