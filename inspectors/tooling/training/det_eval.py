"""Child process of detection training: export a ppdet checkpoint and evaluate the export.

    python -m inspectors.tooling.training.det_eval --config RECIPE --weights CKPT.pdparams \
        --out EXPORT_DIR --val-list LIST --val-root ROOT --labels NAME ...

Writes the export (``infer_cfg.yml``, ``model.pdmodel`` ...) and ``val_metrics.json`` into
``--out`` (replaced as a whole, never half-written). A separate process because ppdet 2.6
cannot build some architectures twice in one process.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

import ppdet  # noqa: F401 - before paddle (zlib segfault otherwise, ENVIRONMENT.md)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--config", required=True)
    p.add_argument("--weights", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--val-list", required=True)
    p.add_argument("--val-root", required=True)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--labels", nargs="+", required=True)
    args = p.parse_args(argv)

    from ...groundtruth.voc import load_voc_list
    from ..exporters.paddledet_export import export_ppdet
    from .evaluation import evaluate_export

    out = Path(args.out)
    tmp = out.with_name(out.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    export_ppdet(Path(args.config), tmp, args.labels, weights=Path(args.weights))
    gt = load_voc_list(args.val_list, args.labels, root=args.val_root)
    metrics = evaluate_export(tmp, gt, threads=args.threads)
    (tmp / "val_metrics.json").write_text(json.dumps(metrics, indent=1, default=float), encoding="utf-8")
    shutil.rmtree(out, ignore_errors=True)
    os.replace(tmp, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
