"""The inspection report of ``evaluate`` (report.html / report.pdf / images.csv /
defects.csv beside metrics.json) and the ``report`` command that writes it again.

``python main.py report DIR``: DIR is an ``evaluate`` output (its metrics.json and
images.json are read; the compare images are copied) or a stored run (a folder under the
runs root holding ``index.sqlite``: every stored result is decided by the run's saved rules and
threshold; no ground truth). ``--out`` defaults to DIR itself for an evaluate output
(the report files are replaced, the rest kept) and is required for a run.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from ..errors import InspectorError
from ..export.inspection import ReportHeader, write_report
from ..export.sheet import compare_sheet
from ..export.tables import ImageRow, caption_of, image_row, rows_from_json
from ..imageio import read_image
from ..outdir import StagedFolder, check_apart
from ..render import RenderStyle
from ..results import Thresholds
from ..rules import Decision, Rules, RulesError, rules_to_dict
from .common import CliError

REPORT_FILES = ("report.html", "report.pdf", "images.csv", "defects.csv", "images.json")


def rules_words(rules: Rules) -> str:
    """The rules on one line ('' for none), in YAML's flow style."""
    if rules == Rules():
        return ""
    import yaml

    doc = {k: v for k, v in rules_to_dict(rules).items() if k != "version"}
    text = yaml.safe_dump(doc, default_flow_style=True, allow_unicode=True, width=10**6).strip()
    return text[1:-1] if text.startswith("{") and text.endswith("}") else text


def relative(path: str, root: Path) -> str:
    try:
        return Path(os.path.realpath(path)).relative_to(os.path.realpath(root)).as_posix()
    except ValueError:
        return Path(path).name


def _model_threshold(meta: dict) -> Thresholds:
    """Without saved decision settings: the model's own default threshold (as predict and
    evaluate use it), 0.5 when the model folder is gone."""
    from ..formats import load_model_spec

    try:
        return Thresholds(load_model_spec(str(meta.get("model_path", ""))).default_threshold)
    except (OSError, InspectorError):
        return Thresholds(0.5)


def _review_book(folder: Path, work_dir: Path):
    """The app's operator verdicts for ``folder`` under the run's work folder (None: none)."""
    from ..session import REVIEW_FILE, ReviewBook, work_dir_for

    where = work_dir_for(folder, work_dir)
    if not (where / REVIEW_FILE).is_file():
        return None
    try:
        return ReviewBook(where, folder)
    except InspectorError:
        return None


def sheet_function(paths: Dict[str, str], results: Dict[str, tuple], thresholds: Thresholds,
                   with_truth: bool = True):
    """A :data:`inspectors.export.inspection.SheetFn` over (truth, prediction, decision) by
    row path; ``paths`` maps a row path to its image file."""
    style = RenderStyle(thresholds=thresholds)

    def sheet(row: ImageRow):
        truth, pred, decision = results[row.path]
        try:
            image = read_image(paths[row.path])
        except InspectorError:
            return None
        tone = (179, 38, 30) if row.is_miss else (154, 103, 0) if row.is_false_alarm else (29, 36, 48)
        return compare_sheet(image, truth, pred, style, decision, row.path, caption_of(row), tone, with_truth)

    return sheet


def evaluation_rows(keys: Sequence[str], pairs: Sequence[tuple], decisions: Sequence[Optional[Decision]],
                    thresholds: Thresholds, root: Path, failed: Sequence[tuple],
                    sizes: Sequence[Optional[tuple]]) -> List[ImageRow]:
    """One row per evaluated image (and per image that failed), paths relative to ``root``."""
    rows = [image_row(relative(k, root), pred, thresholds, d, truth, size=s)
            for k, (truth, pred), d, s in zip(keys, pairs, decisions, sizes)]
    rows += [image_row(relative(str(p), root), None, thresholds, error=str(msg)) for p, msg in failed]
    return rows


def evaluation_header(inspector, report: dict, data: Path, thresholds: Thresholds, rules: Rules,
                      gt_text: str, n_images: int) -> ReportHeader:
    from ..runs.fingerprint import fingerprint_spec

    spec = inspector.spec
    backend = getattr(inspector, "backend", None)
    try:
        fingerprint = fingerprint_spec(spec)
    except (OSError, InspectorError):
        fingerprint = ""
    speed = report.get("speed", {})
    return ReportHeader(
        title=f"Inspection report: {Path(spec.directory).name} on {data.name}",
        folder=str(data), images=n_images, created=_dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        model=f"{Path(spec.directory).name} ({spec.format}, {spec.architecture})", model_path=str(spec.directory),
        fingerprint=fingerprint, task=spec.task, class_names=list(inspector.class_names or spec.class_names),
        threshold=thresholds.default, per_class_thresholds={str(k): v for k, v in thresholds.per_class.items()},
        rules=rules_words(rules), engine=getattr(backend, "engine", "") or inspector.settings.engine,
        device=getattr(backend, "device", "") or inspector.settings.device,
        seconds=speed.get("seconds"), images_per_second=speed.get("images_per_second"), source="evaluate",
        ground_truth=gt_text)


# ----------------------------------------------------------------------------- the command
def add_parser(sub) -> None:
    p = sub.add_parser("report", help="write the inspection report again from an evaluate output or a run",
                       description="Write report.html, report.pdf, images.csv and defects.csv from a stored "
                                   "evaluate output folder or a run folder.")
    p.add_argument("source", metavar="RUN_OR_REPORT_DIR",
                   help="an evaluate output folder (metrics.json + images.json) or a run folder (index.sqlite)")
    p.add_argument("--out", default=None,
                   help="report folder (default: the evaluate folder itself; required for a run)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    src = Path(os.path.abspath(os.path.expanduser(args.source)))
    if not src.is_dir():
        raise CliError(f"{src}: not a folder")
    if (src / "images.json").is_file() and (src / "metrics.json").is_file():
        return _from_evaluation(src, args.out)
    if (src / "index.sqlite").is_file():
        if not args.out:
            raise CliError("a run needs --out DIR (the report folder)")
        return _from_run(src, Path(os.path.abspath(os.path.expanduser(args.out))))
    if (src / "metrics.json").is_file():
        raise CliError(f"{src}: an evaluate output from before reports (no images.json); run evaluate again")
    raise CliError(f"{src}: neither an evaluate output (metrics.json + images.json) nor a run (index.sqlite)")


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise CliError(f"{path}: cannot be read ({e})") from None


def _from_evaluation(src: Path, out_arg: Optional[str]) -> int:
    metrics = _read_json(src / "metrics.json")
    stored = _read_json(src / "images.json")
    try:
        header = ReportHeader.from_dict(stored["header"])
        rows = rows_from_json(stored["images"])
    except (KeyError, TypeError) as e:
        raise CliError(f"{src / 'images.json'}: not a report's images file ({e})") from None
    if out_arg is None:  # in place: only the report files are replaced (each written atomically)
        write_report(src, header, rows, metrics)
        print(f"report written again in {src}", file=sys.stderr)
        return 0
    out = Path(os.path.abspath(os.path.expanduser(out_arg)))
    check_apart(out, [src])
    with StagedFolder(out, "report") as work:
        for r in rows:
            if r.compare and (src / r.compare).is_file():
                (work / r.compare).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src / r.compare, work / r.compare)
            elif r.compare:
                r.compare = ""
        shutil.copyfile(src / "metrics.json", work / "metrics.json")
        write_report(work, header, rows, metrics)
    print(f"report written to {out}", file=sys.stderr)
    return 0


def _from_run(src: Path, out: Path) -> int:
    from ..rules import bind, decide, parse_rules
    from ..runs import Run, RunError

    try:
        run_ = Run(src, write=False)
    except RunError as e:
        raise CliError(f"{src}: {e}") from None
    t0 = time.perf_counter()
    with run_:
        folder = Path(run_.folder)
        settings = run_.decision_settings  # what the app last decided with
        thr = settings.thresholds() if run_.has_decision_settings else _model_threshold(run_.meta)
        try:
            rules = parse_rules(run_.rules_text) if run_.rules_text else Rules()
            names = run_.class_names
            bound = bind(rules, names, thr, settings.review)
        except RulesError as e:
            raise CliError(f"{src}: the run's rules: {e}") from None
        check_apart(out, [folder, src])
        meta = run_.meta
        book = _review_book(folder, src.parent.parent)
        rows: List[ImageRow] = []
        results: Dict[str, tuple] = {}
        paths: Dict[str, str] = {}
        for rel in run_.rels():
            outcome = run_.get(rel)
            path = run_.path_of(rel)
            if outcome.result is None:
                rows.append(image_row(rel, None, thr, error=outcome.error or "error"))
                continue
            table = run_.defect_table(rel)
            decision = decide(table, bound) if table is not None else None
            verdict = book.get(path) if book is not None else None
            rows.append(image_row(rel, outcome.result, thr, decision, operator=verdict.value if verdict else ""))
            results[rel], paths[rel] = (None, outcome.result, decision), path
        header = ReportHeader(
            title=f"Inspection report: {Path(str(meta.get('model_path', ''))).name or 'model'} on {folder.name}",
            folder=str(folder), images=len(rows), created=_dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
            model=Path(str(meta.get("model_path", ""))).name, model_path=str(meta.get("model_path", "")),
            fingerprint=str(meta.get("fingerprint", "")), task=str(meta.get("task", "")), class_names=list(names),
            threshold=thr.default, per_class_thresholds={str(k): v for k, v in thr.per_class.items()},
            rules=rules_words(rules), source="run")
        with StagedFolder(out, "report") as work:
            write_report(work, header, rows, None, sheet_function(paths, results, thr, with_truth=False))
    print(f"report of {len(rows)} images written to {out} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return 0



def write_evaluation_report(work: Path, inspector, report: dict, data: Path, gt, paired, failed: Sequence[tuple],
                            tables: dict, decider, class_names: Sequence[str], thresholds: Thresholds) -> None:
    """``evaluate``'s report files into its staging folder ``work`` (beside metrics.json)."""
    keys = [str(k) for k in paired.keys]
    decisions = [decider.decide(tables[k], class_names) if tables.get(k) is not None else None for k in keys]
    sizes = [(t.image_size[1], t.image_size[0]) if t is not None else None for t in (tables.get(k) for k in keys)]
    root = data if data.is_dir() else data.parent
    rows = evaluation_rows(keys, paired.pairs, decisions, thresholds, root, failed, sizes)
    header = evaluation_header(inspector, report, data, thresholds, decider.rules, gt.describe(),
                               report["data"]["images"])
    by_row = {r.path: (truth, pred, d) for r, (truth, pred), d in zip(rows, paired.pairs, decisions)}
    paths = {r.path: k for r, k in zip(rows, keys)}
    write_report(work, header, rows, report, sheet_function(paths, by_row, thresholds))
