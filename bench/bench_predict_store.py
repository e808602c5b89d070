"""Benchmark: what the inspection-run store costs ``predict`` (issue 11 target: < 5 %).

Usage: python bench/bench_predict_store.py [--images 200] [--reps 3] [--threads 2]

The bundled detector (models/neu_det_picodet_s) over ``--images`` demo-like images (the
NEU-DET demo images, cycled with flips and a brightness shift so that no two files are
equal), through ``main.py predict`` in this process: ``--no-store`` against a store in a
fresh ``--work-dir`` (every image new, so each is inferred, stored and read back for the
JSON / CSV exports). The two alternate, ``--reps`` times each; the medians are compared.
Wall time includes loading the model (and, with the store, fingerprinting it).
Also times a second run with the store, where every image is reused.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from inspectors.cli import main as cli_main  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "neu_det_picodet_s"
DEMO = ROOT / "resources" / "demo" / "neu_det" / "JPEGImages"
TARGET = 0.05


def make_images(folder: Path, n: int) -> None:
    demo = sorted(DEMO.glob("*.jpg"))
    folder.mkdir(parents=True)
    for i in range(n):
        img = cv2.imread(str(demo[i % len(demo)]))
        variant = i // len(demo)
        if variant % 2:
            img = img[:, ::-1]
        if variant % 4 >= 2:
            img = img[::-1]
        img = np.clip(img.astype(np.int16) + (variant // 4) * 7, 0, 255).astype(np.uint8)
        cv2.imwrite(str(folder / f"{i:04d}.jpg"), img)


def predict(src: Path, out: Path, threads: int, *extra: str) -> float:
    err = io.StringIO()
    t0 = time.perf_counter()
    with contextlib.redirect_stderr(err):
        code = cli_main(["predict", "--model", str(MODEL), "--input", str(src), "--out", str(out), "-q",
                         "--threads", str(threads), *extra])
    elapsed = time.perf_counter() - t0
    if code != 0:
        raise SystemExit(f"predict failed ({code}): {err.getvalue()}")
    return elapsed


def store_costs(tmp: Path, src: Path) -> tuple:
    """Mean seconds of one put and one get of this run's detection outcomes, without inference
    (a noise-free figure: the wall-time ratio is noisy on a shared machine)."""
    from inspectors.runs import RunStore

    store = RunStore(tmp / "work0" / "runs")
    with store.open(src, MODEL) as run:
        rels = run.rels()
        t0 = time.perf_counter()
        outcomes = [run.get(r) for r in rels]
        get_s = (time.perf_counter() - t0) / len(rels)
    with RunStore(tmp / "work-put" / "runs").open(src, MODEL) as run:
        t0 = time.perf_counter()
        for o in outcomes:
            run.put(o)
        put_s = (time.perf_counter() - t0) / len(rels)
    return put_s, get_s


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--images", type=int, default=200)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-predict-store-"))
    try:
        src = tmp / "images"
        make_images(src, a.images)
        predict(src, tmp / "warm", a.threads, "--no-store")  # page cache, first-load costs
        plain, stored = [], []
        for rep in range(a.reps):
            plain.append(predict(src, tmp / f"plain{rep}", a.threads, "--no-store"))
            stored.append(predict(src, tmp / f"store{rep}", a.threads, "--work-dir", str(tmp / f"work{rep}")))
            print(f"rep {rep}: without store {plain[-1]:.2f} s, with store {stored[-1]:.2f} s", flush=True)
        reused = predict(src, tmp / "reused", a.threads, "--work-dir", str(tmp / "work0"))
        p, s = statistics.median(plain), statistics.median(stored)
        cost = s / p - 1
        put_s, get_s = store_costs(tmp, src)
        size = sum(f.stat().st_size for f in (tmp / "work0").rglob("*") if f.is_file())
        print(f"{a.images} images, {MODEL.name}, {a.threads} threads, median of {a.reps}:")
        print(f"  without store: {p:.2f} s ({a.images / p:.1f} img/s)")
        print(f"  with store:    {s:.2f} s ({a.images / s:.1f} img/s)")
        print(f"  store cost: {cost * 100:+.1f} % (target < {TARGET * 100:.0f} %: "
              f"{'met' if cost < TARGET else 'NOT met'})")
        print(f"  rerun, all {a.images} reused: {reused:.2f} s ({p / reused:.1f}x faster than inferring)")
        per_image = p / a.images
        print(f"  store work per image, measured alone: put {put_s * 1e3:.2f} ms (writer thread) + "
              f"get {get_s * 1e3:.2f} ms (exports) = {(put_s + get_s) / per_image * 100:.1f} % of "
              f"{per_image * 1e3:.1f} ms per image without the store")
        print(f"  run on disk: {size / 1024:.0f} KiB ({size / a.images:.0f} B per image)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
