"""How the bundled models do on the demo sets: ``python -m inspectors.tooling.demo --measure``
writes ``resources/demo/RESULTS.md`` (numbers from the app's engine and metrics)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

from ...assets import models_dir
from ...groundtruth.discover import discover
from ...metrics.image_level import ImageScores
from .generate import DEMO_DIR

MODELS_DIR = models_dir()
#: bundled model folder prefix -> demo subset it is meant for
PAIRS = {"neu_cls": "neu_cls", "neu_det": "neu_det", "magnetic_tile": "magnetic_tile"}


def _image_level(pairs: List, threshold: float = 0.5) -> Dict[str, float]:
    """Defective images flagged (recall) and defect-free images flagged (FPR), by the
    metrics' image-level counts (the one flagging rule, ``inspectors.results.is_defective``)."""
    at = ImageScores.from_pairs(pairs).at(threshold)
    return {"recall": at["recall"], "fpr": at["false_positive_rate"],
            "defective": at["num_defective"], "clean": at["num_clean"]}


def measure(models_dir: Path = MODELS_DIR, demo_dir: Path = DEMO_DIR) -> List[Dict[str, Any]]:
    """Evaluate every bundled model on its demo subset."""
    from ..training.evaluation import evaluate_export, predict_pairs

    rows = []
    for model in sorted(p for p in Path(models_dir).iterdir() if p.is_dir()):
        subset = next((s for prefix, s in PAIRS.items() if model.name.startswith(prefix)), None)
        if subset is None or not (demo_dir / subset).is_dir():
            continue
        gt = discover(demo_dir / subset)
        metrics = evaluate_export(model, gt)
        row = {"model": model.name, "demo": subset, "images": metrics["images"]}
        if gt.task == "classification":
            row["accuracy"] = metrics["accuracy"]
        elif gt.task == "detection":
            row["map"] = metrics["map"]
            row["class_ap"] = {c["class_name"]: c["ap_area"] for c in metrics["per_class"]}
        else:
            row["miou"] = metrics["miou"]
            row["class_iou"] = {c["class_name"]: c["iou"] for c in metrics["per_class"]}
            row["image_level@0.5"] = _image_level(predict_pairs(model, gt)[0].pairs)
        rows.append(row)
    return rows


def write_results(rows: List[Dict[str, Any]], path: Path = DEMO_DIR / "RESULTS.md") -> Path:
    lines = ["# Bundled models on the synthetic demo", "",
             "Regenerate with `python -m inspectors.tooling.demo --measure`. The demo images are "
             "synthetic (see README.md); these numbers say the models respond sensibly to them, "
             "not how they do on real data (see each model's MODEL_CARD.md for that).", ""]
    for r in rows:
        lines.append(f"## {r['model']} on `{r['demo']}/` ({r['images']} images)")
        lines.append("")
        if "accuracy" in r:
            lines.append(f"- top-1 accuracy: {100 * r['accuracy']:.1f} %")
        elif "map" in r:
            lines.append(f"- VOC mAP@0.5: {100 * r['map']:.1f}; per class AP: "
                         + ", ".join(f"{k} {100 * v:.1f}" for k, v in r["class_ap"].items()))
        else:
            il = r["image_level@0.5"]
            lines.append(f"- mIoU: {100 * r['miou']:.1f}; per class: "
                         + ", ".join(f"{k} {100 * v:.1f}" for k, v in r["class_iou"].items()))
            lines.append(f"- image level at confidence 0.5: {100 * il['recall']:.0f} % of "
                         f"{il['defective']} defective images flagged, {100 * il['fpr']:.0f} % of "
                         f"{il['clean']} defect-free images flagged")
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
