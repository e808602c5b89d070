"""Soak the desktop app: N images through a real model in the real window, as a user
watching the run would see it (the current image follows the results, the live-speed
plots update), and print the process RSS and the count of references to ``None`` at
the start and the end.

    python bench/soak_app.py                        # 10,000 small images, bundled seg model
    python bench/soak_app.py --n 300 --size 256x1600 --model models/magnetic_tile_fastscnn
    QT_QPA_PLATFORM=xcb DISPLAY=:99 python bench/soak_app.py --n 2000   # a real (Xvfb) screen

A Qt binding that returns ``None`` without owning it (PySide6 6.12 does, on Python
3.11, where ``None`` is not immortal) shows as a falling ``None`` count; the process
aborts with ``none_dealloc`` when it reaches zero. Results go to the model's run on
disk (the window keeps compact summaries and a 16-result cache), so the RSS should stay
flat; ``bench/bench_app_runs.py`` measures it with 10,000 strips of 1600x256.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from soak_common import ROOT, make_images, rss_mb  # noqa: E402 - bench/ is on sys.path when run


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=10_000, help="images (default 10,000)")
    p.add_argument("--size", default="64x400", help="HxW of the generated images (default 64x400)")
    p.add_argument("--folder", help="use this image folder instead of generating one")
    p.add_argument("--model", default=str(ROOT / "models" / "magnetic_tile_fastscnn"))
    p.add_argument("--every", type=int, default=500, help="print a line every this many results")
    p.add_argument("--no-follow", action="store_true", help="do not show each new result")
    args = p.parse_args(argv)

    import cv2  # noqa: F401 - sets a Qt plugin path that prepare_qt_env undoes

    from app.qt_env import prepare_qt_env

    prepare_qt_env(os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from app.main_window import MainWindow
    from app.settings import AppSettings

    tmp = tempfile.TemporaryDirectory(prefix="soak_app_")
    folder = Path(args.folder) if args.folder else Path(tmp.name) / "images"
    if not args.folder:
        h, w = (int(v) for v in args.size.lower().split("x"))
        t = time.perf_counter()
        make_images(folder, args.n, h, w)
        print(f"wrote {args.n} {h}x{w} JPEGs in {time.perf_counter() - t:.1f} s", flush=True)

    app = QApplication.instance() or QApplication([sys.argv[0]])
    settings = AppSettings(QSettings(str(Path(tmp.name) / "s.ini"), QSettings.Format.IniFormat))
    win = MainWindow(settings, Path(tmp.name) / "work")
    win.show()
    print(f"PySide6 {pyside_version}, Python {sys.version.split()[0]}, "
          f"platform {app.platformName()}", flush=True)

    state = {"n": 0, "t0": 0.0, "rss0": 0.0, "none0": 0, "min_none": 1 << 62}

    def line(tag: str) -> None:
        none = sys.getrefcount(None)
        state["min_none"] = min(state["min_none"], none)
        dt = time.perf_counter() - state["t0"] if state["t0"] else 0.0
        print(f"{tag:>6} results={state['n']:6d} t={dt:7.1f}s rss={rss_mb():8.1f} MB "
              f"none_refs={none}", flush=True)

    def on_outcome(row: int, _model: str) -> None:
        state["n"] += 1
        if not args.no_follow:
            win.list_panel.select(row)  # the viewer shows each new result (repaints)
        if state["n"] % args.every == 0:
            line("run")

    def start() -> None:
        if not win.models.ready():
            print("the model did not load:", win.model_panel.message.text(), flush=True)
            app.exit(2)
            return
        state.update(t0=time.perf_counter(), rss0=rss_mb(), none0=sys.getrefcount(None))
        line("start")
        win.run_all()

    def finished() -> None:
        line("end")
        dt = time.perf_counter() - state["t0"]
        print(f"{state['n']} results in {dt:.1f} s ({state['n'] / max(dt, 1e-9):.1f}/s); "
              f"RSS {state['rss0']:.1f} -> {rss_mb():.1f} MB ({rss_mb() - state['rss0']:+.1f}); "
              f"None refs {state['none0']} -> {sys.getrefcount(None)} (lowest {state['min_none']})",
              flush=True)
        QTimer.singleShot(500, win.close)  # let the last plot update paint, then quit

    win.bench.outcome_stored.connect(on_outcome)
    win.run_finished.connect(finished)
    win.models.changed.connect(lambda _id: start() if not state["t0"] and not any(
        h.status == "loading" for h in win.models.models.values()) else None)
    win.add_model(args.model)
    win.open_folder(str(folder))
    code = app.exec()
    print(f"event loop ended with {code}; None refs {sys.getrefcount(None)}", flush=True)
    tmp.cleanup()
    return code


if __name__ == "__main__":
    sys.exit(main())
