"""Overlays at each view's scale, one implementation for the viewer and the compare window:
the picture drawn for the view's zoom (:mod:`inspectors.render.screen`: thin lines), the tags
as Qt items of one screen size (:class:`~app.widgets.screen_labels.ScreenLabels`), re-placed
at once on zoom while the picture is redrawn for the new zoom on a worker thread."""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from PySide6.QtCore import QObject, QTimer

from inspectors.render import RenderStyle, annotate
from inspectors.render.screen import enlarged, render_factor, screen_style
from inspectors.render.text import Tag, collect_tags
from inspectors.results import Result
from inspectors.rules import Decision

from ..workers import FunctionWorker, WorkerPool
from .image_view import ImageView
from .screen_labels import ScreenLabels


def render_overlay(img: np.ndarray, result: Optional[Result], style: RenderStyle, decision: Optional[Decision],
                   zoom: float) -> Tuple[np.ndarray, int, List[Tag]]:
    """(picture, k, tags): the overlay on the image enlarged k times for ``zoom``, its tags apart."""
    k = render_factor(zoom, img.shape)
    big, res = enlarged(img, result, k)
    with collect_tags() as tags:
        picture = annotate(big, res, screen_style(style, zoom, k), decision)
    return picture, k, tags


def fit_zoom(view: ImageView, img: np.ndarray) -> float:
    """The zoom at which ``img`` fits ``view``'s viewport."""
    port = view.viewport().size()
    return max(0.02, min(port.width() / max(1, img.shape[1]), port.height() / max(1, img.shape[0])))


class ScreenOverlay(QObject):
    """The overlays of ``views``: :meth:`draw` one, :meth:`forget` it when the view shows
    something else. Follows each view's zoom by itself (``view_changed``); a view whose
    transform was set without a scroll (:meth:`ImageView.copy_view_from`) calls :meth:`zoomed`."""

    def __init__(self, views: Sequence[ImageView], parent: QObject):
        super().__init__(parent)
        self.labels: Dict[ImageView, ScreenLabels] = {}
        self.rendered: Dict[ImageView, float] = {}  # the zoom each view's picture was drawn for
        self.busy: Dict[ImageView, bool] = {}  # a redraw under way
        self._job: Dict[ImageView, int] = {}  # per view: the latest redraw asked for
        self._drawn: Dict[ImageView, tuple] = {}  # per view: what it shows (image, result, style, decision)
        self._redraw = QTimer(self, singleShot=True, interval=40)  # zoom steps: one redraw
        self._redraw.timeout.connect(self._redraw_views)
        self._pool = WorkerPool(1, self)  # zoom redraws off the GUI thread, one at a time
        for v in views:
            self.labels[v] = ScreenLabels(v.scene())
            v.view_changed.connect(lambda v=v: self.zoomed(v))

    def draw(self, view: ImageView, img: np.ndarray, result: Optional[Result], style: RenderStyle,
             decision: Optional[Decision]) -> None:
        """Show ``img`` with ``result``'s overlay (as ``decision`` decided it) in ``view``."""
        zoom = view.zoom() if view.has_image() and self.rendered.get(view) else fit_zoom(view, img)
        self._job[view] = self._job.get(view, 0) + 1  # a redraw under way is outdated
        self._drawn[view] = (img, result, style, decision)
        picture, k, tags = render_overlay(img, result, style, decision, zoom)
        view.set_image(picture, 1.0 / k)
        self.rendered[view] = view.zoom()
        self.labels[view].set_tags(tags, 1.0 / k, (img.shape[1], img.shape[0]), view.zoom())
        if abs(view.zoom() - zoom) > 0.01 * zoom:  # a new size fitted: draw again at its zoom
            self._redraw.start()

    def forget(self, view: ImageView) -> None:
        """The view shows no overlay now: no tags, no redraw."""
        self._drawn.pop(view, None)
        self.rendered.pop(view, None)
        self._job[view] = self._job.get(view, 0) + 1
        self.labels[view].clear()

    def zoomed(self, view: ImageView) -> None:
        """The view's zoom may have changed: tags re-placed now, the picture redrawn soon."""
        labels = self.labels[view]
        if labels.zoom and abs(view.zoom() - labels.zoom) > 1e-3 * labels.zoom:
            labels.place(view.zoom())  # the tags keep their screen size at once
        done = self.rendered.get(view)
        if view in self._drawn and done and abs(view.zoom() - done) > 0.01 * done:
            self._redraw.start()

    def _redraw_views(self) -> None:
        for view in list(self._drawn):
            done = self.rendered.get(view)
            if done and abs(view.zoom() - done) > 0.01 * done:
                self._redraw_async(view)

    def _redraw_async(self, view: ImageView) -> None:
        """The picture drawn again for the view's zoom on a worker thread; the GUI keeps
        panning and zooming (the tags already follow). One at a time; the latest wins."""
        if self.busy.get(view):
            return  # picked up when the one under way returns
        drawn = self._drawn.get(view)
        if drawn is None:
            return
        img, result, style, decision = drawn
        zoom, job = view.zoom(), self._job.get(view, 0)
        self.busy[view] = True

        def work():
            return view, job, zoom, render_overlay(img, result, style, decision, zoom)

        worker = FunctionWorker(work)
        # bound slots of this QObject: disconnected when the overlay is gone
        worker.signals.returned.connect(self._redrawn)
        worker.signals.errored.connect(self._redraw_failed)
        self._pool.start(worker)

    def _redrawn(self, payload) -> None:
        view, job, zoom, (picture, k, tags) = payload
        self.busy[view] = False
        if job == self._job.get(view) and view in self._drawn:  # else the content changed meanwhile
            img = self._drawn[view][0]
            view.set_image(picture, 1.0 / k)
            self.rendered[view] = zoom
            self.labels[view].set_tags(tags, 1.0 / k, (img.shape[1], img.shape[0]), view.zoom())
        self._redraw_views()  # the zoom moved on while drawing: once more

    def _redraw_failed(self, _error: object) -> None:
        self.busy.clear()  # the picture stays as it was drawn last
