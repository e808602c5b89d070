"""The main window: assembles the widgets, docks and actions; the work itself is in
:class:`~app.workbench.Workbench` and :class:`~app.model_manager.ModelManager`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QDockWidget, QFileDialog, QLabel, QMainWindow, QProgressBar, QWidget

from inspectors.session import ImageState, Verdict

from .actions import build_actions
from .metrics_glue import MetricsController
from .model_manager import ModelManager
from .settings import AppSettings
from .stats import RunStats
from .widgets.errors_panel import ErrorsPanel
from .widgets.export_dialog import ExportDialog
from .widgets.fps_plot import FpsPlot
from .widgets.image_list import ImageListPanel
from .widgets.info_panel import InfoPanel
from .widgets.metrics_panel import MetricsPanel
from .widgets.model_panel import ModelPanel
from .widgets.threshold_panel import ThresholdPanel
from .widgets.viewer import Viewer
from .workbench import Workbench
from .workers import InspectorFactory

MODEL_FILES = ("deploy.yaml", "deploy.yml", "infer_cfg.yml", "model.yml", "inference.pdmodel", "__model__")


def looks_like_model(folder: str) -> bool:
    return any(os.path.isfile(os.path.join(folder, n)) for n in MODEL_FILES)


class MainWindow(QMainWindow):
    run_finished = Signal()

    def __init__(self, settings: AppSettings, work_base: Path, factory: Optional[InspectorFactory] = None):
        super().__init__()
        self.setWindowTitle("Defect Inspector")
        self.setAcceptDrops(True)
        self.settings = settings
        self.models = ModelManager(settings.runtime(), factory, self)
        self.bench = Workbench(self.models, work_base, self)
        self.stats = RunStats()
        self.viewer = Viewer()
        self.setCentralWidget(self.viewer)
        self.list_panel = ImageListPanel(self.bench)
        self.model_panel = ModelPanel(self.models)
        self.threshold_panel = ThresholdPanel()
        self.info_panel = InfoPanel(self.bench)
        self.errors_panel = ErrorsPanel()
        self.fps_plot = FpsPlot(self.stats)
        self.metrics = MetricsController(self.bench, self)
        self.metrics_panel = MetricsPanel()
        self.actions_ = build_actions(self)
        left = self.add_panel("Images", self.list_panel, Qt.DockWidgetArea.LeftDockWidgetArea)
        right = [self.add_panel("Models", self.model_panel, Qt.DockWidgetArea.RightDockWidgetArea),
                 self.add_panel("Threshold and classes", self.threshold_panel, Qt.DockWidgetArea.RightDockWidgetArea),
                 self.add_panel("Current image", self.info_panel, Qt.DockWidgetArea.RightDockWidgetArea)]
        speed = self.add_panel("Live speed", self.fps_plot, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.errors_dock = self.add_panel("Errors", self.errors_panel, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.metrics_dock = self.add_panel("Metrics", self.metrics_panel, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tabifyDockWidget(speed, self.errors_dock)
        self.tabifyDockWidget(speed, self.metrics_dock)
        speed.raise_()
        self.resizeDocks([left, right[0]], [330, 340], Qt.Orientation.Horizontal)
        self.resizeDocks(right, [200, 260, 240], Qt.Orientation.Vertical)
        self.resizeDocks([speed], [300], Qt.Orientation.Vertical)
        self.counts = QLabel("Open a folder to start")
        self.run_label = QLabel("")
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(260)
        self.progress.setVisible(False)
        for w in (self.counts, self.run_label):
            self.statusBar().addWidget(w)
        self.statusBar().addPermanentWidget(self.progress)
        self._connect()
        self.threshold_panel.set_state(settings.thresholds(), settings.hidden_classes())
        self._refresh_recent()
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
            self.restoreState(settings.value("window/state", QByteArray()))
        else:
            self.resize(1600, 1000)
        self.viewer.show_empty()

    def add_panel(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        """Dock ``widget`` (also where later panels, e.g. metrics, plug in)."""
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock:{title}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        if hasattr(self, "panels_menu"):
            self.panels_menu.addAction(dock.toggleViewAction())
        return dock

    def _connect(self) -> None:
        b, m = self.bench, self.models
        b.folder_opened.connect(self._on_folder)
        b.outcome_stored.connect(self._on_outcome)
        b.states_changed.connect(lambda: (self.list_panel.model.store_changed(), self._update_counts()))
        b.current_changed.connect(self._on_current)
        b.image_ready.connect(lambda _r: self.show_current())
        b.verdict_changed.connect(self._on_verdict)
        b.ground_truth_changed.connect(lambda: (self.list_panel.model.store_changed(), self.show_current()))
        b.classes_changed.connect(lambda: self.threshold_panel.set_classes(b.class_names()))
        b.active_model_changed.connect(lambda mid: (self.model_panel.select(mid), self.show_current()))
        b.problem.connect(self.errors_panel.add)
        b.ground_truth_changed.connect(lambda: b.ground_truth is not None and self.metrics_dock.raise_())
        self.metrics.updated.connect(self.metrics_panel.show_metrics)
        self.metrics.status.connect(self.metrics_panel.set_status)
        self.metrics.filters_changed.connect(self.list_panel.set_error_filters)
        self.list_panel.model.error_rows = self.metrics.rows_for
        self.metrics_panel.apply_threshold.connect(self.threshold_panel.value.setValue)
        self.errors_panel.count_changed.connect(
            lambda n: self.errors_dock.setWindowTitle(f"Errors ({n})" if n else "Errors"))
        self.errors_panel.open_path.connect(lambda p: self.list_panel.select(b.store.row_of(p)))
        self.list_panel.row_chosen.connect(b.set_current)
        self.threshold_panel.changed.connect(self._on_thresholds)
        self.model_panel.add_clicked.connect(self.choose_model)
        self.model_panel.active_chosen.connect(b.set_active_model)
        self.model_panel.settings_changed.connect(self._reload_models)
        m.changed.connect(lambda _id: (self.threshold_panel.set_classes(b.class_names()), self._save_models()))
        m.removed.connect(lambda _id: self._save_models())
        m.run_state.connect(self._on_run_state)

    # -- folder and models ----------------------------------------------------------
    def open_folder(self, folder: str, ground_truth: Optional[str] = None) -> bool:
        return self.bench.open_folder(folder, ground_truth)

    def choose_folder(self) -> None:
        recent = self.settings.recent_folders()
        d = QFileDialog.getExistingDirectory(self, "Open image folder", recent[0] if recent else "")
        if d:
            self.open_folder(d)

    def choose_ground_truth(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Ground truth file (list, csv, json)")
        if path:
            self.bench.load_ground_truth(path)

    def choose_model(self) -> None:
        d = QFileDialog.getExistingDirectory(self, "Exported model folder")
        if d:
            self.add_model(d)

    def add_model(self, path: str) -> str:
        return self.models.add(path)

    def _save_models(self) -> None:
        self.settings.set_models([h.path for h in self.models.models.values() if h.status != "failed"])

    def _reload_models(self, runtime) -> None:
        self.settings.set_runtime(runtime)
        self.models.reload_all(runtime)

    def _on_folder(self, folder: str) -> None:
        self.settings.add_recent_folder(folder)
        self._refresh_recent()
        self.setWindowTitle(f"Defect Inspector — {folder}")
        self.list_panel.model.rebuild()
        self._update_counts()
        if not len(self.bench.store):
            self.viewer.show_empty(f"<p style='font-size:14pt'>No images in {folder}</p>"
                                   "<p>Supported: BMP, JPEG, PNG, TIFF, WebP …</p>")

    def _refresh_recent(self) -> None:
        self.recent_menu.clear()
        for f in self.settings.recent_folders():
            self.recent_menu.addAction(f, lambda f=f: self.open_folder(f))
        self.recent_menu.setEnabled(bool(self.settings.recent_folders()))

    # -- running -------------------------------------------------------------------
    def run_all(self) -> int:
        if not self.models.ready():
            self.statusBar().showMessage("Add a model first (Ctrl+M).", 5000)
            return 0
        self.stats.reset()
        n = self.bench.run_all()
        if n:
            self.fps_plot.start()
        else:
            self.statusBar().showMessage("Every image already has a result.", 5000)
        return n

    def cancel_run(self) -> None:
        self.models.cancel()
        self.actions_["pause"].setChecked(False)

    def _on_run_state(self, state: str) -> None:
        self.run_label.setText({"running": "Running", "paused": "Paused"}.get(state, ""))
        if state == "idle":
            self.fps_plot.stop()
            self.actions_["pause"].setChecked(False)
            self._update_counts()
            self.run_finished.emit()

    def _on_outcome(self, row: int, _model: str) -> None:
        outcome = self.bench.store.outcome(row, _model)
        if outcome is not None:
            self.stats.add(outcome.timings)
        self.list_panel.model.store_changed(row)
        if row == self.bench.current_row:
            self.show_current()
        self._update_counts()

    # -- current image, thresholds, verdicts -------------------------------------------
    def _on_current(self, row: int) -> None:
        self.list_panel.select(row, emit=False)
        self.info_panel.refresh()

    def show_current(self) -> None:
        b = self.bench
        if b.current_row < 0:
            return
        row = b.current_row
        self.viewer.set_content(b.current_image, b.ground_truth_for(row), b.result(row), b.current_error)
        self.info_panel.refresh()

    def _on_thresholds(self, thresholds, style) -> None:
        self.viewer.set_style(style, thresholds)
        self.bench.set_thresholds(thresholds)
        self.info_panel.refresh()
        self.settings.set_thresholds(thresholds)
        self.settings.set_hidden_classes(style.hidden_classes)

    def set_verdict(self, verdict: Verdict) -> None:
        self.bench.set_verdict(self.bench.current_row, verdict)

    def _on_verdict(self, row: int) -> None:
        self.list_panel.model.store_changed(row)
        self.info_panel.refresh()
        self._update_counts()

    def _update_counts(self) -> None:
        store = self.bench.store
        c = store.counts()
        n = len(store)
        done = n - c[ImageState.NO_RESULT]
        text = (f"{n} images · {c[ImageState.DEFECT]} flagged · {c[ImageState.CLEAN]} clean · "
                f"{c[ImageState.ERROR]} errors · {c[ImageState.NO_RESULT]} not inspected")
        if self.bench.review is not None:
            v = self.bench.review.counts()
            text += f" · {v[Verdict.CONFIRMED]} confirmed · {v[Verdict.REJECTED]} rejected"
        self.counts.setText(text)
        running = self.models.state() != "idle"
        self.progress.setVisible(running)
        self.progress.setRange(0, max(1, n))
        self.progress.setValue(done)

    # -- export, drag and drop, closing ---------------------------------------------
    def open_export(self) -> ExportDialog:
        default = str(self.settings.value("last_export_dir", "") or "")
        dialog = ExportDialog(self.bench, self.threshold_panel.render_style(), default, self)
        dialog.done.connect(lambda s: self.settings.set_value("last_export_dir", str(s.out_dir)))
        dialog.show()
        return dialog

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if any(u.isLocalFile() and os.path.isdir(u.toLocalFile()) for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        for url in event.mimeData().urls():
            path = url.toLocalFile()
            if os.path.isdir(path):
                self.add_model(path) if looks_like_model(path) else self.open_folder(path)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.settings.set_value("window/geometry", self.saveGeometry())
        self.settings.set_value("window/state", self.saveState())
        self.settings.q.sync()
        for dialog in self.findChildren(ExportDialog):  # no export left half-written
            dialog.shutdown(5000)
            dialog.close()
        self.models.shutdown(2000)
        self.metrics.shutdown(2000)
        self.bench.io_pool.waitForDone(2000)
        super().closeEvent(event)
