"""The Runs view: the open folder's inspection runs (model, date, images done, settings,
and a problem text for a run that cannot be read), and deleting one that is not in use."""

from __future__ import annotations

import datetime
import os
from typing import List, Optional

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inspectors.errors import InspectorError
from inspectors.runs import RunInfo

from ..display_text import word
from ..i18n import QT_TRANSLATE_NOOP, translate
from ..workbench import Workbench

COLUMNS = [QT_TRANSLATE_NOOP("RunsDialog", "Model"), QT_TRANSLATE_NOOP("RunsDialog", "Updated"),
           QT_TRANSLATE_NOOP("RunsDialog", "Images done"), QT_TRANSLATE_NOOP("RunsDialog", "Settings"),
           QT_TRANSLATE_NOOP("RunsDialog", "Problem")]


def _settings_text(info: RunInfo) -> str:
    parts = []
    if info.task:
        parts.append(word(info.task))
    if info.settings:
        parts.append(", ".join(f"{k}={v}" for k, v in sorted(info.settings.items())))
    return " · ".join(parts)


class RunsDialog(QDialog):
    """Lists ``bench.run_store``'s runs of the open folder (broken runs too)."""

    def __init__(self, bench: Workbench, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setWindowTitle(translate("RunsDialog", "Runs"))
        self.resize(820, 320)
        self.bench = bench
        self.infos: List[RunInfo] = []
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([translate("RunsDialog", c) for c in COLUMNS])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.delete_btn = QPushButton(translate("RunsDialog", "Delete run"))
        refresh = QPushButton(translate("RunsDialog", "Refresh"))
        close = QPushButton(translate("RunsDialog", "Close"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.delete_btn)
        buttons.addWidget(refresh)
        buttons.addStretch(1)
        buttons.addWidget(close)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(translate("RunsDialog", "Runs kept in {folder}").format(folder=bench.run_store.root)))
        lay.addWidget(self.table, 1)
        lay.addWidget(self.message)
        lay.addLayout(buttons)
        self.delete_btn.clicked.connect(self.delete_selected)
        refresh.clicked.connect(self.refresh)
        close.clicked.connect(self.close)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        bench.runs_changed.connect(self.refresh)
        bench.folder_opened.connect(self.refresh)
        self.refresh()

    def refresh(self, *_args: object) -> None:
        folder = self.bench.folder
        real = os.path.realpath(folder) if folder is not None else None
        try:
            every = self.bench.run_store.runs()
        except OSError as e:
            every = []
            self.message.setText(translate("RunsDialog", "The runs cannot be listed: {error}").format(error=e))
        # the folder's runs, and broken runs (their folder cannot be read, so they may be its)
        self.infos = [i for i in every if i.problem or real is None or i.folder == real]
        self.table.setRowCount(len(self.infos))
        for r, info in enumerate(self.infos):
            in_use = self._in_use(info)
            model = os.path.basename(info.model_path.rstrip("/\\")) or info.run_id
            when = datetime.datetime.fromtimestamp(info.updated).strftime("%Y-%m-%d %H:%M") if info.updated else ""
            done = (translate("RunsDialog", "{done} ({errors} errors)").format(done=info.images_done, errors=info.errors)
                    if info.errors else f"{info.images_done}")
            cells = [translate("RunsDialog", "{model} (in use)").format(model=model) if in_use else model,
                     when, done, _settings_text(info),
                     info.problem or ""]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(translate("RunsDialog", "Run {run}\nModel: {model}\nFolder: {folder}").format(
                    run=info.run_id, model=info.model_path, folder=info.folder) if c == 0 else text)
                self.table.setItem(r, c, item)
        self._update_buttons()

    def _in_use(self, info: RunInfo) -> bool:
        return any(run.run_id == info.run_id for run in self.bench.runs.values())

    def selected(self) -> Optional[RunInfo]:
        rows = {i.row() for i in self.table.selectedIndexes()}
        return self.infos[min(rows)] if rows else None

    def _update_buttons(self) -> None:
        info = self.selected()
        self.delete_btn.setEnabled(info is not None and not self._in_use(info))

    def delete_selected(self) -> bool:
        info = self.selected()
        if info is None:
            return False
        if self._in_use(info):
            self.message.setText(translate("RunsDialog", "This run is in use: remove its model or open another "
                                            "folder first."))
            return False
        try:
            self.bench.run_store.delete(info.run_id)
        except (InspectorError, OSError) as e:
            self.message.setText(translate("RunsDialog", "The run cannot be deleted: {error}").format(error=e))
            return False
        self.message.setText(translate("RunsDialog", "Deleted run {run}.").format(run=info.run_id))
        self.refresh()
        return True


__all__ = ["RunsDialog"]
