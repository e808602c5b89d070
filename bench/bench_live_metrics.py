"""Benchmark: LiveEvaluator construction and ``at()`` recompute on 10,000 cached results.

Usage: python bench/bench_live_metrics.py [--images 10000] [--repeats 30]

For each task it builds synthetic (ground truth, prediction) pairs -- segmentation
64x64 label maps with 6 classes and per-pixel confidence, detection ~5 boxes per
image over 6 classes, classification over 6 classes -- times the one-off
construction, then ``at()`` at a sweep of global and per-class thresholds, and
prints the median ms per recompute against the 100 ms slider target as a ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Callable, List

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from inspectors.metrics import LiveEvaluator  # noqa: E402
from inspectors.results import (  # noqa: E402
    ClassificationResult,
    DetectionResult,
    SegmentationResult,
    Thresholds,
)

TARGET_MS = 100.0
SEG = ("background", "scratch", "dent", "stain", "crack", "pit")
DET = ("scratch", "dent", "stain", "crack", "pit", "bubble")
CLS = ("ok", "crazing", "inclusion", "patches", "pitted", "scratches")


def seg_pairs(n: int, rng: np.random.Generator, size: int = 64) -> list:
    out = []
    for _ in range(n):
        gt = np.zeros((size, size), np.uint8)
        for _ in range(int(rng.integers(0, 3))):
            y, x = rng.integers(0, size - 12, 2)
            h, w = rng.integers(3, 12, 2)
            gt[y:y + h, x:x + w] = rng.integers(1, len(SEG))
        gt[rng.random((size, size)) < 0.01] = 255
        pred = np.where(gt == 255, 0, gt)
        pred = np.roll(pred, int(rng.integers(-2, 3)), axis=1)
        noise = rng.random((size, size)) < 0.02
        pred[noise] = rng.integers(0, len(SEG), int(noise.sum()))
        conf = rng.random((size, size), np.float32)
        out.append((SegmentationResult(gt, SEG), SegmentationResult(pred, SEG, conf)))
    return out


def det_pairs(n: int, rng: np.random.Generator) -> list:
    out = []
    for _ in range(n):
        g = int(rng.integers(0, 5))
        xy = rng.uniform(0, 500, (g, 2))
        gb = np.hstack([xy, xy + rng.uniform(10, 100, (g, 2))])
        gc = rng.integers(0, len(DET), g)
        k = int(rng.integers(2, 9))  # ~5 predictions per image
        src = rng.integers(0, max(g, 1), k)
        hit = (rng.random(k) < 0.7) & (g > 0)
        pb = np.where(hit[:, None], gb[src % max(g, 1)] if g else 0, 0) + rng.normal(0, 4, (k, 4))
        stray = rng.uniform(0, 500, (k, 2))
        pb[~hit] = np.hstack([stray, stray + 40])[~hit]
        pb[:, 2:] = np.maximum(pb[:, 2:], pb[:, :2] + 1)
        pc = np.where(hit & (rng.random(k) < 0.9), gc[src % max(g, 1)] if g else 0, rng.integers(0, len(DET), k))
        out.append((
            DetectionResult(gb, np.ones(g), gc, DET, (640, 640)),
            DetectionResult(pb, rng.random(k), pc, DET, (640, 640)),
        ))
    return out


def cls_pairs(n: int, rng: np.random.Generator) -> list:
    gt = rng.integers(0, len(CLS), n)
    logits = rng.normal(0, 1, (n, len(CLS)))
    logits[np.arange(n), gt] += 2
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return [(ClassificationResult.one_hot(int(g), CLS), ClassificationResult(q, CLS)) for g, q in zip(gt, p)]


def thresholds_sweep(names, rng: np.random.Generator, count: int) -> List[Thresholds]:
    out = []
    for i in range(count):
        if i % 2:
            per = {names[int(c)]: float(rng.integers(0, 101)) / 100 for c in rng.choice(len(names), 2, replace=False)}
            out.append(Thresholds(float(rng.integers(0, 101)) / 100, per))
        else:
            out.append(Thresholds(float(rng.integers(0, 101)) / 100))
    return out


def bench(task: str, make: Callable, names, n: int, repeats: int, rng) -> dict:
    t0 = time.perf_counter()
    pairs = make(n, rng)
    t_data = time.perf_counter() - t0
    t0 = time.perf_counter()
    live = LiveEvaluator(pairs)
    t_build = time.perf_counter() - t0
    live.at(0.5)  # warm-up
    times = []
    for t in thresholds_sweep(names, rng, repeats):
        t0 = time.perf_counter()
        live.at(t)
        times.append((time.perf_counter() - t0) * 1000)
    t0 = time.perf_counter()
    live.curve()
    t_curve = (time.perf_counter() - t0) * 1000
    med = statistics.median(times)
    return {"task": task, "data_s": t_data, "build_s": t_build, "median_ms": med,
            "max_ms": max(times), "curve_ms": t_curve, "ratio": med / TARGET_MS}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--images", type=int, default=10_000)
    ap.add_argument("--repeats", type=int, default=30)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    print(f"LiveEvaluator on {args.images} cached results per task; target {TARGET_MS:.0f} ms per recompute")
    print(f"{'task':15s} {'synth s':>8s} {'build s':>8s} {'at() ms':>9s} {'max ms':>8s} "
          f"{'curve ms':>9s} {'ratio':>7s}")
    for task, make, names in (
        ("segmentation", seg_pairs, SEG),
        ("detection", det_pairs, DET),
        ("classification", cls_pairs, CLS),
    ):
        r = bench(task, make, names, args.images, args.repeats, rng)
        verdict = "ok" if r["ratio"] <= 1 else "SLOW"
        print(f"{task:15s} {r['data_s']:8.2f} {r['build_s']:8.2f} {r['median_ms']:9.2f} {r['max_ms']:8.2f} "
              f"{r['curve_ms']:9.2f} {r['ratio']:6.3f}x {verdict}")
    print("ratio = median at() time / 100 ms target (<= 1 meets it)")


if __name__ == "__main__":
    main()
