"""What the workbench runs in its worker threads on a model's run: reading a run for the
open folder (index, every image's stat, summaries and defect tables), storing outcomes,
reading one back, and filling in the defect tables of runs from before tables were stored.
Qt-free; the workbench applies the results in the GUI thread."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional, Tuple

from inspectors.errors import InspectorError
from inspectors.results import Outcome
from inspectors.rules import DefectTable
from inspectors.runs import DecisionSettings, Run, RunBusyError, RunError, RunStore, RunSummaries
from inspectors.runs.fingerprint import FileKey

from .i18n import QT_TRANSLATE_NOOP, translate

READ_ONLY = QT_TRANSLATE_NOOP("RunReading", "Read-only: {error}. Results of this model are not saved here.")
NOT_SAVED = QT_TRANSLATE_NOOP("RunReading", "Results are not saved: {error}")


def load_outcome(run: Run, path: str) -> Outcome:
    return run.get(path)


def put_outcome(run: Run, outcome: Outcome, key: Optional[FileKey] = None) -> None:
    """Store ``outcome`` in ``run`` (worker thread); an image of another folder is skipped."""
    try:
        run.rel_of(outcome.path)
    except RunError:
        return
    run.put(outcome, *(key or ()))


@dataclass
class OpenedRun:
    """A run read in the background: what the GUI thread needs to show it."""

    run: Optional[Run]
    note: str = ""
    summaries: Optional[RunSummaries] = None
    rows: List[int] = field(default_factory=list)  # store rows with a current result
    picks: List[int] = field(default_factory=list)  # their summary rows
    stale_rows: List[int] = field(default_factory=list)
    tables: List[Optional[DefectTable]] = field(default_factory=list)  # of the picks
    missing_tables: List[Tuple[int, str]] = field(default_factory=list)  # (row, rel): none stored
    decision: Optional[DecisionSettings] = None  # None: never saved (a new run)
    rules_text: Optional[str] = None  # the run's decision rules (YAML), when saved


def read_run(store: RunStore, folder: Path, model_path: str, settings, images: List[str]) -> OpenedRun:
    """(worker thread) Open the run as its writer (as a reader when another process
    writes it), split the listing into current / stale / missing and read the summaries."""
    note = ""
    try:
        run = store.open(folder, model_path, settings)
    except RunBusyError as e:
        note = translate("RunReading", READ_ONLY).format(error=e)
        try:
            run = store.open(folder, model_path, write=False)
        except (InspectorError, OSError):
            return OpenedRun(None, note)
    except (InspectorError, OSError) as e:
        return OpenedRun(None, translate("RunReading", NOT_SAVED).format(error=e))
    try:
        status = run.status_of(images)
        summ = run.summaries(defects=True, compute_missing=False)
        decision = run.decision_settings if run.has_decision_settings else None
        rules_text = run.rules_text
    except (InspectorError, OSError) as e:
        run.close()
        return OpenedRun(None, translate("RunReading", NOT_SAVED).format(error=e))
    row_of = {p: i for i, p in enumerate(images)}
    index = {rel: i for i, rel in enumerate(summ.rels)}
    opened = OpenedRun(run, note, summ, decision=decision, rules_text=rules_text)
    for path in status.done:
        i = index.get(run.rel_of(path))
        if i is not None:
            opened.rows.append(row_of[path])
            opened.picks.append(i)
    opened.stale_rows = [row_of[p] for p in status.stale]
    if summ.defects is not None:
        opened.tables = [summ.defects.table(i) for i in opened.picks]
        opened.missing_tables = [(row, summ.rels[i]) for row, i in zip(opened.rows, opened.picks)
                                 if summ.ok[i] and not summ.defects.ok[i]]
    return opened


FILL_CHUNK = 100  # rows per background job computing missing defect tables


def fill_tables(run: Run, items: List[Tuple[int, str]]) -> List[Tuple[int, DefectTable]]:
    """(worker thread) Defect tables of rows an older version stored without them, from
    their stored results; written back when the run is ours to write."""
    found = [(row, rel, t) for row, rel in items if (t := run.defect_table(rel)) is not None]
    if run.writable and found:
        run.store_defect_tables([(rel, t) for _row, rel, t in found])
    return [(row, t) for row, _rel, t in found]
