"""The viewer's legend, outside the image: class colour swatches with names and what the
decision marks mean (entries from :func:`inspectors.render.legend.legend_entries`).

One word-wrapped label, so many classes wrap onto a second line instead of widening the
viewer (a 1280x720 window leaves it about 580 px)."""

from __future__ import annotations

import html
from typing import List, Optional, Sequence

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from inspectors.render.legend import IGNORED_NOTE, REVIEW_NOTE, LegendEntry


def _notes() -> dict:
    return {
        REVIEW_NOTE: QCoreApplication.translate("LegendStrip", "dashed with ?: REVIEW"),
        IGNORED_NOTE: QCoreApplication.translate("LegendStrip", "faint: ignored by a rule"),
    }


class LegendStrip(QWidget):
    """One strip below the image panes; hidden when there is nothing to explain."""

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setObjectName("legendStrip")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 3, 8, 3)
        lay.addWidget(self.label)
        self._names: List[str] = []
        self.setVisible(False)

    def names(self) -> List[str]:
        """The texts shown, in order (class names, then the notes)."""
        return list(self._names)

    def set_entries(self, entries: Sequence[LegendEntry], notes: Sequence[str] = ()) -> None:
        shown = _notes()
        parts, self._names = [], []
        for e in entries:
            b, g, r = e.color
            parts.append(f"<span style='color: rgb({r}, {g}, {b}); font-size: large'>&#9632;</span>&nbsp;"
                         f"{html.escape(e.name)}")
            self._names.append(e.name)
        muted = self.palette().color(self.palette().ColorRole.PlaceholderText).name()
        for n in notes:
            text = shown.get(n, n)
            parts.append(f"<span style='color: {muted}'>{html.escape(text)}</span>")
            self._names.append(text)
        self.label.setText(" &nbsp;&nbsp; ".join(parts))
        self.setVisible(bool(parts))
