"""Everything that went wrong, per file: unreadable images, bad ground truth,
models that failed to load. Double-click an image row to show it."""

from __future__ import annotations

from typing import Optional, Set, Tuple

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


class ErrorsPanel(QWidget):
    open_path = Signal(str)
    count_changed = Signal(int)

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Kind", "File", "Problem"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(1, 320)
        clear = QPushButton("Clear")
        clear.clicked.connect(self.clear)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.table, 1)
        lay.addWidget(clear)
        self._seen: Set[Tuple[str, str, str]] = set()
        self.table.cellDoubleClicked.connect(lambda r, _c: self.open_path.emit(self.table.item(r, 1).text()))

    def add(self, kind: str, path: str, message: str) -> None:
        key = (kind, path, message)
        if key in self._seen:
            return
        self._seen.add(key)
        r = self.table.rowCount()
        self.table.insertRow(r)
        for c, text in enumerate(key):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            self.table.setItem(r, c, item)
        self.count_changed.emit(r + 1)

    def count(self) -> int:
        return self.table.rowCount()

    def clear(self) -> None:
        self._seen.clear()
        self.table.setRowCount(0)
        self.count_changed.emit(0)
