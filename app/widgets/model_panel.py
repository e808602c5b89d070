"""Loaded models with their status (and why a load failed), the model whose results
are shown, and the runtime settings (engine, device, threads, batch size). With engine
``auto`` the model's line says which backend was chosen, its timings and its agreement
with Paddle."""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from inspectors.runtime import DEVICES, ENGINES, RuntimeSettings

from ..display_text import rule_text, word
from ..i18n import translate
from ..model_manager import ModelManager
from ..state import ModelStatus
from ..workbench import Workbench
from .breakable import breakable

STATUS_MARK = {ModelStatus.LOADING: "⏳", ModelStatus.FAILED: "⚠", ModelStatus.READY: "●"}


class ModelPanel(QWidget):
    """Follows the models and the bench's active model; the model chosen in the list
    becomes the active one."""

    add_clicked = Signal()
    active_chosen = Signal(str)
    settings_changed = Signal(object)  # RuntimeSettings

    def __init__(self, models: ModelManager, bench: Workbench, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.models = models
        self.bench = bench
        self.list = QListWidget()
        self.list.setMaximumHeight(90)
        self.list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.message = QLabel(translate("ModelPanel", "No model loaded. Add an exported PaddleSeg, PaddleDetection, PaddleClas or PaddleX folder."))
        self.message.setWordWrap(True)
        self.message.setObjectName("muted")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        add, self.remove_btn, reload_btn = QPushButton(translate("ModelPanel", "Add…")), QPushButton(translate("ModelPanel", "Remove")), \
            QPushButton(translate("ModelPanel", "Reload"))
        add.setToolTip(translate("ModelPanel", "Add an exported model folder (Ctrl+M)"))
        reload_btn.setToolTip(translate("ModelPanel", "Reload every model with the settings below"))
        self.engine = QComboBox()
        self.engine.addItems(list(ENGINES))
        self.engine.setToolTip(translate("ModelPanel", "auto: measure the installed backends on a few of the folder's images, keep the fastest whose results agree with Paddle's (remembered per model)"))
        self.device = QComboBox()
        self.device.addItems(list(DEVICES))
        self.threads = QSpinBox()
        self.threads.setRange(1, 64)
        self.batch = QSpinBox()
        self.batch.setRange(1, 64)
        self.set_settings(models.settings)
        buttons = QHBoxLayout()
        for b in (add, self.remove_btn, reload_btn):
            buttons.addWidget(b)
        form = QFormLayout()
        runtime = QHBoxLayout()
        runtime.addWidget(self.device)
        runtime.addWidget(QLabel(translate("ModelPanel", "threads")))
        runtime.addWidget(self.threads)
        runtime.addWidget(QLabel(translate("ModelPanel", "batch")))
        runtime.addWidget(self.batch)
        form.addRow(translate("ModelPanel", "Engine"), self.engine)
        form.addRow(translate("ModelPanel", "Device"), runtime)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(self.list)
        lay.addLayout(buttons)  # under the list: in sight however long the message below
        lay.addWidget(self.message)
        lay.addLayout(form)
        add.clicked.connect(self.add_clicked)
        self.remove_btn.clicked.connect(self._remove)
        reload_btn.clicked.connect(self._reload)
        self.list.currentItemChanged.connect(self._on_current)
        self.active_chosen.connect(bench.set_active_model)
        models.changed.connect(self.refresh)
        models.removed.connect(self.refresh)
        bench.active_model_changed.connect(self.select)
        bench.runs_changed.connect(self.refresh)

    def _reload(self) -> None:
        self.settings_changed.emit(self.settings())

    def settings(self) -> RuntimeSettings:
        return RuntimeSettings(device=self.device.currentText(), threads=self.threads.value(),
                               batch_size=self.batch.value(), engine=self.engine.currentText())

    def set_settings(self, s: RuntimeSettings) -> None:
        self.engine.setCurrentText(s.engine)
        self.device.setCurrentText(s.device)
        self.threads.setValue(s.threads)
        self.batch.setValue(s.batch_size)

    def refresh(self, *_args) -> None:
        current = self.list.currentItem().data(Qt.ItemDataRole.UserRole) if self.list.currentItem() else None
        self.list.blockSignals(True)
        self.list.clear()
        for h in self.models.models.values():
            item = QListWidgetItem(f"{STATUS_MARK.get(h.status, '')} {h.label}")
            item.setData(Qt.ItemDataRole.UserRole, h.id)
            item.setToolTip(f"{h.path}\n{word(str(h.status))}{': ' + h.message if h.message else ''}")
            self.list.addItem(item)
            if h.id == current:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        self._show_message()

    def select(self, model_id: str) -> None:
        for i in range(self.list.count()):
            if self.list.item(i).data(Qt.ItemDataRole.UserRole) == model_id:
                self.list.setCurrentRow(i)

    def _show_message(self) -> None:
        item = self.list.currentItem()
        h = self.models.models.get(item.data(Qt.ItemDataRole.UserRole)) if item else None
        if h is None:
            n = len(self.models.models)
            self.message.setText(translate("ModelPanel", "No model loaded. Add an exported PaddleSeg, PaddleDetection, PaddleClas or PaddleX folder.") if not n else translate("ModelPanel", "Select a model."))
            self.message.setObjectName("muted")
        elif h.status is ModelStatus.FAILED:
            self.message.setText(breakable(translate("ModelPanel", "Could not load {path}:").format(path=h.path) + f"\n{h.message}"))
            self.message.setObjectName("error")
        elif h.status is ModelStatus.LOADING:
            self.message.setText(breakable(translate("ModelPanel", "Loading {path} …").format(path=h.path)))
            self.message.setObjectName("muted")
        else:
            spec = h.spec
            names = ", ".join(spec.class_names) if spec and spec.class_names else translate("ModelPanel", "from the network")
            text = translate("ModelPanel", "{format} · {task} · classes: {names}").format(
                format=spec.format, task=word(spec.task), names=names) if spec else ""
            if h.engine_note:
                text += "\n" + rule_text(h.engine_note)
            note = self.bench.run_note(h.id)
            run = self.bench.runs.get(h.id)
            if note:
                text += "\n" + rule_text(note)
            elif run is not None:
                text += "\n" + translate("ModelPanel", "Results saved in run {run}.").format(run=run.run_id)
            self.message.setText(breakable(text))
            self.message.setObjectName("error" if note else "muted")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    def _on_current(self, item: Optional[QListWidgetItem], _prev) -> None:
        self._show_message()
        if item is not None:
            self.active_chosen.emit(item.data(Qt.ItemDataRole.UserRole))

    def _remove(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.models.remove(item.data(Qt.ItemDataRole.UserRole))
