"""The session behind the window: image folder, ground truth, results, thresholds,
verdicts and the current image.

Each ready model's results for the open folder live in its run (:mod:`inspectors.runs`,
under ``runs_root(work dir)``): the bench opens the run as its writer while the model is
loaded on the folder (the model's worker stores every outcome in its own thread), loads
the run's compact summaries into the :class:`~inspectors.session.ResultsStore` (so a
reopened folder shows its states without inference) and reads full results back on
demand; that lifecycle is :class:`~app.model_runs.ModelRuns`, whose events the bench
forwards. Another process writing the run (``predict``) leaves it read-only here, said in
:meth:`Workbench.run_note`. The decision settings (threshold, per-class values, hidden
classes) belong to the active model's run: restored when it becomes active
(``decision_restored``), saved to it when they change (each model's remembered by
:class:`~app.model_decisions.ModelDecisions`). Widgets read from it, call it and observe its events
(:mod:`app.state`, no Qt); it never draws. Background jobs (listing a folder, finding
ground truth, reading runs, decoding the current image) run on its :class:`~app.workers.WorkerPool`."""

from __future__ import annotations

import os
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from inspectors.errors import GroundTruthError, InspectorError
from inspectors.groundtruth import GroundTruthSet, discover, load_ground_truth
from inspectors.imageio import read_image
from inspectors.listing import list_image_paths
from inspectors.render import RenderStyle
from inspectors.results import Outcome, Result, Thresholds
from inspectors.rules import (
    Decision,
    Regions,
    Rules,
    load_rules,
)
from inspectors.runs import DecisionSettings, Run, RunStore
from inspectors.runs.location import runs_root
from inspectors.session import ResultsStore, ReviewBook, Verdict, work_dir_for

from .i18n import translate
from .model_decisions import ModelDecisions
from .model_manager import ModelManager
from .model_runs import ModelRuns
from .run_reading import OpenedRun
from .state import Event, Evented, EventedModel, ModelStatus
from .workers import FunctionWorker, WorkerPool, error_text

_NOT_TRIED = object()  # open_folder was given a ground-truth file: load it separately
_UNCHANGED = object()  # set_thresholds: keep the review band as it is


class Workbench(EventedModel):
    folder_opened = Event()  # folder
    ground_truth_changed = Event()
    outcome_stored = Event()  # row, model id
    states_changed = Event()  # many rows may have changed state (thresholds)
    thresholds_changed = Event()  # Thresholds (the render style may have changed too)
    image_ready = Event()  # row: the current image is decoded (or failed)
    verdict_changed = Event()  # row
    classes_changed = Event()
    problem = Event()  # kind, path, message
    runs_changed = Event()  # model id: its run was opened, closed or found busy
    decision_restored = Event()  # Thresholds, hidden classes (frozenset), review from: the active run's
    rules_changed = Event()  # Rules: the active model's decision rules (file, regions)
    current_row = Evented(-1, event="current_changed")  # current_changed(row)
    active_model = Evented("", event="active_model_changed")  # active_model_changed(model id)

    def __init__(self, models: ModelManager, work_base: Path, runs_dir: Optional[Path] = None):
        super().__init__()
        self.models = models
        self.work_base = Path(work_base)  # review files
        self._last_decision: Optional[tuple] = None  # (key, result, Decision) of decision_of
        self.start_threshold: Optional[float] = None  # a new run's threshold (--threshold, demo)
        self.store = ResultsStore()
        self.folder: Optional[Path] = None
        self.ground_truth: Optional[GroundTruthSet] = None
        self.review: Optional[ReviewBook] = None
        self.render_style = RenderStyle()
        self.current_image: Optional[np.ndarray] = None
        self.current_error = ""
        self.io_pool = WorkerPool(2)
        self.model_runs = ModelRuns(models, RunStore(runs_dir if runs_dir is not None else runs_root(work_base)),
                                    self.store, self.io_pool)
        self.model_runs.problem.connect(self.problem.emit)
        self.model_runs.changed.connect(self.runs_changed.emit)
        self.model_runs.states_changed.connect(self.states_changed.emit)
        self.model_runs.classes_read.connect(self._on_classes_read)
        self.model_runs.loaded.connect(self._on_run_loaded)
        self.model_runs.ready.connect(self._on_run_ready)
        self.decisions = ModelDecisions(self.model_runs.run_of)  # each model's, as its run keeps them
        self.decisions.problem.connect(self.problem.emit)
        self._seen_names: set = set()
        self._model_names: Dict[str, Tuple[str, ...]] = {}  # model id -> the classes its results name
        models.outcome.connect(self._on_outcome)
        models.changed.connect(self._on_model_changed)
        models.removed.connect(self._on_model_removed)
        models.store_failed.connect(self.model_runs.store_failed)

    # -- folder ------------------------------------------------------------------
    def open_folder(self, folder: str, ground_truth: Optional[str] = None) -> bool:
        """List the images in the background (no per-file work beyond the listing);
        ``folder_opened`` fires when the list is ready."""
        if not os.path.isdir(folder):
            self.problem.emit("folder", folder, translate("Workbench", "image folder not found: {folder}").format(folder=folder))
            return False

        def work() -> Tuple[List[str], object]:
            images = list_image_paths(folder)
            if ground_truth:
                return images, _NOT_TRIED
            try:  # discovered with the listing: a dataset root's label maps are no images
                gt = discover(folder)
            except InspectorError as e:
                return images, e
            return (gt.without_annotation_files(images) if gt is not None else images), gt

        self._start(work, partial(self._on_listed, folder, ground_truth), partial(self._report, "folder", folder))
        return True

    def _on_listed(self, folder: str, ground_truth: Optional[str], listed: Tuple[List[str], object]) -> None:
        self._set_images(folder, listed[0], ground_truth, listed[1])

    def _report(self, kind: str, path: str, error: BaseException) -> None:
        self.problem.emit(kind, path, error_text(error))

    def _set_images(self, folder: str, images: List[str], ground_truth: Optional[str],
                    found: object = _NOT_TRIED) -> None:
        self.close_runs()
        self.folder = Path(os.path.realpath(folder))
        self.store.set_images(images)
        self.ground_truth = None
        self.store.ground_truth = None
        self.current_image = None
        self.current_row = -1
        try:
            self.review = ReviewBook(work_dir_for(self.folder, self.work_base), self.folder)
            if self.review.problem:
                self.problem.emit("review", str(self.review.path), self.review.problem)
        except (InspectorError, OSError) as e:
            self.review = None
            self.problem.emit("review", str(self.folder), str(e))
        for handle in self.models.ready():  # before folder_opened: a Run it triggers waits for them
            self.model_runs.open(handle.id, self.folder, self.store.images)
        self.folder_opened.emit(str(self.folder))
        if found is _NOT_TRIED:
            self.load_ground_truth(ground_truth)
        elif isinstance(found, InspectorError):
            self.problem.emit("ground truth", folder, str(found))
        else:
            self._set_ground_truth(str(self.folder), found)
        if len(self.store):
            self.set_current(0)

    def load_ground_truth(self, path: Optional[str] = None) -> None:
        """Discover ground truth for the folder (or load ``path``) in the background."""
        if self.folder is None:
            return
        folder = str(self.folder)

        def find() -> Optional[GroundTruthSet]:
            return load_ground_truth(path) if path else discover(folder)

        self._start(find, partial(self._set_ground_truth, folder), partial(self._report, "ground truth", path or folder))

    def _set_ground_truth(self, folder: str, gt: Optional[GroundTruthSet]) -> None:
        if self.folder is None or str(self.folder) != folder:
            return  # another folder was opened meanwhile
        self.ground_truth = gt
        self.store.ground_truth = gt.is_defective if gt is not None else None
        for p in gt.problems if gt is not None else ():
            self.problem.emit("ground truth", p.path, p.message)
        self.ground_truth_changed.emit()
        self.classes_changed.emit()

    def _start(self, fn: Callable[[], object], on_result: Callable[[object], None],
               on_error: Callable[[BaseException], None]) -> None:
        worker = FunctionWorker(fn)
        worker.signals.returned.connect(on_result)
        worker.signals.errored.connect(on_error)
        self.io_pool.start(worker)

    def path(self, row: int) -> str:
        return self.store.images[row]

    # -- models and runs -------------------------------------------------------------
    def _on_model_changed(self, model_id: str) -> None:
        handle = self.models.models.get(model_id)
        if handle is None:
            return
        if handle.status is ModelStatus.FAILED:
            self.problem.emit("model", handle.path, handle.message)
        if handle.status is ModelStatus.READY:
            if not self.active_model or self.active_model not in self.models.models:
                self.set_active_model(model_id)
            self.model_runs.open(model_id, self.folder, self.store.images)  # inspects the current image once the run is read

    def _on_model_removed(self, model_id: str) -> None:
        self.model_runs.close(model_id)
        self.decisions.forget(model_id)
        self._model_names.pop(model_id, None)
        self.store.remove_model(model_id)
        if self.active_model == model_id:
            ready = self.models.ready()
            self.set_active_model(ready[0].id if ready else "")
        self.states_changed.emit()

    def set_active_model(self, model_id: str) -> None:
        """Show ``model_id``: the list's states, scores and counts, the class table and the
        decision settings become its own (restored from its run) before anyone hears of it."""
        decision = self.decisions.settings.get(model_id)
        if decision is not None:
            self.store.thresholds = decision.thresholds()
            self.store.review_from = decision.review
        if model_id in self.decisions.rules:
            self.store.rules = self.decisions.rules[model_id]
        self.store.show(model_id or None)
        try:
            self.store.refresh()
        except InspectorError as e:  # its rules cannot apply to its classes: said, shown without them
            self.problem.emit("rules", str(self.folder or ""), str(e))
            self.store.rules = Rules()
            self.store.refresh()
        self.active_model = model_id  # active_model_changed when it changes
        self.classes_changed.emit()  # the class table shows the shown model's classes
        if decision is not None:
            self._restore_decision(decision)
        if model_id in self.decisions.rules:
            self.rules_changed.emit(self.store.rules)
        self.states_changed.emit()

    def settings_of(self, model_id: str) -> Tuple[Rules, Thresholds, Optional[float]]:
        """``model_id``'s own decision settings (rules, thresholds, review from), as its run
        keeps them; the active model's are the ones in force."""
        if model_id == self.active_model:
            return self.store.rules, self.store.thresholds, self.store.review_from
        return self.decisions.stored(model_id)

    def decision_by(self, model_id: str, result: Result) -> Optional[Decision]:
        """``result``'s decision by ``model_id``'s own rules (None when they cannot apply: said)."""
        rules, thresholds, review = self.settings_of(model_id)
        try:
            return self.store.decide_at(result, rules, thresholds, review)
        except InspectorError as e:
            self.problem.emit("rules", str(self.folder or ""), str(e))
            return None

    # -- runs on disk (app.model_runs) -----------------------------------------------
    @property
    def run_store(self) -> RunStore:
        return self.model_runs.run_store

    @property
    def runs(self) -> Dict[str, Run]:
        """Model id -> its run over the open folder."""
        return self.model_runs.runs

    @property
    def run_notes(self) -> Dict[str, str]:
        """Model id -> why its run is read-only / missing."""
        return self.model_runs.notes

    def run_note(self, model_id: str) -> str:
        """Why ``model_id``'s results are not saved to its run ('' when they are)."""
        return self.model_runs.note(model_id)

    def is_opening(self, model_id: str) -> bool:
        """Whether ``model_id``'s run is still being read (its results not shown yet)."""
        return self.model_runs.is_opening(model_id)

    def close_runs(self) -> None:
        """Release every run (the folder changes, the window closes)."""
        self.model_runs.close_all()

    def _on_classes_read(self, model_id: str, class_names: Tuple[str, ...]) -> None:
        self._model_names[model_id] = tuple(class_names)
        if class_names not in self._seen_names:
            self._seen_names.add(class_names)
            self.classes_changed.emit()

    def _on_run_loaded(self, model_id: str, run: Run, opened: OpenedRun) -> None:
        """The run's decision settings become ``model_id``'s (a new run starts fresh)."""
        self.decisions.take_run(model_id, run, opened.decision, opened.rules_text, self.start_threshold)
        if model_id == self.active_model:
            self.set_active_model(model_id)  # its settings, classes and states

    def _on_run_ready(self, model_id: str) -> None:
        if self.model_runs.take_queued(model_id):
            self.run_all(only=model_id)
        self.inspect_current()

    def _restore_decision(self, decision: DecisionSettings) -> None:
        self.decision_restored.emit(decision.thresholds(), frozenset(decision.hidden), decision.review)

    # -- decision rules -------------------------------------------------------------
    @property
    def rules(self) -> Rules:
        """The active model's decision rules (sizes, regions, bands, counts)."""
        return self.store.rules

    def set_rules(self, rules: Rules) -> bool:
        """Apply ``rules`` to the active model and save them with its run; False (and a
        problem said, nothing changed) when they cannot apply."""
        try:
            self.store.set_rules(rules)
        except InspectorError as e:
            self.problem.emit("rules", str(self.folder or ""), str(e))
            return False
        if self.active_model:
            self.decisions.save_rules(self.active_model, rules)
        self.rules_changed.emit(rules)
        self.states_changed.emit()
        return True

    def load_rules(self, path: str) -> bool:
        """Read a rules file (one-line problem on bad input, nothing applied) and apply it."""
        try:
            rules = load_rules(path)
        except (InspectorError, OSError) as e:
            self.problem.emit("rules", path, str(e))
            return False
        ok = self.set_rules(rules)
        if ok:
            self.decision_restored.emit(self.store.thresholds, frozenset(self.render_style.hidden_classes),
                                        self.store.review_from)
        return ok

    def add_region(self, kind: str, polygon: Sequence[Tuple[float, float]]) -> bool:
        """Add an include / exclude polygon (image pixels) to the rules' regions."""
        regions = self.rules.regions
        poly = (tuple((float(x), float(y)) for x, y in polygon),)
        regions = replace(regions, include=regions.include + poly) if kind == "include" else \
            replace(regions, exclude=regions.exclude + poly)
        return self.set_rules(replace(self.rules, regions=regions))

    def clear_regions(self) -> bool:
        return self.set_rules(replace(self.rules, regions=Regions(mode=self.rules.regions.mode,
                                                                   min_overlap=self.rules.regions.min_overlap)))

    def _save_decision(self) -> None:
        model_id = self.active_model
        if not model_id or model_id not in self.decisions.settings:
            return
        t = self.store.thresholds
        self.decisions.save(model_id, DecisionSettings(t.default, dict(t.per_class),
                                                       tuple(sorted(self.render_style.hidden_classes)),
                                                       self.store.review_from))

    def run_all(self, only: Optional[str] = None) -> int:
        """Queue every image without a result, the current image first; returns the count.
        A model whose run is still being read is queued once it is (its stored results
        are not run again)."""
        queued = 0
        order = list(range(len(self.store)))
        if self.current_row > 0:
            order.insert(0, order.pop(self.current_row))
        for handle in self.models.ready():
            if only is not None and handle.id != only:
                continue
            if self.model_runs.is_opening(handle.id):
                self.model_runs.queue_when_read(handle.id)
                continue
            todo = [self.store.images[r] for r in order
                    if not self.store.has_outcome(r, handle.id)]
            queued += self.models.submit(handle.id, todo)
        return queued

    def waiting_to_run(self) -> bool:
        """Whether :meth:`run_all` left models to queue once their runs are read."""
        return self.model_runs.waiting()

    def inspect_current(self) -> None:
        if self.current_row < 0:
            return
        for handle in self.models.ready():
            if not self.model_runs.is_opening(handle.id) and not self.store.has_outcome(self.current_row, handle.id):
                self.models.prioritize(handle.id, self.path(self.current_row))

    def _on_outcome(self, model_id: str, outcome: Outcome) -> None:
        run = self.runs.get(model_id)
        row = self.store.add(model_id, outcome, keep=run is None or not run.writable)
        if row < 0:
            return
        if not outcome.ok:
            self.problem.emit("image", outcome.path, outcome.error or "")
        else:
            self._model_names[model_id] = tuple(outcome.result.class_names)
        if outcome.ok and outcome.result.class_names not in self._seen_names:
            self._seen_names.add(outcome.result.class_names)
            self.classes_changed.emit()
        self.outcome_stored.emit(row, model_id)

    # -- thresholds, current image, verdicts --------------------------------------
    def set_thresholds(self, thresholds: Thresholds, style: Optional[RenderStyle] = None,
                       review_from: object = _UNCHANGED) -> None:
        """Re-decide every stored result at ``thresholds`` (NG at; ``review_from``: where
        the review band starts, None for none) and draw them in ``style``."""
        if style is not None:
            self.render_style = style
        if review_from is not _UNCHANGED:
            self.store.review_from = None if review_from is None else float(review_from)
        self.store.set_thresholds(thresholds)
        self._save_decision()
        self.thresholds_changed.emit(thresholds)
        self.states_changed.emit()

    def set_current(self, row: int) -> None:
        if not 0 <= row < len(self.store) or row == self.current_row:
            return
        self.current_image, self.current_error = None, ""
        self.current_row = row  # current_changed
        path = self.path(row)
        self._start(partial(read_image, path), partial(self._on_image, path), partial(self._on_image_failed, path))
        self.inspect_current()

    def _on_image(self, path: str, image: np.ndarray) -> None:
        if self.current_row >= 0 and self.path(self.current_row) == path:
            self.current_image = image
            self.image_ready.emit(self.current_row)

    def _on_image_failed(self, path: str, error: BaseException) -> None:
        message = error_text(error)
        self.problem.emit("image", path, message)
        if self.current_row >= 0 and self.path(self.current_row) == path:
            self.current_error = message
            self.image_ready.emit(self.current_row)

    def decision_of(self, result: Result, model_id: Optional[str] = None) -> Optional[Decision]:
        """The rules' decision on ``result`` (None when the rules cannot apply to it: said)."""
        model = model_id or self.active_model
        s = self.store
        key = (id(result), model, s.rules, s.thresholds, s.review_from)
        if self._last_decision is not None and self._last_decision[0] == key \
                and self._last_decision[1] is result:
            return self._last_decision[2]  # the viewer and the info panel draw the same image
        try:
            decision = s.decide(model, result)
            self._last_decision = (key, result, decision)
            return decision
        except InspectorError as e:
            self.problem.emit("rules", str(self.folder or ""), str(e))
            return None

    def result(self, row: int, model_id: Optional[str] = None) -> Optional[Result]:
        return self.store.result(row, model_id or self.active_model)

    def ground_truth_for(self, row: int) -> Optional[Result]:
        if self.ground_truth is None or row < 0:
            return None
        try:
            return self.ground_truth.get(self.path(row))
        except GroundTruthError as e:
            self.problem.emit("ground truth", self.path(row), str(e))
            return None

    def verdict(self, row: int) -> Optional[Verdict]:
        return self.review.get(self.path(row)) if self.review and row >= 0 else None

    def set_verdict(self, row: int, verdict: Optional[Verdict]) -> None:
        if self.review is None or row < 0:
            return
        if verdict is not None and self.review.get(self.path(row)) == verdict:
            verdict = None  # pressing the same key again clears it
        try:
            self.review.set(self.path(row), verdict)
        except OSError as e:
            self.problem.emit("review", str(self.review.path), translate("Workbench", "cannot save verdict: {error}").format(error=e))
            return
        self.verdict_changed.emit(row)

    def class_names(self) -> List[Tuple[str, int]]:
        """(name, class id) of the shown model's defect classes (the class table: its own
        thresholds), or of the ground truth's when no model is shown or it names none."""
        names: Dict[str, int] = {}
        handle = self.models.models.get(self.active_model) if self.active_model else None
        sources = [handle.spec.class_names] if handle is not None and handle.spec and handle.spec.class_names \
            else []
        if not sources and self.active_model in self._model_names:  # the classes its results name
            sources.append(self._model_names[self.active_model])
        if not sources and self.ground_truth is not None:
            sources.append(self.ground_truth.class_names)
        for seq in sources:
            for cid, n in enumerate(seq):
                if n not in names and n.lower() not in ("background", "_background_"):
                    names[n] = cid
        return list(names.items())
