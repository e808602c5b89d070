"""``python main.py [gui] [--folder DIR] [--model DIR ...] [--demo] [--screenshot PNG]``.

Ctrl+C (SIGINT) or SIGTERM closes the window cleanly; the exit status is then 130 or 143
(128 + the signal's number, see :mod:`app.os_signals`)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import List, Optional, Tuple

from inspectors.argtypes import OneLineParser, unit_interval
from inspectors.assets import demo_dir, models_dir

from .qt_env import binding_problem, prepare_qt_env

DEMO_IMAGES = demo_dir()
BUNDLED_MODELS = models_dir()
#: demo dataset per task, in order of preference for ``--demo`` alone: boxes on NEU-like
#: steel say most at a glance, then masks, then labels
DEMO_TASKS = {"det": ("detection", "neu_det"), "seg": ("segmentation", "magnetic_tile"),
              "cls": ("classification", "neu_cls")}


def parse_args(argv: List[str]) -> argparse.Namespace:
    p = OneLineParser(prog="main.py", description="Defect Inspector desktop app",
                                epilog="Ctrl+C (SIGINT) or SIGTERM closes the app cleanly; it then "
                                "exits with 130 or 143.")
    p.add_argument("--folder", help="image folder to open on start")
    p.add_argument("--model", action="append", default=[], help="exported model folder (repeatable)")
    p.add_argument("--ground-truth", help="ground-truth file or folder (found automatically otherwise)")
    p.add_argument("--demo", nargs="?", const="auto", choices=["auto", *DEMO_TASKS],
                   help="open the bundled demo images with the bundled models of that task "
                   "(det, seg or cls; default: detection, else the first bundled)")
    p.add_argument("--threshold", type=unit_interval, default=None,
                   help="starting confidence, 0-1 (default: the last one used; the demo starts at its "
                   "models' own draw_threshold)")
    p.add_argument("--work-dir", help="the app's work dir: inspection runs (in runs/) and review files "
                   "(default: $DEFECT_INSPECTOR_HOME, else the user data folder)")
    p.add_argument("--settings", help="settings file (.ini) instead of the user's settings")
    p.add_argument("--lang", choices=["en", "zh_CN"], default=None,
                   help="interface language (default: the saved setting, else the system locale)")
    p.add_argument("--no-restore", action="store_true", help="do not reopen the last models")
    p.add_argument("--view", choices=["overlay", "side-by-side", "diff", "original"], default=None,
                   help="initial view mode")
    p.add_argument("--screenshot", help="save a PNG of the window once results are in, then quit")
    p.add_argument("--screenshot-timeout", type=float, default=120.0, help="seconds to wait for results")
    return p.parse_args(argv)


def bundled_models() -> List[str]:
    if not BUNDLED_MODELS.is_dir():
        return []
    from inspectors.formats import is_model_folder

    return [str(p) for p in sorted(BUNDLED_MODELS.iterdir()) if p.is_dir() and is_model_folder(p)]


def demo_choice(which: str = "auto") -> Tuple[Optional[str], List[str]]:
    """The demo folder and the bundled models of its task (models of other tasks would
    only draw nonsense on it); ``which`` is a key of :data:`DEMO_TASKS` or ``auto``."""
    from inspectors.errors import InspectorError
    from inspectors.formats import load_model_spec

    by_task: dict = {}
    for m in bundled_models():
        try:
            by_task.setdefault(load_model_spec(m).task, []).append(m)
        except InspectorError:
            continue
    for key, (task, sub) in DEMO_TASKS.items():
        if which not in ("auto", key):
            continue
        folder = DEMO_IMAGES / sub
        if by_task.get(task) and folder.is_dir():
            return str(folder), by_task[task]
    return None, []


def demo_threshold(models: List[str]) -> Optional[float]:
    """The lowest ``default_threshold`` the demo models' exports suggest (ppdet's
    ``draw_threshold``), so the demo opens where the models show what they find."""
    from inspectors.errors import InspectorError
    from inspectors.formats import load_model_spec

    values = []
    for m in models:
        try:
            values.append(load_model_spec(m).default_threshold)
        except InspectorError:
            continue
    return min(values) if values else None


def run_gui(argv: Optional[List[str]] = None) -> int:
    args = parse_args(list(sys.argv[1:] if argv is None else argv))
    import cv2  # noqa: F401 - sets QT_QPA_PLATFORM_PLUGIN_PATH on import; undone next
    prepare_qt_env()
    problem = binding_problem()
    if problem:
        print(f"The desktop app cannot start: {problem}", file=sys.stderr)
        return 2
    from PySide6.QtCore import QSettings, QStandardPaths, QTimer
    from PySide6.QtWidgets import QApplication

    from . import i18n, os_signals
    from .main_window import MainWindow
    from .screenshot import ScreenshotWhenDone
    from .settings import AppSettings
    from .theme import apply_theme

    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setOrganizationName("DefectInspector")
    app.setApplicationName("Defect Inspector")
    apply_theme(app)
    i18n.cjk_font_fallback(app)  # Chinese texts and names render where the default font has none
    q = QSettings(args.settings, QSettings.Format.IniFormat) if args.settings else QSettings()
    if args.lang:
        q.setValue(i18n.SETTING, args.lang)
    translators = i18n.install(app, i18n.choose_language(q.value(i18n.SETTING)))  # noqa: F841 - kept alive
    from inspectors.runs.location import default_work_dir

    # one work dir for the runs (the same rule as predict / evaluate); review files stay
    # where they were kept: the work dir given, else the data folder's sessions/
    work = Path(args.work_dir) if args.work_dir else default_work_dir()
    data = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    reviews = None if args.work_dir else Path(data or Path.home() / ".defect-inspector") / "sessions"
    window = MainWindow(AppSettings(q), work, review_dir=reviews)
    window.show()

    models = list(args.model)
    folder = args.folder
    if args.demo:
        demo_folder, demo_models = demo_choice(args.demo)
        models = models or demo_models
        folder = folder or demo_folder
        if not models or folder is None:
            window.statusBar().showMessage(
                "The demo images or models are not bundled in this checkout; open a folder (Ctrl+O) "
                "and add a model (Ctrl+M).", 15000)
    elif not models and not args.no_restore:
        models = [m for m in window.settings.models() if os.path.isdir(m)]
    if args.view:
        window.viewer.set_mode(args.view.replace("-", " "))
    start = args.threshold if args.threshold is not None else (
        demo_threshold(models) if args.demo else None)
    if start is not None:
        window.bench.start_threshold = min(1.0, max(0.0, start))  # new runs start there
        window.threshold_panel.value.setValue(min(1.0, max(0.0, start)))

    def close_on_signal() -> None:
        app.closeAllWindows()  # the window's own close: workers stopped, exports cancelled
        app.quit()

    if models:  # paddle's import replaces the SIGTERM handler: import it before taking it
        from inspectors.paddle_env import import_paddle

        import_paddle()
    closer = os_signals.install(close_on_signal, app)
    if closer is not None:  # a model added later imports paddle in its worker: take it back
        window.models.changed.connect(closer.rearm)
    for m in models:
        window.add_model(m)
    if folder:
        window.open_folder(folder, args.ground_truth)
    auto_run = bool(folder and (args.model or args.demo))
    if auto_run:  # once a model is ready and the folder listed, whichever comes last
        def run_when_ready(*_args: object) -> None:
            if window.models.ready() and window.bench.folder is not None:
                window.run_all()

        window.models.changed.connect(run_when_ready)
        window.bench.folder_opened.connect(run_when_ready)
    shot = ScreenshotWhenDone(window, args.screenshot, args.screenshot_timeout) if args.screenshot else None
    QTimer.singleShot(0, lambda: print(
        f"Defect Inspector is running (pid {os.getpid()}); Ctrl+C or SIGTERM closes it.",
        file=sys.stderr, flush=True))
    code = app.exec()
    code = shot.exit_code if shot is not None else code
    if closer is not None:
        closer.restore()
        code = closer.exit_code(code)
    return code
