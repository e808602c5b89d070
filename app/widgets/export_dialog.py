"""Export flagged images (originals, overlays, compare images, CSV + JSON report and the
inspection report: report.html / report.pdf / images.csv / defects.csv) in the background,
with progress, cancel and an overwrite question."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Callable, List, Optional

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inspectors.errors import InspectorError
from inspectors.export import (
    ExportExistsError,
    ExportItem,
    ExportOptions,
    check_target,
    export_flagged,
)
from inspectors.session import Filter, Verdict

from ..i18n import QT_TRANSLATE_NOOP, translate
from ..workbench import Workbench
from ..workers import FunctionWorker, WorkerPool, error_text

SCOPES = ((QT_TRANSLATE_NOOP("ExportDialog", "Flagged images"), "flagged"),
          (QT_TRANSLATE_NOOP("ExportDialog", "Confirmed defects"), "confirmed"),
          (QT_TRANSLATE_NOOP("ExportDialog", "All inspected images"), "inspected"))


def _decide(store, model: str, result):
    """(export thread) The rules' decision on ``result``; None when they cannot apply."""
    try:
        return store.decide(model, result)
    except InspectorError:
        return None


def ask_overwrite(parent: QWidget, message: str) -> bool:
    answer = QMessageBox.question(parent, translate("ExportDialog", "Replace export?"),
                                  translate("ExportDialog", "{message}\n\nReplace its contents?").format(message=message))
    return answer == QMessageBox.StandardButton.Yes


class ExportDialog(QDialog):
    done = Signal(object)  # ExportSummary
    failed = Signal(str)  # the message shown

    def __init__(self, bench: Workbench, style, default_dir: str = "", parent: Optional[QWidget] = None,
                 confirm_overwrite: Callable[[QWidget, str], bool] = ask_overwrite):
        super().__init__(parent)
        self.setWindowTitle(translate("ExportDialog", "Export images and report"))
        self.bench, self.render_style, self.confirm_overwrite = bench, style, confirm_overwrite
        self.pool = WorkerPool(1, self)
        self.worker: Optional[FunctionWorker] = None
        self.folder = QLineEdit(default_dir)
        browse = QPushButton(translate("ExportDialog", "Browse…"))
        browse.clicked.connect(self._browse)
        self.scope = QComboBox()
        for text, key in SCOPES:
            self.scope.addItem(translate("ExportDialog", "{scope} ({count})").format(
                scope=translate("ExportDialog", text), count=len(self._rows(key))), key)
        self.originals, self.overlays, self.compare = (QCheckBox(t) for t in (
            translate("ExportDialog", "Original images"), translate("ExportDialog", "Overlays"),
            translate("ExportDialog", "Ground truth | prediction")))
        self.report = QCheckBox(translate("ExportDialog", "Report (HTML, PDF, CSV)"))
        for c in (self.originals, self.overlays, self.compare, self.report):
            c.setChecked(True)
        self.progress = QProgressBar()
        self.status = QLabel(translate("ExportDialog", "Writes a new folder with report.html, report.pdf, images.csv "
                                       "and defects.csv (and report.csv / report.json); the image "
                                       "folder is never modified."))
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.export_btn = self.buttons.addButton(translate("ExportDialog", "Export"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_btn = self.buttons.addButton(translate("ExportDialog", "Cancel export"), QDialogButtonBox.ButtonRole.ActionRole)
        self.cancel_btn.setEnabled(False)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow(translate("ExportDialog", "Export to"), row)
        form.addRow(translate("ExportDialog", "Images"), self.scope)
        checks = QHBoxLayout()
        for c in (self.originals, self.overlays, self.compare, self.report):
            checks.addWidget(c)
        form.addRow(translate("ExportDialog", "Write"), checks)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.progress)
        lay.addWidget(self.status)
        lay.addWidget(self.buttons)
        self.export_btn.clicked.disconnect()
        self.export_btn.clicked.connect(self.start)
        self.cancel_btn.clicked.connect(self.cancel)
        self.buttons.rejected.connect(self.reject)
        self.resize(620, 240)

    def _browse(self) -> None:
        d = QFileDialog.getExistingDirectory(self, translate("ExportDialog", "Export folder"), self.folder.text())
        if d:
            self.folder.setText(d)

    def _rows(self, key: str) -> List[int]:
        store = self.bench.store
        if key == "flagged":
            return store.rows(Filter.FLAGGED)
        if key == "confirmed":
            return [r for r in store.inspected_rows() if self.bench.verdict(r) is Verdict.CONFIRMED]
        return [r for r in store.inspected_rows() if store.has_result(r)]

    def items(self) -> List[ExportItem]:
        b = self.bench
        gt = b.ground_truth
        out = []
        for r in self._rows(self.scope.currentData()):
            path = b.path(r)
            verdict = b.verdict(r)
            out.append(ExportItem(path, partial(b.store.outcome_if, r, b.active_model, path),  # read when exported
                                  verdict.value if verdict else "",
                                  (lambda p=path: gt.get(p)) if gt is not None else None))
        return out

    def start(self) -> bool:
        """Start the export; False when it did not start (no folder, declined overwrite)."""
        target = self.folder.text().strip()
        if not target or self.bench.folder is None:
            self.status.setText(translate("ExportDialog", "Choose an export folder first."))
            return False
        overwrite = False
        try:
            check_target(target, self.bench.folder, overwrite=False)
        except ExportExistsError as e:
            if not self.confirm_overwrite(self, str(e)):
                self.status.setText(translate("ExportDialog", "Export not started: the folder already holds "
                                                      "an export."))
                return False
            overwrite = True
        except InspectorError as e:
            self.status.setText(str(e))
            return False
        items = self.items()
        options = ExportOptions(self.originals.isChecked(), self.overlays.isChecked(), self.compare.isChecked(),
                                self.report.isChecked())
        b = self.bench
        model = Path(b.active_model).name if b.active_model else ""

        def job(progress, cancel):
            return export_flagged(items, target, b.folder, model, b.store.thresholds, self.render_style,
                                  options, overwrite, progress, cancel, partial(_decide, b.store, b.active_model))

        self.worker = FunctionWorker(job, with_progress=True)
        self.worker.signals.progress.connect(self._on_progress)
        self.worker.signals.returned.connect(self._on_done)
        self.worker.signals.errored.connect(self._on_error)
        self.progress.setRange(0, max(1, len(items)))
        self.progress.setValue(0)
        self.export_btn.setEnabled(False)
        self.cancel_btn.setEnabled(True)
        self.status.setText(translate("ExportDialog", "Exporting {n} image(s)…").format(n=len(items)))
        self.pool.start(self.worker)
        return True

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Cancel a running export and wait for it to stop (the app is closing)."""
        self.cancel()
        return self.pool.wait(timeout_ms)

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(max(1, total))
        self.progress.setValue(done)

    def _on_done(self, summary) -> None:
        self.export_btn.setEnabled(True)
        self.cancel_btn.setEnabled(False)
        text = translate("ExportDialog", "Exported {n} image(s) to {folder}.")
        if summary.problems:
            text = translate("ExportDialog", "Exported {n} image(s) to {folder}; {problems} problem(s).")
        self.status.setText(text.format(n=len(summary.rows), folder=summary.out_dir, problems=len(summary.problems)))
        self.done.emit(summary)

    def _on_error(self, error: BaseException) -> None:
        message = error_text(error)
        self.export_btn.setEnabled(True)
        self.cancel_btn.setEnabled(False)
        self.status.setText(message)
        self.failed.emit(message)
