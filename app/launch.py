"""``python main.py [gui] [--folder DIR] [--model DIR ...] [--demo] [--screenshot PNG]``."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import List, Optional

from .qt_env import prepare_qt_env

ROOT = Path(__file__).resolve().parent.parent
DEMO_IMAGES = ROOT / "resources" / "demo"
BUNDLED_MODELS = ROOT / "models"


def parse_args(argv: List[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="main.py", description="Defect Inspector desktop app")
    p.add_argument("--folder", help="image folder to open on start")
    p.add_argument("--model", action="append", default=[], help="exported model folder (repeatable)")
    p.add_argument("--ground-truth", help="ground-truth file or folder (found automatically otherwise)")
    p.add_argument("--demo", action="store_true", help="open the bundled demo images and models")
    p.add_argument("--work-dir", help="where review files are kept (default: the user data folder)")
    p.add_argument("--settings", help="settings file (.ini) instead of the user's settings")
    p.add_argument("--no-restore", action="store_true", help="do not reopen the last models")
    p.add_argument("--view", choices=["overlay", "side-by-side", "diff", "original"], default=None,
                   help="initial view mode")
    p.add_argument("--screenshot", help="save a PNG of the window once results are in, then quit")
    p.add_argument("--screenshot-timeout", type=float, default=120.0, help="seconds to wait for results")
    return p.parse_args(argv)


def bundled_models() -> List[str]:
    if not BUNDLED_MODELS.is_dir():
        return []
    from .main_window import looks_like_model

    return [str(p) for p in sorted(BUNDLED_MODELS.iterdir()) if p.is_dir() and looks_like_model(str(p))]


def run_gui(argv: Optional[List[str]] = None) -> int:
    args = parse_args(list(sys.argv[1:] if argv is None else argv))
    import cv2  # noqa: F401 - sets QT_QPA_PLATFORM_PLUGIN_PATH on import; undone next
    prepare_qt_env()
    from PySide6.QtCore import QSettings, QStandardPaths
    from PySide6.QtWidgets import QApplication

    from .main_window import MainWindow
    from .screenshot import ScreenshotWhenDone
    from .settings import AppSettings
    from .theme import apply_theme

    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setOrganizationName("DefectInspector")
    app.setApplicationName("Defect Inspector")
    apply_theme(app)
    q = QSettings(args.settings, QSettings.Format.IniFormat) if args.settings else QSettings()
    data = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    work = Path(args.work_dir) if args.work_dir else Path(data or Path.home() / ".defect-inspector") / "sessions"
    window = MainWindow(AppSettings(q), work)
    window.show()

    models = list(args.model)
    folder = args.folder
    if args.demo:
        models = models or bundled_models()
        if folder is None and DEMO_IMAGES.is_dir():
            folder = str(DEMO_IMAGES)
        if not models or folder is None:
            window.statusBar().showMessage(
                "The demo images or models are not bundled in this checkout; open a folder (Ctrl+O) "
                "and add a model (Ctrl+M).", 15000)
    elif not models and not args.no_restore:
        models = [m for m in window.settings.models() if os.path.isdir(m)]
    if args.view:
        window.viewer.set_mode(args.view.replace("-", " "))
    for m in models:
        window.add_model(m)
    if folder:
        window.open_folder(folder, args.ground_truth)
    auto_run = bool(folder and (args.model or args.demo))
    if auto_run:
        window.models.changed.connect(lambda _id: window.run_all() if window.models.ready() else None)
    shot = ScreenshotWhenDone(window, args.screenshot, args.screenshot_timeout) if args.screenshot else None
    code = app.exec()
    return shot.exit_code if shot is not None else code
