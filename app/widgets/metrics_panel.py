"""The metrics panel: headline numbers of the task, image-level recall / false-alarm
rate at the current threshold, the operating-point chooser and the plots, all
following the threshold slider. Shows why when there is nothing to measure."""

from __future__ import annotations

from typing import Dict, List, Optional

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from inspectors.metrics import OperatingPoint, choose_operating_point
from inspectors.metrics.decision import BandChoice, choose_band, decision_metrics

from ..display_text import rule_text, word
from ..i18n import QT_TRANSLATE_NOOP, translate
from ..metrics_data import Evaluation, confusion, headline, per_class_values
from ..metrics_glue import NO_FOLDER, MetricsController
from ..state import MetricsStatus
from .metric_plots import ClassBars, ConfusionPlot, PrCurves, RecallFprPlot

TASK_TITLES = {"segmentation": QT_TRANSLATE_NOOP("MetricsPanel", "Segmentation"),
               "detection": QT_TRANSLATE_NOOP("MetricsPanel", "Detection"),
               "classification": QT_TRANSLATE_NOOP("MetricsPanel", "Classification")}
MODES = [(QT_TRANSLATE_NOOP("MetricsPanel", "Fewest false alarms"), "lowest_fpr"),
         (QT_TRANSLATE_NOOP("MetricsPanel", "Highest threshold"), "highest_threshold")]
STYLE = """
QLabel#metricValue { font-size: 14pt; font-weight: 600; color: palette(window-text); }
QLabel#metricName { color: #8b95a3; }
QLabel#emptyMetrics { color: #8b95a3; font-size: 11pt; padding: 24px; }
QLabel#busy { color: #e8a33d; }
"""


def fmt(v: Optional[float], digits: int = 4) -> str:
    return translate("MetricsPanel", "n/a") if v is None or v != v else f"{v:.{digits}f}"


class MetricsPanel(QWidget):
    """Follows a :class:`~app.metrics_glue.MetricsController`; emits the threshold to apply."""

    apply_threshold = Signal(float)
    apply_band = Signal(float, float)  # review from (T_low), NG at (T_high)
    robustness_requested = Signal()  # the "Robustness..." button (app/widgets/robustness_dialog.py)

    def __init__(self, metrics: Optional[MetricsController] = None, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setStyleSheet(STYLE)
        self.metrics = metrics
        self.evaluation: Optional[Evaluation] = None
        self.at: Optional[dict] = None
        self.values: Dict[str, Optional[float]] = {}
        self.point: Optional[OperatingPoint] = None
        self.empty = QLabel(translate("Metrics", NO_FOLDER))
        self.empty.setObjectName("emptyMetrics")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)  # seen in a short dock
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self._content())
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.stack)
        self.setMinimumHeight(235)  # the number column must never be squashed
        if metrics is not None:
            metrics.updated.connect(self.show_metrics)
            metrics.status.connect(self.set_status)

    def _content(self) -> QWidget:
        self.title = QLabel()
        self.busy = QLabel()
        self.busy.setObjectName("busy")
        self.names: List[QLabel] = []
        self.numbers: List[QLabel] = []
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(0)
        for i in range(4):  # one row: name above value
            name, value = QLabel(), QLabel("–")
            name.setObjectName("metricName")
            value.setObjectName("metricValue")
            grid.addWidget(name, 0, i)
            grid.addWidget(value, 1, i)
            self.names.append(name)
            self.numbers.append(value)
        self.image_level = QLabel()
        self.image_level.setWordWrap(True)
        self.mode = QComboBox()
        self.mode.setToolTip(translate("MetricsPanel", "Fewest false alarms: the lowest image false-alarm rate among thresholds\nreaching the recall; highest threshold: the highest such threshold"))
        for text, key in ((translate("MetricsPanel", t), k) for t, k in MODES):
            self.mode.addItem(text, key)
        self.min_recall = QDoubleSpinBox()
        self.min_recall.setRange(0.0, 1.0)
        self.min_recall.setSingleStep(0.01)
        self.min_recall.setValue(0.95)
        self.min_recall.setPrefix(translate("MetricsPanel", "recall ≥ "))
        self.point_label = QLabel()
        self.point_label.setObjectName("muted")
        self.use = QPushButton(translate("MetricsPanel", "Apply"))
        self.use.setToolTip(translate("MetricsPanel", "Set the confidence slider to the chosen operating point"))
        self.op_title = QLabel(translate("MetricsPanel", "<b>Operating point</b> (image level)"))
        self.decision = QLabel()
        self.decision.setWordWrap(True)
        self.max_escapes = QSpinBox()
        self.max_escapes.setRange(0, 1_000_000)
        self.max_escapes.setPrefix(translate("MetricsPanel", "escapes ≤ "))
        self.max_escapes.setToolTip(translate("MetricsPanel", "Defective images the band may judge OK (sets where REVIEW starts)"))
        self.max_rejects = QSpinBox()
        self.max_rejects.setRange(0, 1_000_000)
        self.max_rejects.setPrefix(translate("MetricsPanel", "false rejects ≤ "))
        self.max_rejects.setToolTip(translate("MetricsPanel", "Clean images the band may judge NG (sets the NG threshold)"))
        self.band_label = QLabel()
        self.band_label.setObjectName("muted")
        self.band_label.setWordWrap(True)
        self.use_band = QPushButton(translate("MetricsPanel", "Apply band"))
        self.use_band.setToolTip(translate("MetricsPanel", "Set 'NG at' and 'Review from' to the chosen band"))
        self.band: Optional[BandChoice] = None
        self.notes = QLabel()
        self.notes.setObjectName("muted")
        self.notes.setWordWrap(True)
        chooser = QHBoxLayout()
        chooser.addWidget(self.mode, 1)
        chooser.addWidget(self.min_recall)
        chooser.addWidget(self.use)
        side = QVBoxLayout()
        side.setContentsMargins(6, 2, 6, 2)
        side.setSpacing(5)
        self.robustness = QPushButton(translate("MetricsPanel", "Robustness..."))
        self.robustness.setToolTip(translate("MetricsPanel", "Evaluate the model again under blur, noise, lighting and other line drift"))
        self.robustness.clicked.connect(self.robustness_requested)
        title_row = QHBoxLayout()
        title_row.addWidget(self.title, 1)
        title_row.addWidget(self.robustness)
        side.addLayout(title_row)
        side.addLayout(grid)
        side.addWidget(self.image_level)
        side.addWidget(self.op_title)
        side.addLayout(chooser)
        side.addWidget(self.point_label)
        side.addWidget(QLabel(translate("MetricsPanel", "<b>Review band</b> (OK / REVIEW / NG)")))
        side.addWidget(self.decision)
        band_row = QHBoxLayout()
        band_row.addWidget(self.max_escapes)
        band_row.addWidget(self.max_rejects)
        band_row.addWidget(self.use_band)
        side.addLayout(band_row)
        side.addWidget(self.band_label)
        side.addWidget(self.notes)
        side.addStretch(1)
        side.addWidget(self.busy)
        column = QWidget()
        column.setLayout(side)
        left = QScrollArea()  # the numbers, the chooser and the band scroll rather than overlap
        left.setWidget(column)
        left.setWidgetResizable(True)
        left.setFrameShape(QFrame.Shape.NoFrame)
        left.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        left.setFixedWidth(460)
        self.bars, self.pr, self.curve, self.matrix = ClassBars(), PrCurves(), RecallFprPlot(), ConfusionPlot()
        row = QHBoxLayout()
        row.setContentsMargins(4, 4, 4, 4)
        row.addWidget(left)
        for w, stretch in ((self.bars, 3), (self.pr, 3), (self.curve, 3), (self.matrix, 3)):
            row.addWidget(w, stretch)
        page = QWidget()
        page.setLayout(row)
        self.mode.currentIndexChanged.connect(self._choose)
        self.min_recall.valueChanged.connect(self._choose)
        self.use.clicked.connect(self._apply_point)
        self.max_escapes.valueChanged.connect(self._choose_band)
        self.max_rejects.valueChanged.connect(self._choose_band)
        self.use_band.clicked.connect(self._apply_band)
        self.curve.threshold_picked.connect(self.apply_threshold)
        return page

    def _rows_and_gt(self, ev: Evaluation):
        return ev.rows, np.asarray(ev.live.scores.gt_defective, bool)

    def _show_decision(self, ev: Evaluation) -> None:
        """Review rate, escapes and false rejects of the rules' verdicts on the images with
        ground truth (:func:`inspectors.metrics.decision.decision_metrics`)."""
        if self.metrics is None:
            return
        b = self.metrics.bench
        rows, gt = self._rows_and_gt(ev)
        m = decision_metrics(b.store.verdicts(b.active_model, rows), gt)
        self.decision.setText(
            f"OK {m['OK']} · <span style='color:#e8a33d'>{word('REVIEW')} {m['REVIEW']}</span> "
            f"({fmt(m['review_rate'], 3)}) · <span style='color:#e5484d'>NG {m['NG']}</span><br>"
            + translate("MetricsPanel", "escapes <b>{escapes}</b> ({escape_rate} of defective) · false rejects <b>{rejects}</b> ({reject_rate} of clean)").format(
                escapes=m['escapes'], escape_rate=fmt(m['escape_rate'], 3), rejects=m['false_rejects'],
                reject_rate=fmt(m['false_reject_rate'], 3)))
        self._choose_band()

    def _choose_band(self) -> None:
        ev = self.evaluation
        if ev is None or self.metrics is None:
            return
        b = self.metrics.bench
        rows, gt = self._rows_and_gt(ev)
        scores = b.store.band_scores(b.active_model, rows)
        self.band = choose_band(scores, gt, self.max_escapes.value(), self.max_rejects.value())
        c = self.band
        self.use_band.setEnabled(c.met)
        text = translate("MetricsPanel", "→ review from <b>{low:.2f}</b>, NG at <b>{high:.2f}</b> · {review} to review ({rate}) · escapes {escapes} · false rejects {rejects}").format(
            low=c.low, high=c.high, review=c.review, rate=fmt(c.review_rate, 3), escapes=c.escapes,
            rejects=c.false_rejects)
        self.band_label.setText(text + ("<br>" + "; ".join(rule_text(n) for n in c.notes) if c.notes else ""))

    def _apply_band(self) -> None:
        if self.band is not None and self.band.met:
            self.apply_band.emit(self.band.low, self.band.high)

    def _apply_point(self) -> None:
        if self.point is not None:
            self.apply_threshold.emit(self.point.threshold)

    # -- fed by the controller -----------------------------------------------------------
    def set_status(self, kind: MetricsStatus, message: str) -> None:
        """EMPTY: show ``message`` instead of the metrics; BUSY: a note over them."""
        if kind is MetricsStatus.EMPTY:
            self.evaluation = self.at = None
            self.values = {}
            self.empty.setText(message)
            self.stack.setCurrentIndex(0)
        elif kind is MetricsStatus.BUSY:
            if self.evaluation is None:
                self.empty.setText(message)
            self.busy.setText(message)
        else:
            self.busy.setText("")

    def show_metrics(self, ev: Evaluation, at: dict) -> None:
        """Redraw for ``at`` (one threshold); curves only when the evaluation is new."""
        if ev is not self.evaluation:
            self.evaluation = ev
            self.curve.set_curve(ev.curve)
            self.pr.setVisible(ev.task == "detection")
            self.pr.set_curves(ev.pr_curves)
            gt = ev.snapshot.ground_truth
            self.title.setText(f"<b>{translate('MetricsPanel', TASK_TITLES[ev.task])}</b> · " + translate("MetricsPanel", "{pairs}/{rows} images with ground truth").format(
                pairs=ev.num_pairs, rows=len(ev.snapshot.rows)))
            self.title.setToolTip(translate("MetricsPanel", "ground truth: {source} ({layout})").format(
                source=gt.source or "", layout=gt.layout or translate("MetricsPanel", "unknown layout")))
            self.notes.setText("\n".join(rule_text(n) for n in ev.notes))
            self.notes.setVisible(bool(ev.notes))
            self._choose()
        self.at = at
        self.stack.setCurrentIndex(1)
        self.busy.setText("")
        self.values = {}
        for (name, value, tip), n_label, v_label in zip(headline(ev.task, at), self.names, self.numbers):
            n_label.setText(name)
            v_label.setText(fmt(value))
            v_label.setToolTip(tip)
            n_label.setToolTip(tip)
            self.values[name] = value
        il = at["image_level"]
        t = at["thresholds"]["default"]
        per = translate("MetricsPanel", " (per-class overrides apply)") if at["thresholds"]["per_class"] else ""
        self.image_level.setText(translate("MetricsPanel", "Threshold <b>{t:.2f}</b>{per} · image recall <b>{recall}</b> ({found}/{defective} defective found) · false alarms <b>{fpr}</b> ({fp}/{clean} clean flagged)").format(
            t=t, per=per, recall=fmt(il['recall'], 3), found=il['recalled'], defective=il['num_defective'],
            fpr=fmt(il['false_positive_rate'], 3), fp=il['false_positives'], clean=il['num_clean']))
        self._show_decision(ev)
        self.bars.set_values(*per_class_values(ev.task, at))
        if ev.task == "detection":
            self.pr.set_points(at["metrics"]["per_class"])
        self.curve.set_marker(t, il["recall"], il["false_positive_rate"])
        self.matrix.set_matrix(*confusion(ev.task, at))

    def _choose(self) -> None:
        """Pick the operating point on the image-level curve."""
        ev = self.evaluation
        if ev is None:
            return
        r = round(self.min_recall.value(), 4)
        self.point = choose_operating_point(ev.curve, r, self.mode.currentData())
        self.use.setEnabled(self.point is not None)
        self.curve.set_operating_point(self.point.threshold if self.point else None)
        if self.point is None:
            self.point_label.setText(translate("MetricsPanel", "No threshold reaches recall {r:.2f}.").format(r=r))
        else:
            p = self.point
            self.point_label.setText(translate("MetricsPanel", "→ threshold <b>{t:.2f}</b> · recall {recall} · false alarms {fpr}").format(
                t=p.threshold, recall=fmt(p.recall, 3), fpr=fmt(p.false_positive_rate, 3)))
