"""Benchmark: re-deciding 10,000 stored results after a rule change (issue 13).

Usage: python bench/bench_rules.py [--images 10000] [--repeats 15] [--distinct 200] [--run-rows 2000]

The app keeps every image's compact defect table (``inspectors.rules.DefectTables``, read
once from the run) and calls ``decide_many`` whenever a rule changes. Per task this builds
10,000 tables from synthetic results -- segmentation 1600x256 strips (Severstal-like: a few
blobs, a scratch or two, speckle noise; 5 classes; ``--distinct`` different strips repeated),
detection 0-60 boxes per image (as a low-threshold PicoDet export lists them), classification
over 6 classes -- then times ``decide_many`` after each kind of rule change (a new rules
value each repeat, so nothing but the regions' own per-value cache is reused) and prints the
median against the targets (100 ms detection / classification, 300 ms segmentation) as a
ratio. Also: the one-off costs (a table per strip at store time, stacking, loading a run's
tables) and the stored size per image.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from inspectors.results import (  # noqa: E402
    ClassificationResult,
    DetectionResult,
    Outcome,
    SegmentationResult,
    Thresholds,
)
from inspectors.rules import (  # noqa: E402
    Band,
    Calibration,
    ClassRule,
    DefectTables,
    Regions,
    Rules,
    bind,
    decide_many,
    defect_table,
    pack_table,
)

TARGETS = {"segmentation": 300.0, "detection": 100.0, "classification": 100.0}
SEG = ("background", "scratch", "pit", "stain", "crack")
DET = ("scratch", "dent", "stain", "crack", "pit", "bubble")
CLS = ("ok", "crazing", "inclusion", "patches", "pitted", "scratches")
H, W = 256, 1600


def seg_strip(rng: np.random.Generator) -> SegmentationResult:
    lm = np.zeros((H, W), np.uint8)
    for _ in range(int(rng.integers(0, 6))):  # blobs
        c = int(rng.integers(2, len(SEG)))
        cv2.ellipse(lm, (int(rng.integers(0, W)), int(rng.integers(0, H))),
                    (int(rng.integers(3, 60)), int(rng.integers(3, 30))), float(rng.uniform(0, 180)), 0, 360, c, -1)
    for _ in range(int(rng.integers(0, 3))):  # scratches
        x = int(rng.integers(0, W))
        cv2.line(lm, (x, 0), (x + int(rng.integers(-200, 200)), H - 1), 1, int(rng.integers(1, 4)))
    speckle = rng.random((H, W)) < 0.0001  # isolated false pixels (~40 a strip)
    lm[speckle] = rng.integers(1, len(SEG), int(speckle.sum()))
    conf = cv2.resize(rng.random((H // 8, W // 8), np.float32), (W, H)) * 0.6 + 0.4
    return SegmentationResult(lm, SEG, conf)


def det_result(rng: np.random.Generator) -> DetectionResult:
    n = int(rng.integers(0, 61))
    xy = rng.uniform(0, 1200, (n, 2))
    wh = rng.uniform(2, 200, (n, 2))
    return DetectionResult(np.hstack([xy, xy + wh]), rng.uniform(0.05, 1, n), rng.integers(0, len(DET), n),
                           DET, (1333, 1400))


def cls_result(rng: np.random.Generator) -> ClassificationResult:
    p = rng.dirichlet(np.ones(len(CLS)) * 0.5)
    return ClassificationResult(p, CLS, (200, 200))


def median_ms(fn: Callable[[int], object], repeats: int) -> float:
    times = []
    for i in range(repeats):
        t0 = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def scenarios(task: str, names, rng) -> Dict[str, Callable[[int], Rules]]:
    """Rule changes, each a function of the repeat number (a new rules value every time)."""
    cal = Calibration(0.05, 0.08)
    roi = ((50.0, 10.0), (1000.0, 5.0), (1150.0, 240.0), (40.0, 250.0))

    def band(i):
        lo = 0.3 + 0.01 * (i % 20)
        return Rules(default=ClassRule(band=Band(lo, lo + 0.3)))

    def per_class(i):
        return Rules(default=ClassRule(band=Band(0.3, 0.6)),
                     classes=tuple((n, ClassRule(band=Band(0.2 + 0.01 * i, 0.8))) for n in names[1:3]))

    def sizes_mm(i):
        return Rules(default=ClassRule(band=Band(0.3, 0.6), min_area_mm2=0.1 + 0.01 * i,
                                       min_length_mm=0.5 + 0.05 * i), calibration=cal)

    def counts(i):
        return Rules(default=ClassRule(band=Band(0.3, 0.6), ng_count=3 + i % 3,
                                       ng_total_area_mm2=5.0 + i), calibration=cal)

    def roi_centroid(i):
        inc = tuple((x + i, y) for x, y in roi)
        return Rules(default=ClassRule(band=Band(0.3, 0.6)), regions=Regions(include=(inc,)))

    def roi_overlap(i):
        inc = tuple((x + i, y) for x, y in roi)
        return Rules(default=ClassRule(band=Band(0.3, 0.6)),
                     regions=Regions(include=(inc,), mode="overlap", min_overlap=0.5))

    fixed = Regions(include=(roi,), mode="overlap", min_overlap=0.5)

    def band_with_roi(i):  # the regions value is the same: its per-defect result is reused
        lo = 0.3 + 0.01 * (i % 20)
        return Rules(default=ClassRule(band=Band(lo, lo + 0.3), min_area=10 + i), regions=fixed)

    out = {"band (all classes)": band, "band per class": per_class, "min size in mm": sizes_mm,
           "count + total area": counts}
    if task != "classification":
        out.update({"ROI moved (centroid)": roi_centroid, "ROI moved (overlap)": roi_overlap,
                    "band + size, ROI unchanged (overlap)": band_with_roi})
    return out


def load_from_run(task: str, tables_src: List, results: List, rows: int) -> str:
    """Write ``rows`` results into a real run, then time ``Run.summaries(defects=True)``."""
    from inspectors.runs import RunStore

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "images"
        folder.mkdir()
        model = Path(__file__).resolve().parents[1] / "models" / "neu_cls_resnet_small"  # any model folder
        store = RunStore(Path(tmp) / "store")
        with store.open(folder, model, {}) as run:
            for i in range(rows):
                p = folder / f"{i:05d}.png"
                run.put(Outcome(str(p), result=results[i % len(results)]), size=1, mtime_ns=1)
            t0 = time.perf_counter()
            s = run.summaries(defects=True)
            ms = (time.perf_counter() - t0) * 1e3
        assert len(s.defects) == rows
    return f"load {rows} rows' tables from a run: {ms:.0f} ms ({ms / rows * 1000:.0f} us per row)"


def bench_task(task: str, n: int, repeats: int, distinct: int, run_rows: int, rng) -> List[str]:
    make, names = {"segmentation": (seg_strip, SEG), "detection": (det_result, DET),
                   "classification": (cls_result, CLS)}[task]
    results = [make(rng) for _ in range(distinct)]
    t0 = time.perf_counter()
    tables = [defect_table(r) for r in results]
    per_table = (time.perf_counter() - t0) * 1e3 / distinct
    sizes = [len(pack_table(t)) for t in tables]
    t0 = time.perf_counter()
    stacked = DefectTables.stack([tables[i % distinct] for i in range(n)])
    stack_ms = (time.perf_counter() - t0) * 1e3
    lines = [f"{task}: {n} images, {len(stacked.defects)} candidate defects "
             f"({len(stacked.defects) / n:.1f} per image), {len(stacked.runs)} runs",
             f"  one-off: table {per_table:.2f} ms per image, stored {statistics.mean(sizes):.0f} B per image "
             f"(max {max(sizes)}), stack {stack_ms:.0f} ms"]
    if run_rows:
        lines.append("  " + load_from_run(task, tables, results, run_rows))
    target = TARGETS[task]
    base = Thresholds(0.5)
    if task != "classification":  # the first region decision also builds per-row / per-run indices
        first = Rules(regions=Regions(include=(((0.0, 0.0), (900.0, 0.0), (900.0, 200.0)),), mode="overlap"))
        t0 = time.perf_counter()
        decide_many(stacked, bind(first, names, base))
        lines.append(f"  one-off: first region decision {(time.perf_counter() - t0) * 1e3:.0f} ms "
                     "(builds the per-run indices kept on the tables)")
    for name, rules_at in scenarios(task, names, rng).items():
        # what a rule change costs the app: bind the new rules, then re-decide every image
        ms = median_ms(lambda i, at=rules_at: decide_many(stacked, bind(at(i), names, base)), repeats)
        lines.append(f"  {name:<40} {ms:8.1f} ms   {ms / target:5.2f} x the {target:.0f} ms target")
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--images", type=int, default=10000)
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--distinct", type=int, default=200, help="distinct results per task (repeated)")
    ap.add_argument("--run-rows", type=int, default=2000, help="rows written to a run to time loading (0: skip)")
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    for task in ("detection", "classification", "segmentation"):
        for line in bench_task(task, args.images, args.repeats, args.distinct,
                               args.run_rows if task != "segmentation" else min(args.run_rows, 300), rng):
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
