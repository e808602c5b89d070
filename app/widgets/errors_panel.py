"""Everything that went wrong, per file: unreadable images, bad ground truth,
models that failed to load. Double-click an image row to show it."""

from __future__ import annotations

from typing import Optional, Set, Tuple

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..display_text import rule_text, word
from ..i18n import translate
from ..workbench import Workbench


class ErrorsPanel(QWidget):
    """Lists the bench's problems; a double-clicked image becomes the current one. The
    dock it sits in is titled with the count."""

    open_path = Signal(str)
    count_changed = Signal(int)

    def __init__(self, bench: Workbench, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.bench = bench
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([translate("ErrorsPanel", "Kind"), translate("ErrorsPanel", "File"),
                                              translate("ErrorsPanel", "Problem")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(1, 320)
        clear = QPushButton(translate("ErrorsPanel", "Clear"))
        clear.clicked.connect(self.clear)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.table, 1)
        lay.addWidget(clear)
        self._seen: Set[Tuple[str, str, str]] = set()
        self.table.cellDoubleClicked.connect(self._on_double_click)
        self.open_path.connect(self._show_path)
        self.count_changed.connect(self._title_dock)
        bench.problem.connect(self.add)

    def _on_double_click(self, row: int, _column: int) -> None:
        self.open_path.emit(self.table.item(row, 1).text())

    def _show_path(self, path: str) -> None:
        self.bench.set_current(self.bench.store.row_of(path))

    def _title_dock(self, n: int) -> None:
        dock = self.parent()
        if isinstance(dock, QDockWidget):
            dock.setWindowTitle(translate("ErrorsPanel", "Errors ({n})").format(n=n) if n
                               else translate("ErrorsPanel", "Errors"))

    def add(self, kind: str, path: str, message: str) -> None:
        key = (kind, path, message)
        if key in self._seen:
            return
        self._seen.add(key)
        r = self.table.rowCount()
        self.table.insertRow(r)
        for c, text in enumerate(key):
            item = QTableWidgetItem(word(text) if c == 0 else rule_text(text) if c == 2 else text)
            item.setToolTip(text)  # as written (English): what a bug report or a search needs
            self.table.setItem(r, c, item)
        self.count_changed.emit(r + 1)

    def count(self) -> int:
        return self.table.rowCount()

    def clear(self) -> None:
        self._seen.clear()
        self.table.setRowCount(0)
        self.count_changed.emit(0)
