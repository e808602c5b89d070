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

from .i18n import QT_TRANSLATE_NOOP, translate
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
    def open_line(self) -> object: ...
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


#: the view modes' names (marked here, translated where shown)
MODE_NAMES = {"overlay": QT_TRANSLATE_NOOP("Actions", "Overlay"),
              "side by side": QT_TRANSLATE_NOOP("Actions", "Side by side"),
              "diff": QT_TRANSLATE_NOOP("Actions", "Diff"), "original": QT_TRANSLATE_NOOP("Actions", "Original")}


def build_actions(w: QMainWindow, commands: Commands, viewer: Viewer, images: ImageListPanel) -> Menus:
    a: Dict[str, QAction] = {}

    def act(name: str, text: str, slot: Callable, keys=(), tip: str = "", checkable: bool = False) -> QAction:
        action = QAction(text, w)
        action.setShortcuts([QKeySequence(k) for k in keys])
        shown = ", ".join(QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText) for k in keys)
        action.setToolTip(translate("Actions", "{tip} ({keys})").format(tip=tip or text, keys=shown) if keys
                          else (tip or text))
        action.setCheckable(checkable)
        (action.toggled if checkable else action.triggered).connect(slot)
        w.addAction(action)  # shortcuts work whatever has focus
        a[name] = action
        return action

    c = commands
    act("open", translate("Actions", "Open folder…"), c.choose_folder, ["Ctrl+O"])
    act("rules_load", translate("Actions", "Load rules…"), c.choose_rules, ["Ctrl+L"],
        translate("Actions", "Decision rules from a YAML file: review band, minimum sizes, regions, counts"))
    act("rules_save", translate("Actions", "Save rules as…"), c.save_rules, [], translate("Actions", "Write the active model's rules to a YAML file"))
    act("rules_clear", translate("Actions", "Clear rules"), c.clear_rules, [], translate("Actions", "Back to the threshold alone"))
    act("region_include", translate("Actions", "Draw include region"), lambda: c.draw_region("include"), ["Ctrl+Shift+I"],
        translate("Actions", "Click the corners of an area where defects count; Enter closes it, Esc cancels"))
    act("region_exclude", translate("Actions", "Draw exclude region"), lambda: c.draw_region("exclude"), ["Ctrl+Shift+E"],
        translate("Actions", "Click the corners of an area where defects are ignored; Enter closes it, Esc cancels"))
    act("regions_clear", translate("Actions", "Clear regions"), c.clear_regions, [])
    act("gt", translate("Actions", "Ground truth…"), c.choose_ground_truth, tip=translate("Actions", "Point at a ground-truth file or folder"))
    act("model", translate("Actions", "Add model…"), c.choose_model, ["Ctrl+M"])
    act("run", translate("Actions", "Run"), c.run_all, ["Ctrl+R"], translate("Actions", "Inspect every image not inspected yet"))
    act("pause", translate("Actions", "Pause"), c.set_paused, ["Ctrl+P"], checkable=True)
    act("cancel", translate("Actions", "Cancel"), c.cancel_run, ["Esc"], translate("Actions", "Stop the run"))
    act("export", translate("Actions", "Export…"), c.open_export, ["Ctrl+E"], translate("Actions", "Export flagged images with a report"))
    act("runs", translate("Actions", "Runs…"), c.open_runs, tip=translate("Actions", "The folder's saved inspection runs (delete one)"))
    act("line", translate("Actions", "Line mode…"), c.open_line,
        tip=translate("Actions", "Inspect images as the line makes them (folder or camera)"))
    # triggered(checked) would fill a partial's free parameters: zero-argument lambdas
    act("next", translate("Actions", "Next image"), lambda: images.step(1), ["Right", "J"])
    act("prev", translate("Actions", "Previous image"), lambda: images.step(-1), ["Left", "K"])
    act("next_flagged", translate("Actions", "Next flagged"), lambda: images.step(1, True), ["N"])
    act("prev_flagged", translate("Actions", "Previous flagged"), lambda: images.step(-1, True), ["Shift+N"])
    act("next_review", translate("Actions", "Next to review"), lambda: images.step(1, state=ImageState.REVIEW), ["R"],
        translate("Actions", "The review queue: the next image the rules sent to a person (REVIEW)"))
    act("prev_review", translate("Actions", "Previous to review"), lambda: images.step(-1, state=ImageState.REVIEW), ["Shift+R"])
    act("confirm", translate("Actions", "✔ Confirm"), lambda: c.set_verdict(Verdict.CONFIRMED), ["C"], translate("Actions", "Confirm the defect"))
    act("reject", translate("Actions", "✘ Reject"), lambda: c.set_verdict(Verdict.REJECTED), ["X"], translate("Actions", "Reject: false alarm"))
    act("fit", translate("Actions", "Fit"), lambda: viewer.fit(), ["F"])  # the current mode's view(s)
    act("actual", translate("Actions", "1:1"), lambda: viewer.view.actual_size(), ["1"])
    act("quit", translate("Actions", "Quit"), w.close, ["Ctrl+Q"])
    act("help", translate("Actions", "Guide"), lambda: c.show_help(0), ["F1"], translate("Actions", "A short guide to the demos and a working pass"))
    act("shortcuts", translate("Actions", "Keyboard shortcuts"), lambda: c.show_help(1), ["Ctrl+F1"])
    act("about", translate("Actions", "About Defect Inspector"), lambda: c.show_help(2))
    act("reset_layout", translate("Actions", "Reset layout"), c.reset_layout, tip=translate("Actions", "Panels back to where they start"))
    themes = QActionGroup(w)

    def theme_toggled(theme: str, on: bool) -> None:
        if on:
            c.set_theme(theme)

    for theme, label in (("dark", translate("Actions", "Dark theme")), ("light", translate("Actions", "Light theme"))):
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
        m = act(f"mode:{mode}", translate("Actions", MODE_NAMES[mode]), partial(mode_toggled, mode),
                [MODE_KEYS[mode]], translate("Actions", "Show {mode}").format(
                    mode=translate("Actions", MODE_NAMES[mode]).lower()), checkable=True)
        group.addAction(m)
    a["mode:overlay"].setChecked(True)
    viewer.mode_changed.connect(mode_shown)

    tb = QToolBar(translate("Actions", "Main toolbar"))
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
    file_menu = menu.addMenu(translate("Actions", "&File"))
    file_menu.addAction(a["open"])
    recent = QMenu(translate("Actions", "Recent folders"), w)
    file_menu.addMenu(recent)
    for name in ("gt", "model", "export", "quit"):
        file_menu.addAction(a[name])
    run_menu = menu.addMenu(translate("Actions", "&Run"))
    for name in ("run", "pause", "cancel"):
        run_menu.addAction(a[name])
    run_menu.addSeparator()
    run_menu.addAction(a["runs"])
    run_menu.addAction(a["line"])
    view_menu = menu.addMenu(translate("Actions", "&View"))
    for name in [f"mode:{m}" for m in MODES] + ["fit", "actual"]:
        view_menu.addAction(a[name])
    panels = view_menu.addMenu(translate("Actions", "Panels"))
    view_menu.addAction(a["reset_layout"])
    view_menu.addSeparator()
    view_menu.addAction(a["theme:dark"])
    view_menu.addAction(a["theme:light"])
    rules_menu = menu.addMenu(translate("Actions", "R&ules"))
    for name in ("rules_load", "rules_save", "rules_clear", None, "region_include", "region_exclude",
                 "regions_clear"):
        if name is None:
            rules_menu.addSeparator()
        else:
            rules_menu.addAction(a[name])
    review = menu.addMenu(translate("Actions", "Re&view"))
    for name in ("next", "prev", "next_flagged", "prev_flagged", "next_review", "prev_review", "confirm", "reject"):
        review.addAction(a[name])
    help_menu = menu.addMenu(translate("Actions", "&Help"))
    for name in ("help", "shortcuts", "about"):
        help_menu.addAction(a[name])
    return Menus(a, recent, panels)
