"""What is known about the image on screen: state, verdict, ground truth, and each
model's findings and timings."""

from __future__ import annotations

import html
from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QWidget

from inspectors.results import DetectionResult, SegmentationResult

from ..workbench import Workbench
from ..workers import model_label


def _findings(result, thresholds) -> str:
    f = result.filtered(thresholds)
    if isinstance(f, DetectionResult):
        if not len(f):
            return "no boxes above the threshold"
        items = [f"{f.class_names[int(c)]} {s:.2f}" for c, s in zip(f.class_ids, f.scores)]
        return f"{len(f)} box(es): " + ", ".join(items[:8]) + (" …" if len(items) > 8 else "")
    if isinstance(f, SegmentationResult):
        areas, scores = f.class_areas(), f.class_scores()
        parts = [f"{f.class_names[c]} {areas[c]} px (max {scores[c]:.2f})"
                 for c in sorted(scores) if c != f.background_id]
        return "; ".join(parts) if parts else "no defect pixels above the threshold"
    return ", ".join(f"{n} {p:.2f}" for _, n, p in f.topk(3))


class InfoPanel(QScrollArea):
    """Follows the bench: current image, its results, verdict, thresholds."""

    def __init__(self, bench: Workbench, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.bench = bench
        self.label = QLabel("No image selected.")
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setMargin(6)
        self.setWidget(self.label)
        self.setWidgetResizable(True)
        for event in (bench.current_changed, bench.image_ready, bench.verdict_changed, bench.thresholds_changed,
                      bench.ground_truth_changed, bench.active_model_changed):
            event.connect(self.refresh)
        bench.outcome_stored.connect(self._on_outcome)

    def _on_outcome(self, row: int, _model: str) -> None:
        if row == self.bench.current_row:
            self.refresh()

    def refresh(self, *_args: object) -> None:
        b = self.bench
        row = b.current_row
        if row < 0:
            self.label.setText("No image selected.")
            return
        store = b.store
        lines = [f"<b>{html.escape(b.path(row))}</b>"]
        if b.current_image is not None:
            h, w = b.current_image.shape[:2]
            lines.append(f"{w} × {h} px")
        state = store.state(row).value
        verdict = b.verdict(row)
        lines.append(f"State: <b>{state}</b>" + (f" · verdict: <b>{verdict.value}</b>" if verdict else ""))
        gt = store.gt_defective(row)
        if b.ground_truth is None:
            lines.append("Ground truth: none found for this folder")
        else:
            lines.append("Ground truth: " + ("no entry" if gt is None else ("defect" if gt else "clean")))
        for model_id, outcome in store.outcomes(row).items():
            name = html.escape(model_label(model_id))
            if not outcome.ok:
                lines.append(f"<span style='color:#f5a524'>{name}: {html.escape(outcome.error or '')}</span>")
                continue
            t = outcome.timings
            lines.append(f"<b>{name}</b>: {html.escape(_findings(outcome.result, store.thresholds))}"
                         f"<br><span style='color:#8b95a3'>read {t.read * 1e3:.1f} · pre {t.preprocess * 1e3:.1f}"
                         f" · infer {t.inference * 1e3:.1f} · post {t.postprocess * 1e3:.1f} ms</span>")
        if not store.outcomes(row) and b.models.ready():
            lines.append("Inspecting…")
        self.label.setText("<br>".join(lines))
