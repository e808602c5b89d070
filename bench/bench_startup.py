"""Start-up time and engine throughput, optionally against an earlier commit.

Figures (medians over ``--repeat`` fresh processes, each started with this venv's Python
in the measured tree, so ``python main.py`` of that tree is what runs):

    import inspectors.engine   seconds for the import inside a process, and the whole
                               ``python -c "import inspectors.engine"`` (interpreter included)
    window shown               process start until the app's event loop runs with the empty
                               window shown (its "Defect Inspector is running" line), offscreen
    screenshot, exit           process start until ``--screenshot`` of the empty window has been
                               written and the app has quit (includes the screenshot's fixed
                               ~1.1 s settle time)
    engine images/s            ``Inspector.run`` of the bundled classifier (models/neu_cls_resnet_small)
                               over N generated 200x200 gray images read from PNG files
                               (read, preprocess, inference, postprocess overlapped)

    python bench/bench_startup.py                      # this checkout
    python bench/bench_startup.py --compare HEAD~8     # and REV, in a temporary git worktree
    python bench/bench_startup.py --images 200 --repeat 5 --threads 2 --json out.json

``--compare`` runs the same measurements (this file's version) in ``git worktree add
--detach TMP REV`` and in this checkout, alternating, ``--rounds`` times, and prints both
with the change. Noise on a shared 2-core machine is several percent: only differences
well beyond it mean anything.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parents[1]
CLS_MODEL = Path("models") / "neu_cls_resnet_small"
READY_LINE = "Defect Inspector is running"

IMPORT_PROBE = ("import time; t = time.perf_counter(); import inspectors.engine; "
                "print(time.perf_counter() - t)")


def child_env() -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("QT_") and k not in ("PYTHONPATH", "DISPLAY", "WAYLAND_DISPLAY")}
    env.update(QT_QPA_PLATFORM="offscreen", GLOG_minloglevel="2")
    return env


def measure_import(root: Path, repeat: int) -> Dict[str, float]:
    inside, whole = [], []
    for i in range(repeat + 1):  # the first run warms the file cache and writes .pyc: not counted
        t = time.perf_counter()
        r = subprocess.run([sys.executable, "-c", IMPORT_PROBE], cwd=root, env=child_env(),
                           capture_output=True, text=True, timeout=300)
        elapsed = time.perf_counter() - t
        if r.returncode != 0:
            raise SystemExit(f"import inspectors.engine failed in {root}:\n{r.stderr[-2000:]}")
        if i:
            inside.append(float(r.stdout.strip().splitlines()[-1]))
            whole.append(elapsed)
    return {"import_engine_s": statistics.median(inside), "import_engine_process_s": statistics.median(whole)}


def measure_window(root: Path, repeat: int) -> Dict[str, float]:
    shown, done = [], []
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        for i in range(repeat + 1):
            shot = Path(tmp) / f"empty{i}.png"
            cmd = [sys.executable, "main.py", "--no-restore", "--settings", str(Path(tmp) / f"s{i}.ini"),
                   "--work-dir", str(Path(tmp) / f"work{i}"), "--screenshot", str(shot),
                   "--screenshot-timeout", "60"]
            t = time.perf_counter()
            proc = subprocess.Popen(cmd, cwd=root, env=child_env(), stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE, text=True)
            ready: Optional[float] = None
            err: List[str] = []
            for line in proc.stderr:  # type: ignore[union-attr]
                err.append(line)
                if ready is None and READY_LINE in line:
                    ready = time.perf_counter() - t
            code = proc.wait(timeout=120)
            elapsed = time.perf_counter() - t
            if code != 0 or not shot.is_file():
                raise SystemExit(f"main.py --screenshot failed in {root} (exit {code}):\n{''.join(err)[-2000:]}")
            if i:
                done.append(elapsed)
                if ready is not None:
                    shown.append(ready)
    out = {"screenshot_exit_s": statistics.median(done)}
    if shown:
        out["window_shown_s"] = statistics.median(shown)
    return out


def measure_throughput(root: Path, images: int, repeat: int, threads: int) -> Dict[str, float]:
    r = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child-throughput",
                        "--root", str(root), "--images", str(images), "--repeat", str(repeat),
                        "--threads", str(threads)],
                       cwd=root, env=child_env(), capture_output=True, text=True, timeout=1800)
    if r.returncode != 0:
        raise SystemExit(f"throughput run failed in {root}:\n{r.stderr[-2000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def child_throughput(root: Path, images: int, repeat: int, threads: int) -> None:
    """In the measured tree's process: load the classifier and time ``Inspector.run``."""
    sys.path.insert(0, str(root))
    import pycocotools.coco  # noqa: F401,I001 - before paddle (zlib trap)
    import cv2
    import numpy as np

    from inspectors.engine import Inspector
    from inspectors.runtime import RuntimeSettings

    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory(prefix="bench-images-") as tmp:
        paths = []
        for i in range(images):  # NEU-like: gray 200x200, grain along rows, a few blobs
            base = rng.normal(128, 18, (200, 200)).astype(np.float32)
            base = cv2.GaussianBlur(base, (0, 0), sigmaX=3, sigmaY=0.7)
            for _ in range(int(rng.integers(0, 4))):
                cv2.circle(base, (int(rng.integers(0, 200)), int(rng.integers(0, 200))),
                           int(rng.integers(3, 20)), float(rng.integers(40, 220)), -1)
            p = Path(tmp) / f"img_{i:04d}.png"
            cv2.imwrite(str(p), np.clip(base, 0, 255).astype(np.uint8))
            paths.append(p)
        t = time.perf_counter()
        insp = Inspector.from_path(root / CLS_MODEL, RuntimeSettings(threads=threads))
        load = time.perf_counter() - t
        list(insp.run(paths[:4]))  # warm-up: first-run allocations and kernel choice
        rates = []
        for _ in range(repeat):
            t = time.perf_counter()
            ok = sum(1 for o in insp.run(paths) if o.ok)
            rates.append(ok / (time.perf_counter() - t))
            if ok != len(paths):
                raise SystemExit(f"{len(paths) - ok} of {len(paths)} images failed")
    print(json.dumps({"model_load_s": load, "engine_images_per_s": statistics.median(rates),
                      "engine_images_per_s_best": max(rates)}))


def measure(root: Path, args: argparse.Namespace) -> Dict[str, float]:
    out: Dict[str, float] = {}
    out.update(measure_import(root, args.repeat))
    out.update(measure_window(root, args.repeat))
    out.update(measure_throughput(root, args.images, args.repeat, args.threads))
    return out


FIGURES = [  # key, label, unit, higher is better
    ("import_engine_s", "import inspectors.engine (in process)", "s", False),
    ("import_engine_process_s", "python -c 'import inspectors.engine'", "s", False),
    ("window_shown_s", "start -> empty window shown", "s", False),
    ("screenshot_exit_s", "start -> --screenshot written, exit", "s", False),
    ("model_load_s", "load the bundled classifier", "s", False),
    ("engine_images_per_s", "Inspector.run, images/s (median)", "/s", True),
    ("engine_images_per_s_best", "Inspector.run, images/s (best)", "/s", True),
]


def describe(rev: str, cwd: Path = ROOT) -> str:
    r = subprocess.run(["git", "log", "-1", "--format=%h %s", rev], cwd=cwd, capture_output=True, text=True)
    return r.stdout.strip()[:70] if r.returncode == 0 else rev


def print_table(columns: List[str], results: List[Dict[str, float]]) -> None:
    width = 40
    print(f"{'':{width}}" + "".join(f"{c:>16}" for c in columns) + ("      change" if len(results) == 2 else ""))
    for key, label, unit, higher in FIGURES:
        values = [r.get(key) for r in results]
        cells = "".join(f"{v:>14.3f} {unit:<1}" if v is not None else f"{'-':>16}" for v in values)
        change = ""
        if len(values) == 2 and None not in values and values[0]:
            pct = 100 * (values[1] - values[0]) / values[0]
            better = (pct > 0) == higher
            change = f"  {pct:+7.1f} %" + (" (better)" if better and abs(pct) >= 5 else
                                          " (worse)" if not better and abs(pct) >= 5 else "")
        print(f"{label:{width}}{cells}{change}")


def median_of(rounds: List[Dict[str, float]]) -> Dict[str, float]:
    keys = {k for r in rounds for k in r}
    return {k: statistics.median([r[k] for r in rounds if k in r]) for k in keys}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--compare", metavar="REV", help="also measure this git revision (a temporary worktree)")
    p.add_argument("--images", type=int, default=120, help="generated images for the throughput run")
    p.add_argument("--repeat", type=int, default=3, help="processes / runs per figure (median)")
    p.add_argument("--rounds", type=int, default=1, help="with --compare: alternate REV and this tree N times")
    p.add_argument("--threads", type=int, default=2, help="Paddle CPU threads")
    p.add_argument("--json", help="write the figures to this file")
    p.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    p.add_argument("--child-throughput", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child_throughput:
        child_throughput(args.root.resolve(), args.images, args.repeat, args.threads)
        return 0
    here = f"this tree ({describe('HEAD')[:7]}+)"
    if not args.compare:
        result = measure(args.root.resolve(), args)
        print(f"{here}: {args.images} images, {args.threads} threads, median of {args.repeat}")
        print_table(["this tree"], [result])
        report = {"this": result}
    else:
        with tempfile.TemporaryDirectory(prefix="bench-rev-") as tmp:
            tree = Path(tmp) / "tree"
            subprocess.run(["git", "worktree", "add", "--quiet", "--detach", str(tree), args.compare],
                           cwd=ROOT, check=True)
            try:
                old_rounds, new_rounds = [], []
                for _ in range(args.rounds):
                    old_rounds.append(measure(tree, args))
                    new_rounds.append(measure(args.root.resolve(), args))
            finally:
                subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False)
        old, new = median_of(old_rounds), median_of(new_rounds)
        print(f"{args.compare} = {describe(args.compare)}\n{here}\n"
              f"{args.images} images, {args.threads} threads, median of {args.repeat} x {args.rounds} round(s)")
        print_table([args.compare[:14], "this tree"], [old, new])
        report = {"rev": args.compare, "rev_commit": describe(args.compare), "old": old, "this": new}
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
