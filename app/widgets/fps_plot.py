"""Live speed: images/s and per-stage latency (read, preprocess, inference,
postprocess) during a run, sampled a few times a second."""

from __future__ import annotations

import collections
import math
import time
from typing import Deque, Dict, List, Optional, Tuple

import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ..i18n import QT_TRANSLATE_NOOP, translate
from ..state import RunState
from ..stats import STAGES, RunStats
from ..workbench import Workbench

STAGE_NAMES = {"read": QT_TRANSLATE_NOOP("FpsPlot", "read"), "preprocess": QT_TRANSLATE_NOOP("FpsPlot", "preprocess"),
               "inference": QT_TRANSLATE_NOOP("FpsPlot", "inference"),
               "postprocess": QT_TRANSLATE_NOOP("FpsPlot", "postprocess")}
STAGE_COLORS = {"read": "#8da0cb", "preprocess": "#fc8d62", "inference": "#e5484d",
                "postprocess": "#66c2a5"}
HISTORY = 240  # samples kept (two minutes at 2 Hz)


class FpsPlot(QWidget):
    """Counts the bench's stored outcomes into ``stats``; stops sampling when the run ends
    (:meth:`start` begins a run's plot)."""

    def __init__(self, stats: RunStats, bench: Optional[Workbench] = None, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.stats = stats
        self.bench = bench
        pg.setConfigOptions(antialias=False, background="#1d2127", foreground="#b8c0cc")
        self.fps_plot = pg.PlotWidget()
        self.fps_plot.setLabel("left", translate("FpsPlot", "images/s"))
        self.fps_plot.setLabel("bottom", "s")
        self.fps_plot.showGrid(x=True, y=True, alpha=0.2)
        self.fps_curve = self.fps_plot.plot(pen=pg.mkPen("#4cc9f0", width=2))
        self.lat_plot = pg.PlotWidget()
        self.lat_plot.setLabel("left", translate("FpsPlot", "ms / image"))
        self.lat_plot.setLabel("bottom", "s")
        self.lat_plot.showGrid(x=True, y=True, alpha=0.2)
        self.lat_plot.addLegend(offset=(-4, 4), labelTextSize="8pt")
        self.lat_curves = {s: self.lat_plot.plot(pen=pg.mkPen(STAGE_COLORS[s], width=2), name=translate("FpsPlot", STAGE_NAMES[s]))
                           for s in STAGES}
        self.readout = QLabel(translate("FpsPlot", "Idle: start a run (Ctrl+R) to see the speed."))
        self.readout.setObjectName("muted")
        # a changing text must not re-layout the window several times a second
        self.readout.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        plots = QHBoxLayout()
        plots.addWidget(self.fps_plot)
        plots.addWidget(self.lat_plot)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(plots, 1)
        lay.addWidget(self.readout)
        self._t: Deque[float] = collections.deque(maxlen=HISTORY)
        self._fps: Deque[float] = collections.deque(maxlen=HISTORY)
        self._lat: Dict[str, Deque[float]] = {s: collections.deque(maxlen=HISTORY) for s in STAGES}
        self._t0 = time.perf_counter()
        self.timer = QTimer(self, interval=500)
        self.timer.timeout.connect(self.sample)
        if bench is not None:
            bench.outcome_stored.connect(self._on_outcome)
            bench.models.run_state_changed.connect(self._on_run_state)

    def _on_outcome(self, row: int, model_id: str) -> None:
        outcome = self.bench.store.outcome(row, model_id) if self.bench is not None else None
        if outcome is not None:
            self.stats.add(outcome.timings)

    def _on_run_state(self, state: RunState) -> None:
        if state is RunState.IDLE:
            self.stop()

    def start(self) -> None:
        self._t0 = time.perf_counter()
        for d in (self._t, self._fps, *self._lat.values()):
            d.clear()
        self.timer.start()

    def series(self) -> Tuple[List[float], List[float]]:
        """The images/s chart's data (seconds, images/s; NaN where idle)."""
        return list(self._t), list(self._fps)

    def stop(self) -> None:
        self.sample()
        self.timer.stop()

    def sample(self) -> None:
        fps = self.stats.fps()
        lat = self.stats.latency_ms()
        idle = fps == 0.0  # no image in the stats' window (paused, waiting): a gap, not a line at 0
        self._t.append(time.perf_counter() - self._t0)
        self._fps.append(math.nan if idle else fps)
        for s in STAGES:
            self._lat[s].append(math.nan if idle else lat[s])
        t = list(self._t)
        self.fps_curve.setData(t, list(self._fps), connect="finite")
        for s in STAGES:
            self.lat_curves[s].setData(t, list(self._lat[s]), connect="finite")
        parts = " · ".join(f"{translate('FpsPlot', STAGE_NAMES[s])} {lat[s]:.1f} ms" for s in STAGES)
        self.readout.setText(translate("FpsPlot", "{fps:.1f} images/s   ({parts})   {n} inspected this run").format(
            fps=fps, parts=parts, n=self.stats.total))
