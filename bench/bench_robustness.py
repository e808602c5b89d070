"""What a robustness sweep costs: each perturbation's ms per image (on NEU-size 200x200
and a 1024x1024 image) against the bundled classifier's inference ms per image, and the
ratio. The sweep should cost no more than the inference it needs (ratio < 1).

    python bench/bench_robustness.py [--model models/neu_cls_resnet_small] [--repeat 30]
"""

from __future__ import annotations

import argparse
import time
from functools import partial
from pathlib import Path

import numpy as np

from inspectors.perturb import PERTURBATIONS

ROOT = Path(__file__).resolve().parents[1]


def per_image_ms(fn, images, repeat: int) -> float:
    fn(images[0])
    t0 = time.perf_counter()
    for i in range(repeat):
        fn(images[i % len(images)])
    return 1000 * (time.perf_counter() - t0) / repeat


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=str(ROOT / "models" / "neu_cls_resnet_small"))
    ap.add_argument("--repeat", type=int, default=30)
    args = ap.parse_args()
    from inspectors.engine import Inspector

    rng = np.random.default_rng(0)
    small = [np.clip(rng.normal(128, 30, (200, 200, 3)), 0, 255).astype(np.uint8) for _ in range(4)]
    large = [np.clip(rng.normal(128, 30, (1024, 1024, 3)), 0, 255).astype(np.uint8) for _ in range(2)]
    inspector = Inspector.from_path(args.model)
    infer = per_image_ms(lambda im: inspector.predict(im), small, args.repeat)
    print(f"inference ({Path(args.model).name}, 200x200, preprocess + predict): {infer:.2f} ms/image")
    print(f"{'perturbation':<28}{'200x200 ms':>12}{'ratio':>8}{'1024x1024 ms':>15}")
    for p in PERTURBATIONS.values():
        s = p.sweep[len(p.sweep) // 2]
        fn = partial(p.apply, strength=s, rng=np.random.default_rng(1))
        a = per_image_ms(fn, small, args.repeat)
        b = per_image_ms(fn, large, max(3, args.repeat // 5))
        print(f"{p.label(s):<28}{a:>12.3f}{a / infer:>8.3f}{b:>15.2f}")


if __name__ == "__main__":
    main()
