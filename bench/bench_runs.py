"""Benchmark: the run store (inspectors.runs) with 1600x256 segmentation strips.

Usage: python bench/bench_runs.py [--puts 100] [--rows 10000] [--work DIR]

A synthetic softmax-like strip: confidence computed at 800x128 (a smooth field, as a
model resizing to 800x128 gives) and resized bilinearly to 1600x256, 4 classes, a few
defect blobs. Prints: bytes of one result in RAM and on disk (label PNG, confidence PNG,
alternatives: PNG level 6, ``np.savez_compressed``), the index row, put / get timings,
and ``summaries()`` over ``--rows`` rows (rows copied in SQL from the stored ones) against
the 1 s target, with and without the per-class histograms.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from inspectors.results import Outcome, SegmentationResult, StageTimings  # noqa: E402
from inspectors.runs import RunStore, arrays  # noqa: E402

NAMES = ("background", "scratch", "pit", "stain")
H, W = 256, 1600
SUMMARIES_TARGET_S = 1.0


def strip(seed: int) -> SegmentationResult:
    """A label map + winning-class confidence as a softmax model resized to 800x128 gives."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(0, 1, (len(NAMES), 128 // 4, 800 // 4)).astype(np.float32)
    logits[0] += 2.5  # mostly background
    for _ in range(3):
        c, y, x = rng.integers(1, len(NAMES)), rng.integers(0, 28), rng.integers(0, 190)
        logits[c, y:y + rng.integers(2, 5), x:x + rng.integers(3, 10)] += 6
    small = np.stack([cv2.resize(m, (800, 128), interpolation=cv2.INTER_CUBIC) for m in logits])
    e = np.exp(small - small.max(0))
    prob = e / e.sum(0)
    big = np.stack([cv2.resize(p, (W, H), interpolation=cv2.INTER_LINEAR) for p in prob])
    return SegmentationResult(big.argmax(0).astype(np.uint8), NAMES, big.max(0).astype(np.float32))


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--puts", type=int, default=100)
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--work", type=Path, default=None)
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench_runs_", dir=args.work))
    try:
        folder = work / "images"
        folder.mkdir()
        model = Path(__file__).resolve().parents[1] / "models" / "neu_cls_resnet_small"
        results = [strip(i) for i in range(min(args.puts, 20))]
        r = results[0]
        ram = r.label_map.nbytes + r.confidence.nbytes
        label_png, conf_png = arrays.label_png(r.label_map), arrays.confidence_png(r.confidence)
        t0 = time.perf_counter()
        conf6 = cv2.imencode(".png", arrays.quantize(r.confidence), [cv2.IMWRITE_PNG_COMPRESSION, 6])[1]
        t_png6 = time.perf_counter() - t0
        t0 = time.perf_counter()
        arrays.confidence_png(r.confidence)
        t_png1 = time.perf_counter() - t0
        buf = io.BytesIO()
        t0 = time.perf_counter()
        np.savez_compressed(buf, label=r.label_map, conf=arrays.quantize(r.confidence))
        t_npz = time.perf_counter() - t0
        hist = arrays.pack_histograms(arrays.class_histograms(r.label_map, r.confidence, len(NAMES)))
        print(f"one {W}x{H} segmentation result, {len(NAMES)} classes")
        print(f"  in RAM (uint8 labels + float32 confidence): {ram / 1e6:.2f} MB")
        print(f"  on disk: label PNG {len(label_png) / 1e3:.1f} KB + confidence PNG (level 1, "
              f"{ms(t_png1)}) {len(conf_png) / 1e3:.1f} KB = {(len(label_png) + len(conf_png)) / 1e3:.1f} KB "
              f"({ram / (len(label_png) + len(conf_png)):.0f}x smaller than RAM)")
        print(f"  alternatives: confidence PNG level 6 {conf6.nbytes / 1e3:.1f} KB ({ms(t_png6)}); "
              f"np.savez_compressed(labels, uint8 conf) {buf.tell() / 1e3:.1f} KB ({ms(t_npz)})")
        print(f"  summary: class scores {4 * len(NAMES)} B + packed 101-bin histograms {len(hist)} B")

        for i in range(args.puts):
            (folder / f"strip_{i:05d}.png").write_bytes(b"fake %d" % i)
        store = RunStore(work / "store")
        puts = []
        with store.open(folder, model, {"bench": True}) as run:
            for i in range(args.puts):
                o = Outcome(str(folder / f"strip_{i:05d}.png"), result=results[i % len(results)],
                            timings=StageTimings(0.01, 0.01, 0.1, 0.01))
                t0 = time.perf_counter()
                run.put(o)
                puts.append(time.perf_counter() - t0)
            gets = []
            for i in range(min(args.puts, 50)):
                t0 = time.perf_counter()
                run.get(f"strip_{i:05d}.png")
                gets.append(time.perf_counter() - t0)
            masks = sum(f.stat().st_size for f in (run.path / "masks").iterdir())
            print(f"put: median {ms(statistics.median(puts))}, max {ms(max(puts))} per result "
                  f"(PNG encode, 2 fsync'd files, 1 transaction); get: median {ms(statistics.median(gets))}")
            print(f"  masks on disk: {masks / args.puts / 1e3:.1f} KB per result")
            # grow the index to --rows rows by copying stored rows in SQL (same mask files)
            with run._tx() as con:
                con.execute("BEGIN")
                have = args.puts
                while have < args.rows:
                    n = min(have, args.rows - have)
                    con.execute(
                        "INSERT INTO images SELECT 'copy_' || ? || '_' || rel, size, mtime_ns, status, "
                        "error, t_read, t_preprocess, t_inference, t_postprocess, height, width, result, "
                        "extra, label_file, conf_file, class_scores, histogram, written FROM images "
                        "ORDER BY rowid LIMIT ?", (have, n))
                    have += n
                con.execute("COMMIT")
                con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        index = run.path / "index.sqlite"
        print(f"index: {args.rows} rows, {index.stat().st_size / 1e6:.1f} MB "
              f"({index.stat().st_size / args.rows:.0f} B per row)")
        with store.open(folder, model, write=False) as reader:
            for hist_too in (False, True):
                times = []
                for _ in range(3):
                    t0 = time.perf_counter()
                    s = reader.summaries(histograms=hist_too)
                    times.append(time.perf_counter() - t0)
                best = min(times)
                extra = f", histograms {s.histograms.nbytes / 1e6:.1f} MB in RAM" if hist_too else ""
                print(f"summaries({'histograms=True' if hist_too else ''}) of {len(s)} rows: {ms(best)} "
                      f"(target {SUMMARIES_TARGET_S:.0f} s: ratio {best / SUMMARIES_TARGET_S:.3f}); "
                      f"scores {s.scores.nbytes / 1e3:.0f} KB in RAM{extra}")
            t0 = time.perf_counter()
            st = reader.status_of(os.path.join(folder, f"strip_{i:05d}.png") for i in range(args.puts))
            print(f"status_of {args.puts} files: {ms(time.perf_counter() - t0)} "
                  f"({len(st.done)} done, {len(st.stale)} stale, {len(st.missing)} missing)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
