"""The viewer's zoom on a 1600x256 strip: how long the picture's redraw takes (on a worker
thread) and how long the GUI's event loop stalls meanwhile, per zoom step.

Figures, per zoom (offscreen, a segmentation result with two defects and a detection
result with 20 boxes):

    k              the enlargement the picture is drawn at (inspectors.render.screen, capped
                   by MAX_PIXELS; the tags are Qt items of one screen size at any k)
    redraw s       from the zoom until the redrawn picture is shown
    stall ms       the longest gap between 5 ms timer ticks during that time (the GUI
                   thread's longest pause; the tags' re-placement at once included)
    render s       the same drawing done directly on this thread (what the GUI thread
                   paid before the redraw moved to a worker)

    python bench/bench_zoom_redraw.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.widgets.screen_overlay import render_overlay  # noqa: E402
from app.widgets.viewer import Viewer  # noqa: E402
from inspectors.render import RenderStyle  # noqa: E402
from inspectors.results import DetectionResult, SegmentationResult  # noqa: E402


def results():
    rng = np.random.default_rng(0)
    img = rng.integers(60, 140, (256, 1600, 3), dtype=np.uint8)
    lm = np.zeros((256, 1600), np.uint8)
    lm[40:90, 200:420] = 1
    lm[150:230, 1100:1180] = 2
    seg = SegmentationResult(lm, ("background", "crack", "pit"), np.full(lm.shape, 0.9, np.float32))
    x = rng.uniform(0, 1500, 20)
    y = rng.uniform(0, 200, 20)
    boxes = np.stack([x, y, x + 60, y + 40], 1)
    det = DetectionResult(boxes, rng.uniform(0.5, 1, 20), rng.integers(0, 3, 20), ("a", "b", "c"), (256, 1600))
    return img, {"segmentation": seg, "detection 20 boxes": det}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    app = QApplication.instance() or QApplication([])
    img, cases = results()
    print(f"{'case':20s} {'zoom':>5s} {'k':>3s} {'redraw s':>9s} {'stall ms':>9s} {'render s':>9s}")
    for name, res in cases.items():
        v = Viewer()
        v.resize(1000, 400)
        v.show()
        v.set_content(img, None, res)
        view = v.single.view
        for zoom in (1.0, 2.0, 4.0, 8.0):
            redraws, stalls, renders = [], [], []
            for r in range(args.repeat):
                view.set_zoom(zoom * (0.98 if r % 2 else 1.0))
                view.set_zoom(zoom * (1.0 if r % 2 else 0.98))  # a new zoom each round
                target = view.zoom()
                ticks = [time.perf_counter()]
                timer = QTimer()
                timer.setInterval(5)
                timer.timeout.connect(lambda t=ticks: t.append(time.perf_counter()))
                timer.start()
                t0 = time.perf_counter()
                overlay = v.overlay
                while not (abs(overlay.rendered.get(view, 0) - target) < 1e-3 * target and not overlay.busy.get(view)):
                    app.processEvents()
                    time.sleep(0.001)
                    if time.perf_counter() - t0 > 60:
                        raise SystemExit("the redraw did not come back in 60 s")
                redraws.append(time.perf_counter() - t0)
                timer.stop()
                ticks.append(time.perf_counter())
                stalls.append(max(np.diff(ticks)) * 1000)
                t1 = time.perf_counter()
                _pic, k, _tags = render_overlay(img, res, RenderStyle(), None, target)
                renders.append(time.perf_counter() - t1)
            print(f"{name:20s} {zoom:5.1f} {k:3d} {np.median(redraws):9.3f} {max(stalls):9.0f} "
                  f"{np.median(renders):9.3f}")
        v.close()


if __name__ == "__main__":
    main()
