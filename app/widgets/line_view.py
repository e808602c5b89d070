"""The Line view: line mode (:mod:`inspectors.line`) in a window of its own.

The station runs on a :class:`LineWorker` (the app's one worker base): the model is loaded
in the worker's thread, frames come from a watched folder or a camera / video, each is
decided with the active model's decision rules and stored in a run like any other. The
window shows the latest frame with its overlay (:func:`inspectors.render.annotate` with the
decision), a large OK / REVIEW / NG verdict, live FPS and latency (p50 / p99), counters,
drops, and the last NG images as a strip; pause and resume.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Optional

import cv2
from PySide6.QtCore import QCoreApplication, QSize, Qt, Signal
from PySide6.QtGui import QFont, QIcon
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from inspectors.engine_choice import load_inspector
from inspectors.imageio import read_image
from inspectors.line import Station, StationConfig
from inspectors.line.folder import FolderSource
from inspectors.line.station import Verdict
from inspectors.line.video import VideoSource
from inspectors.render import annotate
from inspectors.results import Thresholds
from inspectors.rules import Rules, bind
from inspectors.runs import RunStore
from inspectors.runtime import RuntimeSettings

from ..display_text import rule_text, word
from ..i18n import translate
from ..workers import Worker, WorkerPool, WorkerSignals, error_text
from .qimage import to_pixmap

VERDICT_COLORS = {"OK": "#2e7d32", "REVIEW": "#ef8f00", "NG": "#c62828", "ERROR": "#6d6d6d"}
STRIP = 8  # NG images kept in the strip
FRAME_EVERY = 0.1  # seconds between frames shown (the line may decide hundreds a second)


@dataclass
class LineSetup:
    model: str
    source: str  # a folder, or a camera index / URL / video file
    camera: bool
    runs_dir: Path
    settings: RuntimeSettings
    rules: Rules
    keep: str = "flagged"
    policy: str = "queue"
    capture_dir: Optional[str] = None


class LineSignals(WorkerSignals):
    frame = Signal(object)  # (annotated BGR, message): the latest decided frame, throttled
    ng = Signal(object)  # (thumbnail BGR, file name)
    figures = Signal(object)  # Station.figures()
    running = Signal(str)  # the line is up: what the model runs on


class LineWorker(Worker):
    """Runs a :class:`inspectors.line.Station` until cancelled."""

    signals_class = LineSignals

    def __init__(self, setup: LineSetup):
        super().__init__()
        self.setup = setup
        self.station: Optional[Station] = None
        self._last_frame = 0.0
        self._lock = threading.Lock()

    def set_paused(self, paused: bool) -> None:
        if self.station is not None:
            self.station.pause(paused)

    def work(self) -> Dict[str, Any]:
        s = self.setup
        inspector = load_inspector(s.model, s.settings)
        bound = bind(s.rules, inspector.class_names, Thresholds(inspector.spec.default_threshold))
        if s.camera:
            source = VideoSource(s.source)
            folder = s.capture_dir or str(s.runs_dir.parent / "line" / "app")
            os.makedirs(folder, exist_ok=True)
        else:
            source = FolderSource(s.source)
            folder = s.source
        run = RunStore(s.runs_dir).open(folder, s.model, inspector.settings)
        config = StationConfig(station_id="app", policy=s.policy if not s.camera else "drop-oldest",
                               keep=s.keep, capture_dir=folder if s.camera else None)
        self.station = station = Station(inspector, bound, source, None, run=run, config=config,
                                         on_verdict=self._on_verdict)
        try:
            station.start()
            self.signals.running.emit(inspector.engine_note)
            while not self.cancelled and not station.done.is_set():
                station.done.wait(0.5)
                self.signals.figures.emit(station.figures())
            station.stop()
            station.wait(30)
            self.signals.figures.emit(station.figures())
            if station.error is not None:
                raise station.error
            return station.figures()
        finally:
            run.close()

    def _on_verdict(self, v: Verdict) -> None:  # the station's thread
        ng = v.message["verdict"] == "NG"
        now = time.monotonic()
        with self._lock:
            show = now - self._last_frame >= FRAME_EVERY
            if show:
                self._last_frame = now
        if not (show or ng):
            return
        image = v.frame.image
        if image is None:
            try:
                image = read_image(v.frame.path)
            except Exception:  # noqa: BLE001 - gone meanwhile: nothing to show
                return
        shown = annotate(image, v.outcome.result, decision=v.decision) if v.outcome.ok else image
        if show:
            self.signals.frame.emit((shown, v.message))
        if ng:
            h, w = shown.shape[:2]
            scale = 96 / max(h, w)
            self.signals.ng.emit((cv2.resize(shown, (max(1, int(w * scale)), max(1, int(h * scale)))),
                                  v.message["file"]))


class LineView(QWidget):
    """Line mode: choose the source, start, watch the verdicts come."""

    started = Signal()
    stopped = Signal()

    def __init__(self, model: str, runs_dir: Path, settings: RuntimeSettings, rules: Rules,
                 parent: Optional[QWidget] = None):
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(translate("LineView", "Line mode"))
        self.runs_dir = runs_dir
        self.settings = settings
        self.rules = rules
        self.pool = WorkerPool(1, self)
        app = QCoreApplication.instance()
        if app is not None:  # the app quitting with the line running: stop it, do not hang
            app.aboutToQuit.connect(self.stop)
        self.worker: Optional[LineWorker] = None

        self.model_edit = QLineEdit(model)
        self.source_kind = QComboBox()
        self.source_kind.addItems([translate("LineView", "Watched folder"), translate("LineView", "Camera or video")])
        self.source_edit = QLineEdit()
        self.source_edit.setPlaceholderText(translate("LineView", "Folder the line writes images into"))
        browse = QPushButton(translate("LineView", "Browse…"))
        browse.clicked.connect(self._browse)
        self.keep = QComboBox()
        self.keep.addItem(translate("LineView", "NG and REVIEW only"), "flagged")
        self.keep.addItem(translate("LineView", "All images"), "all")
        self.keep.setToolTip(translate("LineView", "Which camera frames are saved with the run (a folder's images stay where they are)"))
        self.source_kind.currentIndexChanged.connect(self._kind_changed)
        self.start_btn = QPushButton(translate("LineView", "Start"))
        self.pause_btn = QPushButton(translate("LineView", "Pause"))
        self.pause_btn.setCheckable(True)
        self.stop_btn = QPushButton(translate("LineView", "Stop"))
        self.start_btn.clicked.connect(self.start)
        self.pause_btn.toggled.connect(self._pause)
        self.stop_btn.clicked.connect(self.stop)

        form = QFormLayout()
        form.addRow(translate("LineView", "Model"), self.model_edit)
        row = QHBoxLayout()
        row.addWidget(self.source_kind)
        row.addWidget(self.source_edit, 1)
        row.addWidget(browse)
        form.addRow(translate("LineView", "Source"), row)
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel(translate("LineView", "Keep")))
        buttons.addWidget(self.keep)
        buttons.addStretch(1)
        for b in (self.start_btn, self.pause_btn, self.stop_btn):
            buttons.addWidget(b)
        form.addRow(buttons)

        self.frame_label = QLabel(translate("LineView", "No frame yet"))
        self.frame_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.frame_label.setMinimumSize(320, 240)
        self.frame_label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.frame_label.setStyleSheet("background: #202020; color: #aaaaaa;")
        self.verdict = QLabel("—")
        self.verdict.setAlignment(Qt.AlignmentFlag.AlignCenter)
        big = QFont()
        big.setPointSize(36)
        big.setBold(True)
        self.verdict.setFont(big)
        self.verdict.setMinimumHeight(90)
        self._set_verdict("—")
        self.file_label = QLabel("")
        self.file_label.setWordWrap(True)
        self.file_label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.values: Dict[str, QLabel] = {}
        grid = QGridLayout()
        names = [("decided", translate("LineView", "Decided")), ("OK", "OK"), ("REVIEW", word("REVIEW")), ("NG", "NG"),
                 ("ERROR", translate("LineView", "Errors")), ("skipped", translate("LineView", "Already decided")), ("fps", translate("LineView", "Images / s")),
                 ("p50_ms", translate("LineView", "Latency p50")), ("p99_ms", translate("LineView", "Latency p99")), ("dropped", translate("LineView", "Dropped"))]
        readable = self.font()
        readable.setPointSize(readable.pointSize() + 2)  # read from a step away, beside the line
        for i, (key, text) in enumerate(names):
            name = QLabel(text)
            name.setFont(readable)
            grid.addWidget(name, i, 0)
            value = QLabel("—" if key.endswith("_ms") else "0")
            value.setFont(readable)
            value.setAlignment(Qt.AlignmentFlag.AlignRight)
            grid.addWidget(value, i, 1)
            self.values[key] = value
        counters = QGroupBox(translate("LineView", "Counters"))
        counters.setLayout(grid)
        side = QVBoxLayout()
        side.addWidget(self.verdict)
        side.addWidget(self.file_label)
        side.addWidget(counters)
        side.addStretch(1)
        side_w = QWidget()
        side_w.setLayout(side)
        side_w.setFixedWidth(300)
        middle = QHBoxLayout()
        middle.addWidget(self.frame_label, 1)
        middle.addWidget(side_w)

        self.strip = QListWidget()
        self.strip.setViewMode(QListWidget.ViewMode.IconMode)
        self.strip.setFlow(QListWidget.Flow.LeftToRight)
        self.strip.setWrapping(False)
        self.strip.setIconSize(QSize(96, 96))
        self.strip.setFixedHeight(124)
        strip_box = QGroupBox(translate("LineView", "Last NG images"))
        sl = QVBoxLayout()
        sl.addWidget(self.strip)
        strip_box.setLayout(sl)
        self.status = QLabel(translate("LineView", "Choose a source and press Start."))

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(middle, 1)
        layout.addWidget(strip_box)
        layout.addWidget(self.status)
        self._last_pixmap = None
        self._running(False)
        self.resize(1100, 760)

    # -- controls ---------------------------------------------------------------------
    def _kind_changed(self, index: int) -> None:
        self.source_edit.setPlaceholderText(translate("LineView", "Folder the line writes images into") if index == 0 else
                                            translate("LineView", "Camera index (0), stream URL or video file"))

    def _browse(self) -> None:
        if self.source_kind.currentIndex() == 0:
            path = QFileDialog.getExistingDirectory(self, translate("LineView", "Folder to watch"), self.source_edit.text())
        else:
            path, _ = QFileDialog.getOpenFileName(self, translate("LineView", "Video file"), self.source_edit.text())
        if path:
            self.source_edit.setText(path)

    def _running(self, on: bool) -> None:
        self.start_btn.setEnabled(not on)
        self.pause_btn.setEnabled(on)
        self.stop_btn.setEnabled(on)
        for w in (self.model_edit, self.source_edit, self.source_kind, self.keep):
            w.setEnabled(not on)

    def start(self) -> Optional[LineWorker]:
        model, source = self.model_edit.text().strip(), self.source_edit.text().strip()
        if not model or not source:
            self.status.setText(translate("LineView", "Choose a model and a source first."))
            return None
        camera = self.source_kind.currentIndex() == 1
        if not camera and not os.path.isdir(source):
            self.status.setText(translate("LineView", "The folder {source} does not exist.").format(source=source))
            return None
        setup = LineSetup(model, source, camera, self.runs_dir, self.settings, self.rules,
                          keep=self.keep.currentData())
        w = self.worker = LineWorker(setup)
        w.signals.frame.connect(self._frame)
        w.signals.ng.connect(self._ng)
        w.signals.figures.connect(self._figures)
        w.signals.running.connect(lambda note: self.status.setText(translate("LineView", "Running: {note}").format(note=note)))
        w.signals.errored.connect(lambda e: self.status.setText(translate("LineView", "Stopped: {error}").format(error=error_text(e))))
        w.signals.finished.connect(self._finished)
        self.strip.clear()
        self._running(True)
        self.status.setText(translate("LineView", "Loading the model…"))
        self.pool.start(w)
        self.started.emit()
        return w

    def _pause(self, paused: bool) -> None:
        if self.worker is not None:
            self.worker.set_paused(paused)
        self.pause_btn.setText(translate("LineView", "Resume") if paused else translate("LineView", "Pause"))
        if self.worker is not None:
            self.status.setText(translate("LineView", "Paused: images wait under the backpressure policy.") if paused
                                else translate("LineView", "Running."))

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.status.setText(translate("LineView", "Stopping after the current image…"))

    def _finished(self) -> None:
        self.worker = None
        self.pause_btn.setChecked(False)
        self._running(False)
        if not self.status.text().startswith(translate("LineView", "Stopped: {error}").split("{")[0]):
            self.status.setText(translate("LineView", "Stopped."))
        self.stopped.emit()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.stop()
        self.pool.wait(30_000)
        super().closeEvent(event)

    # -- what the line says -------------------------------------------------------------
    def _set_verdict(self, verdict: str) -> None:
        self.verdict.setText(word(verdict))
        color = VERDICT_COLORS.get(verdict, "#9e9e9e")
        self.verdict.setStyleSheet(f"background: {color}; color: white; border-radius: 8px;")

    def _frame(self, item) -> None:
        image, message = item
        self._last_pixmap = to_pixmap(image)
        self._show_pixmap()
        self._set_verdict(message["verdict"])
        reasons = "; ".join(rule_text(r) for r in message.get("reasons") or [])
        self.file_label.setText(f"{message['file']}\n{reasons}" if reasons else message["file"])

    def _show_pixmap(self) -> None:
        if self._last_pixmap is not None:
            self.frame_label.setPixmap(self._last_pixmap.scaled(
                self.frame_label.size(), Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._show_pixmap()

    def _ng(self, item) -> None:
        thumb, name = item
        it = QListWidgetItem(QIcon(to_pixmap(thumb)), os.path.basename(name))
        it.setToolTip(name)
        self.strip.insertItem(0, it)
        while self.strip.count() > STRIP:
            self.strip.takeItem(self.strip.count() - 1)

    def _figures(self, f: Dict[str, Any]) -> None:
        for key, label in self.values.items():
            v = f.get(key, 0)
            if key in ("p50_ms", "p99_ms"):
                label.setText("—" if v != v else f"{v:.0f} ms")  # NaN before the first frame
            elif key == "fps":
                label.setText(f"{v:.1f}")
            else:
                label.setText(str(v))
