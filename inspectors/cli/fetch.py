"""``fetch``: download the public NEU data (or take an archive you downloaded), verify its
SHA-256, cache it and lay it out for the app, ``evaluate`` and ``train``.

    python main.py fetch neu-det --source URL_OR_ZIP --sha256 HEX
    python main.py fetch neu-det --source ~/Downloads/neu-surface-defect-database.zip --trust-first-use
"""

from __future__ import annotations

import argparse
import sys

from ..assets import models_dir
from ..tooling.public_data import DATASETS, cache_root, fetch

MODELS = {"neu-det": "neu_det_picodet_s", "neu-cls": "neu_cls_resnet_small"}


def add_parser(sub) -> None:
    p = sub.add_parser("fetch", help="download, verify and cache the public NEU data for the demo",
                       description=__doc__.split("\n\n")[0])
    p.add_argument("dataset", choices=DATASETS)
    p.add_argument("--source", required=True,
                   help="archive URL (http, https, file) or a local .zip/.tar.gz you downloaded")
    p.add_argument("--sha256", default=None, help="expected SHA-256 of the archive")
    p.add_argument("--trust-first-use", action="store_true",
                   help="no published digest: pin this download's SHA-256 and verify later ones against it")
    p.add_argument("--out", default=None, help=f"folder to lay the data out in (default: {cache_root()}/DATASET)")
    p.set_defaults(func=run)


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty():
        pct = f"{100 * done / total:5.1f} %" if total else f"{done / 1e6:.1f} MB"
        print(f"\rdownloading {pct}", end="", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    info = fetch(args.dataset, args.source, args.sha256, args.trust_first_use, args.out, _progress)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    folder = info["folder"]
    model = models_dir() / MODELS[args.dataset]
    print(f"{args.dataset}: {info['images']} images in {folder} (archive sha256 {info['sha256']})")
    print(f"open it: python main.py --folder {folder} --model {model}")
    print(f"measure: python main.py evaluate --model {model} --data {folder} "
          f"--out out/eval/{args.dataset}")
    return 0
