"""Confidence threshold (global slider + per-class values), per-class visibility and
overlay look. Every change is applied at once to all cached results."""

from __future__ import annotations

from typing import Dict, List, Optional, Tuple

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSlider,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inspectors.render import RenderStyle, class_color
from inspectors.results import Thresholds
from inspectors.rules import Rules

from ..i18n import translate
from ..workbench import Workbench
from .qimage import swatch

GLOBAL = -0.01  # a per-class spin box at this value follows the global threshold


def rules_summary(rules: Rules) -> str:
    """One short paragraph: bands, minimum sizes, regions, counts of the rules in force."""
    parts = []
    d = rules.default
    if d.band is not None:
        parts.append(translate("ThresholdPanel", "band {low:.2f}–{high:.2f} (the slider applies to classes "
                               "without one)").format(low=d.band.low, high=d.band.high))
    min_area, min_length = translate("ThresholdPanel", "min area"), translate("ThresholdPanel", "min length")
    sizes = [f"{name} {getattr(d, key):g} {unit}" for key, name, unit in (
        ("min_area", min_area, "px"), ("min_length", min_length, "px"),
        ("min_area_mm2", min_area, "mm²"), ("min_length_mm", min_length, "mm"))
        if getattr(d, key) is not None]
    parts += sizes
    if rules.classes:
        parts.append(translate("ThresholdPanel", "{n} class rule(s): {names}").format(
            n=len(rules.classes), names=", ".join(n for n, _ in rules.classes)))
    r = rules.regions
    if r.active:
        parts.append(translate("ThresholdPanel", "regions: {include} include, {exclude} exclude ({mode})").format(
            include=len(r.include) + len(r.include_masks), exclude=len(r.exclude) + len(r.exclude_masks),
            mode=translate("ThresholdPanel", "centre inside") if r.mode == "centroid" else
            translate("ThresholdPanel", "any overlap") if r.mode == "overlap" else r.mode))
    if rules.calibration is not None:
        c = rules.calibration
        parts.append(f"{c.mm_per_px_x:g} × {c.mm_per_px_y:g} mm/px")
    return translate("ThresholdPanel", "Rules: {parts}").format(parts="; ".join(parts)) if parts else ""


def _slider(maximum: int, value: int) -> QSlider:
    s = QSlider(Qt.Orientation.Horizontal)
    s.setRange(0, maximum)
    s.setValue(value)
    return s


class ThresholdPanel(QWidget):
    """Sets the bench's thresholds and render style; a row per class the bench knows."""

    changed = Signal(object, object)  # Thresholds, RenderStyle

    def __init__(self, bench: Workbench, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.bench = bench
        self.slider = _slider(100, 50)
        self.slider.setPageStep(5)
        self.value = QDoubleSpinBox()
        self.value.setRange(0.0, 1.0)
        self.value.setSingleStep(0.01)
        self.value.setDecimals(2)
        self.value.setValue(0.5)
        self.review_on = QCheckBox(translate("ThresholdPanel", "Review from"))
        self.review_on.setToolTip(translate(
            "ThresholdPanel", "A review band: defects scoring from here up to the NG threshold make the\n"
            "image REVIEW (sent to a person) instead of OK. Off: one threshold."))
        self.review = QDoubleSpinBox()
        self.review.setRange(0.0, 1.0)
        self.review.setSingleStep(0.01)
        self.review.setDecimals(2)
        self.review.setValue(0.3)
        self.review.setEnabled(False)
        self.opacity = _slider(100, 45)
        self.contours = QCheckBox(translate("ThresholdPanel", "Contours"))
        self.contours.setChecked(True)
        self.labels = QCheckBox(translate("ThresholdPanel", "Labels"))
        self.labels.setChecked(True)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels([translate("ThresholdPanel", "Class (shown)"),
                                              translate("ThresholdPanel", "Threshold")])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setMinimumHeight(120)
        self.rules_note = QLabel()
        self.rules_note.setObjectName("muted")
        self.rules_note.setWordWrap(True)
        self.rules_note.setVisible(False)
        self.hint = QLabel(translate("ThresholdPanel", "Classes appear when a model or ground truth is loaded."))
        self.hint.setObjectName("muted")
        self.hint.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.slider, 1)
        row.addWidget(self.value)
        look = QHBoxLayout()
        look.addWidget(self.opacity, 1)
        look.addWidget(self.contours)
        look.addWidget(self.labels)
        form = QFormLayout()
        form.addRow(translate("ThresholdPanel", "NG at"), row)
        form.addRow(self.review_on, self.review)
        form.addRow(translate("ThresholdPanel", "Mask opacity"), look)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addLayout(form)
        lay.addWidget(self.rules_note)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.hint)
        self._spins: Dict[str, QDoubleSpinBox] = {}
        self._checks: Dict[str, QTableWidgetItem] = {}
        self._kept: Dict[str, float] = {}  # per-class values of classes not shown (yet)
        self._classes: List[Tuple[str, int]] = []
        self._hidden_kept: frozenset = frozenset()
        self._quiet = False
        self.slider.valueChanged.connect(lambda v: self._set_global(v / 100.0))
        self.value.valueChanged.connect(self._set_global)
        self.opacity.valueChanged.connect(self._emit)
        self.review_on.toggled.connect(self.review.setEnabled)
        self.review_on.toggled.connect(self._emit)
        self.review.valueChanged.connect(self._emit)
        self.contours.toggled.connect(self._emit)
        self.labels.toggled.connect(self._emit)
        self.table.itemChanged.connect(self._emit)
        bench.classes_changed.connect(self._update_classes)
        bench.models.changed.connect(self._update_classes)
        bench.decision_restored.connect(self.set_state)  # the active model's run
        bench.rules_changed.connect(self.show_rules)

    def _update_classes(self, *_args: object) -> None:
        classes = self.bench.class_names()
        if classes != self._classes:  # another model shown with the same classes: the rows stay
            self.set_classes(classes)

    def _set_global(self, v: float) -> None:
        if self._quiet:
            return
        self._quiet = True
        self.slider.setValue(int(round(v * 100)))
        self.value.setValue(v)
        self._quiet = False
        self._emit()

    def set_classes(self, classes: List[Tuple[str, int]]) -> None:
        """Show a row per class; values of classes already shown are kept."""
        self._classes = list(classes)
        old = dict(self.thresholds().per_class)
        hidden = self.render_style().hidden_classes
        self._kept = {n: v for n, v in old.items() if n not in {c for c, _ in classes}}
        self._hidden_kept = frozenset(h for h in hidden if h not in {c for c, _ in classes})
        self._quiet = True
        self.table.setRowCount(len(classes))
        self._spins.clear()
        self._checks.clear()
        for r, (name, cid) in enumerate(classes):
            item = QTableWidgetItem(swatch(class_color(cid)), name)
            item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            item.setCheckState(Qt.CheckState.Unchecked if name in hidden else Qt.CheckState.Checked)
            self.table.setItem(r, 0, item)
            spin = QDoubleSpinBox()
            spin.setRange(GLOBAL, 1.0)
            spin.setSingleStep(0.05)
            spin.setSpecialValueText(translate("ThresholdPanel", "global"))
            spin.setValue(float(old.get(name, GLOBAL)))
            spin.valueChanged.connect(self._emit)
            self.table.setCellWidget(r, 1, spin)
            self._spins[name], self._checks[name] = spin, item
        self.hint.setVisible(not classes)
        self._quiet = False

    def set_state(self, thresholds: Thresholds, hidden: frozenset = frozenset(),
                  review: Optional[float] = None) -> None:
        self._quiet = True
        self.review_on.setChecked(review is not None)
        if review is not None:
            self.review.setValue(review)
        self._kept = {str(n): float(v) for n, v in thresholds.per_class.items() if n not in self._spins}
        self._hidden_kept = frozenset(h for h in hidden if h not in self._checks)
        self.slider.setValue(int(round(thresholds.default * 100)))
        self.value.setValue(thresholds.default)
        for name, spin in self._spins.items():
            spin.setValue(float(thresholds.per_class.get(name, GLOBAL)))
        for name, item in self._checks.items():
            item.setCheckState(Qt.CheckState.Unchecked if name in hidden else Qt.CheckState.Checked)
        self._quiet = False
        self._emit()

    def show_rules(self, rules: Rules) -> None:
        """Say what the loaded rules decide beside the slider (Rules menu to change them)."""
        self.rules_note.setText(rules_summary(rules))
        self.rules_note.setVisible(rules != Rules())

    def set_band(self, low: float, high: float) -> None:
        """Review from ``low``, NG at ``high`` (one change; no band when they are equal)."""
        self._quiet = True
        self.review_on.setChecked(low < high)
        self.review.setValue(low)
        self.slider.setValue(int(round(high * 100)))
        self.value.setValue(high)
        self._quiet = False
        self._emit()

    def set_class_threshold(self, name: str, value: Optional[float]) -> None:
        self._spins[name].setValue(GLOBAL if value is None else value)

    def thresholds(self) -> Thresholds:
        per = dict(self._kept)
        per.update({n: round(s.value(), 4) for n, s in self._spins.items() if s.value() >= 0})
        return Thresholds(round(self.value.value(), 4), per)

    def review_from(self) -> Optional[float]:
        """Where the review band starts (None: no band)."""
        return round(self.review.value(), 4) if self.review_on.isChecked() else None

    def render_style(self) -> RenderStyle:
        hidden = self._hidden_kept | frozenset(
            n for n, it in self._checks.items() if it.checkState() != Qt.CheckState.Checked)
        return RenderStyle(mask_opacity=self.opacity.value() / 100.0, contours=self.contours.isChecked(),
                           labels=self.labels.isChecked(), hidden_classes=hidden)

    def _emit(self, *_args) -> None:
        if not self._quiet:
            thresholds, style = self.thresholds(), self.render_style()
            self.bench.set_thresholds(thresholds, style, self.review_from())
            self.changed.emit(thresholds, style)
