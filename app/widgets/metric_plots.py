"""pyqtgraph plots of the metrics panel: per-class bars, PR curves, the image-level
recall / false-positive-rate curve with a marker at the threshold, and a confusion
matrix as an image. Items are created once and updated in place (cheap per slider step).
"""

from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QTransform
from PySide6.QtWidgets import QGraphicsItem, QGraphicsSimpleTextItem

from inspectors.metrics import ImageLevelCurve
from inspectors.render import class_color

from ..i18n import translate

RECALL, FPR, MARK, OP = "#4cc9f0", "#f07178", "#ffd166", "#7bd88f"
MAX_TEXT_CELLS = 196  # confusion matrices larger than 14 x 14 get no numbers


def _rgb(class_id: int, name: str = "") -> Tuple[int, int, int]:
    """The overlay colour of a class; background is never painted there, so grey here."""
    if name.lower() in ("background", "_background_"):
        return (110, 118, 129)
    b, g, r = class_color(class_id)
    return (r, g, b)


def _short(name: str, n: int = 11) -> str:
    return name if len(name) <= n else name[: max(1, n - 1)] + "…"


class FittedTicks:
    """Class-name ticks cut to the room each class has on the axis (recomputed on resize),
    so six names never run into each other on a narrow plot."""

    def _set_name_ticks(self, axis: str, names: Sequence[str], offset: float, most: int) -> None:
        self._tick_spec = getattr(self, "_tick_spec", {})
        self._tick_spec[axis] = (tuple(names), offset, most)
        self._apply_ticks(axis)

    def _apply_ticks(self, axis: str) -> None:
        names, offset, most = self._tick_spec[axis]
        ax = self.getAxis(axis)
        if axis == "bottom":
            room = self.getViewBox().width() / max(len(names), 1)
            font = ax.style.get("tickFont") or ax.font()
            per_char = max(1, QFontMetrics(font).averageCharWidth())
            n = max(3, min(most, int(room / per_char) - 1))
        else:
            n = most
        ax.setTicks([[(i + offset, _short(name, n)) for i, name in enumerate(names)]])

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        for axis in getattr(self, "_tick_spec", {}):
            self._apply_ticks(axis)


def foreground() -> str:
    """The charts' text colour of the current theme (pyqtgraph's foreground option)."""
    return pg.mkColor(pg.getConfigOption("foreground")).name()


class Label(QGraphicsSimpleTextItem):
    """Unscaled text anchored at a data point; much cheaper to update than pg.TextItem."""

    def __init__(self, anchor_y: float = 0.5) -> None:
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        font = QFont()
        font.setPointSizeF(8.5)
        self.setFont(font)
        self._anchor_y, self._color = anchor_y, ""

    def show_at(self, text: str, x: float, y: float, color: Optional[str] = None) -> None:
        """``color`` None: the charts' text colour (it follows the theme, app.theme.restyle_plots)."""
        self.follows_theme = color is None
        color = color or foreground()
        if text != self.text():
            self.setText(text)
            r = self.boundingRect()
            self.setTransform(QTransform.fromTranslate(-r.width() / 2, -r.height() * self._anchor_y))
        if color != self._color:
            self._color = color
            self.setBrush(QColor(color))
        self.setPos(x, y)


def _finite(v: Sequence[Optional[float]]) -> np.ndarray:
    return np.array([np.nan if x is None else float(x) for x in v], float)


class ClassBars(FittedTicks, pg.PlotWidget):
    """One bar per class (0..1), the value written above it; n/a where undefined."""

    def __init__(self) -> None:
        super().__init__()
        self.setMenuEnabled(False)
        self.showGrid(y=True, alpha=0.15)
        self.setMouseEnabled(x=False, y=False)
        self.setMinimumSize(220, 150)
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.65)
        self.addItem(self.bars)
        self.texts: List[Label] = []
        self.setYRange(0, 1.12, padding=0)
        self.values = np.zeros(0)
        self._layout: Tuple[str, Tuple[str, ...]] = ("", ())

    def set_values(self, title: str, names: Sequence[str], values: Sequence[Optional[float]]) -> None:
        if title != self._layout[0]:
            self.setTitle(title, size="9pt", color=foreground())
        v = _finite(values)
        self.values = v
        x = np.arange(len(v))
        brushes = [pg.mkBrush(*_rgb(i, n)) for i, n in enumerate(names)]
        pens = [pg.mkPen(_rgb(i, n)) for i, n in enumerate(names)]
        self.bars.setOpts(x=x, height=np.nan_to_num(v), width=0.65, brushes=brushes, pens=pens)
        while len(self.texts) < len(v):
            self.texts.append(Label(anchor_y=1.0))
            self.addItem(self.texts[-1], ignoreBounds=True)
        for i, t in enumerate(self.texts):
            t.setVisible(i < len(v))
            if i < len(v):
                t.show_at(translate("MetricPlots", "n/a") if np.isnan(v[i]) else f"{v[i]:.2f}", i, 0.0 if np.isnan(v[i]) else v[i])
        layout = (title, tuple(names))
        if layout != self._layout:  # titles, ticks and ranges re-lay out the plot: only on change
            self._layout = layout
            self._set_name_ticks("bottom", names, 0.0, 11)
            self.setXRange(-0.6, max(len(v), 1) - 0.4, padding=0)


class PrCurves(pg.PlotWidget):
    """Detection: precision against recall per class, a dot at the current threshold."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(translate("MetricPlots", "Precision–recall per class (dot: this threshold)"), size="9pt", color=foreground())
        self.setLabel("bottom", translate("MetricPlots", "recall"))
        self.setLabel("left", translate("MetricPlots", "precision"))
        self.showGrid(x=True, y=True, alpha=0.15)
        self.setMenuEnabled(False)
        self.setMinimumSize(220, 150)
        self.setRange(xRange=(0, 1.02), yRange=(0, 1.05), padding=0)
        self.legend = self.addLegend(offset=(-4, -4), labelTextSize="8pt")
        self.curves: List[pg.PlotDataItem] = []
        self.dots = pg.ScatterPlotItem(size=9, pen=pg.mkPen("#111"))
        self.addItem(self.dots)

    def set_curves(self, curves: Sequence[dict]) -> None:
        for c in self.curves:
            self.removeItem(c)
            self.legend.removeItem(c)
        self.curves = []
        for c in curves:
            r, p = np.asarray(c["recall"], float), np.asarray(c["precision"], float)
            ok = np.isfinite(r) & np.isfinite(p)
            item = self.plot(r[ok], p[ok], pen=pg.mkPen(_rgb(c["class_id"]), width=2), name=_short(c["class_name"], 16))
            self.curves.append(item)

    def set_points(self, per_class: Sequence[dict]) -> None:
        pts = [{"pos": (r["recall"], r["precision"]), "brush": pg.mkBrush(*_rgb(r["class_id"]))}
               for r in per_class if r.get("recall") is not None and r.get("precision") is not None]
        self.dots.setData(pts)


class RecallFprPlot(pg.PlotWidget):
    """Image-level recall and false-positive rate against the global threshold.

    The yellow line and dots mark the current threshold (dragging the line picks a
    threshold); the dashed green line is the chosen operating point.
    """

    threshold_picked = Signal(float)

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(translate("MetricPlots", "Image level: recall / false-alarm rate vs threshold"), size="9pt", color=foreground())
        self.setLabel("bottom", translate("MetricPlots", "confidence threshold"))
        self.setLabel("left", translate("MetricPlots", "share of images"))
        self.showGrid(x=True, y=True, alpha=0.15)
        self.setMenuEnabled(False)
        self.setMinimumSize(220, 150)
        self.setRange(xRange=(0, 1), yRange=(0, 1.05), padding=0.02)
        self.setMouseEnabled(x=False, y=False)
        # bottom-left: both curves start top-left and fall to the bottom-right
        legend = self.legend = self.addLegend(offset=(4, -4), labelTextSize="8pt")
        self.recall = self.plot([], [], pen=pg.mkPen(RECALL, width=2), name=translate("MetricPlots", "recall"))
        self.fpr = self.plot([], [], pen=pg.mkPen(FPR, width=2), name=translate("MetricPlots", "false-alarm rate"))
        self.op_line = pg.InfiniteLine(angle=90, pen=pg.mkPen(OP, width=1, style=pg.QtCore.Qt.PenStyle.DashLine))
        self.op_line.setVisible(False)
        self.addItem(self.op_line)
        self.line = pg.InfiniteLine(angle=90, movable=True, pen=pg.mkPen(MARK, width=1.5),
                                    hoverPen=pg.mkPen(MARK, width=3), bounds=(0, 1))
        self.line.setToolTip(translate("MetricPlots", "Drag to change the confidence threshold"))
        self.addItem(self.line)
        self.marker = pg.ScatterPlotItem(size=10, pen=pg.mkPen("#111"))
        self.addItem(self.marker)
        legend.setZValue(5)
        self.line.sigPositionChangeFinished.connect(lambda ln: self.threshold_picked.emit(round(ln.value(), 2)))
        self._pos: Tuple[float, Optional[float], Optional[float]] = (0.5, None, None)

    def set_curve(self, curve: ImageLevelCurve) -> None:
        self.recall.setData(curve.thresholds, np.nan_to_num(curve.recall, nan=0.0))
        self.fpr.setData(curve.thresholds, np.nan_to_num(curve.false_positive_rate, nan=0.0))
        for item, name, shown in ((self.recall, translate("MetricPlots", "recall"), bool(curve.num_defective)),
                                  (self.fpr, translate("MetricPlots", "false-alarm rate"), bool(curve.num_clean))):
            item.setVisible(shown)
            self.legend.removeItem(item)  # a hidden curve keeps no legend entry
            if shown:
                self.legend.addItem(item, name)

    def set_marker(self, threshold: float, recall: Optional[float], fpr: Optional[float]) -> None:
        self._pos = (threshold, recall, fpr)
        self.line.blockSignals(True)
        self.line.setValue(threshold)
        self.line.blockSignals(False)
        pts = [{"pos": (threshold, v), "brush": pg.mkBrush(c)}
               for v, c in ((recall, RECALL), (fpr, FPR)) if v is not None]
        self.marker.setData(pts)

    def marker_position(self) -> Tuple[float, Optional[float], Optional[float]]:
        """(threshold, recall, false-positive rate) the marker shows."""
        return self._pos

    def set_operating_point(self, threshold: Optional[float]) -> None:
        self.op_line.setVisible(threshold is not None)
        if threshold is not None:
            self.op_line.setValue(threshold)


class ConfusionPlot(FittedTicks, pg.PlotWidget):
    """Row-normalised confusion matrix as an image, counts written in the cells."""

    def __init__(self) -> None:
        super().__init__()
        self.setMenuEnabled(False)
        self.setMouseEnabled(x=False, y=False)
        self.setMinimumSize(220, 150)
        self.getViewBox().invertY(True)
        self.getViewBox().setAspectLocked(False)
        self.image = pg.ImageItem()
        lut = pg.ColorMap([0.0, 0.5, 1.0], [(27, 31, 38), (47, 111, 179), (158, 203, 255)]).getLookupTable(nPts=256)
        self.image.setLookupTable(lut)
        self.addItem(self.image)
        self.texts: List[Label] = []
        self.matrix = np.zeros((0, 0))
        self._layout: tuple = ()

    def set_matrix(self, title: str, matrix: np.ndarray, rows: Sequence[str], cols: Sequence[str]) -> None:
        m = np.asarray(matrix, float)
        self.matrix = m
        norm = m / np.maximum(m.sum(axis=1, keepdims=True), 1)
        self.image.setImage(norm.T, levels=(0, 1), autoLevels=False)  # x = predicted, y = ground truth
        n_cells = m.size if m.size <= MAX_TEXT_CELLS else 0
        while len(self.texts) < n_cells:
            self.texts.append(Label())
            self.addItem(self.texts[-1], ignoreBounds=True)
        for k, t in enumerate(self.texts):
            t.setVisible(k < n_cells)
            if k < n_cells:
                i, j = divmod(k, m.shape[1])
                t.show_at(_count(m[i, j]), j + 0.5, i + 0.5, "#111" if norm[i, j] > 0.6 else "#dfe6ee")
        layout = (title, tuple(rows), tuple(cols))
        if layout != self._layout:
            self._layout = layout
            self.setTitle(title, size="9pt", color=foreground())
            self._set_name_ticks("bottom", cols, 0.5, 10)
            self._set_name_ticks("left", rows, 0.5, 10)
            self.setRange(xRange=(0, max(m.shape[1], 1)), yRange=(0, max(m.shape[0], 1)), padding=0)


def _count(v: float) -> str:
    """Compact counts: pixel confusion cells run into the millions."""
    v = int(v)
    if v >= 10_000_000:
        return f"{v / 1e6:.0f}M"
    if v >= 100_000:
        return f"{v / 1e3:.0f}k"
    return str(v)

