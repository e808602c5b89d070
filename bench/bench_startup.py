"""Start-up time and engine throughput, optionally against an earlier commit.

Figures (median and best over fresh processes started with this venv's Python in the
measured tree, so ``python main.py`` of that tree is what runs):

    import inspectors.engine   seconds for the import inside a process, and the whole
                               ``python -c "import inspectors.engine"`` (interpreter included)
    window shown               process start until the app's event loop runs with the empty
                               window shown (its "Defect Inspector is running" line), offscreen
    screenshot, exit           process start until ``--screenshot`` of the empty window has been
                               written and the app has quit (includes the screenshot's fixed
                               settle delays, ~1-2 s)
    import paddle              what the first model load pays once (the app imports Paddle lazily)
    load classifier            ``Inspector.from_path`` of models/neu_cls_resnet_small, Paddle imported
    engine images/s            ``Inspector.run`` of that classifier over N generated 200x200
                               gray images read from PNG files (read, preprocess, inference,
                               postprocess overlapped)

    python bench/bench_startup.py                      # this checkout
    python bench/bench_startup.py --compare HEAD~8     # and REV, in a temporary git worktree
    python bench/bench_startup.py --images 200 --repeat 5 --threads 2 --json out.json

``--compare`` runs the same measurements (this file's version) in ``git worktree add
--detach TMP REV`` and in this checkout, alternating sample by sample so that other load
on the machine hits both alike. Noise on a shared 2-core machine is 10 % and more for a
median; the best (lowest time, highest rate) is steadier. Only differences seen in both
mean anything.
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


def sample_import(root: Path) -> Dict[str, float]:
    t = time.perf_counter()
    r = subprocess.run([sys.executable, "-c", IMPORT_PROBE], cwd=root, env=child_env(),
                       capture_output=True, text=True, timeout=300)
    elapsed = time.perf_counter() - t
    if r.returncode != 0:
        raise SystemExit(f"import inspectors.engine failed in {root}:\n{r.stderr[-2000:]}")
    return {"import_engine_s": float(r.stdout.strip().splitlines()[-1]), "import_engine_process_s": elapsed}


def sample_window(root: Path, tmp: Path) -> Dict[str, float]:
    shot = tmp / "empty.png"
    shot.unlink(missing_ok=True)
    cmd = [sys.executable, "main.py", "--no-restore", "--settings", str(tmp / "s.ini"),
           "--work-dir", str(tmp / "work"), "--screenshot", str(shot), "--screenshot-timeout", "60"]
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
    out = {"screenshot_exit_s": elapsed}
    if ready is not None:
        out["window_shown_s"] = ready
    return out


def sample_throughput(root: Path, images: int, runs: int, threads: int) -> Dict[str, float]:
    r = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child-throughput",
                        "--root", str(root), "--images", str(images), "--repeat", str(runs),
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
        import paddle  # noqa: F401 - what the first model load pays once, timed on its own
        paddle_s = time.perf_counter() - t
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
    print(json.dumps({"paddle_import_s": paddle_s, "model_load_s": load, "engine_images_per_s": rates}))


def measure(roots: List[Path], args: argparse.Namespace) -> List[Dict[str, List[float]]]:
    """Samples of every figure for each tree, the trees alternating sample by sample (so a
    load change on the machine hits both alike); a warm-up of each (file cache, .pyc) first."""
    samples: List[Dict[str, List[float]]] = [{} for _ in roots]

    def add(i: int, figures: Dict[str, object]) -> None:
        for key, value in figures.items():
            samples[i].setdefault(key, []).extend(value if isinstance(value, list) else [value])

    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        for root in roots:
            sample_import(root)
            sample_window(root, Path(tmp))
        for _ in range(args.repeat):
            for i, root in enumerate(roots):
                add(i, sample_import(root))
            for i, root in enumerate(roots):
                add(i, sample_window(root, Path(tmp)))
        for _ in range(args.rounds):
            for i, root in enumerate(roots):
                add(i, sample_throughput(root, args.images, args.repeat, args.threads))
    return samples


FIGURES = [  # key, label, unit, higher is better
    ("import_engine_s", "import inspectors.engine (in process)", "s", False),
    ("import_engine_process_s", "python -c 'import inspectors.engine'", "s", False),
    ("window_shown_s", "start -> empty window shown", "s", False),
    ("screenshot_exit_s", "start -> --screenshot written, exit", "s", False),
    ("paddle_import_s", "import paddle (before the first model)", "s", False),
    ("model_load_s", "load the bundled classifier", "s", False),
    ("engine_images_per_s", "Inspector.run, images/s", "/s", True),
]


def describe(rev: str, cwd: Path = ROOT) -> str:
    r = subprocess.run(["git", "log", "-1", "--format=%h %s", rev], cwd=cwd, capture_output=True, text=True)
    return r.stdout.strip()[:70] if r.returncode == 0 else rev


def summarise(samples: Dict[str, List[float]]) -> Dict[str, Dict[str, float]]:
    """Median and best (lowest time, highest rate) of each figure."""
    higher = {key: h for key, _, _, h in FIGURES}
    return {k: {"median": statistics.median(v), "best": (max if higher.get(k) else min)(v), "n": len(v)}
            for k, v in samples.items()}


def print_table(columns: List[str], results: List[Dict[str, Dict[str, float]]]) -> None:
    width = 40
    head = "".join(f"{c[:22]:>24}" for c in columns)
    print(f"{'(median / best)':{width}}{head}" + ("   change of median, best" if len(results) == 2 else ""))
    for key, label, unit, higher in FIGURES:
        stats = [r.get(key) for r in results]
        cells = "".join(f"{s['median']:>11.3f} /{s['best']:>8.3f} {unit:<2}" if s else f"{'-':>24}" for s in stats)
        change = ""
        if len(stats) == 2 and None not in stats:
            pcts = [100 * (stats[1][m] - stats[0][m]) / stats[0][m] for m in ("median", "best")]
            change = "   " + ", ".join(f"{p:+6.1f} %" for p in pcts)
            worse = [(p > 0) != higher and abs(p) >= 5 for p in pcts]
            change += " (worse)" if all(worse) else ""
        print(f"{label:{width}}{cells}{change}")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--compare", metavar="REV", help="also measure this git revision (a temporary worktree)")
    p.add_argument("--images", type=int, default=120, help="generated images for the throughput run")
    p.add_argument("--repeat", type=int, default=5, help="start-ups per figure; engine runs per process")
    p.add_argument("--rounds", type=int, default=2, help="engine processes per tree (each --repeat runs)")
    p.add_argument("--threads", type=int, default=2, help="Paddle CPU threads")
    p.add_argument("--json", help="write the figures to this file")
    p.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    p.add_argument("--child-throughput", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child_throughput:
        child_throughput(args.root.resolve(), args.images, args.repeat, args.threads)
        return 0
    here = f"this tree ({describe('HEAD')[:7]}+)"
    setup = (f"{args.images} images, {args.threads} threads; {args.repeat} start-ups and "
             f"{args.rounds} x {args.repeat} engine runs per tree")
    if not args.compare:
        (result,) = [summarise(s) for s in measure([args.root.resolve()], args)]
        print(f"{here}: {setup}")
        print_table(["this tree"], [result])
        report = {"this": result}
    else:
        with tempfile.TemporaryDirectory(prefix="bench-rev-") as tmp:
            tree = Path(tmp) / "tree"
            subprocess.run(["git", "worktree", "add", "--quiet", "--detach", str(tree), args.compare],
                           cwd=ROOT, check=True)
            try:
                old, new = (summarise(s) for s in measure([tree, args.root.resolve()], args))
            finally:
                subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False)
        print(f"{args.compare} = {describe(args.compare)}\n{here}\n{setup}, alternating")
        print_table([args.compare, "this tree"], [old, new])
        report = {"rev": args.compare, "rev_commit": describe(args.compare), "old": old, "this": new}
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
