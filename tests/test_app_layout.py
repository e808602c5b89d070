"""The window at 1280x720 on a real X server (fits the screen, panels not squeezed over each
other), the Help menu's shortcut sheet, the themes and Reset layout."""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import cv2  # noqa: F401 - imported before Qt so its plugin path can be undone
import pytest
from PySide6.QtGui import QPalette

from app.qt_env import prepare_qt_env

ROOT = Path(__file__).resolve().parent.parent

PROBE = r"""
import json, sys
from pathlib import Path
import cv2
from PySide6.QtCore import QPoint, QRect, QSettings
from PySide6.QtWidgets import QApplication, QPushButton
from app.main_window import MainWindow
from app.settings import AppSettings
from app.theme import apply_theme
app = QApplication([])
apply_theme(app)
w = MainWindow(AppSettings(QSettings(sys.argv[1], QSettings.Format.IniFormat)), Path(sys.argv[2]))
w.show()
for _ in range(50):
    app.processEvents()
def rect(widget):
    top_left = widget.mapToGlobal(QPoint(0, 0))
    return [top_left.x(), top_left.y(), widget.width(), widget.height()]
m, t = w.model_panel, w.threshold_panel
buttons = [b for b in m.findChildren(QPushButton) if b.text() in ("Add…", "Remove", "Reload")]
out = {
    "screen": [w.screen().availableGeometry().width(), w.screen().availableGeometry().height()],
    "frame": [w.frameGeometry().x(), w.frameGeometry().y(), w.frameGeometry().width(), w.frameGeometry().height()],
    "slider": rect(t.slider), "device": rect(m.device), "threads": rect(m.threads), "batch": rect(m.batch),
    "buttons": [[b.text(), b.isVisible(), b.width(), b.height()] for b in buttons],
    "squeezed": [type(p).__name__ for p in (m, t, w.info_panel, w.list_panel)
                 if p.height() < p.minimumSizeHint().height() or p.width() < p.minimumSizeHint().width()],
}
print("PROBE" + json.dumps(out))
w.close()
"""


@pytest.fixture(scope="session", autouse=True)
def _offscreen():
    prepare_qt_env("offscreen")


def _xvfb(size: str):
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", size, "-nolisten", "tcp"],
                            pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as f:
        number = f.readline().strip()
    return proc, number


def _intersects(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


@pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb is not installed")
def test_window_fits_1280x720(tmp_path):
    proc, number = _xvfb("1280x720x24")
    try:
        if not number or proc.poll() is not None:
            pytest.skip("Xvfb did not start")
        env = {k: v for k, v in os.environ.items() if not k.startswith("QT_")}
        env.update(DISPLAY=f":{number}", QT_QPA_PLATFORM="xcb", PYTHONPATH=str(ROOT))
        t0 = time.time()
        res = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path / "s.ini"), str(tmp_path / "work")],
                             env=env, cwd=ROOT, capture_output=True, text=True, timeout=180)
        assert res.returncode == 0, res.stderr[-2000:]
        line = next(x for x in res.stdout.splitlines() if x.startswith("PROBE"))
        g = json.loads(line[len("PROBE"):])
    finally:
        proc.terminate()
        proc.wait(10)
    assert time.time() - t0 < 180
    sw, sh = g["screen"]
    x, y, fw, fh = g["frame"]
    assert x >= 0 and y >= 0 and x + fw <= sw and y + fh <= sh, g
    for row in ("device", "threads", "batch"):
        assert not _intersects(g["slider"], g[row]), (row, g)
    assert len(g["buttons"]) == 3 and all(vis and bw > 0 and bh > 0 for _t, vis, bw, bh in g["buttons"]), g
    assert g["squeezed"] == [], g


def test_shortcut_sheet_lists_every_action_with_a_shortcut(make_window):
    from PySide6.QtGui import QAction, QKeySequence

    w = make_window()
    dialog = w.show_help(1)
    table = dialog.shortcuts
    sheet = {(table.item(i, 0).text(), table.item(i, 1).text()) for i in range(table.rowCount())}
    expected = {(a.text().replace("&", ""),
                 ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in a.shortcuts()))
                for a in w.findChildren(QAction) if a.shortcuts()}
    assert expected and sheet == expected
    assert ("Guide", "F1") in sheet  # F1 opens the guide
    w.actions_["help"].trigger()
    assert dialog.isVisible() and dialog.tabs.currentIndex() == dialog.GUIDE


def test_theme_switch_changes_palette_and_charts(make_window, tmp_path):
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    w = make_window()
    app = QApplication.instance()
    w.actions_["theme:light"].trigger()
    light = app.palette().color(QPalette.ColorRole.Window)
    plot_bg = {p.backgroundBrush().color().name() for p in w.findChildren(pg.PlotWidget)}
    assert light.lightness() > 200 and plot_bg == {"#ffffff"}
    views = [w.viewer.single.view, w.viewer.left.view, w.viewer.right.view]
    assert all(v.backgroundBrush().color().lightness() > 150 for v in views)
    legends = [p.getPlotItem().legend for p in w.findChildren(pg.PlotWidget) if p.getPlotItem().legend is not None]
    assert legends  # the series names in dark text on the white charts
    assert all(lg.opts["labelTextColor"].lightness() < 100 for lg in legends)
    from app.widgets.image_view import ImageView

    assert ImageView().backgroundBrush().color().lightness() > 150  # a view made later (A | B panes)
    w.actions_["theme:dark"].trigger()
    dark = app.palette().color(QPalette.ColorRole.Window)
    assert dark.lightness() < 60
    assert {p.backgroundBrush().color().lightness() < 60 for p in w.findChildren(pg.PlotWidget)} == {True}
    assert all(v.backgroundBrush().color().lightness() < 30 for v in views)
    assert all(lg.opts["labelTextColor"].lightness() > 150 for lg in legends)
    assert w.settings.value("view/theme") == "dark"


def test_reset_layout_and_per_screen_layout(make_window):
    w = make_window()
    dock = w.metrics_dock
    dock.setFloating(True)
    w.findChild(type(dock), "dock:Images").hide()
    w.actions_["reset_layout"].trigger()
    assert not dock.isFloating() and w.findChild(type(dock), "dock:Images").isVisible()
    w.close()
    size = w.screen().availableGeometry().size()
    assert w.settings.value(f"window/state/{size.width()}x{size.height()}") is not None


def test_about_reports_the_installed_versions():
    import cv2 as cv
    import pyqtgraph
    import PySide6

    from app.help import about_html, versions

    found = dict(versions())
    assert found["PySide6"] == PySide6.__version__ and found["pyqtgraph"] == pyqtgraph.__version__
    assert found["OpenCV"].startswith(cv.__version__)
    assert all(v in about_html() for v in found.values())
