"""Menus, toolbar and keyboard shortcuts of a main window.

:func:`build_actions` knows the window only as a QMainWindow plus the
:class:`Commands` it runs (which the main window provides), so this module never
imports the main window."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Callable, Dict, Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QStyle, QToolBar

from inspectors.session import ImageState, Verdict

from .widgets.image_list import ImageListPanel
from .widgets.viewer import MODES, Viewer

MODE_KEYS = {"overlay": "O", "side by side": "S", "diff": "D", "original": "H"}


class Commands(Protocol):
    """What the actions run (the main window implements them)."""

    def choose_folder(self) -> None: ...
    def choose_ground_truth(self) -> None: ...
    def choose_model(self) -> None: ...
    def run_all(self) -> int: ...
    def set_paused(self, paused: bool) -> None: ...
    def cancel_run(self) -> None: ...
    def open_export(self) -> object: ...
    def open_runs(self) -> object: ...
    def set_verdict(self, verdict: Verdict) -> None: ...
    def choose_rules(self) -> None: ...
    def save_rules(self) -> None: ...
    def clear_rules(self) -> None: ...
    def draw_region(self, kind: str) -> None: ...
    def clear_regions(self) -> None: ...
    def show_help(self, tab: int) -> None: ...
    def set_theme(self, name: str) -> None: ...
    def reset_layout(self) -> None: ...


@dataclass
class Menus:
    actions: Dict[str, QAction]
    recent: QMenu  # File ▸ Recent folders
    panels: QMenu  # View ▸ Panels


def build_actions(w: QMainWindow, commands: Commands, viewer: Viewer, images: ImageListPanel) -> Menus:
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

    c = commands
    act("open", "Open folder…", c.choose_folder, ["Ctrl+O"])
    act("rules_load", "Load rules…", c.choose_rules, ["Ctrl+L"],
        "Decision rules from a YAML file: review band, minimum sizes, regions, counts")
    act("rules_save", "Save rules as…", c.save_rules, [], "Write the active model's rules to a YAML file")
    act("rules_clear", "Clear rules", c.clear_rules, [], "Back to the threshold alone")
    act("region_include", "Draw include region", lambda: c.draw_region("include"), ["Ctrl+Shift+I"],
        "Click the corners of an area where defects count; Enter closes it, Esc cancels")
    act("region_exclude", "Draw exclude region", lambda: c.draw_region("exclude"), ["Ctrl+Shift+E"],
        "Click the corners of an area where defects are ignored; Enter closes it, Esc cancels")
    act("regions_clear", "Clear regions", c.clear_regions, [])
    act("gt", "Ground truth…", c.choose_ground_truth, tip="Point at a ground-truth file or folder")
    act("model", "Add model…", c.choose_model, ["Ctrl+M"])
    act("run", "Run", c.run_all, ["Ctrl+R"], "Inspect every image not inspected yet")
    act("pause", "Pause", c.set_paused, ["Ctrl+P"], checkable=True)
    act("cancel", "Cancel", c.cancel_run, ["Esc"], "Stop the run")
    act("export", "Export…", c.open_export, ["Ctrl+E"], "Export flagged images with a report")
    act("runs", "Runs…", c.open_runs, tip="The folder's saved inspection runs (delete one)")
    # triggered(checked) would fill a partial's free parameters: zero-argument lambdas
    act("next", "Next image", lambda: images.step(1), ["Right", "J"])
    act("prev", "Previous image", lambda: images.step(-1), ["Left", "K"])
    act("next_flagged", "Next flagged", lambda: images.step(1, True), ["N"])
    act("prev_flagged", "Previous flagged", lambda: images.step(-1, True), ["Shift+N"])
    act("next_review", "Next to review", lambda: images.step(1, state=ImageState.REVIEW), ["R"],
        "The review queue: the next image the rules sent to a person (REVIEW)")
    act("prev_review", "Previous to review", lambda: images.step(-1, state=ImageState.REVIEW), ["Shift+R"])
    act("confirm", "✔ Confirm", lambda: c.set_verdict(Verdict.CONFIRMED), ["C"], "Confirm the defect")
    act("reject", "✘ Reject", lambda: c.set_verdict(Verdict.REJECTED), ["X"], "Reject: false alarm")
    act("fit", "Fit", lambda: viewer.fit(), ["F"])  # the current mode's view(s)
    act("actual", "1:1", lambda: viewer.view.actual_size(), ["1"])
    act("quit", "Quit", w.close, ["Ctrl+Q"])
    act("help", "Guide", lambda: c.show_help(0), ["F1"], "A short guide to the demos and a working pass")
    act("shortcuts", "Keyboard shortcuts", lambda: c.show_help(1), ["Ctrl+F1"])
    act("about", "About Defect Inspector", lambda: c.show_help(2))
    act("reset_layout", "Reset layout", c.reset_layout, tip="Panels back to where they start")
    themes = QActionGroup(w)

    def theme_toggled(theme: str, on: bool) -> None:
        if on:
            c.set_theme(theme)

    for theme, label in (("dark", "Dark theme"), ("light", "Light theme")):
        themes.addAction(act(f"theme:{theme}", label, partial(theme_toggled, theme), checkable=True))
    icons = {"open": "SP_DirOpenIcon", "run": "SP_MediaPlay", "pause": "SP_MediaPause",
             "cancel": "SP_MediaStop", "export": "SP_DialogSaveButton"}
    for name, icon in icons.items():
        a[name].setIcon(w.style().standardIcon(getattr(QStyle.StandardPixmap, icon)))
    group = QActionGroup(w)

    def mode_toggled(mode: str, on: bool) -> None:
        if on:
            viewer.set_mode(mode)

    def mode_shown(mode: str) -> None:
        a[f"mode:{mode}"].setChecked(True)

    for mode in MODES:
        m = act(f"mode:{mode}", mode.capitalize(), partial(mode_toggled, mode),
                [MODE_KEYS[mode]], f"Show {mode}", checkable=True)
        group.addAction(m)
    a["mode:overlay"].setChecked(True)
    viewer.mode_changed.connect(mode_shown)

    tb = QToolBar("Main")
    tb.setObjectName("main-toolbar")
    tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    for name in ("open", "model", None, "run", "pause", "cancel", None, "mode:overlay",
                 "mode:side by side", "mode:diff", "mode:original", None, "fit", "actual", None,
                 "confirm", "reject", "next_flagged", "next_review", None, "export"):
        if name is None:
            tb.addSeparator()
        else:
            tb.addAction(a[name])
    w.addToolBar(tb)

    menu = w.menuBar()
    file_menu = menu.addMenu("&File")
    file_menu.addAction(a["open"])
    recent = QMenu("Recent folders", w)
    file_menu.addMenu(recent)
    for name in ("gt", "model", "export", "quit"):
        file_menu.addAction(a[name])
    run_menu = menu.addMenu("&Run")
    for name in ("run", "pause", "cancel"):
        run_menu.addAction(a[name])
    run_menu.addSeparator()
    run_menu.addAction(a["runs"])
    view_menu = menu.addMenu("&View")
    for name in [f"mode:{m}" for m in MODES] + ["fit", "actual"]:
        view_menu.addAction(a[name])
    panels = view_menu.addMenu("Panels")
    view_menu.addAction(a["reset_layout"])
    view_menu.addSeparator()
    view_menu.addAction(a["theme:dark"])
    view_menu.addAction(a["theme:light"])
    rules_menu = menu.addMenu("R&ules")
    for name in ("rules_load", "rules_save", "rules_clear", None, "region_include", "region_exclude",
                 "regions_clear"):
        if name is None:
            rules_menu.addSeparator()
        else:
            rules_menu.addAction(a[name])
    review = menu.addMenu("Re&view")
    for name in ("next", "prev", "next_flagged", "prev_flagged", "next_review", "prev_review", "confirm", "reject"):
        review.addAction(a[name])
    help_menu = menu.addMenu("&Help")
    for name in ("help", "shortcuts", "about"):
        help_menu.addAction(a[name])
    return Menus(a, recent, panels)
