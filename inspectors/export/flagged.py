"""Export flagged images: originals, overlays, compare images, report.csv + report.json,
and the inspection report of the exported images (report.html, report.pdf, images.csv,
defects.csv: :mod:`.inspection`). Overlays and compare images keep readable names
(``x.jpg`` -> ``x_overlay.png``, ``x_compare.png``; :mod:`.names`).

The export is built in a hidden staging folder beside the target and renamed into
place at the end, so a cancelled or failed export leaves nothing half-written and an
existing export is only replaced when ``overwrite`` is given. Nothing is ever
written into the source image folder.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Union

from ..atomic import atomic_write_text
from ..errors import GroundTruthError, InspectorError
from ..imageio import read_image, write_image
from ..outdir import StagedFolder, check_apart
from ..render import DEFAULT_STYLE, RenderStyle
from ..results import Outcome, Result, Thresholds
from ..rules import Decision
from .inspection import ReportHeader, write_report
from .names import readable_names
from .report import Row, csv_text, json_text, thresholds_dict
from .sheet import compare_sheet, overlay_image
from .tables import ImageRow, caption_of, image_row

PathLike = Union[str, "os.PathLike[str]"]
ProgressFn = Callable[[int, int], None]
CancelFn = Callable[[], bool]
EXPORT_KIND = "export"


class ExportExistsError(InspectorError):
    """The export folder already holds files and ``overwrite`` was not given."""


class ExportCancelled(InspectorError):
    """The export was cancelled; nothing was written."""


DecideFn = Callable[[Result], Optional[Decision]]


@dataclass(frozen=True)
class ExportItem:
    """One image to export. ``outcome`` may be a function that reads it (called when the
    image is exported: one full result in memory at a time); ``ground_truth`` is called
    only when a compare image is made."""

    path: str
    outcome: Union[Outcome, None, Callable[[], Optional[Outcome]]]
    verdict: str = ""
    ground_truth: Optional[Callable[[], Optional[Result]]] = None

    def read(self) -> Optional[Outcome]:
        return self.outcome() if callable(self.outcome) else self.outcome


@dataclass(frozen=True)
class ExportOptions:
    originals: bool = True
    overlays: bool = True
    compare: bool = True
    report: bool = True  # report.html / report.pdf / images.csv / defects.csv


@dataclass
class ExportSummary:
    out_dir: Path
    rows: List[Row] = field(default_factory=list)
    problems: List[str] = field(default_factory=list)
    images: List[ImageRow] = field(default_factory=list)  # the inspection report's rows


def _relative(path: str, source: Path) -> Path:
    try:
        return Path(os.path.realpath(path)).relative_to(source)
    except ValueError:
        return Path(Path(path).name)


def check_target(out_dir: PathLike, source: PathLike, overwrite: bool) -> Path:
    """The export folder, or an error saying why it cannot be used: inside or around the
    image folder, a file, a folder of someone else's files (never replaced), or an earlier
    export when ``overwrite`` was not given (ExportExistsError: the caller may ask)."""
    check_apart(out_dir, [source], "the export folder")
    out = Path(os.path.realpath(os.fspath(out_dir)))
    StagedFolder(out, EXPORT_KIND)  # raises OutputError unless absent, empty or an export
    if out.is_dir() and any(out.iterdir()) and not overwrite:
        raise ExportExistsError(f"{out} already holds an export; overwrite it?")
    return out


def export_flagged(items: Sequence[ExportItem], out_dir: PathLike, source: PathLike, model: str,
                   thresholds: Thresholds, style: RenderStyle = DEFAULT_STYLE,
                   options: ExportOptions = ExportOptions(), overwrite: bool = False,
                   progress: Optional[ProgressFn] = None, cancel: Optional[CancelFn] = None,
                   decide: Optional[DecideFn] = None) -> ExportSummary:
    """Write ``items`` to ``out_dir``; see the module docstring for the guarantees.
    ``decide``: the rules' decision on a result (drawn on the overlays, in the report)."""
    out = check_target(out_dir, source, overwrite)
    src = Path(os.path.realpath(os.fspath(source)))
    summary = ExportSummary(out)
    draw = style.with_(thresholds=thresholds)
    rels = [_relative(item.path, src).as_posix() for item in items]
    names = {kind: readable_names(rels, kind) for kind in ("overlay", "compare")}
    with StagedFolder(out, EXPORT_KIND) as stage:
        for i, item in enumerate(items):
            if cancel is not None and cancel():
                raise ExportCancelled("export cancelled; nothing was written")
            summary.rows.append(_export_one(item, src, stage, model, thresholds, draw, options, summary,
                                            decide, names).freeze())
            if progress is not None:
                progress(i + 1, len(items))
        header = {"created": time.strftime("%Y-%m-%dT%H:%M:%S"), "source": str(src), "model": model,
                  "thresholds": thresholds_dict(thresholds)}
        atomic_write_text(stage / "report.csv", csv_text(summary.rows))
        atomic_write_text(stage / "report.json", json_text(summary.rows, header))
        if options.report:
            write_report(stage, _header(src, model, thresholds, len(items)), summary.images)
    return summary


def _header(src: Path, model: str, thresholds: Thresholds, n: int) -> ReportHeader:
    return ReportHeader(f"Export report: {model or 'model'} on {src.name}", str(src), n,
                        time.strftime("%Y-%m-%d %H:%M"), model=model, threshold=thresholds.default,
                        per_class_thresholds={str(k): v for k, v in thresholds.per_class.items()},
                        source="export")


def _truth(item: ExportItem, rel: Path, summary: ExportSummary) -> Optional[Result]:
    try:
        return item.ground_truth() if item.ground_truth else None
    except GroundTruthError as e:
        summary.problems.append(f"{rel}: {e}")
        return None


def _export_one(item: ExportItem, src: Path, stage: Path, model: str, thresholds: Thresholds,
                style: RenderStyle, options: ExportOptions, summary: ExportSummary,
                decide: Optional[DecideFn] = None, names: Optional[Dict[str, Dict[str, str]]] = None) -> Row:
    rel = _relative(item.path, src)
    outcome = item.read()
    decision = decide(outcome.result) if decide is not None and outcome is not None and outcome.result is not None \
        else None
    row = Row(rel.as_posix(), outcome, model, thresholds, item.verdict, decision=decision)
    result = outcome.result if outcome else None
    gt = _truth(item, rel, summary) if (options.compare or options.report) else None
    error = (outcome.error if outcome is not None else "") or ("" if result is not None else "no result")
    image_row_ = image_row(rel.as_posix(), result, thresholds, decision, gt, operator=item.verdict,
                           error=error or "")
    summary.images.append(image_row_)
    names = names or {}
    try:
        if options.originals:
            target = stage / "originals" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(item.path, target)
            row.original = f"originals/{rel.as_posix()}"
        if not (options.overlays or options.compare):
            return row
        image = read_image(item.path)
        key = rel.as_posix()
        if options.overlays:
            name = f"overlays/{names.get('overlay', {}).get(key) or readable_names([key], 'overlay')[key]}"
            write_image(stage / name, overlay_image(image, result, style, decision))
            row.overlay = name
        if options.compare:
            name = f"compare/{names.get('compare', {}).get(key) or readable_names([key], 'compare')[key]}"
            write_image(stage / name, compare_sheet(image, gt, result, style, decision, key,
                                                    caption_of(image_row_),
                                                    with_truth=item.ground_truth is not None))
            row.compare = image_row_.compare = name
    except (OSError, InspectorError) as e:
        row.error = str(e)
        summary.problems.append(f"{rel}: {e}")
    return row
