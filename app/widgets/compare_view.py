"""Model A | model B on the current image (and the ground truth when the folder has it):
one pane per side, zoom and pan linked across all panes, each model drawn with its own
result and the decision of its own rules (:meth:`Workbench.decision_by`), as the viewer
draws (:class:`~app.widgets.screen_overlay.ScreenOverlay`: tags of one screen size, the
legend in a strip below the panes)."""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from inspectors.render.legend import LegendEntry, legend_entries
from inspectors.results import Result
from inspectors.rules import Decision
from inspectors.session import Filter

from ..model_pair import ModelPair
from ..workbench import Workbench
from ..workers import model_label
from .image_list import ImageListModel
from .image_view import ImageView
from .legend_strip import LegendStrip
from .screen_overlay import ScreenOverlay
from .viewer import _Titled

VERDICT_COLORS = {"NG": "#e5484d", "REVIEW": "#e8a33d", "OK": "#46a758"}


def merged_legend(parts: Sequence[Tuple[List[LegendEntry], List[str]]]) -> Tuple[List[LegendEntry], List[str]]:
    """The panes' :func:`~inspectors.render.legend.legend_entries` in one strip: each class
    name once (by class id, as drawn), each note once."""
    entries: Dict[str, LegendEntry] = {}
    notes: Dict[str, None] = {}
    for shown, marks in parts:
        for e in shown:
            entries.setdefault(e.name, e)
        notes.update(dict.fromkeys(marks))
    return sorted(entries.values(), key=lambda e: e.class_id), list(notes)


class CompareView(QWidget):
    """Ground truth | A | B on the bench's current image; the A and B boxes choose the
    models (:class:`~app.model_pair.ModelPair`, shared with the list's disagreement filter)."""

    def __init__(self, bench: Workbench, pair: ModelPair, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.bench, self.pair = bench, pair
        self.a_box, self.b_box = QComboBox(), QComboBox()
        for box in (self.a_box, self.b_box):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        swap = QPushButton(QCoreApplication.translate("CompareView", "Swap A and B"))
        self.note = QLabel("")
        self.note.setObjectName("muted")
        bar = QHBoxLayout()
        bar.addWidget(QLabel(QCoreApplication.translate("CompareView", "Model A")))
        bar.addWidget(self.a_box)
        bar.addWidget(QLabel(QCoreApplication.translate("CompareView", "Model B")))
        bar.addWidget(self.b_box)
        bar.addWidget(swap)
        bar.addWidget(self.note, 1)
        self.gt_pane, self.a_pane, self.b_pane = _Titled(QCoreApplication.translate("CompareView", "Ground truth")), _Titled("A"), _Titled("B")
        self.panes: List[_Titled] = [self.gt_pane, self.a_pane, self.b_pane]
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.setChildrenCollapsible(False)
        for i, p in enumerate(self.panes):
            self.split.addWidget(p)
            self.split.setStretchFactor(i, 1)
            p.caption.setTextFormat(Qt.TextFormat.RichText)
            p.caption.setWordWrap(True)  # a long caption wraps instead of widening its pane
        self._split_by_user = False  # until the user drags a handle, the panes keep one width
        self.split.splitterMoved.connect(lambda *_a: setattr(self, "_split_by_user", True))
        self.split.splitterMoved.connect(lambda *_a: self._align_captions())
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(bar)
        lay.addWidget(self.split, 1)
        self.legend = LegendStrip()  # as the viewer's: outside the image, below the panes
        lay.addWidget(self.legend)
        self.decisions: Dict[str, Optional[Decision]] = {}  # model id -> the decision its pane draws
        self._image: Optional[np.ndarray] = None
        self._linking = False
        self.overlay = ScreenOverlay([p.view for p in self.panes], self)  # the viewer's drawing
        for p in self.panes:
            p.view.view_changed.connect(lambda v=p.view: self._link(v))
        self.a_box.activated.connect(self._chosen)
        self.b_box.activated.connect(self._chosen)
        swap.clicked.connect(lambda: pair.set_pair(pair.b, pair.a))
        pair.pair_changed.connect(self._on_pair)
        pair.scores_ready.connect(self.refresh)
        bench.models.changed.connect(self._fill_boxes)
        bench.models.removed.connect(self._fill_boxes)
        for event in (bench.image_ready, bench.ground_truth_changed, bench.runs_changed, bench.thresholds_changed,
                      bench.rules_changed, bench.active_model_changed):
            event.connect(self.refresh)
        bench.outcome_stored.connect(lambda row, _m: self.refresh() if row == bench.current_row else None)
        self._fill_boxes()

    # -- models ----------------------------------------------------------------------
    def _fill_boxes(self, *_args: object) -> None:
        ids = self.pair.ready_models()
        for box in (self.a_box, self.b_box):
            box.blockSignals(True)
            box.clear()
            for mid in ids:
                box.addItem(model_label(mid), mid)
            box.blockSignals(False)
        self._on_pair(self.pair.a, self.pair.b)

    def _chosen(self, *_args: object) -> None:
        self.pair.set_pair(self.a_box.currentData() or "", self.b_box.currentData() or "")

    def _on_pair(self, a: str, b: str) -> None:
        for box, mid in ((self.a_box, a), (self.b_box, b)):
            i = box.findData(mid)
            if i >= 0:
                box.setCurrentIndex(i)
        self.refresh()

    # -- drawing ---------------------------------------------------------------------
    def refresh(self, *_args: object) -> None:
        if not self.isVisible():
            return  # closed: drawn again when opened (CompareWindow.open)
        b = self.bench
        row = b.current_row
        self._image = b.current_image if row >= 0 else None
        gt = b.ground_truth_for(row) if row >= 0 and b.ground_truth is not None else None
        if self.gt_pane.isHidden() == (b.ground_truth is not None):
            self.gt_pane.setVisible(b.ground_truth is not None)
            self._keep_equal()
        ids = self.pair.ready_models()
        self.note.setText(self._agreement(row) if len(ids) >= 2 else QCoreApplication.translate("CompareView", "Load two or more models to compare them."))
        self.decisions = {}
        if self._image is None:
            for p in self.panes:
                self.overlay.forget(p.view)
                p.view.set_image(None)
            self.legend.set_entries([])
            return
        style = b.render_style.with_(legend=False)  # the legend: the strip below the panes
        legends = []
        if b.ground_truth is not None:
            self.gt_pane.caption.setText(QCoreApplication.translate("CompareView", "Ground truth") if gt is not None else
                                         QCoreApplication.translate("CompareView", "Ground truth (none for this image)"))
            self.overlay.draw(self.gt_pane.view, self._image, gt, style.with_(thresholds=None), None)
            legends.append(legend_entries(gt, None, style.with_(thresholds=None)))
        else:
            self.overlay.forget(self.gt_pane.view)  # hidden: no redraws on zoom
        for pane, side, mid in ((self.a_pane, "A", self.pair.a), (self.b_pane, "B", self.pair.b)):
            result = b.result(row, mid) if mid else None
            decision = b.decision_by(mid, result) if result is not None else None
            self.decisions[mid] = decision
            thresholds = b.settings_of(mid)[1] if mid else None
            pane.caption.setText(self._caption(side, mid, result, decision))
            self.overlay.draw(pane.view, self._image, result, style.with_(thresholds=thresholds), decision)
            legends.append(legend_entries(None, result, style.with_(thresholds=thresholds), decision))
        shown = b.render_style.legend and style.labels
        self.legend.set_entries(*(merged_legend(legends) if shown else ([], [])))
        self._align_captions()
        self._link(self.a_pane.view)

    def equal_panes(self) -> None:
        """The panes shown get one width (the same image fits them at the same zoom)."""
        shown = [not p.isHidden() for p in self.panes]
        total = sum(self.split.sizes())
        if total > 0 and any(shown):
            each = total // sum(shown)
            self.split.setSizes([each if s else 0 for s in shown])
        self._align_captions()

    def _align_captions(self) -> None:
        """Captions of one height (a long one wraps): the views start at one height, so
        the linked panes show the same rows side by side."""
        shown = [p.caption for p in self.panes if not p.isHidden()]
        if shown:
            height = max(c.heightForWidth(max(1, c.width())) for c in shown)
            for c in shown:
                c.setMinimumHeight(height)

    def _keep_equal(self) -> None:
        if not self._split_by_user:
            QTimer.singleShot(0, self.equal_panes)  # once the layouts have settled

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._keep_equal()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self._keep_equal()

    def _agreement(self, row: int) -> str:
        score = self.bench.store.disagreement(row) if row >= 0 else None
        if score is None:
            return ""
        if score <= 0:
            return QCoreApplication.translate("CompareView", "A and B agree on this image")
        return QCoreApplication.translate("CompareView", "A and B disagree on this image (disagreement {score:g}; the list can filter and sort by it)"
                  ).format(score=score)

    def _caption(self, side: str, mid: str, result: Optional[Result], decision: Optional[Decision]) -> str:
        if not mid:
            return QCoreApplication.translate("CompareView", "{side}: no model").format(side=side)
        name = model_label(mid)
        if result is None:
            error = self.bench.store.error(self.bench.current_row, mid)
            state = QCoreApplication.translate("CompareView", "error: {message}").format(message=error) if error else QCoreApplication.translate("CompareView", "not inspected yet")
            return f"<b>{side}</b> · {name} · {state}"
        verdict = decision.verdict.name if decision is not None else "?"
        color = VERDICT_COLORS.get(verdict, "#9aa4b1")
        threshold = QCoreApplication.translate("CompareView", "threshold {value:.2f}").format(value=self.bench.settings_of(mid)[1].default)
        score = QCoreApplication.translate("CompareView", "max score {value:.2f}").format(value=result.defect_score())
        return f"<b>{side}</b> · {name} · <b style='color:{color}'>{verdict}</b> · {score} · {threshold}"

    def _link(self, src: ImageView) -> None:
        """Every other pane takes ``src``'s zoom and position (fit: each fits itself). A
        hidden pane (no ground truth) leads nothing: its resize would refit the others."""
        if self._linking or any(p.isHidden() for p in self.panes if p.view is src):
            return
        self._linking = True
        try:
            for p in self.panes:
                if p.view is not src and not p.isHidden():
                    if src.fit_mode:
                        p.view.fit()
                    else:
                        p.view.copy_view_from(src)
                    self.overlay.zoomed(p.view)  # a copied transform without a scroll emits nothing
        finally:
            self._linking = False

    def views(self) -> List[ImageView]:
        """The panes' views shown now (ground truth first when present)."""
        return [p.view for p in self.panes if not p.isHidden()]


class CompareWindow:
    """The main window's A/B parts: the pair, the list following its disagreement scores
    and View ▸ Compare models, which opens the compare view in a window of its own (a
    second screen beside the list) once two models are ready."""

    def __init__(self, window: QMainWindow, bench: Workbench, list_model: ImageListModel, view_menu: QWidget):
        self.window, self.bench = window, bench
        self.pair = ModelPair(bench, window)
        self.pair.scores_ready.connect(lambda: list_model.store_changed())
        self.view: Optional[CompareView] = None
        self.pair.wanted = lambda: list_model.filter is Filter.MODELS_DISAGREE \
            or list_model.sort_key == "disagreement" or (self.view is not None and self.view.isVisible())
        list_model.modelReset.connect(self.pair.update)  # the list now filters or sorts by it
        self.action = QAction(QCoreApplication.translate("CompareView", "Compare models (A | B)…"), window)
        self.action.setShortcut(QKeySequence("Ctrl+Shift+B"))
        self.action.setToolTip(QCoreApplication.translate("CompareView", "Model A and model B side by side on the current image, each with its own rules"))
        self.action.setEnabled(False)
        self.action.triggered.connect(self.open)
        view_menu.addSeparator()
        view_menu.addAction(self.action)
        window.addAction(self.action)
        for event in (bench.models.changed, bench.models.removed):
            event.connect(self._enable)

    def _enable(self, *_args: object) -> None:
        self.action.setEnabled(len(self.bench.models.ready()) >= 2)

    def open(self) -> CompareView:
        if self.view is None:
            self.view = CompareView(self.bench, self.pair, self.window)
            self.view.setWindowFlag(Qt.WindowType.Window)
            self.view.setWindowTitle(QCoreApplication.translate("CompareView", "Compare models"))
            room = self.window.screen().availableGeometry()  # a 1280x720 screen: inside it
            self.view.resize(min(1400, room.width() - 40), min(820, room.height() - 60))
        self.view.show()
        self.view.raise_()
        self.view.activateWindow()
        self.view.refresh()
        self.pair.update()  # the view's agree / disagree line wants the scores
        return self.view


__all__ = ["CompareView", "CompareWindow"]
