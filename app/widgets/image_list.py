"""The virtual image list: one QAbstractListModel row per visible image.

Nothing is computed per file when a folder opens (a list of paths is all there is);
names, state icons and tooltips are made only for the rows Qt paints.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from inspectors.session import Filter, ImageState, Verdict

from ..display_text import word
from ..i18n import QT_TRANSLATE_NOOP, translate
from ..list_order import SORT_KEYS, ordered, search
from ..metrics_glue import MetricsController
from ..thumbnails import THUMB_PX, ThumbnailLoader
from ..workbench import Workbench

#: the list filters' names (marked here, translated where shown)
FILTER_NAMES = {Filter.ALL: QT_TRANSLATE_NOOP("ImageList", "All"), Filter.FLAGGED: QT_TRANSLATE_NOOP("ImageList", "NG"),
                Filter.REVIEW: QT_TRANSLATE_NOOP("ImageList", "REVIEW"), Filter.OK: QT_TRANSLATE_NOOP("ImageList", "OK"),
                Filter.DISAGREE: QT_TRANSLATE_NOOP("ImageList", "Ground-truth disagreement"),
                Filter.ERRORS: QT_TRANSLATE_NOOP("ImageList", "Errors"),
                Filter.NO_RESULT: QT_TRANSLATE_NOOP("ImageList", "Not inspected"),
                Filter.MODELS_DISAGREE: QT_TRANSLATE_NOOP("ImageList", "Models disagree")}
STATE_COLORS = {ImageState.NG: "#e5484d", ImageState.REVIEW: "#e8a33d", ImageState.OK: "#46a758",
                ImageState.NO_RESULT: "#5b6470", ImageState.STALE: "#8b7fd6", ImageState.ERROR: "#b07cf0"}
#: a mark on each state's dot, so the list reads without colour too
STATE_MARKS = {ImageState.NG: "✕", ImageState.REVIEW: "?", ImageState.OK: "✓", ImageState.NO_RESULT: "",
               ImageState.STALE: "~", ImageState.ERROR: "!"}
ROW_ROLE = Qt.ItemDataRole.UserRole + 1


def _dot(color: str, mark: str = "") -> QIcon:
    pm = QPixmap(16, 16)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setBrush(QColor(color))
    p.setPen(QColor(color))
    p.drawEllipse(1, 1, 14, 14)
    if mark:
        font = p.font()
        font.setPixelSize(11)
        font.setBold(True)
        p.setFont(font)
        p.setPen(QColor("#101418"))
        p.drawText(pm.rect(), Qt.AlignmentFlag.AlignCenter, mark)
    p.end()
    return QIcon(pm)


#: columns: name (elided in the middle), score, verdict mark (fixed widths, never "...")
NAME_COL, SCORE_COL, MARK_COL = 0, 1, 2
VERDICT_MARKS = {Verdict.CONFIRMED: "✔", Verdict.REJECTED: "✘"}
TILE_H = THUMB_PX + 18  # a grid tile: the picture, then its name


class ImageListModel(QAbstractTableModel):
    def __init__(self, bench: Workbench, parent: Optional[QObject] = None):
        super().__init__(parent)
        self.bench = bench
        self.filter: Union[Filter, str] = Filter.ALL  # a str: an error-analysis filter key
        self.error_rows: Optional[Callable[[str], List[int]]] = None  # key -> store rows
        self.sort_key = "folder"  # a key of list_order.SORT_KEYS
        self.pattern = ""  # the search box: substring or glob
        self._names: Optional[List[str]] = None
        self.rows: List[int] = []
        self._pos: Optional[Dict[int, int]] = None
        self._icons = {s: _dot(c, STATE_MARKS[s]) for s, c in STATE_COLORS.items()}
        self._badges = {s: _dot(c, STATE_MARKS[s]).pixmap(20, 20) for s, c in STATE_COLORS.items()}
        self.thumbs: Optional[ThumbnailLoader] = None  # the grid's thumbnails
        self.grid_mode = False  # decorations are thumbnails with a state badge
        self._timer = QTimer(self, singleShot=True, interval=150)
        self._timer.timeout.connect(self.rebuild)

    def identity(self) -> bool:
        return self.filter is Filter.ALL and self.sort_key == "folder" and not self.pattern.strip()

    def names(self) -> List[str]:
        """Every image's name as listed (made once per folder, only when searched or sorted by)."""
        images = self.bench.store.images
        if self._names is None or len(self._names) != len(images):
            self._names = [self._name(p) for p in images]
        return self._names

    def rebuild(self) -> None:
        self.beginResetModel()
        store = self.bench.store
        if isinstance(self.filter, Filter):
            rows = store.rows(self.filter)
        else:
            rows = sorted(self.error_rows(self.filter) if self.error_rows else [])
        if self.pattern.strip() or self.sort_key == "name":
            names = self.names()
            rows = search(rows, names, self.pattern)
        else:
            names = []
        self.rows = ordered(store, rows, names, self.sort_key)
        self._pos = None
        self.endResetModel()

    def folder_changed(self) -> None:
        self._names = None
        self.rebuild()

    def set_view(self, which: Union[Filter, str], sort_key: str = "folder", pattern: Optional[str] = None) -> None:
        self.filter, self.sort_key = which, sort_key
        if pattern is not None:
            self.pattern = pattern
        self.rebuild()

    def position(self, store_row: int) -> int:
        if self.identity():
            return store_row if 0 <= store_row < len(self.rows) else -1
        if self._pos is None:
            self._pos = {r: i for i, r in enumerate(self.rows)}
        return self._pos.get(store_row, -1)

    def store_changed(self, store_row: int = -1) -> None:
        """A row (or, with -1, every row) may have changed state."""
        if self.identity():
            if store_row < 0:
                if self.rows:
                    self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, MARK_COL))
            elif 0 <= store_row < len(self.rows):
                self.dataChanged.emit(self.index(store_row, 0), self.index(store_row, MARK_COL))
        else:
            self._timer.start()  # coalesce bursts of results into one refilter

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else 3

    def _name(self, path: str) -> str:
        folder = str(self.bench.folder or "")
        return path[len(folder) + 1:] if folder and path.startswith(folder + os.sep) else os.path.basename(path)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        store = self.bench.store
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == NAME_COL and self.grid_mode and self.thumbs is not None:
                return None  # the tile carries the name under the picture
            if col == NAME_COL:
                return self._name(store.images[row])
            if col == SCORE_COL:
                return f"{store.defect_score(row):.2f}" if store.has_result(row) else ""
            return VERDICT_MARKS.get(self.bench.verdict(row), "")
        if role == Qt.ItemDataRole.TextAlignmentRole and col != NAME_COL:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.DecorationRole:
            if col != NAME_COL:
                return None
            if self.grid_mode and self.thumbs is not None:
                return self._tile(store.images[row], store.state(row), os.path.basename(store.images[row]))
            return self._icons[store.state(row)]
        if role == Qt.ItemDataRole.ToolTipRole:
            state = store.state(row)
            classes = ", ".join(store.flagged_classes(row))
            gt = store.gt_defective(row)
            gt_text = "" if gt is None else "\n" + (translate("ImageList", "ground truth: defect") if gt else
                                                    translate("ImageList", "ground truth: clean"))
            verdict = self.bench.verdict(row)
            verdict_text = {Verdict.CONFIRMED: "\n" + translate("ImageList", "verdict: confirmed"),
                            Verdict.REJECTED: "\n" + translate("ImageList", "verdict: rejected")}.get(verdict, "")
            return f"{store.images[row]}\n{word(state.value)}{': ' + classes if classes else ''}{gt_text}{verdict_text}"
        if role == ROW_ROLE:
            return row
        return None


    def _tile(self, path: str, state: ImageState, name: str) -> QPixmap:
        """The grid's picture: the thumbnail (or an empty frame while it decodes) centred in a
        square, the state badge in its top-left corner, the file name under it (light on dark:
        readable in either theme)."""
        tile = QPixmap(THUMB_PX, TILE_H)
        tile.fill(QColor("#15181d"))
        thumb: Optional[QImage] = self.thumbs.get(path) if self.thumbs is not None else None
        p = QPainter(tile)
        if thumb is not None:
            p.drawImage((THUMB_PX - thumb.width()) // 2, (THUMB_PX - thumb.height()) // 2, thumb)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.drawPixmap(3, 3, self._badges[state])
        font = p.font()
        font.setPixelSize(11)
        p.setFont(font)
        p.fillRect(0, THUMB_PX, THUMB_PX, TILE_H - THUMB_PX, QColor(STATE_COLORS[state]).darker(300))
        p.setPen(QColor("#eef1f5"))
        text = p.fontMetrics().elidedText(name, Qt.TextElideMode.ElideMiddle, THUMB_PX - 6)
        p.drawText(3, THUMB_PX, THUMB_PX - 6, TILE_H - THUMB_PX, Qt.AlignmentFlag.AlignCenter, text)
        p.end()
        return tile

    def thumbnail_ready(self, path: str) -> None:
        row = self.bench.store.row_of(path)
        pos = self.position(row) if row is not None and row >= 0 else -1
        if pos >= 0:
            idx = self.index(pos, NAME_COL)
            self.dataChanged.emit(idx, idx, [Qt.ItemDataRole.DecorationRole])


class ImageListPanel(QWidget):
    """Filter / sort controls over the list; the row chosen becomes the bench's current
    image (and is emitted). Follows the bench (folder, results, verdicts, current image)
    and, given one, the metrics' error filters."""

    row_chosen = Signal(int)

    def __init__(self, bench: Workbench, metrics: Optional[MetricsController] = None,
                 parent: Optional[QWidget] = None, thumbs_dir: Optional[Path] = None):
        """``thumbs_dir``: where the grid's thumbnails are cached (under the work dir, never the
        image folder); without it the grid button is hidden."""
        super().__init__(parent)
        self.bench = bench
        self.model = ImageListModel(bench, self)
        if thumbs_dir is not None:
            self.model.thumbs = ThumbnailLoader(thumbs_dir, parent=self)
            self.model.thumbs.ready.connect(self.model.thumbnail_ready)
        self.grid_button = QToolButton()
        self.grid_button.setText(translate("ImageList", "Grid"))
        self.grid_button.setToolTip(translate("ImageList", "Thumbnails with their state badge instead of the list"))
        self.grid_button.setCheckable(True)
        self.grid_button.setVisible(thumbs_dir is not None)
        self.grid = QListView()
        self.grid.setModel(self.model)
        self.grid.setViewMode(QListView.ViewMode.ListMode)  # with wrapping: a grid laid out by arithmetic
        self.grid.setFlow(QListView.Flow.LeftToRight)
        self.grid.setWrapping(True)
        self.grid.setResizeMode(QListView.ResizeMode.Adjust)
        self.grid.setUniformItemSizes(True)
        self.grid.setLayoutMode(QListView.LayoutMode.Batched)
        self.grid.setBatchSize(200)
        self.grid.setIconSize(QSize(THUMB_PX, TILE_H))
        self.grid.setGridSize(QSize(THUMB_PX + 10, TILE_H + 10))
        self.grid.setSpacing(0)
        self.grid.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setItemAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.filter_box = QComboBox()
        for f in Filter:
            self.filter_box.addItem(translate("ImageList", FILTER_NAMES[f]), f)
        self.sort_box = QComboBox()
        self.sort_box.setToolTip(translate("ImageList", "Sort the list"))
        for key, sort in SORT_KEYS.items():
            self.sort_box.addItem(translate("ListOrder", sort.label), key)
        self.search = QLineEdit()
        self.search.setPlaceholderText(translate("ImageList", "Search names: text or glob (*_12?.png)"))
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip(translate("ImageList", "A part of the file name, or a glob with * ? [ ] (case-insensitive)"))
        self._search_timer = QTimer(self, singleShot=True, interval=200)  # one rebuild per pause in typing
        self._search_timer.timeout.connect(self._view_changed)
        # A table with fixed row heights lays out only the visible rows; QListView and
        # QTreeView walk every row after a reset (half a second at 100,000 rows).
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.horizontalHeader().setVisible(False)
        header = self.view.horizontalHeader()
        header.setMinimumSectionSize(8)
        header.setSectionResizeMode(NAME_COL, QHeaderView.ResizeMode.Stretch)
        fm = self.view.fontMetrics()
        for col, sample in ((SCORE_COL, "0.000"), (MARK_COL, "✔✔")):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(col, fm.horizontalAdvance(sample) + 12)
        self.view.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # the file number stays visible
        vh = self.view.verticalHeader()
        vh.setVisible(False)
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(self.view.fontMetrics().height() + 6)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setAlternatingRowColors(True)
        self.summary = QLabel("")
        self.summary.setObjectName("muted")
        for box in (self.filter_box, self.sort_box):  # narrow docks: the texts elide, the dock does not widen
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(8)
        top = QHBoxLayout()
        top.addWidget(self.filter_box, 1)
        top.addWidget(self.sort_box)
        top.addWidget(self.grid_button)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.grid)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(top)
        lay.addWidget(self.search)
        lay.addWidget(self.stack, 1)
        lay.addWidget(self.summary)
        self.filter_box.currentIndexChanged.connect(self._view_changed)
        self.sort_box.currentIndexChanged.connect(self._view_changed)
        self.search.textChanged.connect(self._search_timer.start)
        self.view.selectionModel().currentChanged.connect(self._on_current)
        self.grid.selectionModel().currentChanged.connect(self._on_current)
        self.grid_button.toggled.connect(self.set_grid)
        self.model.modelReset.connect(self._reselect)
        self.row_chosen.connect(bench.set_current)
        bench.folder_opened.connect(self._on_folder)
        bench.states_changed.connect(self.model.store_changed)
        bench.ground_truth_changed.connect(self.model.store_changed)
        bench.outcome_stored.connect(self._on_outcome)
        bench.verdict_changed.connect(self.model.store_changed)
        bench.current_changed.connect(self._on_bench_current)
        if metrics is not None:
            self.model.error_rows = metrics.rows_for
            metrics.filters_changed.connect(self.set_error_filters)

    def _on_folder(self, _folder: str) -> None:
        if self.model.thumbs is not None:
            self.model.thumbs.forget()
        self.model.folder_changed()

    def set_grid(self, on: bool) -> None:
        """Thumbnails (decoded only for the items the grid paints) or the list."""
        if self.grid_button.isChecked() != on:
            self.grid_button.setChecked(on)  # comes back here
            return
        self.model.grid_mode = on
        self.stack.setCurrentWidget(self.grid if on else self.view)
        if self.model.rows:
            self.model.dataChanged.emit(self.model.index(0, 0), self.model.index(len(self.model.rows) - 1, 0),
                                        [Qt.ItemDataRole.DecorationRole])
        self.select(self.bench.current_row, emit=False)

    def active_view(self) -> QAbstractItemView:
        return self.grid if self.model.grid_mode else self.view

    def _on_outcome(self, row: int, _model: str) -> None:
        self.model.store_changed(row)

    def _on_bench_current(self, row: int) -> None:
        self.select(row, emit=False)

    def set_filter(self, which: Union[Filter, str]) -> None:
        """A session filter, or the key of an error-analysis filter."""
        keys = [self.filter_box.itemData(i) for i in range(self.filter_box.count())]
        self.filter_box.setCurrentIndex(keys.index(which))

    def set_error_filters(self, items: Sequence[Tuple[str, str, Optional[int]]]) -> None:
        """Error-analysis filters below the session ones: (label, key, image count or None)."""
        box, n = self.filter_box, len(Filter) + 1  # + a separator
        keys = [key for _label, key, _count in items]
        if [box.itemData(i) for i in range(n, box.count())] != keys:
            current = self.model.filter
            box.blockSignals(True)
            while box.count() > n - 1:
                box.removeItem(n - 1)
            if items:
                box.insertSeparator(n - 1)
            for _label, key, _count in items:
                box.addItem("", key)
            if not isinstance(current, Filter) and current in keys:
                box.setCurrentIndex(n + keys.index(current))
            box.blockSignals(False)
            if not isinstance(current, Filter) and current not in keys:
                box.setCurrentIndex(0)
                self._view_changed()
        for i, (label, _key, count) in enumerate(items):
            box.setItemText(n + i, label + ("" if count is None else f" ({count})"))
        if not isinstance(self.model.filter, Filter):
            self.model.store_changed()  # the filter's rows follow the threshold

    def _view_changed(self) -> None:
        data = self.filter_box.currentData()  # Qt hands back the str value, not the enum
        which = Filter(data) if data in {f.value for f in Filter} else data
        self.model.set_view(which, self.sort_box.currentData(), self.search.text())

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.row_chosen.emit(self.model.rows[current.row()])

    def _reselect(self) -> None:
        self.select(self.bench.current_row, emit=False)

    def select(self, store_row: int, emit: bool = True) -> None:
        pos = self.model.position(store_row)
        if pos < 0:
            return
        idx = self.model.index(pos, 0)
        active = self.active_view()
        for view in (self.view, self.grid):  # both follow; only the one shown tells the bench
            sm = view.selectionModel()
            quiet = view is not active or not emit
            if quiet:
                sm.blockSignals(True)
            sm.setCurrentIndex(idx, sm.SelectionFlag.ClearAndSelect | sm.SelectionFlag.Rows)
            if quiet:
                sm.blockSignals(False)
        active.scrollTo(idx)

    def step(self, delta: int, flagged_only: bool = False, state: Optional[ImageState] = None) -> None:
        """Move to the next/previous row in list order: any, or only NG ones
        (``flagged_only``), or only rows in ``state`` (the review queue: REVIEW)."""
        if flagged_only:
            state = ImageState.NG
        rows = self.model.rows
        if not rows:
            return
        pos = self.model.position(self.bench.current_row)
        i = pos
        while True:
            i = (i + delta) if i >= 0 else (0 if delta > 0 else len(rows) - 1)
            if not 0 <= i < len(rows):
                return
            if state is None or self.bench.store.state(rows[i]) is state:
                self.select(rows[i])
                return
