"""The status bar's view widgets: the pixel readout and the zoom (percentage and presets)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMenu, QStatusBar, QToolButton

from ..i18n import translate
from .viewer import Viewer

ZOOM_PRESETS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0)


class ViewStatus:
    """A readout label and a zoom button (its menu: Fit and the presets), following a viewer."""

    def __init__(self, viewer: Viewer):
        self.viewer = viewer
        self.readout = QLabel("")
        self.readout.setObjectName("muted")
        self.readout.setMinimumWidth(320)
        self.zoom = QToolButton()
        self.zoom.setToolTip(translate("ViewStatus", "Zoom: F fits, 1 shows pixels 1:1, the wheel zooms at the cursor"))
        self.zoom.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.zoom)
        menu.addAction(translate("ViewStatus", "Fit"), viewer.fit)
        for z in ZOOM_PRESETS:
            menu.addAction(f"{int(z * 100)} %", lambda z=z: viewer.set_zoom(z))
        self.zoom.setMenu(menu)
        viewer.readout_changed.connect(self.readout.setText)
        viewer.zoom_changed.connect(self.show_zoom)
        self.show_zoom(viewer.view.zoom())

    def show_zoom(self, zoom: float) -> None:
        self.zoom.setText(translate("ViewStatus", "Zoom {z} %").format(z=round(zoom * 100)))

    def install(self, bar: QStatusBar) -> None:
        bar.addPermanentWidget(self.readout)
        bar.addPermanentWidget(self.zoom)
