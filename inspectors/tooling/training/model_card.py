"""MODEL_CARD.md and metrics.json for an exported model: data and split, recipe, training
time on this machine, validation metrics from the app's engine and metrics, and the
command that reproduces it."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path
from typing import Any, Dict, List, Optional


def machine() -> str:
    """A one-line description of the training machine."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPU cores ({cpu}), no GPU, shared with other jobs"


def _hms(seconds: float) -> str:
    m, s = divmod(int(seconds), 60)
    h, m = divmod(m, 60)
    return f"{h} h {m:02d} min" if h else f"{m} min {s:02d} s"


def _metric_lines(task: str, metrics: Dict[str, Any]) -> List[str]:
    if task == "classification":
        lines = [f"- **top-1 accuracy: {100 * metrics['accuracy']:.2f} %** "
                 f"({metrics['images']} validation images)", "",
                 "| class | precision | recall |", "|---|---|---|"]
        for c in metrics.get("per_class", []):
            lines.append(f"| {c.get('class_name', c.get('name'))} | {c.get('precision', float('nan')):.3f}"
                         f" | {c.get('recall', float('nan')):.3f} |")
        if "confusion_matrix" in metrics:
            lines += ["", "Confusion matrix (rows: ground truth, columns: prediction):", "",
                      "```", *[" ".join(f"{v:3d}" for v in row) for row in metrics["confusion_matrix"]],
                      "```"]
        return lines
    if task == "detection":
        coco = metrics.get("coco", {})
        lines = [f"- **VOC mAP@0.5: {100 * metrics['map']:.2f}** (area method as PaddleDetection, "
                 f"+1 pixel box convention, difficult boxes ignored; {metrics['images']} validation "
                 f"images, all predictions)",
                 f"- 11-point mAP {100 * metrics['voc_map']['11point']:.2f}; COCO mAP@[.5:.95] "
                 f"{100 * coco.get('map', float('nan')):.2f} (pycocotools)", "",
                 "| class | AP@0.5 | GT boxes |", "|---|---|---|"]
        for c in metrics["per_class"]:
            lines.append(f"| {c['class_name']} | {100 * c['ap_area']:.2f} | {c['num_gt']} |")
        return lines
    lines = [f"- **mIoU: {100 * metrics['miou']:.2f}** (PaddleSeg definition, background included, "
             f"{metrics['images']} validation images, threshold 0)",
             f"- mDice {100 * metrics['mdice']:.2f}, pixel accuracy {100 * metrics['accuracy']:.2f}, "
             f"kappa {metrics['kappa']:.3f}", "",
             "| class | IoU | precision | recall | GT pixels |", "|---|---|---|---|---|"]
    for c in metrics["per_class"]:
        lines.append(f"| {c['class_name']} | {100 * c['iou']:.2f} | {c['precision']:.3f} | "
                     f"{c['recall']:.3f} | {c['pixels_gt']} |")
    return lines


def write_model_card(
    export_dir: Path, *, title: str, task: str, data: str, recipe: str, config_path: str,
    train_seconds: float, metrics: Dict[str, Any], reproduce: str,
    notes: Optional[List[str]] = None, history: Optional[List[Dict[str, Any]]] = None,
) -> Path:
    """Write MODEL_CARD.md and metrics.json into ``export_dir``; returns the card's path."""
    export_dir = Path(export_dir)
    size = sum(p.stat().st_size for p in export_dir.iterdir() if p.is_file())
    lines = [f"# {title}", "", "## Data and split", "", data, "",
             "## Recipe", "", recipe, "", f"Config: `{config_path}`", "",
             "## Training", "", f"- time: {_hms(train_seconds)} of training on {machine()}",
             f"- export size: {size / 1e6:.1f} MB (`{export_dir.name}/`)", "",
             "## Validation metrics", "",
             "Computed on the exported model through `inspectors.engine.Inspector` and "
             "`inspectors.metrics` (the numbers `python main.py evaluate` reports).", "",
             *_metric_lines(task, metrics), "",
             f"Inference: {1000 * metrics.get('seconds_per_image', 0):.1f} ms per image "
             "(read + preprocess + Paddle Inference, 2 threads, shared CPU).", "",
             "## Reproduce", "", "```bash", reproduce, "```", ""]
    if history:
        lines += ["## Validation during training", "", "```",
                  *[json.dumps({k: v for k, v in h.items() if k != "class_iou"}) for h in history],
                  "```", ""]
    if notes:
        lines += ["## Notes", "", *[f"- {n}" for n in notes], ""]
    card = export_dir / "MODEL_CARD.md"
    card.write_text("\n".join(lines), encoding="utf-8")
    (export_dir / "metrics.json").write_text(json.dumps(metrics, indent=1, default=float),
                                             encoding="utf-8")
    return card
