"""A calm dark theme (Fusion) that keeps image colours the brightest thing on screen, and a
light one for bright rooms; the charts follow (:func:`restyle_plots`)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QWidget

THEMES = ("dark", "light")

#: per theme: palette roles and the few colours the style sheet and the charts use
COLORS = {
    "dark": {
        "window": "#1f232a", "text": "#dfe6ee", "base": "#171a1f", "alt": "#1d2127", "button": "#2a3039",
        "highlight": "#2f6fb3", "muted": "#8b95a3", "error": "#f07178", "caption_bg": "#262b33",
        "caption": "#c9d1db", "empty": "#15181d", "checked": "#3a4452", "disabled": "#6b7480",
        "plot_bg": "#1d2127", "plot_fg": "#b8c0cc", "image_bg": "#000000",
    },
    "light": {
        "window": "#eef0f3", "text": "#1b1f24", "base": "#ffffff", "alt": "#f3f5f8", "button": "#e1e5ea",
        "highlight": "#2f6fb3", "muted": "#5b6470", "error": "#c0262d", "caption_bg": "#dde2e8",
        "caption": "#1b1f24", "empty": "#e4e7eb", "checked": "#c5d3e6", "disabled": "#9aa1aa",
        "plot_bg": "#ffffff", "plot_fg": "#3a414a", "image_bg": "#c9ced6",
    },
}

STYLESHEET = """
QLabel#muted {{ color: {muted}; }}
QLabel#error {{ color: {error}; }}
QLabel#caption {{ background: {caption_bg}; color: {caption}; padding: 3px; font-weight: 600; }}
QLabel#emptyState {{ background: {empty}; }}
QDockWidget::title {{ background: {caption_bg}; padding: 4px 6px; font-weight: 600; }}
QStatusBar QLabel {{ padding: 0 8px; }}
QToolBar {{ spacing: 4px; border: none; }}
QToolButton:checked {{ background: {checked}; border-radius: 3px; }}
QTableView {{ font-family: "DejaVu Sans Mono", monospace; }}
QWidget#legendStrip {{ background: {caption_bg}; }}
"""

#: the application property image views read their background from (views made later follow)
IMAGE_BACKGROUND = "imageBackground"


def theme_colors(name: str) -> dict:
    return COLORS[name if name in COLORS else "dark"]


def apply_theme(app: QApplication, name: str = "dark") -> None:
    """Fusion with the ``name`` palette (unknown names: dark)."""
    c = theme_colors(name)
    app.setStyle("Fusion")
    p = QPalette()
    colors = {
        QPalette.ColorRole.Window: c["window"], QPalette.ColorRole.WindowText: c["text"],
        QPalette.ColorRole.Base: c["base"], QPalette.ColorRole.AlternateBase: c["alt"],
        QPalette.ColorRole.Text: c["text"], QPalette.ColorRole.Button: c["button"],
        QPalette.ColorRole.ButtonText: c["text"], QPalette.ColorRole.Highlight: c["highlight"],
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.ToolTipBase: c["button"],
        QPalette.ColorRole.ToolTipText: c["text"], QPalette.ColorRole.PlaceholderText: c["disabled"],
    }
    for role, color in colors.items():
        p.setColor(role, QColor(color))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor(c["disabled"]))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor(c["disabled"]))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, QColor(c["disabled"]))
    app.setPalette(p)
    font = QFont(app.font())
    if font.pointSizeF() < 9.5:
        font.setPointSizeF(9.5)
    app.setFont(font)
    app.setStyleSheet(STYLESHEET.format(**c))
    app.setProperty(IMAGE_BACKGROUND, c["image_bg"])


def restyle_plots(root: QWidget, name: str) -> None:
    """The pyqtgraph charts under ``root`` (and charts made later) and the image views in
    the theme's colours."""
    import pyqtgraph as pg
    from PySide6.QtWidgets import QGraphicsView

    c = theme_colors(name)
    for view in root.findChildren(QGraphicsView):
        if not isinstance(view, pg.GraphicsView):  # the image views around the pictures
            view.setBackgroundBrush(QColor(c["image_bg"]))
    pg.setConfigOptions(background=c["plot_bg"], foreground=c["plot_fg"])
    for view in root.findChildren(pg.PlotWidget):
        view.setBackground(c["plot_bg"])
        item = view.getPlotItem()
        for axis in ("left", "bottom", "right", "top"):
            ax = item.getAxis(axis)
            ax.setPen(c["plot_fg"])
            ax.setTextPen(c["plot_fg"])
        if item.legend is not None:  # the series names
            item.legend.setLabelTextColor(c["plot_fg"])
        if item.titleLabel.text:
            item.setTitle(item.titleLabel.text, size="9pt", color=c["plot_fg"])
        for label in view.scene().items():  # value labels drawn in the default text colour
            if getattr(label, "follows_theme", False):
                label.setBrush(QColor(c["plot_fg"]))
                label._color = c["plot_fg"]
