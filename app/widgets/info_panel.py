"""What is known about the image on screen: state, verdict, ground truth, and each
model's findings and timings."""

from __future__ import annotations

import html
from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QWidget

from inspectors.rules import Decision

from ..display_text import rule_text, word
from ..i18n import translate
from ..workbench import Workbench
from ..workers import model_label

VERDICT_CSS = {"OK": "#46a758", "REVIEW": "#e8a33d", "NG": "#e5484d"}
MAX_ROWS = 40  # defects listed; the rest are counted


def _size(px: Optional[float], mm: Optional[float], unit: str) -> str:
    if px is None:
        return "–"
    return f"{px:.0f}" + (f" ({mm:.2f} {unit})" if mm is not None else "")


def decision_html(decision: Decision) -> str:
    """The verdict, its reasons and a row per candidate defect: class, score, area and
    length in px (and mm with a calibration), kept at NG / REVIEW level or ignored and why."""
    v = decision.verdict.name
    out = [f"<b style='color:{VERDICT_CSS[v]}'>{v}</b>"
           + (f" · {html.escape('; '.join(rule_text(r) for r in decision.reasons))}" if decision.reasons else "")]
    if not decision.defects:
        return out[0]
    rows = ["<tr><th align=left>{}</th><th>{}</th><th>{}</th><th>{}</th><th align=left>{}</th></tr>".format(
        *(html.escape(t) for t in (translate("InfoPanel", "class"), translate("InfoPanel", "score"),
                                   translate("InfoPanel", "area px"), translate("InfoPanel", "length px"),
                                   translate("InfoPanel", "counts"))))]
    for d in decision.defects[:MAX_ROWS]:
        status = word(d.level) if d.kept else translate("InfoPanel", "ignored: {why}").format(
            why=", ".join(rule_text(w) for w in d.ignored))
        color = VERDICT_CSS.get(d.level or "", "#8b95a3") if d.kept else "#8b95a3"
        rows.append(f"<tr style='color:{color}'><td>{html.escape(d.class_name)}</td><td>{d.score:.2f}</td>"
                    f"<td>{_size(d.area_px, d.area_mm2, 'mm²')}</td><td>{_size(d.length_px, d.length_mm, 'mm')}</td>"
                    f"<td>{html.escape(status or '')}</td></tr>")
    more = len(decision.defects) - MAX_ROWS
    tail = "<br>" + translate("InfoPanel", "… and {n} more").format(n=more) if more > 0 else ""
    return out[0] + "<table cellspacing=4>" + "".join(rows) + "</table>" + tail


class InfoPanel(QScrollArea):
    """Follows the bench: current image, its results, verdict, thresholds."""

    def __init__(self, bench: Workbench, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.bench = bench
        self.label = QLabel(translate("InfoPanel", "No image selected."))
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setMargin(6)
        self.setWidget(self.label)
        self.setWidgetResizable(True)
        for event in (bench.current_changed, bench.image_ready, bench.verdict_changed, bench.thresholds_changed,
                      bench.ground_truth_changed, bench.active_model_changed, bench.rules_changed,
                      bench.runs_changed):
            event.connect(self.refresh)
        bench.outcome_stored.connect(self._on_outcome)

    def _on_outcome(self, row: int, _model: str) -> None:
        if row == self.bench.current_row:
            self.refresh()

    def refresh(self, *_args: object) -> None:
        b = self.bench
        row = b.current_row
        if row < 0:
            self.label.setText(translate("InfoPanel", "No image selected."))
            return
        store = b.store
        lines = [f"<b>{html.escape(b.path(row))}</b>"]
        if b.current_image is not None:
            h, w = b.current_image.shape[:2]
            lines.append(f"{w} × {h} px")
        state = store.state(row).value
        verdict = b.verdict(row)
        lines.append(translate("InfoPanel", "State: {state}").format(state=f"<b>{word(state)}</b>") + (
            " · " + translate("InfoPanel", "operator: {verdict}").format(verdict=f"<b>{word(verdict.value)}</b>")
            if verdict else ""))
        gt = store.gt_defective(row)
        if b.ground_truth is None:
            lines.append(translate("InfoPanel", "Ground truth: none found for this folder"))
        else:
            lines.append(translate("InfoPanel", "Ground truth: no entry") if gt is None else
                         translate("InfoPanel", "Ground truth: defect") if gt else
                         translate("InfoPanel", "Ground truth: clean"))
        for model_id, outcome in store.outcomes(row).items():
            name = html.escape(model_label(model_id))
            if not outcome.ok:
                lines.append(f"<span style='color:#f5a524'>{name}: {html.escape(outcome.error or '')}</span>")
                continue
            t = outcome.timings
            decision = b.decision_by(model_id, outcome.result)  # each model by its own rules
            found = (decision_html(decision) if decision is not None
                     else translate("InfoPanel", "the rules cannot apply (see Errors)"))
            times = translate("InfoPanel", "read {read:.1f} · pre {pre:.1f} · infer {infer:.1f} · post {post:.1f} ms")
            lines.append(f"<b>{name}</b>: {found}<br><span style='color:#8b95a3'>" + times.format(
                read=t.read * 1e3, pre=t.preprocess * 1e3, infer=t.inference * 1e3, post=t.postprocess * 1e3)
                + "</span>")
        if not store.outcomes(row) and b.models.ready():
            lines.append(translate("InfoPanel", "Inspecting…"))
        self.label.setText("<br>".join(lines))
