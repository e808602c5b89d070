"""The status bar's run summary: image counts by state and verdict, the run state and
the progress of a run, following the bench and its models."""

from __future__ import annotations

from typing import Optional

from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar

from inspectors.session import ImageState, Verdict

from ..i18n import QT_TRANSLATE_NOOP, translate
from ..run_reading import READ_ONLY
from ..state import RunState
from ..stats import RunStats
from ..workbench import Workbench
from ..workers import model_label
from .errors_panel import ErrorsPanel

RUN_TEXT = {RunState.RUNNING: QT_TRANSLATE_NOOP("RunStatus", "Running"),
            RunState.PAUSED: QT_TRANSLATE_NOOP("RunStatus", "Paused"), RunState.IDLE: ""}


class RunStatus:
    """Three status-bar widgets; :meth:`install` puts them into a status bar."""

    def __init__(self, bench: Workbench, stats: Optional[RunStats] = None, errors: Optional[ErrorsPanel] = None):
        self.bench = bench
        self.stats = stats  # the run's speed: images/s and ETA next to the progress bar
        self.errors = errors  # given: the error count is the Errors tab's (images and models alike)
        if errors is not None:
            errors.count_changed.connect(self.update_counts)
        self.counts = QLabel(translate("RunStatus", "Open a folder to start"))
        self.run_label = QLabel("")
        self.run_note = QLabel("")  # a run another process writes: read-only here
        self.run_note.setObjectName("error")
        self.run_note.setVisible(False)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(360)  # room for images/s and the ETA
        self.progress.setVisible(False)
        for event in (bench.folder_opened, bench.states_changed, bench.outcome_stored, bench.verdict_changed):
            event.connect(self.update_counts)
        bench.models.run_state_changed.connect(self._on_run_state)
        bench.runs_changed.connect(self.update_note)
        bench.active_model_changed.connect(self.update_note)

    def update_note(self, *_args: object) -> None:
        notes = [n for n in self.bench.run_notes.values() if n]
        read_only = translate("RunReading", READ_ONLY).split("{")[0]
        self.run_note.setText(translate("RunStatus", "Read-only run: another process writes it") if any(
            n.startswith(read_only) for n in notes) else (translate("RunStatus", "Results not saved") if notes else ""))
        self.run_note.setToolTip("\n".join(notes))
        self.run_note.setVisible(bool(notes))

    def install(self, bar: QStatusBar) -> None:
        bar.addWidget(self.counts)
        bar.addWidget(self.run_label)
        bar.addWidget(self.run_note)
        bar.addPermanentWidget(self.progress)

    def _on_run_state(self, state: RunState) -> None:
        self.run_label.setText(translate("RunStatus", RUN_TEXT[state]) if RUN_TEXT[state] else "")
        if state is RunState.IDLE:
            self.update_counts()

    def update_counts(self, *_args: object) -> None:
        b = self.bench
        store = b.store
        c = store.counts()
        n = len(store)
        done = n - c[ImageState.NO_RESULT] - c[ImageState.STALE]
        errors = self.errors.count() if self.errors is not None else c[ImageState.ERROR]
        text = translate("RunStatus", "{n} images · {ng} NG · {review} to review · {ok} OK · {errors} errors · "
                         "{todo} not inspected").format(
            n=n, ng=c[ImageState.NG], review=c[ImageState.REVIEW], ok=c[ImageState.OK], errors=errors,
            todo=c[ImageState.NO_RESULT])
        if c[ImageState.STALE]:
            text += " · " + translate("RunStatus", "{n} changed since inspected").format(n=c[ImageState.STALE])
        if b.review is not None:
            v = b.review.counts()
            text += " · " + translate("RunStatus", "{confirmed} confirmed · {rejected} rejected").format(
                confirmed=v[Verdict.CONFIRMED], rejected=v[Verdict.REJECTED])
        if b.active_model and len(b.models.ready()) > 1:  # whose counts these are (the model shown)
            text = translate("RunStatus", "{model}: {counts}").format(model=model_label(b.active_model), counts=text)
        self.counts.setText(text)
        running = b.models.state() is not RunState.IDLE
        self.progress.setVisible(running)
        self.progress.setRange(0, max(1, n))
        self.progress.setValue(done)
        self.progress.setFormat(progress_text(done, n, self.stats.fps() if self.stats is not None else 0.0))


def progress_text(done: int, total: int, fps: float) -> str:
    """``120 / 500 · 14.2 images/s · ETA 0:27`` (no rate or ETA before the first images)."""
    if fps <= 0.0 or done >= total:
        return f"{done} / {total}"
    eta = int(round((total - done) / fps))
    h, rest = divmod(eta, 3600)
    clock = f"{h}:{rest // 60:02d}:{rest % 60:02d}" if h else f"{rest // 60}:{rest % 60:02d}"
    return translate("RunStatus", "{done} / {total} · {fps:.1f} images/s · ETA {clock}").format(
        done=done, total=total, fps=fps, clock=clock)


__all__ = ["RunStatus", "progress_text"]
