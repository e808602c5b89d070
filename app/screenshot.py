"""``--screenshot``: grab the window once the run is over (or it timed out), write a JSON
summary of what it showed beside the PNG, then quit."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from inspectors.session import ImageState

from .main_window import MainWindow
from .state import ModelStatus, RunState


class ScreenshotWhenDone(QObject):
    def __init__(self, window: MainWindow, path: str, timeout_s: float):
        super().__init__(window)
        self.window, self.path = window, path
        self.exit_code = 3  # until a screenshot is saved
        self._taken = False
        self._stable = 0
        self._check = QTimer(self, interval=300)
        self._check.timeout.connect(self._poll)
        self._check.start()
        QTimer.singleShot(int(timeout_s * 1000), self.take)

    def _ready(self) -> bool:
        w = self.window
        models = w.models.models.values()
        if any(h.status is ModelStatus.LOADING for h in models) or w.models.state() is not RunState.IDLE:
            return False
        if w.bench.waiting_to_run() or any(w.bench.is_opening(h.id) for h in w.models.ready()):
            return False
        if w.bench.folder is not None and w.bench.current_row >= 0 and w.bench.current_image is None \
                and not w.bench.current_error:
            return False
        return not (w.models.ready() and w.bench.folder is not None
                    and not w.bench.store.inspected_rows())

    def _poll(self) -> None:
        # done for three polls in a row (~0.9 s): a run that goes idle between the current
        # image and the queued rest is not mistaken for the end; the last paints land too
        self._stable = self._stable + 1 if self._ready() else 0
        if self._stable >= 3:
            self.take()

    def take(self) -> None:
        if self._taken:
            return
        self._taken = True
        self._check.stop()
        w = self.window
        if w.bench.store.state(w.bench.current_row) in (ImageState.ERROR, ImageState.NO_RESULT):
            w.list_panel.step(1, flagged_only=True)  # show a finding rather than an error
            QTimer.singleShot(1200, self._grab)
        else:
            self._grab()

    def _grab(self) -> None:
        screen = self.window.screen() or QGuiApplication.primaryScreen()
        geo = self.window.frameGeometry()
        pixmap = screen.grabWindow(0, geo.x(), geo.y(), geo.width(), geo.height())
        if pixmap.isNull() or pixmap.toImage().isNull():
            pixmap = self.window.grab()
        self.exit_code = 0 if pixmap.save(self.path) else 4
        Path(self.path).with_suffix(".json").write_text(json.dumps(self.summary(), indent=1),
                                                        encoding="utf-8")
        QApplication.instance().quit()

    def summary(self) -> dict:
        """Folder, models, threshold and image states at the moment of the screenshot."""
        w = self.window
        counts = w.bench.store.counts()
        return {
            "folder": str(w.bench.folder) if w.bench.folder is not None else None,
            "models": [h.path for h in w.models.models.values()],
            "threshold": w.threshold_panel.thresholds().default,
            "images": len(w.bench.store),
            **{state.value: int(n) for state, n in counts.items()},
        }
