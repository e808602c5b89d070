"""Benchmark: a day of steel strips through the app, then the same run reopened.

    python bench/bench_app_runs.py                 # 10,000 strips of 1600x256 (about 15 min)
    python bench/bench_app_runs.py --n 500         # a quick look

The model: a small softmax segmentation network in PaddleSeg's export layout, resizing
every strip to 800x128 (``Resize`` in deploy.yaml); its label map and confidence come
back at 1600x256, as with any PaddleSeg softmax export. Three phases, each in a fresh
process of the real app (offscreen unless QT_QPA_PLATFORM says otherwise):

1. ``run``: open the folder, add the model, inspect everything (the viewer follows
   every result, as a user watching the run sees it). Peak RSS over the RSS after the
   first 20 results; target <= 400 MB (the app kept ~2 MB per strip in RAM before runs
   were stored on disk: about 20 GB for 10,000).
2. ``reopen``: the same folder and model in a new app. From the moment the folder is
   opened (the model already loaded, as when the app restores its last session): the
   first strip with its overlay on screen (< 1 s), every strip's state in the list
   (< 3 s), and a threshold move that re-flags all of them (< 50 ms, with the window's
   own handlers: list, viewer, metrics). Also checks that nothing was queued again.

Prints the figures, the targets and the ratios; exits 1 when a phase fails.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from soak_common import make_images, rss_mb  # noqa: E402 - bench/ is on sys.path when run

paddle = None  # imported by export_model (after inspectors, which orders the imports)
CLASSES = ("background", "scratch", "pit", "stain")
PEAK_TARGET_MB, FIRST_TARGET_S, STATES_TARGET_S, REFLAG_TARGET_MS = 400.0, 1.0, 3.0, 50.0


def export_model(out: Path) -> Path:
    """A few convolutions with a softmax head, exported as PaddleSeg does (random weights)."""
    from inspectors.paddle_env import import_paddle
    from inspectors.tooling.exporters.paddleseg_export import export_paddleseg

    global paddle  # dy2static resolves the forward's names in this module
    paddle = import_paddle()
    nn = paddle.nn
    paddle.seed(7)

    class Small(nn.Layer):
        """Dark pixels read as "scratch" (a fixed 1x1 path), plus a little learned-looking noise."""

        def __init__(self) -> None:
            super().__init__()
            self.body = nn.Sequential(nn.Conv2D(3, 8, 3, stride=2, padding=1), nn.ReLU(),
                                      nn.Conv2D(8, len(CLASSES), 3, stride=2, padding=1))
            self.dark = nn.Conv2D(3, len(CLASSES), 1)

        def forward(self, x):  # PaddleSeg models return a list of logits at input size
            y = paddle.nn.functional.interpolate(self.body(x), size=paddle.shape(x)[2:], mode="bilinear")
            return [self.dark(x) + 0.2 * y]

    net = Small()
    k = 4.0  # scratch wins where the normalised mean is below -0.7 (a dark crack)
    w = np.zeros((len(CLASSES), 3, 1, 1), np.float32)
    w[0], w[1] = k / 3, -k / 3
    net.dark.weight.set_value(paddle.to_tensor(w))
    net.dark.bias.set_value(paddle.to_tensor(np.array([0.0, -1.4 * k, -8.0, -8.0], np.float32)))
    tf = [{"type": "Resize", "target_size": [800, 128]}, {"type": "Normalize"}]
    export_paddleseg(net, out, tf, output_op="softmax")
    (out / "labels.txt").write_text("".join(f"{n}\n" for n in CLASSES))
    return out


def _window(work: Path):
    import cv2  # noqa: F401 - sets a Qt plugin path that prepare_qt_env undoes

    from app.qt_env import prepare_qt_env

    prepare_qt_env(os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from app.main_window import MainWindow
    from app.settings import AppSettings

    app = QApplication.instance() or QApplication([sys.argv[0]])
    settings = AppSettings(QSettings(str(work / "settings.ini"), QSettings.Format.IniFormat))
    win = MainWindow(settings, work / "work")
    win.resize(1600, 1000)
    win.show()
    return app, win


def _when_ready(win, then) -> None:
    """Call ``then`` once every added model has loaded (or failed)."""
    done = []

    def check(_id: str = "") -> None:
        if not done and win.models.models and all(h.status != "loading" for h in win.models.models.values()):
            done.append(1)
            then()

    win.models.changed.connect(check)


def phase_run(folder: Path, model: Path, work: Path) -> dict:
    from PySide6.QtCore import QTimer

    app, win = _window(work)
    s = {"n": 0, "base": None, "peak": 0.0, "t0": 0.0, "code": 0}
    timer = QTimer()
    timer.timeout.connect(lambda: s.__setitem__("peak", max(s["peak"], rss_mb())))

    def on_outcome(row: int, _model: str) -> None:
        s["n"] += 1
        win.list_panel.select(row)
        if s["n"] == 20:
            s["base"] = rss_mb()
            s["peak"] = s["base"]
            timer.start(200)
        elif s["n"] % 1000 == 0:
            print(f"  {s['n']} results, {time.perf_counter() - s['t0']:.0f} s, rss {rss_mb():.0f} MB", flush=True)

    def start() -> None:
        if not win.models.ready():
            print("the model did not load:", win.model_panel.message.text(), flush=True)
            s["code"] = 2
            app.exit(2)
            return
        s["t0"] = time.perf_counter()
        win.run_all()

    def finished() -> None:
        s["peak"] = max(s["peak"], rss_mb())
        s["seconds"] = time.perf_counter() - s["t0"]
        timer.stop()
        win.close()

    win.bench.outcome_stored.connect(on_outcome)
    win.run_finished.connect(finished)
    _when_ready(win, start)
    win.add_model(str(model))
    win.open_folder(str(folder))
    code = app.exec()
    run = next(iter(win.bench.run_store.runs()), None)
    return {"results": s["n"], "seconds": round(s.get("seconds", 0.0), 1), "baseline_mb": s["base"],
            "peak_mb": s["peak"], "exit": code or s["code"], "stored": run.images_done if run else 0}


def phase_reopen(folder: Path, model: Path, work: Path, n: int) -> dict:
    from PySide6.QtCore import QTimer

    from inspectors.session.store import ImageState

    app, win = _window(work)
    s: dict = {"t0": 0.0, "first": None, "states": None, "queued": 0}
    viewer = win.viewer
    refresh = viewer.refresh

    def watched_refresh() -> None:  # the overlay is on screen when the viewer draws a prediction
        refresh()
        if s["t0"] and s["first"] is None and viewer._pred is not None and viewer._image is not None:
            s["first"] = time.perf_counter() - s["t0"]

    viewer.refresh = watched_refresh
    poll = QTimer()

    def check_states() -> None:
        c = win.bench.store.counts()
        s["polls"] = s.get("polls", 0) + 1
        if os.environ.get("BENCH_DEBUG") and s["polls"] % 200 == 1:
            print("debug", {k.value: v for k, v in c.items()}, s, list(win.bench.runs), win.bench.run_notes,
                  [(h.id, h.status) for h in win.models.models.values()], flush=True)
        if s["states"] is None and c[ImageState.NO_RESULT] == 0 and len(win.bench.store) == n:
            s["states"] = time.perf_counter() - s["t0"]
        if s["states"] is not None and s["first"] is not None:
            poll.stop()
            QTimer.singleShot(300, measure_threshold)

    def measure_threshold() -> None:
        times = []
        flagged = []
        for v in (0.3, 0.9, 0.5, 0.95, 0.4):
            t = time.perf_counter()
            win.threshold_panel.value.setValue(v)  # the user's move, through every handler
            app.processEvents()
            times.append((time.perf_counter() - t) * 1000)
            flagged.append(win.bench.store.counts()[ImageState.DEFECT])
        s["reflag_ms"] = sorted(times)[len(times) // 2]
        s["reflag_ms_max"] = max(times)
        s["flagged"] = flagged
        win.close()

    poll.timeout.connect(check_states)
    orig_submit = win.models.submit

    def counting_submit(model_id, paths, front=False):
        s["queued"] += len(paths)
        return orig_submit(model_id, paths, front)

    win.models.submit = counting_submit

    def start() -> None:
        if not win.models.ready():
            app.exit(2)
            return
        s["t0"] = time.perf_counter()
        win.open_folder(str(folder))
        poll.start(2)

    _when_ready(win, start)
    win.add_model(str(model))
    code = app.exec()
    return {"first_overlay_s": s["first"], "all_states_s": s["states"], "reflag_ms": s.get("reflag_ms"),
            "reflag_ms_max": s.get("reflag_ms_max"), "flagged_at": s.get("flagged"),
            "queued_again": s["queued"], "exit": code}


def child(args) -> int:
    folder, model, work = Path(args.folder), Path(args.model), Path(args.work)
    out = phase_run(folder, model, work) if args.phase == "run" else phase_reopen(folder, model, work, args.n)
    print("RESULT " + json.dumps(out), flush=True)
    return 0


def run_child(phase: str, folder: Path, model: Path, work: Path, n: int) -> dict:
    cmd = [sys.executable, __file__, "--phase", phase, "--folder", str(folder), "--model", str(model),
           "--work", str(work), "--n", str(n)]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    for line in p.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
        if line.startswith("  "):
            print(line, flush=True)
    print(p.stdout[-3000:])
    raise SystemExit(f"phase {phase} failed (exit {p.returncode})")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=10_000)
    p.add_argument("--keep", help="keep images, model and store in this folder (reused when present)")
    p.add_argument("--reopen-only", action="store_true", help="only phase 2 (the run kept by --keep)")
    p.add_argument("--phase", choices=("run", "reopen"), help=argparse.SUPPRESS)
    p.add_argument("--folder", help=argparse.SUPPRESS)
    p.add_argument("--model", help=argparse.SUPPRESS)
    p.add_argument("--work", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.phase:
        return child(args)

    tmp = None if args.keep else tempfile.TemporaryDirectory(prefix="bench_app_runs_")
    base = Path(args.keep or tmp.name)
    folder, model, work = base / "strips", base / "model", base / "app"
    if not folder.is_dir() or len(os.listdir(folder)) != args.n:
        t = time.perf_counter()
        make_images(folder, args.n, 256, 1600)
        print(f"wrote {args.n} 1600x256 JPEG strips in {time.perf_counter() - t:.0f} s", flush=True)
    if not (model / "deploy.yaml").is_file():
        export_model(model)
    work.mkdir(parents=True, exist_ok=True)
    ok = True
    if not args.reopen_only:
        print(f"phase 1: {args.n} strips through the app (rss {rss_mb():.0f} MB in this parent)", flush=True)
        r = run_child("run", folder, model, work, args.n)
        growth = r["peak_mb"] - r["baseline_mb"]
        print(f"  {r['results']} results in {r['seconds']} s ({r['results'] / max(r['seconds'], 1e-9):.1f}/s), "
              f"{r['stored']} rows stored, exit {r['exit']}")
        print(f"  RSS after 20 results {r['baseline_mb']:.0f} MB, peak {r['peak_mb']:.0f} MB: "
              f"+{growth:.0f} MB (target <= {PEAK_TARGET_MB:.0f} MB; {growth / PEAK_TARGET_MB:.2f} of it)")
        ok = r["exit"] == 0 and r["results"] == args.n and growth <= PEAK_TARGET_MB
    print("phase 2: the run reopened in a new app", flush=True)
    q = run_child("reopen", folder, model, work, args.n)
    print(f"  first strip with its overlay on screen: {q['first_overlay_s']:.3f} s "
          f"(target < {FIRST_TARGET_S} s; {q['first_overlay_s'] / FIRST_TARGET_S:.2f} of it)")
    print(f"  all {args.n} states in the list: {q['all_states_s']:.3f} s "
          f"(target < {STATES_TARGET_S} s; {q['all_states_s'] / STATES_TARGET_S:.2f} of it)")
    print(f"  threshold move re-flagging all: median {q['reflag_ms']:.1f} ms, max {q['reflag_ms_max']:.1f} ms "
          f"(target < {REFLAG_TARGET_MS} ms; {q['reflag_ms'] / REFLAG_TARGET_MS:.2f} of it); "
          f"flagged at 0.3/0.9/0.5/0.95/0.4: {q['flagged_at']}")
    print(f"  images queued again on reopen: {q['queued_again']} (expected 0)")
    ok = (ok and q["exit"] == 0
          and q["first_overlay_s"] < FIRST_TARGET_S and q["all_states_s"] < STATES_TARGET_S
          and q["reflag_ms"] < REFLAG_TARGET_MS and not q["queued_again"])
    print("all targets met" if ok else "TARGETS MISSED")
    if tmp is not None:
        tmp.cleanup()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
