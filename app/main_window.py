"""The main window: assembles the widgets, docks and actions; the work itself is in
:class:`~app.workbench.Workbench` and :class:`~app.model_manager.ModelManager`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from PySide6.QtCore import QByteArray, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QFrame,
    QMainWindow,
    QScrollArea,
    QWidget,
)

from inspectors.atomic import atomic_write_text
from inspectors.formats import is_model_folder
from inspectors.rules import Rules, rules_to_yaml
from inspectors.runs.location import runs_root
from inspectors.session import Verdict

from .actions import build_actions
from .help import HelpDialog
from .i18n import translate
from .metrics_glue import MetricsController
from .model_manager import ModelManager
from .settings import AppSettings
from .state import RunState
from .stats import RunStats
from .theme import THEMES, apply_theme, restyle_plots
from .widgets.compare_view import CompareWindow
from .widgets.errors_panel import ErrorsPanel
from .widgets.export_dialog import ExportDialog
from .widgets.fps_plot import FpsPlot
from .widgets.image_list import ImageListPanel
from .widgets.info_panel import InfoPanel
from .widgets.language_menu import LanguageMenu
from .widgets.metrics_panel import MetricsPanel
from .widgets.model_panel import ModelPanel
from .widgets.region_editor import RegionEditor
from .widgets.robustness_dialog import open_robustness
from .widgets.run_status import RunStatus
from .widgets.runs_dialog import RunsDialog
from .widgets.threshold_panel import ThresholdPanel
from .widgets.view_status import ViewStatus
from .widgets.viewer import Viewer
from .workbench import Workbench
from .workers import InspectorFactory


def looks_like_model(folder: str) -> bool:
    """Exactly the folders the engine loads (:func:`inspectors.formats.is_model_folder`)."""
    return is_model_folder(folder)


class MainWindow(QMainWindow):
    """Assembles the window: creates the controllers (models, bench, metrics) and the
    panels, each of which observes the state it shows; the window itself only keeps its
    title, the settings and the docks up to date."""

    run_finished = Signal()

    def __init__(self, settings: AppSettings, work_dir: Path, factory: Optional[InspectorFactory] = None,
                 review_dir: Optional[Path] = None):
        """``work_dir``: the app's work dir (runs in ``runs_root(work_dir)``; review files
        there too unless ``review_dir`` says where they were kept before)."""
        super().__init__()
        self.setWindowTitle(translate("MainWindow", "Defect Inspector"))
        self.setAcceptDrops(True)
        self.settings = settings
        self.models = ModelManager(settings.runtime(), factory, work_dir)
        self.bench = b = Workbench(self.models, Path(review_dir or work_dir), runs_root(work_dir))
        self.models.samples = lambda: b.store.images[:8]  # auto measures on the open folder's images
        self.metrics = MetricsController(b, self)
        self.stats = RunStats()
        self.viewer = Viewer(b)
        self.regions = RegionEditor(self.viewer.single.view, self)
        self.regions.polygon_drawn.connect(b.add_region)
        self.regions.drawing_changed.connect(lambda on: None if on else self.statusBar().clearMessage())
        b.rules_changed.connect(self._show_regions)
        b.image_ready.connect(self._show_regions)
        self.setCentralWidget(self.viewer)
        self.list_panel = ImageListPanel(b, self.metrics, thumbs_dir=Path(work_dir) / "thumbnails")
        self.model_panel = ModelPanel(self.models, b)
        self.threshold_panel = ThresholdPanel(b)
        self.info_panel = InfoPanel(b)
        self.errors_panel = ErrorsPanel(b)
        self.fps_plot = FpsPlot(self.stats, b)
        self.metrics_panel = MetricsPanel(self.metrics)
        self.status = RunStatus(b, self.stats, self.errors_panel)
        self.status.install(self.statusBar())
        self.view_status = ViewStatus(self.viewer)  # pixel readout, zoom % and presets
        self.view_status.install(self.statusBar())
        menus = build_actions(self, self, self.viewer, self.list_panel)
        self.actions_, self.recent_menu, self.panels_menu = menus.actions, menus.recent, menus.panels
        self.language_menu = LanguageMenu(settings.q, self)
        self.panels_menu.parentWidget().addMenu(self.language_menu)  # View ▸ Language
        self.compare = CompareWindow(self, b, self.list_panel.model, self.panels_menu.parentWidget())  # A | B
        left = self.add_panel(translate("MainWindow", "Images"), self.list_panel, Qt.DockWidgetArea.LeftDockWidgetArea)
        right = [self.add_panel(translate("MainWindow", "Models"), self.model_panel, Qt.DockWidgetArea.RightDockWidgetArea, scroll=True),
                 self.add_panel(translate("MainWindow", "Threshold and classes"), self.threshold_panel, Qt.DockWidgetArea.RightDockWidgetArea,
                                scroll=True),
                 self.add_panel(translate("MainWindow", "Current image"), self.info_panel, Qt.DockWidgetArea.RightDockWidgetArea,
                                scroll=True)]
        self.speed_dock = speed = self.add_panel(translate("MainWindow", "Live speed"), self.fps_plot, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.errors_dock = self.add_panel(translate("MainWindow", "Errors"), self.errors_panel, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.metrics_dock = self.add_panel(translate("MainWindow", "Metrics"), self.metrics_panel, Qt.DockWidgetArea.BottomDockWidgetArea,
                                           scroll=True)
        self.tabifyDockWidget(speed, self.errors_dock)
        self.tabifyDockWidget(speed, self.metrics_dock)
        speed.raise_()
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None and screen.availableGeometry().height() < 900:
            # a 1280x720 screen: the right column runs down to the status bar, so the models'
            # buttons and the class table show without scrolling (the charts' row is narrower)
            self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.resizeDocks([left, right[0]], [330, 360], Qt.Orientation.Horizontal)  # the model panel without a sideways scroll
        self.resizeDocks(right, [200, 260, 240] if self.corner(Qt.Corner.BottomRightCorner) ==
                         Qt.DockWidgetArea.BottomDockWidgetArea else [300, 250, 150], Qt.Orientation.Vertical)
        self.resizeDocks([speed], [300], Qt.Orientation.Vertical)
        # the window's own observers: title, settings, docks, the run's end
        b.folder_opened.connect(self._on_folder)
        b.ground_truth_changed.connect(self._on_ground_truth)
        self.models.changed.connect(self._save_models)
        self.models.removed.connect(self._save_models)
        self.models.run_state_changed.connect(self._on_run_state)
        self.model_panel.add_clicked.connect(self.choose_model)
        self.model_panel.settings_changed.connect(self._reload_models)
        self.metrics_panel.apply_threshold.connect(self.threshold_panel.value.setValue)
        self.metrics_panel.apply_band.connect(self.threshold_panel.set_band)
        self.metrics_panel.robustness_requested.connect(lambda: open_robustness(self))
        # thresholds and hidden classes are not restored here: each model's run holds its own
        self._refresh_recent()
        self._default_state = self.saveState()  # what View ▸ Reset layout goes back to
        geometry = settings.value(self._layout_key("geometry"))
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
            self.restoreState(settings.value(self._layout_key("state"), QByteArray()))
        else:
            self._fit_to_screen(1600, 1000)
            QTimer.singleShot(0, self._bottom_docks_height)
        theme = str(settings.value("view/theme", "dark"))
        self.actions_[f"theme:{theme if theme in THEMES else 'dark'}"].setChecked(True)  # applies it
        self.viewer.show_empty()

    def _fit_to_screen(self, width: int, height: int) -> None:
        """Open at ``width`` x ``height``, or maximised on a screen too small for it (a
        1280x720 line PC would otherwise cut the right docks off), or at three quarters of a
        screen twice as wide."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        room = screen.availableGeometry() if screen is not None else None
        if room is not None and (room.width() < width or room.height() < height):
            self.resize(min(width, room.width()), min(height, room.height()))
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)
        elif room is not None and room.width() >= 2 * width:  # a 4K screen: three quarters of it
            self.resize(room.width() * 3 // 4, room.height() * 3 // 4)
        else:
            self.resize(width, height)

    def _layout_key(self, what: str) -> str:
        """Settings key of the layout for the screen the window is on (a laptop's 1280x720
        and the line's 4K monitor each keep their own)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        size = screen.availableGeometry().size() if screen is not None else None
        return f"window/{what}" + (f"/{size.width()}x{size.height()}" if size is not None else "")

    def reset_layout(self) -> None:
        for dock in self.findChildren(QDockWidget):
            dock.setFloating(False)
            dock.show()
        self.restoreState(self._default_state)
        self._bottom_docks_height()

    def _bottom_docks_height(self) -> None:
        """The charts' row a third of the window (at least the metrics' figures), once the
        window has its size on the screen (a 1280x720 screen would otherwise squeeze it)."""
        self.resizeDocks([self.speed_dock], [max(270, self.height() // 3)], Qt.Orientation.Vertical)

    def set_theme(self, name: str) -> None:
        """Dark or light: the palette, the list and overlay colours, the charts."""
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, name)
        restyle_plots(self, name)
        self.settings.set_value("view/theme", name)

    def show_help(self, tab: int) -> HelpDialog:
        dialog = self.findChild(HelpDialog)
        if dialog is None:
            dialog = HelpDialog(self.actions(), self)
        dialog.show_tab(tab)
        return dialog

    def add_panel(self, title: str, widget: QWidget, area: Qt.DockWidgetArea, scroll: bool = False) -> QDockWidget:
        """Dock ``widget`` (also where later panels, e.g. metrics, plug in); ``scroll``: in a
        scroll area, so a small screen scrolls the panel instead of squeezing its rows together."""
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock:{title}")
        if scroll:
            area_widget = QScrollArea()
            area_widget.setWidgetResizable(True)
            area_widget.setFrameShape(QFrame.Shape.NoFrame)
            area_widget.setWidget(widget)
            dock.setWidget(area_widget)
        else:
            dock.setWidget(widget)
        self.addDockWidget(area, dock)
        self.panels_menu.addAction(dock.toggleViewAction())
        return dock

    # -- folder and models ----------------------------------------------------------
    def open_folder(self, folder: str, ground_truth: Optional[str] = None) -> bool:
        return self.bench.open_folder(folder, ground_truth)

    def choose_folder(self) -> None:
        recent = self.settings.recent_folders()
        d = QFileDialog.getExistingDirectory(self, translate("MainWindow", "Open image folder"), recent[0] if recent else "")
        if d:
            self.open_folder(d)

    def choose_ground_truth(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, translate("MainWindow", "Ground truth file (list, csv, json)"))
        if path:
            self.bench.load_ground_truth(path)

    def choose_model(self) -> None:
        d = QFileDialog.getExistingDirectory(self, translate("MainWindow", "Exported model folder"))
        if d:
            self.add_model(d)

    def add_model(self, path: str) -> str:
        return self.models.add(path)

    def _save_models(self, *_model_id: str) -> None:
        self.settings.set_models(self.models.loadable_paths())

    def _reload_models(self, runtime) -> None:
        self.settings.set_runtime(runtime)
        self.models.reload_all(runtime)

    def _on_folder(self, folder: str) -> None:
        self.settings.add_recent_folder(folder)
        self._refresh_recent()
        self.setWindowTitle(translate("MainWindow", "Defect Inspector — {folder}").format(folder=folder))

    def _on_ground_truth(self) -> None:
        if self.bench.ground_truth is not None:
            self.metrics_dock.raise_()

    def _refresh_recent(self) -> None:
        self.recent_menu.clear()
        for f in self.settings.recent_folders():
            self.recent_menu.addAction(f, lambda f=f: self.open_folder(f))
        self.recent_menu.setEnabled(bool(self.settings.recent_folders()))

    # -- running -------------------------------------------------------------------
    def run_all(self) -> int:
        if not self.models.ready():
            self.statusBar().showMessage(translate("MainWindow", "Add a model first (Ctrl+M)."), 5000)
            return 0
        self.stats.reset()
        n = self.bench.run_all()
        if n or self.bench.waiting_to_run():
            self.fps_plot.start()
        else:
            self.statusBar().showMessage(translate("MainWindow", "Every image already has a result."), 5000)
        return n

    def set_paused(self, paused: bool) -> None:
        self.models.set_paused(paused)

    def cancel_run(self) -> None:
        self.models.cancel()
        self.actions_["pause"].setChecked(False)

    def _on_run_state(self, state: RunState) -> None:
        if state is RunState.IDLE:
            self.actions_["pause"].setChecked(False)
            self.run_finished.emit()

    # -- thresholds, verdicts ------------------------------------------------------------
    def set_verdict(self, verdict: Verdict) -> None:
        self.bench.set_verdict(self.bench.current_row, verdict)

    # -- export, drag and drop, closing ---------------------------------------------
    # -- decision rules ----------------------------------------------------------------
    def choose_rules(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, translate("MainWindow", "Decision rules"), "", translate("MainWindow", "Rules (*.yaml *.yml);;All files (*)"))
        if path:
            self.bench.load_rules(path)

    def save_rules(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, translate("MainWindow", "Save decision rules"), "rules.yaml", translate("MainWindow", "Rules (*.yaml *.yml)"))
        if path:
            try:
                atomic_write_text(Path(path), rules_to_yaml(self.bench.rules))
            except OSError as e:
                self.bench.problem.emit("rules", path, translate("MainWindow", "cannot write the rules: {error}").format(error=e.strerror or e))

    def clear_rules(self) -> None:
        self.bench.set_rules(Rules())

    def draw_region(self, kind: str) -> None:
        if self.bench.current_image is None:
            self.statusBar().showMessage(translate("MainWindow", "Open an image first: regions are drawn on it."), 5000)
            return
        self.viewer.set_mode("overlay")
        self.regions.start(kind)
        self.statusBar().showMessage(
            translate("MainWindow", "Drawing an include region: click its corners, Enter closes it, Backspace removes the last point, Esc cancels.")
            if kind == "include" else
            translate("MainWindow", "Drawing an exclude region: click its corners, Enter closes it, Backspace removes the last point, Esc cancels."))

    def clear_regions(self) -> None:
        self.bench.clear_regions()

    def _show_regions(self, *_args: object) -> None:
        r = self.bench.rules.regions
        img = self.bench.current_image
        self.regions.show_regions(r.include, r.exclude, img.shape[:2] if img is not None else None)

    def open_export(self) -> ExportDialog:
        default = str(self.settings.value("last_export_dir", "") or "")
        dialog = ExportDialog(self.bench, self.threshold_panel.render_style(), default, self)
        dialog.done.connect(self._remember_export)
        dialog.show()
        return dialog

    def open_runs(self) -> RunsDialog:
        dialog = self.findChild(RunsDialog)
        if dialog is None:
            dialog = RunsDialog(self.bench, self)
        dialog.refresh()
        dialog.show()
        dialog.raise_()
        return dialog

    def open_line(self) -> QWidget:
        from .widgets.line_view import LineView  # line mode: loaded when first opened

        handle = self.models.models.get(self.bench.active_model)
        view = LineView(handle.path if handle else "", self.bench.run_store.root, self.settings.runtime(),
                        self.bench.rules, self)
        view.show()
        return view

    def _remember_export(self, summary) -> None:
        self.settings.set_value("last_export_dir", str(summary.out_dir))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if any(u.isLocalFile() and os.path.isdir(u.toLocalFile()) for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        for url in event.mimeData().urls():
            path = url.toLocalFile()
            if not os.path.isdir(path):
                continue
            if looks_like_model(path):
                self.add_model(path)
            else:
                self.open_folder(path)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.settings.set_value(self._layout_key("geometry"), self.saveGeometry())
        self.settings.set_value(self._layout_key("state"), self.saveState())
        self.settings.q.sync()
        for dialog in self.findChildren(ExportDialog):  # no export left half-written
            dialog.shutdown(5000)
            dialog.close()
        self.models.shutdown(2000)
        self.metrics.shutdown(2000)
        self.bench.io_pool.wait(2000)
        if self.list_panel.model.thumbs is not None:
            self.list_panel.model.thumbs.shutdown(2000)
        self.bench.close_runs()  # every result stored; the runs' locks released
        super().closeEvent(event)
