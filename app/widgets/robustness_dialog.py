"""The metrics panel's "Robustness" window: the active model re-evaluated on the open
folder's ground truth under line-like perturbations (:mod:`inspectors.robustness`), run
in the background with progress and cancel, ending in the report's chart and the
"tolerates ... up to ..." lines."""

from __future__ import annotations

from functools import partial
from typing import Callable, Dict, Optional, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from inspectors.engine_choice import load_inspector
from inspectors.perturb import PERTURBATIONS
from inspectors.robustness import plan, sweep
from inspectors.runtime import RuntimeSettings

from ..i18n import translate
from ..workers import FunctionWorker, WorkerPool, default_factory, error_text

DEFAULT_ON = ("blur", "motion", "brightness", "contrast", "noise", "jpeg")


def run_sweep(model_path: str, settings: RuntimeSettings, gt, images: Sequence, thresholds,
              names: Sequence[str], progress: Callable[[int, int], None], cancel: Callable[[], bool],
              factory=default_factory) -> Optional[dict]:
    """(worker thread) Load the model (its own predictor: Inspectors are not thread-safe) and sweep."""
    inspector = factory(model_path, settings)
    return sweep(inspector, gt, images, plan(names), thresholds, progress=lambda d, t, _label: progress(d, t),
                 cancel=cancel)


class RobustnessDialog(QDialog):
    """Choose perturbations, run, watch the progress, read the chart."""

    def __init__(self, model_name: str, model_path: str, settings: RuntimeSettings, gt, images: Sequence,
                 thresholds, parent: Optional[QWidget] = None, factory=default_factory):
        super().__init__(parent)
        self.setWindowTitle(translate("RobustnessDialog", "Robustness of {model}").format(model=model_name))
        self.resize(980, 720)
        self._job = partial(run_sweep, model_path, settings, gt, list(images), thresholds, factory=factory)
        self.pool = WorkerPool(1, self)
        self.worker: Optional[FunctionWorker] = None
        self.result: Optional[dict] = None
        intro = QLabel(
            translate("RobustnessDialog", "Evaluates the model again on the {n} images of this folder with each perturbation "
                      "applied to the decoded image, at several strengths. A perturbation is tolerated up to "
                      "the strongest setting that keeps the metric at 95 % of its clean value or more.")
            .format(n=len(images)))
        intro.setWordWrap(True)
        self.boxes: Dict[str, QCheckBox] = {}
        grid = QGridLayout()
        for i, (name, p) in enumerate(PERTURBATIONS.items()):
            box = QCheckBox("{name} ({strengths})".format(
                name=name, strengths=", ".join(f"{s:g}" for s in p.sweep)))
            box.setChecked(name in DEFAULT_ON)
            self.boxes[name] = box
            grid.addWidget(box, i // 3, i % 3)
        self.run_button = QPushButton(translate("RobustnessDialog", "Run"))
        self.cancel_button = QPushButton(translate("RobustnessDialog", "Cancel"))
        self.cancel_button.setEnabled(False)
        self.bar = QProgressBar()
        self.bar.setFormat(translate("RobustnessDialog", "setting %v of %m"))
        self.status = QLabel(translate("RobustnessDialog", "Choose the perturbations and press Run."))
        self.status.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chart = QLabel()
        self.chart.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        body = QWidget()
        inner = QVBoxLayout(body)
        inner.addWidget(self.summary)
        inner.addWidget(self.chart, 1)
        scroll.setWidget(body)
        buttons = QHBoxLayout()
        buttons.addWidget(self.bar, 1)
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addLayout(grid)
        lay.addLayout(buttons)
        lay.addWidget(self.status)
        lay.addWidget(scroll, 1)
        self.run_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)

    def chosen(self) -> list:
        return [n for n, b in self.boxes.items() if b.isChecked()]

    def start(self) -> None:
        names = self.chosen()
        if not names:
            self.status.setText(translate("RobustnessDialog", "Choose at least one perturbation."))
            return
        total = len(plan(names)) + 1
        self.bar.setRange(0, total)
        self.bar.setValue(0)
        self.status.setText(translate("RobustnessDialog", "Loading the model and evaluating the clean images..."))
        self.summary.clear()
        self.chart.clear()
        self.worker = FunctionWorker(partial(self._job, names=names), with_progress=True)
        self.worker.signals.progress.connect(self._progress)
        self.worker.signals.returned.connect(self._done)
        self.worker.signals.errored.connect(self._failed)
        self.worker.signals.finished.connect(self._finished)
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        for b in self.boxes.values():
            b.setEnabled(False)
        self.pool.start(self.worker)

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.status.setText(translate("RobustnessDialog", "Cancelling after the current image batch..."))

    def _progress(self, done: int, total: int) -> None:
        self.bar.setRange(0, total)
        self.bar.setValue(done)
        self.status.setText(translate("RobustnessDialog", "Evaluating setting {i} of {n}...").format(i=min(done + 1, total), n=total))

    def _done(self, rob: Optional[dict]) -> None:
        self.result = rob
        if rob is None:
            self.status.setText(translate("RobustnessDialog", "Cancelled."))
            return
        from inspectors.report import charts

        clean = rob["clean"]["metric"]
        clean_text = "n/a" if clean is None else f"{clean:.4f}"
        self.status.setText(translate("RobustnessDialog", "Done: clean {metric} {value}.").format(metric=rob["metric"], value=clean_text))
        self.summary.setText("\n".join(item["tolerated"]["text"] for item in rob["perturbations"]))
        pixmap = QPixmap()
        pixmap.loadFromData(charts.robustness_chart(rob).data)
        self.chart.setPixmap(pixmap.scaledToWidth(min(pixmap.width(), 920), Qt.TransformationMode.SmoothTransformation))

    def _failed(self, error: BaseException) -> None:
        self.status.setText(translate("RobustnessDialog", "The sweep failed: {error}").format(error=error_text(error)))

    def _finished(self) -> None:
        self.worker = None
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        for b in self.boxes.values():
            b.setEnabled(True)
        if self.bar.value() < self.bar.maximum() and self.result is not None:
            self.bar.setValue(self.bar.maximum())

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self.worker is not None:
            self.worker.cancel()
        super().closeEvent(event)


def open_robustness(window) -> Optional[RobustnessDialog]:
    """(main window) The dialog for the active model on the open folder's ground truth, or a
    status-bar message saying what is missing."""
    bench = window.bench
    handle = window.models.models.get(bench.active_model)
    if bench.ground_truth is None or not bench.store.images:
        window.statusBar().showMessage(translate("RobustnessDialog", "Open a folder that has ground truth first (Ctrl+O)."), 6000)
        return None
    if handle is None:
        window.statusBar().showMessage(translate("RobustnessDialog", "Add a model first (Ctrl+M)."), 6000)
        return None
    models = window.models
    factory = models.factory or partial(load_inspector, sample_paths=tuple(bench.store.images[:8]),
                                        work_dir=models.work_dir)
    dialog = RobustnessDialog(handle.label, str(handle.path), models.settings, bench.ground_truth,
                              bench.store.images, window.metrics.thresholds, window, factory)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
