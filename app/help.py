"""The Help menu's windows: the keyboard-shortcut sheet (made from the window's own
QActions, so it cannot drift from them), a short guide to the three demos, and About."""

from __future__ import annotations

import sys
from importlib import metadata
from typing import Iterable, List, Optional, Tuple

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from .i18n import QT_TRANSLATE_NOOP, translate

#: what the About box reports: (shown name, distribution names separated by |)
PACKAGES = (("Defect Inspector", "defect-inspector"), ("PaddlePaddle", "paddlepaddle"),
            ("PySide6", "PySide6"), ("pyqtgraph", "pyqtgraph"), ("OpenCV", "opencv-python-headless|opencv-python|opencv-contrib-python"),
            ("OpenVINO", "openvino"), ("ONNX Runtime", "onnxruntime"), ("paddle2onnx", "paddle2onnx"))

MODEL_FORMATS = (  # (translated where shown)
    QT_TRANSLATE_NOOP("Help", "PaddleSeg exports (deploy.yaml + model.pdmodel / model.pdiparams): semantic "
                              "segmentation"),
    QT_TRANSLATE_NOOP("Help", "PaddleDetection exports (infer_cfg.yml + model.pdmodel / model.pdiparams): boxes"),
    QT_TRANSLATE_NOOP("Help", "PaddleClas exports (inference.yml or the older layout + inference.pdmodel): "
                              "classification"),
    QT_TRANSLATE_NOOP("Help", "PaddleX exports of the same three tasks"),
    QT_TRANSLATE_NOOP("Help", "Engines: Paddle Inference, OpenVINO (reads the Paddle program), ONNX Runtime (via "
                              "paddle2onnx)"),
)

GUIDE_HTML = QT_TRANSLATE_NOOP("Help", """
<h3>Three demos, one per model task</h3>
<p>Run <code>python main.py --demo det</code>, <code>--demo seg</code> or <code>--demo cls</code>
(<code>--demo</code> alone is the detection one). Each opens synthetic images with exact ground truth
and the bundled model of that task; press <b>Ctrl+R</b> to inspect every image.</p>
<ul>
<li><b>det</b> — steel surfaces, PicoDet boxes per defect class (NEU-DET classes). Overlay mode draws
the boxes; the threshold slider moves every decision at once.</li>
<li><b>seg</b> — magnetic tiles, a Fast-SCNN mask per pixel. Defects are the connected regions of
the mask; decision rules can ignore small ones (Rules menu).</li>
<li><b>cls</b> — one label per steel image (NEU-CLS). The banner shows the top classes.</li>
</ul>
<h3>A working pass</h3>
<ol>
<li>Open a folder (Ctrl+O or drop it on the window), add a model (Ctrl+M), run (Ctrl+R).</li>
<li>Walk the flagged images with <b>N</b> / <b>Shift+N</b>, the review queue with <b>R</b>;
confirm with <b>C</b>, reject a false alarm with <b>X</b>.</li>
<li>With ground truth (File ▸ Ground truth…) the Metrics tab shows recall and false alarms per
threshold; its filters list the misses in the image list.</li>
<li>Export the flagged images with a report (Ctrl+E). Source images are never modified.</li>
</ol>
<p>The image list searches file names (text or a glob such as <code>*_12?.png</code>) and sorts by
name, score, state or defect area.</p>
""")


def shortcut_rows(actions: Iterable[QAction]) -> List[Tuple[str, str]]:
    """(action text, its shortcuts) for every action that has a shortcut, in the given order."""
    rows = []
    for a in actions:
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in a.shortcuts()]
        if keys:
            rows.append((a.text().replace("&", ""), ", ".join(keys)))
    return rows


def versions() -> List[Tuple[str, str]]:
    """(name, version or "not installed") for the packages the app runs on, without importing them."""
    out = [("Python", sys.version.split()[0])]
    for shown, dists in PACKAGES:  # "a|b": the first of these distributions installed
        found = translate("Help", "not installed")
        for dist in dists.split("|"):
            try:
                found = metadata.version(dist)
                break
            except metadata.PackageNotFoundError:
                continue
        out.append((shown, found))
    return out


def about_html() -> str:
    rows = "".join(f"<tr><td>{name}</td><td>&nbsp;{version}</td></tr>" for name, version in versions())
    formats = "".join(f"<li>{translate('Help', f)}</li>" for f in MODEL_FORMATS)
    return "<h3>{}</h3><p>{}</p><table>{}</table><h4>{}</h4><ul>{}</ul>".format(
        translate("Help", "Defect Inspector"),
        translate("Help", "A workbench for industrial surface-defect inspection with exported Paddle models."),
        rows, translate("Help", "Model formats"), formats)


class HelpDialog(QDialog):
    """Tabs: Guide, Keyboard shortcuts, About (F1 opens it on the guide)."""

    GUIDE, SHORTCUTS, ABOUT = 0, 1, 2

    def __init__(self, actions: Iterable[QAction], parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setWindowTitle(translate("Help", "Defect Inspector help"))
        self.resize(640, 520)
        self.tabs = QTabWidget()
        guide = QTextBrowser()
        guide.setHtml(translate("Help", GUIDE_HTML))
        self.shortcuts = QTableWidget(0, 2)
        self.shortcuts.setHorizontalHeaderLabels([translate("Help", "Action"), translate("Help", "Keys")])
        self.shortcuts.verticalHeader().setVisible(False)
        self.shortcuts.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.shortcuts.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.shortcuts.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.set_actions(actions)
        about = QTextBrowser()
        about.setHtml(about_html())
        self.tabs.addTab(guide, translate("Help", "Guide"))
        self.tabs.addTab(self.shortcuts, translate("Help", "Keyboard shortcuts"))
        self.tabs.addTab(about, translate("Help", "About"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        lay = QVBoxLayout(self)
        lay.addWidget(self.tabs)
        lay.addWidget(buttons)

    def set_actions(self, actions: Iterable[QAction]) -> None:
        rows = shortcut_rows(actions)
        self.shortcuts.setRowCount(len(rows))
        for i, (text, keys) in enumerate(rows):
            self.shortcuts.setItem(i, 0, QTableWidgetItem(text))
            self.shortcuts.setItem(i, 1, QTableWidgetItem(keys))

    def show_tab(self, tab: int) -> None:
        self.tabs.setCurrentIndex(tab)
        self.show()
        self.raise_()
