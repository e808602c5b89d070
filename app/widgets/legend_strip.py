"""The viewer's legend, outside the image: class colour swatches with names and what the
decision marks mean (entries from :func:`inspectors.render.legend.legend_entries`)."""

from __future__ import annotations

from typing import List, Optional, Sequence

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from inspectors.render.legend import IGNORED_NOTE, REVIEW_NOTE, LegendEntry


def _notes() -> dict:
    return {
        REVIEW_NOTE: QCoreApplication.translate("LegendStrip", "dashed with ?: REVIEW"),
        IGNORED_NOTE: QCoreApplication.translate("LegendStrip", "faint: ignored by a rule"),
    }


class LegendStrip(QWidget):
    """One row below the image panes; hidden when there is nothing to explain."""

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setObjectName("legendStrip")
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(8, 3, 8, 3)
        self._row.setSpacing(10)
        self._items: List[QWidget] = []
        self.setVisible(False)

    def names(self) -> List[str]:
        """The texts shown, in order (for tests)."""
        return [w.text() for w in self._items if isinstance(w, QLabel) and w.text()]

    def set_entries(self, entries: Sequence[LegendEntry], notes: Sequence[str] = ()) -> None:
        while self._row.count():
            item = self._row.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self._items = []
        for e in entries:
            b, g, r = e.color
            swatch = QLabel()
            swatch.setFixedSize(12, 12)
            swatch.setStyleSheet(f"background: rgb({r}, {g}, {b}); border: 1px solid #505866;")
            name = QLabel(e.name)
            self._add(swatch)
            self._add(name)
        shown = _notes()
        for n in notes:
            label = QLabel(shown.get(n, n))
            label.setObjectName("muted")
            self._add(label)
        self._row.addStretch(1)
        self.setVisible(bool(entries) or bool(notes))

    def _add(self, w: QWidget) -> None:
        w.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self._row.addWidget(w)
        self._items.append(w)
