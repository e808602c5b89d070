"""Menus, toolbar and keyboard shortcuts of the main window."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Dict

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu, QStyle, QToolBar

from inspectors.session import Verdict

from .widgets.viewer import MODES

if TYPE_CHECKING:
    from .main_window import MainWindow

MODE_KEYS = {"overlay": "O", "side by side": "S", "diff": "D", "original": "H"}


def build_actions(w: MainWindow) -> Dict[str, QAction]:
    a: Dict[str, QAction] = {}

    def act(name: str, text: str, slot: Callable, keys=(), tip: str = "", checkable: bool = False) -> QAction:
        action = QAction(text, w)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setToolTip(f"{tip or text} ({', '.join(keys)})" if keys else (tip or text))
        action.setCheckable(checkable)
        (action.toggled if checkable else action.triggered).connect(slot)
        w.addAction(action)  # shortcuts work whatever has focus
        a[name] = action
        return action

    act("open", "Open folder…", w.choose_folder, ["Ctrl+O"])
    act("gt", "Ground truth…", w.choose_ground_truth, tip="Point at a ground-truth file or folder")
    act("model", "Add model…", w.choose_model, ["Ctrl+M"])
    act("run", "Run", w.run_all, ["Ctrl+R"], "Inspect every image not inspected yet")
    act("pause", "Pause", w.models.set_paused, ["Ctrl+P"], checkable=True)
    act("cancel", "Cancel", w.cancel_run, ["Esc"], "Stop the run")
    act("export", "Export…", w.open_export, ["Ctrl+E"], "Export flagged images with a report")
    act("next", "Next image", lambda: w.list_panel.step(1), ["Right", "J"])
    act("prev", "Previous image", lambda: w.list_panel.step(-1), ["Left", "K"])
    act("next_flagged", "Next flagged", lambda: w.list_panel.step(1, True), ["N"])
    act("prev_flagged", "Previous flagged", lambda: w.list_panel.step(-1, True), ["Shift+N"])
    act("confirm", "✔ Confirm", lambda: w.set_verdict(Verdict.CONFIRMED), ["C"], "Confirm the defect")
    act("reject", "✘ Reject", lambda: w.set_verdict(Verdict.REJECTED), ["X"], "Reject: false alarm")
    act("fit", "Fit", lambda: w.viewer.view.fit(), ["F"])
    act("actual", "1:1", lambda: w.viewer.view.actual_size(), ["1"])
    act("quit", "Quit", w.close, ["Ctrl+Q"])
    icons = {"open": "SP_DirOpenIcon", "run": "SP_MediaPlay", "pause": "SP_MediaPause",
             "cancel": "SP_MediaStop", "export": "SP_DialogSaveButton"}
    for name, icon in icons.items():
        a[name].setIcon(w.style().standardIcon(getattr(QStyle.StandardPixmap, icon)))
    group = QActionGroup(w)
    for mode in MODES:
        m = act(f"mode:{mode}", mode.capitalize(), lambda on, md=mode: on and w.viewer.set_mode(md),
                [MODE_KEYS[mode]], f"Show {mode}", checkable=True)
        group.addAction(m)
    a["mode:overlay"].setChecked(True)
    w.viewer.mode_changed.connect(lambda md: a[f"mode:{md}"].setChecked(True))

    tb = QToolBar("Main")
    tb.setObjectName("main-toolbar")
    tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    for name in ("open", "model", None, "run", "pause", "cancel", None, "mode:overlay",
                 "mode:side by side", "mode:diff", "mode:original", None, "fit", "actual", None,
                 "confirm", "reject", "next_flagged", None, "export"):
        tb.addSeparator() if name is None else tb.addAction(a[name])
    w.addToolBar(tb)

    menu = w.menuBar()
    file_menu = menu.addMenu("&File")
    file_menu.addAction(a["open"])
    w.recent_menu = QMenu("Recent folders", w)
    file_menu.addMenu(w.recent_menu)
    for name in ("gt", "model", "export", "quit"):
        file_menu.addAction(a[name])
    run_menu = menu.addMenu("&Run")
    for name in ("run", "pause", "cancel"):
        run_menu.addAction(a[name])
    view_menu = menu.addMenu("&View")
    for name in [f"mode:{m}" for m in MODES] + ["fit", "actual"]:
        view_menu.addAction(a[name])
    w.panels_menu = view_menu.addMenu("Panels")
    review = menu.addMenu("Re&view")
    for name in ("next", "prev", "next_flagged", "prev_flagged", "confirm", "reject"):
        review.addAction(a[name])
    return a
