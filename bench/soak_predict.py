"""Soak the headless ``predict``: N images through ``main.py predict`` in this process,
printing the RSS and the count of references to ``None`` after the first images and at
the end (the issue asks RSS flat within 50 MB over 10,000 images).

    python bench/soak_predict.py                      # 10,000 small images, bundled classifier
    python bench/soak_predict.py --n 2000 --model models/magnetic_tile_fastscnn --size 256x320

A sampler thread reads /proc/self/status while the CLI runs; "start" is taken once
``--warmup`` images are written (the predictor's buffers and oneDNN's caches are then
allocated), so the figure is the growth per image, not the model's footprint.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

from soak_common import ROOT, make_images, rss_mb  # noqa: E402 - bench/ is on sys.path when run


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=10_000)
    p.add_argument("--model", default=str(ROOT / "models" / "neu_cls_resnet_small"))
    p.add_argument("--size", default="200x200", help="HxW of the generated images")
    p.add_argument("--warmup", type=int, default=100)
    args = p.parse_args()
    h, w = (int(v) for v in args.size.lower().split("x"))
    from inspectors.cli import main as cli_main

    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "images", Path(tmp) / "out"
        src.mkdir()
        make_images(src, args.n, h, w, ".png")
        samples = []
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.5):
                partial = [d for d in Path(tmp).iterdir() if d.name.startswith(".out.partial-")]
                written = len(os.listdir(partial[0])) if partial else 0
                samples.append((written, rss_mb(), sys.getrefcount(None)))

        sampler = threading.Thread(target=sample, daemon=True)
        t0 = time.perf_counter()
        sampler.start()
        code = cli_main(["predict", "--model", args.model, "--input", str(src), "--out", str(out), "-q"])
        done.set()
        sampler.join()
        elapsed = time.perf_counter() - t0
        end_rss, end_none = rss_mb(), sys.getrefcount(None)
        start = next((s for s in samples if s[0] >= args.warmup), samples[0] if samples else None)
        peak = max((s[1] for s in samples), default=end_rss)
    if start is None:
        print("the run ended before the first sample; use a larger --n")
        return 1
    print(f"predict exit {code}: {args.n} images {h}x{w} with {Path(args.model).name} in {elapsed:.0f} s "
          f"({args.n / elapsed:.1f} img/s)")
    print(f"RSS after {start[0]} images: {start[1]:.1f} MB; at the end: {end_rss:.1f} MB; "
          f"growth {end_rss - start[1]:+.1f} MB (target: within 50 MB); peak {peak:.1f} MB")
    print(f"references to None after {start[0]} images: {start[2]}; at the end: {end_none} "
          f"({end_none - start[2]:+d}; a few dozen either way is live frames; a fall that grows with the images is a refcount bug)")
    return 0 if code == 0 and end_rss - start[1] <= 50 else 1


if __name__ == "__main__":
    sys.exit(main())
