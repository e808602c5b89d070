"""Benchmark: a local run against Ray with 1 and 2 actors on this machine (issue 16).

Usage: python bench/bench_ray.py [--images 600] [--model models/neu_cls_resnet_small]
                                 [--size 200] [--threads 1]

Over ``--images`` gray strips (``--size`` px square, written to a temp folder):
- local: one :class:`inspectors.engine.Inspector` (``--threads`` math threads) over all images;
- Ray: :class:`inspectors.cluster.driver.RayInspector` on a Ray started here (``address`` None)
  with 1 and 2 actors of 1 CPU each (``--threads`` math threads each), end to end and in the
  steady state (after the first outcome came back);
- the per-actor overhead: Ray's start (``ray.init``), an actor's start until its first
  outcome (process, imports, the model rebuilt from its bytes and loaded; the model load
  alone is timed inside the actor), and per batch the time an actor is not inferring:
  inside the actor (file keys, pickling) and between batches (Ray's scheduling, transfer);
- the driver's side: how many outcomes per second one writer stores (the ceiling of any
  cluster, since the driver writes every result).
Printed as one table; the README's "Archive scale (Ray)" quotes it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from inspectors.cluster.driver import ClusterOptions, RayInspector  # noqa: E402
from inspectors.engine import Inspector  # noqa: E402
from inspectors.runs import RunStore  # noqa: E402
from inspectors.runs.fingerprint import file_key  # noqa: E402
from inspectors.runtime import RuntimeSettings  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def make_images(folder: Path, n: int, size: int) -> List[Path]:
    rng = np.random.default_rng(16)
    folder.mkdir(parents=True)
    paths = []
    for i in range(n):
        img = cv2.GaussianBlur(rng.integers(0, 255, (size, size), dtype=np.uint8), (0, 0), 1 + i % 5)
        path = folder / f"strip_{i:05d}.png"
        cv2.imwrite(str(path), img)
        paths.append(path)
    return paths


def local(model: Path, paths: List[Path], threads: int, reps: int) -> Dict[str, float]:
    t0 = time.perf_counter()
    inspector = Inspector.from_path(model, RuntimeSettings(threads=threads))
    load = time.perf_counter() - t0
    walls = []
    for _ in range(reps):
        t1 = time.perf_counter()
        outcomes = list(inspector.run(paths))
        walls.append(time.perf_counter() - t1)
        assert all(o.ok for o in outcomes)
    wall = statistics.median(walls)
    return {"load_s": load, "wall_s": wall, "ips": len(paths) / wall, "s_per_image": wall / len(paths)}


def on_ray(model: Path, paths: List[Path], actors: int, threads: int, reps: int) -> Dict[str, float]:
    """Medians over ``reps`` runs on one Ray (each run starts its own actor pool)."""
    t0 = time.perf_counter()
    runs = []
    with RayInspector(model, RuntimeSettings(threads=threads),
                      ClusterOptions(actors=actors, cpus_per_actor=1.0)) as ray_inspector:
        init = time.perf_counter() - t0
        for _ in range(reps):
            outcomes = [o for o, _key in ray_inspector.run_keyed(paths)]
            assert len(outcomes) == len(paths) and all(o.ok for o in outcomes)
            runs.append(ray_inspector.stats)
    n = len(paths)

    def med(f) -> float:
        return statistics.median(f(st) for st in runs)

    def steady_s(st) -> float:
        return st.wall_s - st.first_result_s

    def steady_images(st) -> int:
        return n - min(st.batch_images, n)

    return {
        "init_s": init, "wall_s": med(lambda st: st.wall_s), "ips": med(lambda st: n / st.wall_s),
        "steady_ips": med(lambda st: steady_images(st) / steady_s(st)),
        "first_result_s": med(lambda st: st.first_result_s),
        "actor_load_s": med(lambda st: statistics.mean(st.actor_start_s.values())),
        "batches": runs[0].batches, "batch_images": runs[0].batch_images,
        # per batch: inside the actor but not in the engine (file keys, pickling the outcomes),
        # and an actor's idle time between its batches (Ray: scheduling, moving the batch in
        # and the outcomes out)
        "in_actor_ms": med(lambda st: 1e3 * (sum(st.batch_s) - sum(st.infer_s)) / max(1, st.batches)),
        "engine_ips": med(lambda st: n / sum(st.infer_s) * actors),
        "between_ms": med(lambda st: 1e3 * statistics.mean(st.idle_s) if st.idle_s else 0.0),
        "repeated": sum(st.repeated for st in runs),
    }


def store_rate(model: Path, paths: List[Path], work: Path, n: int) -> float:
    """Outcomes per second one writer stores (Run.put with the worker's file keys)."""
    inspector = Inspector.from_path(model, RuntimeSettings(threads=1))
    sample = list(inspector.run(paths[:50]))
    keys = [file_key(o.path) for o in sample]
    with RunStore(work / "runs").open(paths[0].parent, model) as run:
        t0 = time.perf_counter()
        for i in range(n):
            run.put(sample[i % len(sample)], *keys[i % len(keys)])
        return n / (time.perf_counter() - t0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--images", type=int, default=600)
    ap.add_argument("--size", type=int, default=200)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--model", type=Path, default=ROOT / "models" / "neu_cls_resnet_small")
    ap.add_argument("--reps", type=int, default=3, help="runs per configuration (medians)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-ray-"))
    try:
        paths = make_images(tmp / "images", args.images, args.size)
        print(f"{args.images} images {args.size}x{args.size}, model {args.model.name}, {args.threads} math "
              f"thread(s) per predictor, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} "
              f"(medians of {args.reps})", flush=True)
        loc = local(args.model, paths, args.threads, args.reps)
        rays = {k: on_ray(args.model, paths, k, args.threads, args.reps) for k in (1, 2)}
        puts = store_rate(args.model, paths, tmp, 2000)
        load_after = os.getloadavg()[0]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"\n{'run':<28}{'img/s':>8}{'steady img/s':>14}{'wall s':>8}")
    print(f"{f'local, 1 predictor x {args.threads} thr':<28}{loc['ips']:>8.1f}{loc['ips']:>14.1f}"
          f"{loc['wall_s']:>8.2f}   (+ model load {loc['load_s']:.2f} s)")
    for k, r in rays.items():
        print(f"{f'Ray, {k} actor(s) x 1 CPU':<28}{r['ips']:>8.1f}{r['steady_ips']:>14.1f}{r['wall_s']:>8.2f}"
              f"   (+ ray.init {r['init_s']:.2f} s once)")
    print("\nper-actor overhead (img/s end to end include the actors' start; steady: after the first outcome)")
    for k, r in rays.items():
        print(f"  {k} actor(s): start until the first outcome {r['first_result_s']:.2f} s (of it the model "
              f"load in the actor {r['actor_load_s']:.2f} s); {r['batches']} batches of {r['batch_images']}: "
              f"{r['in_actor_ms']:.1f} ms/batch in the actor besides the engine (file keys, pickling), "
              f"{r['between_ms']:.1f} ms/batch between batches (Ray); inside the engine "
              f"{r['engine_ips']:.1f} img/s; {r['repeated']} repeated")
    print(f"\ndriver: one writer stores {puts:.0f} outcomes/s (classification; the ceiling of a cluster run)")
    print(f"load average at the end {load_after:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
