"""The central viewer: overlay, side-by-side (ground truth | prediction, linked zoom/pan)
or diff, with an empty state that says what to do next."""

from __future__ import annotations

from html import escape
from typing import Optional

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from inspectors.render import RenderStyle, diff
from inspectors.render.legend import legend_entries
from inspectors.results import Result, Thresholds
from inspectors.rules import Decision

from ..i18n import translate
from ..workbench import Workbench
from .image_view import ImageView
from .legend_strip import LegendStrip
from .pixel_readout import defect_at, defect_tooltip, pixel_text, result_text
from .screen_overlay import ScreenOverlay

OVERLAY, SIDE_BY_SIDE, DIFF, ORIGINAL = "overlay", "side by side", "diff", "original"
MODES = (OVERLAY, SIDE_BY_SIDE, DIFF, ORIGINAL)

def empty_html() -> str:
    """The empty view's text, in the interface language."""
    return ("<div style='color:#9aa4b1'><p style='font-size:18pt; color:#dfe6ee'>{}</p>"
            "<p style='font-size:11pt'>{}</p><p style='font-size:10pt'>{}</p></div>").format(
        translate("Viewer", "No images yet"),
        translate("Viewer", "Open an image folder with <b>Ctrl+O</b> or drop a folder here,<br>then add an "
                  "exported model with <b>Ctrl+M</b> and press <b>Ctrl+R</b> to inspect."),
        translate("Viewer", "Ground truth next to the images (Paddle lists, VOC, COCO, Severstal csv,<br>class "
                  "folders) is found automatically."))


class _Titled(QWidget):
    """An ImageView with a caption above it."""

    def __init__(self, title: str, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.caption = QLabel(title)
        self.caption.setObjectName("caption")
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.view = ImageView()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.caption)
        lay.addWidget(self.view, 1)


class Viewer(QWidget):
    """Shows what it is given (:meth:`set_content`); given a bench, follows its current
    image, results, ground truth and thresholds."""

    mode_changed = Signal(str)
    readout_changed = Signal(str)  # the pixel under the cursor: position, value, class / box
    zoom_changed = Signal(float)  # the current view's zoom (1.0: 100 %)

    def __init__(self, bench: Optional[Workbench] = None, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.bench = bench
        self.mode = OVERLAY
        self.style_ = RenderStyle()
        self.thresholds = Thresholds()
        self._image: Optional[np.ndarray] = None
        self._gt: Optional[Result] = None
        self._pred: Optional[Result] = None
        self._message = ""
        self._difficult: Optional[np.ndarray] = None
        self._decision: Optional[Decision] = None  # the rules' decision on the prediction shown
        self.empty = QLabel(empty_html())
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setObjectName("emptyState")
        self.single = _Titled("")
        self.left, self.right = _Titled(translate("Viewer", "Ground truth")), _Titled(translate("Viewer", "Prediction"))
        pair = QSplitter(Qt.Orientation.Horizontal)
        pair.addWidget(self.left)
        pair.addWidget(self.right)
        pair.setChildrenCollapsible(False)
        for i in (0, 1):  # the panes share width changes equally
            pair.setStretchFactor(i, 1)
        self.pair = pair
        self._split_by_user = False  # until the user drags the handle, the panes stay equal
        pair.splitterMoved.connect(lambda *_a: setattr(self, "_split_by_user", True))
        self.stack = QStackedWidget()
        for w in (self.empty, self.single, pair):
            self.stack.addWidget(w)
        self.legend = LegendStrip()  # the legend outside the image
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.stack, 1)
        lay.addWidget(self.legend)
        self._linking = False
        self.left.view.view_changed.connect(lambda: self._link(self.left.view, self.right.view))
        self.right.view.view_changed.connect(lambda: self._link(self.right.view, self.left.view))
        views = (self.single.view, self.left.view, self.right.view)
        self.overlay = ScreenOverlay(views, self)  # pictures at the view's scale, tags as Qt items
        self.labels = self.overlay.labels
        for v in views:
            v.hovered.connect(lambda x, y, v=v: self._on_hover(v, x, y))
            v.view_changed.connect(lambda v=v: self.zoom_changed.emit(v.zoom()) if v is self.view else None)
        if bench is not None:
            for event in (bench.image_ready, bench.ground_truth_changed, bench.active_model_changed,
                          bench.runs_changed):  # a run read in the background may hold this image
                event.connect(self.show_current)
            bench.outcome_stored.connect(self._on_outcome)
            bench.thresholds_changed.connect(self._on_thresholds)
            bench.rules_changed.connect(lambda _rules: self.show_current())
            bench.folder_opened.connect(self._on_folder)

    # -- following the bench ----------------------------------------------------------
    def show_current(self, *_args: object) -> None:
        b = self.bench
        if b is None or b.current_row < 0:
            return
        row = b.current_row
        gt = b.ground_truth_for(row)
        difficult = b.ground_truth.difficult_flags(b.path(row)) if gt is not None else None
        pred = b.result(row)
        self._decision = b.decision_of(pred) if pred is not None else None
        self.set_content(b.current_image, gt, pred, b.current_error, difficult)

    def _on_outcome(self, row: int, _model: str) -> None:
        if self.bench is not None and row == self.bench.current_row:
            self.show_current()

    def _on_thresholds(self, thresholds: Thresholds) -> None:
        if self.bench is not None:
            self.style_, self.thresholds = self.bench.render_style, thresholds
            self.show_current()  # the decision follows the thresholds and the band

    def _on_folder(self, folder: str) -> None:
        if self.bench is not None and not len(self.bench.store):
            self.show_empty("<p style='font-size:14pt'>{}</p><p>{}</p>".format(
                escape(translate("Viewer", "No images in {folder}").format(folder=folder)),
                translate("Viewer", "Supported: BMP, JPEG, PNG, TIFF, WebP …")))

    def _link(self, src: ImageView, dst: ImageView) -> None:
        if self._linking:
            return
        self._linking = True
        try:
            if src.fit_mode:  # each pane fits its own width (a copied transform would clip)
                dst.fit()
            else:
                dst.copy_view_from(src)
        finally:
            self._linking = False
        self.overlay.zoomed(dst)  # a copied transform without a scroll emits nothing

    def equal_panes(self) -> None:
        """Side by side: the ground-truth and prediction panes get the same width."""
        total = sum(self.pair.sizes())
        if total > 0:
            self.pair.setSizes([total // 2, total - total // 2])

    def _keep_equal(self) -> None:
        if self.mode == SIDE_BY_SIDE and not self._split_by_user:
            QTimer.singleShot(0, self.equal_panes)  # once the layouts have settled

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._keep_equal()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self._keep_equal()

    def fit(self) -> None:
        """Fit the image (F): side by side, both panes at equal widths, each fitted."""
        if self.mode == SIDE_BY_SIDE:
            self._split_by_user = False
            self.equal_panes()
            self.left.view.fit()
            self.right.view.fit()
        else:
            self.single.view.fit()

    @property
    def view(self) -> ImageView:
        """The view that has focus in the current mode (for fit / 1:1 actions)."""
        return self.left.view if self.mode == SIDE_BY_SIDE else self.single.view

    def set_mode(self, mode: str) -> None:
        if mode not in MODES or mode == self.mode:
            return
        self.mode = mode
        self.refresh()
        if mode == SIDE_BY_SIDE:
            self.equal_panes()
            self._keep_equal()
        self.mode_changed.emit(mode)

    def set_content(self, image: Optional[np.ndarray], gt: Optional[Result], pred: Optional[Result],
                    message: str = "", difficult: Optional[np.ndarray] = None) -> None:
        """``difficult``: per ground-truth box, True for VOC difficult / COCO crowd boxes, which
        the diff marks as the metrics count them (neither hit nor miss)."""
        if pred is not self._pred and self.bench is None:
            self._decision = None
        self._image, self._gt, self._pred, self._message = image, gt, pred, message
        self._difficult = difficult
        self.refresh()

    def set_style(self, style: RenderStyle, thresholds: Thresholds) -> None:
        self.style_, self.thresholds = style, thresholds
        self.refresh()

    def show_empty(self, html: str = "") -> None:
        self._image = None
        self.legend.set_entries([])
        self.empty.setText(html or empty_html())
        self.stack.setCurrentIndex(0)

    def refresh(self) -> None:
        if self._image is None:
            if self._message:
                self.show_empty(f"<p style='color:#e0787a; font-size:12pt'>{self._message}</p>")
            return
        style = self.style_.with_(thresholds=self.thresholds, legend=False)  # legend: the strip
        img = self._image
        self._update_legend(style)
        if self.mode == SIDE_BY_SIDE:
            if self.stack.currentIndex() != 2:  # the pair shown now: equal panes once laid out
                self.stack.setCurrentIndex(2)
                self._keep_equal()
            self.left.caption.setText(translate("Viewer", "Ground truth") if self._gt is not None
                                      else translate("Viewer", "Ground truth (none for this image)"))
            self.right.caption.setText(translate("Viewer", "Prediction") if self._pred is not None
                                       else translate("Viewer", "Prediction (not inspected yet)"))
            self._draw(self.left.view, self._gt, style.with_(thresholds=None), None)
            self._draw(self.right.view, self._pred, style, self._decision)
            self._link(self.left.view, self.right.view)
            return
        self.stack.setCurrentIndex(1)
        if self.mode == DIFF:
            self.single.caption.setText(translate("Viewer", "Diff: green hit · red false positive · orange miss"))
            self._forget(self.single.view)
            self.single.view.set_image(diff(img, self._gt, self._pred, self.thresholds,
                                                difficult=self._difficult))
        elif self.mode == ORIGINAL:
            self.single.caption.setText(translate("Viewer", "Original"))
            self._forget(self.single.view)
            self.single.view.set_image(img)
        else:
            self.single.caption.setText(translate("Viewer", "Prediction") if self._pred is not None else translate("Viewer", "Not inspected yet"))
            self._draw(self.single.view, self._pred, style, self._decision)

    def _draw(self, view: ImageView, result: Optional[Result], style: RenderStyle,
              decision: Optional[Decision]) -> None:
        """The overlay at the view's scale (:class:`ScreenOverlay`)."""
        self.overlay.draw(view, self._image, result, style, decision)

    def _forget(self, view: ImageView) -> None:
        self.overlay.forget(view)

    def _update_legend(self, style: RenderStyle) -> None:
        """The strip below the panes lists what the current mode draws."""
        if self.mode in (DIFF, ORIGINAL) or not (self.style_.legend and style.labels):  # diff: its caption
            self.legend.set_entries([])
            return
        truth = self._gt if self.mode == SIDE_BY_SIDE else None
        self.legend.set_entries(*legend_entries(truth, self._pred, style, self._decision))

    def set_zoom(self, zoom: float) -> None:
        """A zoom preset (1.0: 100 %); side by side, the other pane follows."""
        self.view.set_zoom(zoom)

    def _on_hover(self, view: ImageView, x: int, y: int) -> None:
        """The status bar's readout and the hovered defect's tooltip (class, score, area, size)."""
        if x < 0 or self._image is None:
            view.viewport().setToolTip("")
            self.readout_changed.emit("")
            return
        shown = self._gt if view is self.left.view else self._pred
        if self.mode in (ORIGINAL, DIFF):
            shown = self._pred
        parts = [pixel_text(self._image, x, y), result_text(shown, x, y)]
        self.readout_changed.emit("   ".join(p for p in parts if p))
        d = defect_at(self._decision, x, y, self._pred) if shown is self._pred else None
        view.viewport().setToolTip(defect_tooltip(d) if d is not None else "")

    def current_pixels(self) -> Optional[np.ndarray]:
        """What the main view shows now (for tests and screenshots)."""
        return self._image
