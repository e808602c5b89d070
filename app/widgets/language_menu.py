"""View ▸ Language: English or 简体中文, kept in the setting ``ui/language``. The new
language is used from the next start (the window says so): every panel builds its texts
once, so switching live would mean rebuilding the window."""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMainWindow, QMenu

from .. import i18n
from ..i18n import translate


class LanguageMenu(QMenu):
    """A checkable entry per language in :data:`app.i18n.LANGUAGES` (named in itself)."""

    def __init__(self, settings: QSettings, window: Optional[QMainWindow] = None):
        super().__init__(translate("LanguageMenu", "Language"), window)
        self.settings, self.window_ = settings, window
        self.current = i18n.choose_language(settings.value(i18n.SETTING))
        group = QActionGroup(self)
        group.setExclusive(True)
        self.entries = {}
        for code, name in i18n.LANGUAGES.items():
            act = QAction(name, self, checkable=True)
            act.setChecked(code == self.current)
            act.triggered.connect(lambda _checked=False, code=code: self.choose(code))
            group.addAction(act)
            self.addAction(act)
            self.entries[code] = act

    def choose(self, code: str) -> None:
        """Store ``code`` for the next start and say so."""
        self.settings.setValue(i18n.SETTING, code)
        self.settings.sync()
        if self.window_ is not None:
            self.window_.statusBar().showMessage(
                translate("LanguageMenu", "The language changes to {name} when Defect Inspector is "
                          "restarted.").format(name=i18n.LANGUAGES[code]), 15000)


__all__ = ["LanguageMenu"]
