"""The zh_CN window speaks Chinese: with the zh_CN translators installed, the main window
with the bundled detector run over the NEU-DET demo folder (ground truth, metrics, a
flagged image on screen) and its dialogs show no English word that is not data (file,
class and model names) or a technical token operators use as is (OK / NG, mAP, px, CPU).

Every text is read back from the widgets themselves: labels, buttons, tooltips, window
and dock titles, menus and actions, tabs, table headers and cells, combo items, the status
bar, plot titles, axes and legends."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Iterator, List, Set, Tuple

import cv2  # noqa: F401 - imported before Qt so its plugin path can be undone
import pytest

from app.qt_env import prepare_qt_env

from .app_helpers import wait_runs_read

ROOT = Path(__file__).resolve().parents[1]
DET_MODEL = ROOT / "models" / "neu_det_picodet_s"
DEMO_DET = ROOT / "resources" / "demo" / "neu_det"
RUN_TIMEOUT = 120_000

#: technical tokens and names shown as they are in a Chinese interface (case-insensitive)
ALLOWED = {
    "ok", "ng", "map", "miou", "iou", "ap", "fps", "cpu", "gpu", "paddle", "openvino", "onnx", "runtime",
    "px", "mm", "html", "pdf", "csv", "json", "yaml", "xml", "voc", "coco", "ctrl", "shift", "alt", "esc",
    "enter", "backspace", "del", "space", "paddleseg", "paddledetection", "paddleclas", "paddlex",
    "picodet", "dice", "kappa", "cohen", "t_high", "t_low", "top", "english", "auto", "acc",
    "pycocotools", "unet", "fastscnn", "resnet", "mobilenet", "yolo", "ppyoloe", "hrnet", "ocrnet",
    "deeplab", "defect", "inspector",  # the product's name in the title
    "int8", "fp16", "fp32", "onnxruntime", "bmp", "png", "jpg", "jpeg", "tif", "tiff", "min", "max",
    "ms", "qps", "det", "seg", "cls",  # (--demo det|seg|cls)
    "paddledet", "paddle2onnx", "onednn", "softmax", "f32", "severstal", "webp",
}
WORD = re.compile(r"[A-Za-z][A-Za-z_]{2,}")
#: data dropped before looking for words: paths, file names, key=value settings, ids
#: mixing letters and digits
PATHLIKE = re.compile(r"\S*[/\\]\S*|\S+\.(?:jpg|jpeg|png|bmp|tif|tiff|xml|json|csv|txt|yml|yaml|html|pdf|"
                      r"pdmodel|pdiparams|onnx|ini)\b|\w+=\S*|\b(?=\w*\d)\w+\b", re.IGNORECASE)


@pytest.fixture(scope="session", autouse=True)
def _offscreen():
    prepare_qt_env("offscreen")


@pytest.fixture
def zh_cn(qapp):
    """The zh_CN catalogs installed for one test, removed after it."""
    from PySide6.QtCore import QLocale

    from app import i18n

    translators = i18n.install(qapp, "zh_CN")
    assert any(t.filePath().endswith(f"{i18n.CATALOG}_zh_CN.qm") for t in translators)
    yield translators
    for t in translators:
        qapp.removeTranslator(t)
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))


def _plain(text: str) -> str:
    if "<" in text and ">" in text:
        text = re.sub(r"<head>.*?</head>", " ", text, flags=re.S)  # a QTextEdit's style sheet
        text = re.sub(r"<[^>]*>", " ", text)
    return html.unescape(text.replace("&&", "&")).replace("&", "")


def english_words(text: str, data: Set[str]) -> List[str]:
    """Words of ``text`` that are neither allowed tokens nor names from the loaded data."""
    text = PATHLIKE.sub(" ", _plain(text))
    for name in sorted(data, key=len, reverse=True):  # multi-word names (class names with spaces)
        if name and name in text:
            text = text.replace(name, " ")
    return [w for w in WORD.findall(text) if w.lower() not in ALLOWED and w.lower().strip("_") not in ALLOWED]


def _model_texts(view) -> Iterator[Tuple[str, str]]:
    from PySide6.QtCore import QModelIndex, Qt

    model = view.model()
    if model is None:
        return
    def count(fn) -> int:  # Python models take no argument, others the index; list models
        try:               # hide columnCount (one column)
            return fn(QModelIndex())
        except TypeError:
            return 1

    columns = count(model.columnCount)
    for orient, n in ((Qt.Orientation.Horizontal, columns), (Qt.Orientation.Vertical, 0)):
        for c in range(n):
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                v = model.headerData(c, orient, role)
                if isinstance(v, str):
                    yield "header", v
    for r in range(min(count(model.rowCount), 60)):
        for c in range(columns):
            idx = model.index(r, c)
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                v = model.data(idx, role)
                if isinstance(v, str):
                    yield "cell", v


def _plot_texts(plot) -> Iterator[Tuple[str, str]]:
    item = plot.getPlotItem()
    yield "plot title", item.titleLabel.text or ""
    for name in ("left", "bottom", "right", "top"):
        axis = item.getAxis(name)
        if axis.isVisible() and axis.label.isVisible():
            yield "axis label", axis.labelText or ""
    legend = item.legend
    if legend is not None:
        for _sample, label in legend.items:
            yield "legend", label.text


def texts_of(root) -> Iterator[Tuple[str, str]]:
    """(where, text) for every visible text under the widget ``root``."""
    import pyqtgraph as pg
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QAbstractSpinBox,
        QComboBox,
        QDockWidget,
        QGroupBox,
        QHeaderView,
        QLabel,
        QLineEdit,
        QMainWindow,
        QMenu,
        QTabBar,
        QTextEdit,
        QWidget,
    )

    widgets = [root, *root.findChildren(QWidget)]
    for w in widgets:
        name = type(w).__name__
        if w.windowTitle() and (w.isWindow() or isinstance(w, QDockWidget)):
            yield f"{name} title", w.windowTitle()
        if w.toolTip():
            yield f"{name} tooltip", w.toolTip()
        if isinstance(w, QLabel):
            yield f"{name} ({w.objectName()})", w.text()
        elif isinstance(w, QAbstractButton):
            yield name, w.text()
        elif isinstance(w, QGroupBox):
            yield name, w.title()
        elif isinstance(w, QTextEdit):  # code (commands, globs) is not prose: dropped
            yield name, re.sub(r"<span style=\"[^\"]*monospace[^\"]*\">[^<]*</span>", " ", w.toHtml())
        elif isinstance(w, QLineEdit):
            yield f"{name} placeholder", w.placeholderText()
        elif isinstance(w, QAbstractSpinBox):
            yield f"{name} special", w.specialValueText()
            yield f"{name} suffix", getattr(w, "suffix", lambda: "")()
        elif isinstance(w, QComboBox):
            for i in range(w.count()):
                yield name, w.itemText(i)
        elif isinstance(w, QTabBar):
            for i in range(w.count()):
                yield name, w.tabText(i)
                yield f"{name} tooltip", w.tabToolTip(i)
        elif isinstance(w, QMenu):
            yield name, w.title()
        elif isinstance(w, QAbstractItemView) and not isinstance(w, QHeaderView):  # (headers: by the view)
            yield from ((f"{name} {k}", t) for k, t in _model_texts(w))
        elif isinstance(w, pg.PlotWidget):
            yield from ((f"{name} {k}", t) for k, t in _plot_texts(w))
    for a in root.findChildren(QAction):
        yield "action", a.text()
        if a.toolTip() and a.toolTip() != a.text().replace("&", ""):
            yield "action tooltip", a.toolTip()
        yield "action status tip", a.statusTip()
    if isinstance(root, QMainWindow):
        yield "status bar", root.statusBar().currentMessage()


def untranslated(root, data: Set[str]) -> List[Tuple[str, str, List[str]]]:
    out, seen = [], set()
    for where, text in texts_of(root):
        words = english_words(text or "", data)
        if words and (where, text) not in seen:
            seen.add((where, text))
            out.append((where, (text or "")[:120], words))
    return out


def test_the_word_finder_flags_english_and_lets_data_through() -> None:
    data = {"crazing", "rolled-in_scale", "neu_det_picodet_s"}
    assert english_words("Open a folder to start", data) == ["Open", "folder", "start"]
    assert english_words("打开文件夹以开始（Ctrl+O）", data) == []
    assert english_words("<b>crazing_1.jpg</b> · 200 × 200 px · NG · mAP 0.52", data) == []
    assert english_words("rolled-in_scale：置信度 0.61 ≥ T_high 0.5（NG）", data) == []
    assert english_words("/tmp/work/neu_det_picodet_s · 检测 · PicoDet", data) == []
    assert english_words("运行中 · running", data) == ["running"]
    assert english_words("检测 · batch_size=1, device=cpu, ir_optim=True · 659fff84479cea2f", data) == []


@pytest.fixture
def demo_window(qtbot, make_window, zh_cn):
    if not DET_MODEL.is_dir() or not (DEMO_DET / "JPEGImages").is_dir():
        pytest.skip("no bundled detector / demo set")
    w = make_window()
    with qtbot.waitSignal(w.models.changed, timeout=RUN_TIMEOUT,
                          check_params_cb=lambda mid: w.models.models[mid].status != "loading"):
        w.add_model(str(DET_MODEL))
    assert w.models.ready(), w.model_panel.message.text()
    with qtbot.waitSignal(w.bench.folder_opened, timeout=RUN_TIMEOUT):
        assert w.open_folder(str(DEMO_DET / "JPEGImages"))
    wait_runs_read(qtbot, w)
    with qtbot.waitSignal(w.run_finished, timeout=RUN_TIMEOUT):
        w.run_all()
    qtbot.waitUntil(lambda: w.metrics.evaluation is not None, timeout=RUN_TIMEOUT)
    store = w.bench.store
    flagged = [r for r in range(len(store)) if store.state(r).value in ("NG", "REVIEW")]
    w.bench.set_current(flagged[0] if flagged else 0)
    qtbot.waitUntil(lambda: w.bench.current_image is not None, timeout=RUN_TIMEOUT)
    return w


#: names of products, packages and data sets (the About box, the guide)
PRODUCTS = {"Paddle Inference", "Defect Inspector", "PaddlePaddle", "pyqtgraph", "OpenCV", "Python", "Fast-SCNN",
            "NEU-DET", "NEU-CLS"}


def _data_names(w) -> Set[str]:
    """Names that come from the data: files, classes, models and their architectures."""
    names: Set[str] = set(PRODUCTS)
    for p in w.bench.store.images:
        names |= {Path(p).name, Path(p).stem}
    names |= {n for n, _ in w.bench.class_names()}
    for h in w.models.models.values():
        names |= {Path(h.path).name, h.id}
        if h.spec is not None:
            names |= {h.spec.architecture, *h.spec.class_names}
    names |= {str(Path(p).name) for p in (w.bench.folder, *w.settings.recent_folders()) if p}
    return names


def test_the_zh_cn_window_and_its_dialogs_have_no_untranslated_text(qtbot, demo_window):
    w = demo_window
    data = _data_names(w)
    found = untranslated(w, data)
    menus_bar = w.menuBar()
    for a in menus_bar.actions():  # menus are children of the window: walked above
        assert a.menu() is not None
    for dialog in (w.open_runs(), w.open_export(), w.show_help(0), w.open_line()):  # help: guide, keys, about
        qtbot.waitUntil(dialog.isVisible, timeout=10_000)
        found += [(f"{type(dialog).__name__}: {where}", t, ws) for where, t, ws in untranslated(dialog, data)]
        dialog.close()
    report = "\n".join(f"  {where}: {text!r} -> {words}" for where, text, words in found)
    assert not found, f"{len(found)} texts with English words in the zh_CN window:\n{report}"


def test_texts_made_by_inspectors_are_shown_in_chinese(zh_cn) -> None:
    """The rules' reasons and causes and the band's notes, as ``inspectors`` writes them
    today (made by the real functions), come out in Chinese with their names and numbers;
    expected strings written by hand."""
    import numpy as np

    from app.display_text import rule_text
    from inspectors.metrics.decision import choose_band
    from inspectors.results import DetectionResult
    from inspectors.rules import bind, decide_result, parse_rules

    rules = parse_rules("version: 1\ndefault:\n  review: [0.3, 0.6]\n  min_area: 300\n")
    res = DetectionResult(boxes=np.array([[0, 0, 40, 40], [50, 50, 60, 60], [0, 100, 40, 140]], np.float32),
                          scores=np.array([0.9, 0.95, 0.4], np.float32), class_ids=np.array([0, 1, 1], np.int32),
                          class_names=("划痕", "rolled-in_scale"), image_size=(200, 200))
    d = decide_result(res, bind(rules, res.class_names))
    assert [rule_text(r) for r in d.reasons] == ["划痕：置信度 0.9 ≥ T_high 0.6（NG）"]
    assert [rule_text(w) for w in d.defects[1].ignored] == ["面积 100 px < 300"]
    assert d.defects[2].kept and d.defects[2].level == "REVIEW"
    notes = choose_band(np.array([0.2, 0.8]), np.array([True, True])).notes
    assert [rule_text(n) for n in notes] == [  # no clean image: T_high 0.00; escapes 0 up to T_low 0.20
        "没有合格图像：任何 T_high 的误判 NG 数都为 0",
        "两个限制交叉：T_low 不超过 0.20 时漏检 ≤ 0，T_high 不低于 0.00 时误判 NG ≤ 0；取 T_low = T_high，不设复判区间"]
    assert rule_text("a text no template knows") == "a text no template knows"


def test_the_language_menu_keeps_the_choice_for_the_next_start(qtbot, tmp_path) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QMainWindow

    from app import i18n
    from app.widgets.language_menu import LanguageMenu

    ini = str(tmp_path / "settings.ini")
    w = QMainWindow()
    qtbot.addWidget(w)
    menu = LanguageMenu(QSettings(ini, QSettings.Format.IniFormat), w)
    assert [a.text() for a in menu.actions()] == ["English", "简体中文"]
    menu.entries["zh_CN"].trigger()
    assert menu.entries["zh_CN"].isChecked() and not menu.entries["en"].isChecked()
    again = QSettings(ini, QSettings.Format.IniFormat)  # what the next start reads
    assert again.value(i18n.SETTING) == "zh_CN" and i18n.choose_language(again.value(i18n.SETTING)) == "zh_CN"
    assert "简体中文" in w.statusBar().currentMessage()
    menu.entries["en"].trigger()
    assert QSettings(ini, QSettings.Format.IniFormat).value(i18n.SETTING) == "en"


def test_why_an_image_could_not_be_read_is_shown_in_chinese(zh_cn, qtbot, tmp_path) -> None:
    """The reader's own messages (made by the real function on broken files) in the Errors
    panel: Chinese with the file's path kept; the English original stays in the tooltip.
    Expected strings written by hand."""
    import numpy as np
    from PySide6.QtCore import QObject, Signal

    from app.display_text import rule_text
    from app.widgets.errors_panel import ErrorsPanel
    from inspectors.errors import InspectorError
    from inspectors.imageio import read_image

    empty, cut, junk = tmp_path / "空.png", tmp_path / "cut.jpg", tmp_path / "junk.png"
    empty.write_bytes(b"")
    ok, jpg = cv2.imencode(".jpg", np.full((64, 64, 3), 90, np.uint8))
    cut.write_bytes(jpg.tobytes()[:-40])
    junk.write_bytes(b"\x89PNG" + bytes(100))
    messages = []
    for path in (empty, cut, junk, tmp_path / "gone.png"):
        with pytest.raises(InspectorError) as e:
            read_image(path)
        messages.append(str(e.value))
    assert [rule_text(m) for m in messages] == [
        f"图像文件为空（0 字节）：{empty}", f"JPEG 文件不完整（缺少图像结束标记）：{cut}",
        f"无法解码图像 {junk}（文件损坏或不完整，104 字节）", f"找不到图像文件：{tmp_path / 'gone.png'}"]

    class Bench(QObject):  # the one signal the panel listens to
        problem = Signal(str, str, str)

    bench = Bench()
    panel = ErrorsPanel(bench)
    qtbot.addWidget(panel)
    bench.problem.emit("image", str(empty), messages[0])
    assert panel.table.item(0, 0).text() == "图像"
    assert panel.table.item(0, 2).text() == f"图像文件为空（0 字节）：{empty}"
    assert panel.table.item(0, 2).toolTip() == messages[0]
