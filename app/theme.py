"""A calm dark theme (Fusion) that keeps image colours the brightest thing on screen."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

STYLESHEET = """
QLabel#muted { color: #8b95a3; }
QLabel#error { color: #f07178; }
QLabel#caption { background: #262b33; color: #c9d1db; padding: 3px; font-weight: 600; }
QLabel#emptyState { background: #15181d; }
QDockWidget::title { background: #262b33; padding: 4px 6px; font-weight: 600; }
QStatusBar QLabel { padding: 0 8px; }
QToolBar { spacing: 4px; border: none; }
QToolButton:checked { background: #3a4452; border-radius: 3px; }
QTableView { font-family: "DejaVu Sans Mono", monospace; }
"""


def apply_theme(app: QApplication) -> None:
    app.setStyle("Fusion")
    p = QPalette()
    colors = {
        QPalette.ColorRole.Window: "#1f232a", QPalette.ColorRole.WindowText: "#dfe6ee",
        QPalette.ColorRole.Base: "#171a1f", QPalette.ColorRole.AlternateBase: "#1d2127",
        QPalette.ColorRole.Text: "#dfe6ee", QPalette.ColorRole.Button: "#2a3039",
        QPalette.ColorRole.ButtonText: "#dfe6ee", QPalette.ColorRole.Highlight: "#2f6fb3",
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.ToolTipBase: "#2a3039",
        QPalette.ColorRole.ToolTipText: "#dfe6ee", QPalette.ColorRole.PlaceholderText: "#6b7480",
    }
    for role, c in colors.items():
        p.setColor(role, QColor(c))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#6b7480"))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#6b7480"))
    app.setPalette(p)
    font = QFont(app.font())
    if font.pointSizeF() < 9.5:
        font.setPointSizeF(9.5)
    app.setFont(font)
    app.setStyleSheet(STYLESHEET)
