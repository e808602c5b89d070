"""Reference detections from PaddleDetection itself: ``Trainer(cfg, 'test')`` with the
recipe's TestReader, a checkpoint, dygraph ``predict``. Prints JSON, one entry per image:
``[[class, score, x1, y1, x2, y2], ...]`` in original-image pixels.

    python tests/helpers/ppdet_predict.py CONFIG WEIGHTS.pdparams LABELS_FILE IMAGE ...

Run as a child process: ppdet 2.6 cannot build PicoDet twice in one process.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import ppdet  # noqa: F401 - before paddle

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from inspectors.tooling.exporters.paddledet_export import (  # noqa: E402
    build_ppdet_model,
    ppdet_config_scope,
    ppdet_export_patches,
)


def main(argv: list) -> int:
    config, weights, labels_file, *images = argv
    labels = [n.strip() for n in Path(labels_file).read_text().splitlines() if n.strip()]
    with ppdet_config_scope(), ppdet_export_patches():
        trainer = build_ppdet_model(Path(config), labels)
        trainer.load_weights(weights)
        out = []
        for image in images:  # one call per image keeps results in image order
            with tempfile.TemporaryDirectory() as tmp:
                res = trainer.predict([image], output_dir=tmp, visualize=False)
            boxes = res[0]["bbox"][: int(res[0]["bbox_num"][0])]
            out.append(boxes.astype(float).tolist())
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
