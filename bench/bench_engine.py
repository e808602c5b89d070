"""Engine throughput vs a bare ``predictor.run()`` loop, in one run.

For each seed architecture (random weights, exported with the suites' own export
code) at the seed's resolution, or for ``--model DIR`` folders, prints:

    images/s through ``Inspector.run`` (reading JPEG files, preprocessing, inference,
    postprocessing, overlapped) / images/s of a bare loop of ``predictor.run()`` on
    tensors made before timing, with the same predictor settings.

Target (issue 2): ratio >= 0.95.

    python bench/bench_engine.py                  # all seed architectures
    python bench/bench_engine.py --only unet,cls  # a subset
    python bench/bench_engine.py --model DIR      # an existing export
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
import pycocotools.coco  # noqa: F401,I001 - before paddle (zlib trap)

from inspectors.engine import Inspector
from inspectors.imageio import read_image
from inspectors.runtime import RuntimeSettings

# name -> (source image size h x w, number of images)
SEEDS = {
    "hrnet": ((256, 1600), 12),  # seed 000: HRNet-W48 at 800x128 (Severstal strips 1600x256)
    "unet": ((256, 1600), 12),  # seed 001: UNet at 400x64
    "frcnn": ((800, 1333), 3),  # seed 002: Faster R-CNN R50-vd FPN at 800x1333
    "cls": ((200, 200), 60),  # seed 004: ResNet50_vd at 224x224 (NEU 200x200 gray)
}


def export_seed(name: str, out: Path) -> Path:
    """Export a seed architecture with random weights; return the folder."""
    if name == "hrnet":
        from inspectors.tooling.exporters.paddleseg_export import build_hrnet_fcn, export_paddleseg

        net = build_hrnet_fcn(num_classes=5, width=48)
        tf = [{"type": "Resize", "target_size": [800, 128]}, {"type": "Normalize"}]
        return export_paddleseg(net, out / name, tf, output_op="softmax").dir
    if name == "unet":
        from inspectors.tooling.exporters.paddleseg_export import build_unet, export_paddleseg

        net = build_unet(num_classes=5)
        tf = [{"type": "Resize", "target_size": [400, 64]}, {"type": "Normalize"}]
        return export_paddleseg(net, out / name, tf, output_op="softmax").dir
    if name == "frcnn":
        from inspectors.tooling.exporters.paddledet_export import FASTER_RCNN, export_ppdet

        labels = ("zhen_kong", "ca_shang", "zang_dian", "zhe_zhou")
        return export_ppdet(FASTER_RCNN, out / name, labels, randomize_seed=0).dir
    if name == "cls":
        from inspectors.tooling.exporters.paddleclas_export import (
            build_resnet50_vd_classifier,
            export_paddleclas,
        )

        labels = ("crazing", "inclusion", "patches", "pitted_surface", "rolled-in_scale", "scratches")
        return export_paddleclas(build_resnet50_vd_classifier(6), out / name, labels, image_size=224).dir
    raise KeyError(name)


def make_images(folder: Path, size, n: int) -> list:
    rng = np.random.default_rng(0)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        base = rng.integers(90, 160, size, dtype=np.uint8)
        img = cv2.GaussianBlur(base, (0, 0), 3) + rng.integers(0, 20, size, dtype=np.uint8)
        p = folder / f"img_{i:04d}.jpg"
        cv2.imwrite(str(p), img)
        paths.append(p)
    return paths


def bare_rate(insp: Inspector, paths, repeats: int) -> float:
    prepared = [insp.prepare(read_image(p)) for p in paths]
    feeds = [insp._feeds([p.tensor], [p.meta]) for p in prepared]
    for f in feeds[:2]:
        insp.backend.run(f)
    rates = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for f in feeds:
            insp.backend.run(f)
        rates.append(len(feeds) / (time.perf_counter() - t0))
    return statistics.median(rates)


def engine_rate(insp: Inspector, paths, repeats: int) -> float:
    list(insp.run(paths[:2]))
    rates = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        n = sum(1 for o in insp.run(paths) if o.ok)
        rates.append(n / (time.perf_counter() - t0))
    return statistics.median(rates)


def measure(label: str, model_dir: Path, paths, threads: int, repeats: int) -> None:
    insp = Inspector.from_path(model_dir, RuntimeSettings(threads=threads))
    # interleave to share any machine-load drift between the two
    bare, eng = [], []
    for _ in range(repeats):
        bare.append(bare_rate(insp, paths, 1))
        eng.append(engine_rate(insp, paths, 1))
    b, e = statistics.median(bare), statistics.median(eng)
    print(f"{label:8s} bare {b:8.2f} img/s   engine {e:8.2f} img/s   engine/bare {e / b:5.3f}"
          f"   {'OK' if e / b >= 0.95 else 'BELOW 0.95'}", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default=",".join(SEEDS), help="comma-separated: " + ",".join(SEEDS))
    ap.add_argument("--model", action="append", default=[], help="an existing exported model folder")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    with tempfile.TemporaryDirectory(prefix="bench_engine_") as tmp:
        tmp = Path(tmp)
        for d in args.model:
            measure(Path(d).name[:8], Path(d), make_images(tmp / "img_model", (256, 256), 20),
                    args.threads, args.repeats)
        for name in [n for n in args.only.split(",") if n and not args.model]:
            size, n = SEEDS[name]
            model = export_seed(name, tmp / "models")
            measure(name, model, make_images(tmp / f"img_{name}", size, n), args.threads, args.repeats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
