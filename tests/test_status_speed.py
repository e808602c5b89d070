"""The status bar's progress text (images/s, ETA), its error count, and the speed chart's
gap over idle time."""

import math

import pytest

pytest.importorskip("pytestqt")

from app.model_manager import ModelManager  # noqa: E402
from app.stats import RunStats  # noqa: E402
from app.widgets.errors_panel import ErrorsPanel  # noqa: E402
from app.widgets.fps_plot import FpsPlot  # noqa: E402
from app.widgets.run_status import RunStatus, progress_text  # noqa: E402
from app.workbench import Workbench  # noqa: E402
from inspectors.results import StageTimings  # noqa: E402


def test_progress_text_has_rate_and_eta():
    assert progress_text(120, 500, 16.0) == "120 / 500 · 16.0 images/s · ETA 0:24"  # 380 / 16 = 23.75 s
    assert progress_text(0, 10000, 2.0) == "0 / 10000 · 2.0 images/s · ETA 1:23:20"  # 5000 s
    assert progress_text(3, 10, 0.0) == "3 / 10"
    assert progress_text(10, 10, 5.0) == "10 / 10"


class Clock:
    def __init__(self):
        self.t = 100.0

    def __call__(self):
        return self.t


def test_idle_time_is_a_gap_in_the_speed_chart(qtbot):
    clock = Clock()
    stats = RunStats(window_s=3.0, clock=clock)
    plot = FpsPlot(stats)
    qtbot.addWidget(plot)
    stats.reset()
    for _ in range(10):  # 10 images in 1 s
        clock.t += 0.1
        stats.add(StageTimings())
    plot.sample()
    clock.t += 10.0  # paused: nothing for 10 s (beyond the 3 s window)
    plot.sample()
    plot.sample()
    clock.t += 0.5
    stats.add(StageTimings())
    plot.sample()
    _t, fps = plot.series()
    assert len(fps) == 4
    assert fps[0] > 0 and math.isnan(fps[1]) and math.isnan(fps[2]) and fps[3] > 0
    x, y = plot.fps_curve.getData()
    assert list(map(math.isnan, y)) == [False, True, True, False]


def test_status_error_count_is_the_errors_tab_count(qtbot, tmp_path):
    bench = Workbench(ModelManager(), tmp_path)
    panel = ErrorsPanel(bench)
    qtbot.addWidget(panel)
    status = RunStatus(bench, errors=panel)
    with qtbot.waitSignal(panel.count_changed):
        panel.add("model", "/models/x", "cannot load the model")
    assert f"{panel.count()} errors" in status.counts.text() and panel.count() == 1
