"""Export flagged images: originals, overlays, compare images, report.csv + report.json.

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
from typing import Callable, List, Optional, Sequence, Union

from ..atomic import atomic_write_text
from ..errors import GroundTruthError, InspectorError
from ..imageio import read_image, write_image
from ..outdir import StagedFolder, check_apart
from ..render import DEFAULT_STYLE, RenderStyle, annotate, compare
from ..results import Outcome, Result, Thresholds
from .report import Row, csv_text, json_text, thresholds_dict

PathLike = Union[str, "os.PathLike[str]"]
ProgressFn = Callable[[int, int], None]
CancelFn = Callable[[], bool]
EXPORT_KIND = "export"


class ExportExistsError(InspectorError):
    """The export folder already holds files and ``overwrite`` was not given."""


class ExportCancelled(InspectorError):
    """The export was cancelled; nothing was written."""


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


@dataclass
class ExportSummary:
    out_dir: Path
    rows: List[Row] = field(default_factory=list)
    problems: List[str] = field(default_factory=list)


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
                   progress: Optional[ProgressFn] = None, cancel: Optional[CancelFn] = None) -> ExportSummary:
    """Write ``items`` to ``out_dir``; see the module docstring for the guarantees."""
    out = check_target(out_dir, source, overwrite)
    src = Path(os.path.realpath(os.fspath(source)))
    summary = ExportSummary(out)
    draw = style.with_(thresholds=thresholds)
    with StagedFolder(out, EXPORT_KIND) as stage:
        for i, item in enumerate(items):
            if cancel is not None and cancel():
                raise ExportCancelled("export cancelled; nothing was written")
            summary.rows.append(_export_one(item, src, stage, model, thresholds, draw, options, summary).freeze())
            if progress is not None:
                progress(i + 1, len(items))
        header = {"created": time.strftime("%Y-%m-%dT%H:%M:%S"), "source": str(src), "model": model,
                  "thresholds": thresholds_dict(thresholds)}
        atomic_write_text(stage / "report.csv", csv_text(summary.rows))
        atomic_write_text(stage / "report.json", json_text(summary.rows, header))
    return summary


def _export_one(item: ExportItem, src: Path, stage: Path, model: str, thresholds: Thresholds,
                style: RenderStyle, options: ExportOptions, summary: ExportSummary) -> Row:
    rel = _relative(item.path, src)
    outcome = item.read()
    row = Row(rel.as_posix(), outcome, model, thresholds, item.verdict)
    try:
        if options.originals:
            target = stage / "originals" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(item.path, target)
            row.original = f"originals/{rel.as_posix()}"
        result = outcome.result if outcome else None
        if not (options.overlays or options.compare):
            return row
        image = read_image(item.path)
        if options.overlays:
            name = f"overlays/{rel.as_posix()}.png"
            write_image(stage / name, annotate(image, result, style))
            row.overlay = name
        if options.compare:
            try:
                gt = item.ground_truth() if item.ground_truth else None
            except GroundTruthError as e:
                gt = None
                summary.problems.append(f"{rel}: {e}")
            name = f"compare/{rel.as_posix()}.png"
            write_image(stage / name, compare(image, gt, result, style))
            row.compare = name
    except (OSError, InspectorError) as e:
        row.error = str(e)
        summary.problems.append(f"{rel}: {e}")
    return row
