"""The metrics panel's Robustness window on the real main window: a background sweep of
the bundled classifier over a small NEU-CLS folder, with progress, the chart and the
"tolerates" lines; its numbers are the CLI sweep's (the same library call)."""

from __future__ import annotations

import shutil
from pathlib import Path

import cv2  # noqa: F401 - imported before Qt so its plugin path can be undone
import pytest

from app.qt_env import prepare_qt_env
from app.widgets.robustness_dialog import RobustnessDialog, open_robustness
from app.workers import default_factory
from inspectors.groundtruth import load_ground_truth
from inspectors.results import Thresholds
from inspectors.robustness import plan, sweep

ROOT = Path(__file__).resolve().parents[1]
NEU_CLS = ROOT.parent / "shared" / "datasets" / "neu-cls"
CLS_MODEL = ROOT / "models" / "neu_cls_resnet_small"


@pytest.fixture(scope="session", autouse=True)
def _offscreen():
    prepare_qt_env("offscreen")


@pytest.fixture
def small_neu(tmp_path) -> Path:
    if not NEU_CLS.is_dir() or not CLS_MODEL.is_dir():
        pytest.skip("NEU-CLS or the bundled classifier absent")
    rows, seen = [], {}
    for line in (NEU_CLS / "val_list.txt").read_text().splitlines():
        rel, label = line.rsplit(None, 1)
        if seen.get(label, 0) < 2:
            seen[label] = seen.get(label, 0) + 1
            (tmp_path / "neu" / Path(rel).parent).mkdir(parents=True, exist_ok=True)
            shutil.copy(NEU_CLS / rel, tmp_path / "neu" / rel)
            rows.append(line)
    (tmp_path / "neu" / "val_list.txt").write_text("\n".join(rows) + "\n")
    shutil.copy(NEU_CLS / "labels.txt", tmp_path / "neu" / "labels.txt")
    return tmp_path / "neu"


def test_dialog_runs_in_the_background_and_shows_the_chart(qtbot, small_neu):
    gt = load_ground_truth(small_neu)
    images = list(gt.images)
    d = RobustnessDialog("neu", str(CLS_MODEL), _settings(), gt, images, Thresholds(0.5))
    qtbot.addWidget(d)
    d.show()
    for name, box in d.boxes.items():
        box.setChecked(name == "brightness")
    d.run_button.click()
    assert not d.run_button.isEnabled() and d.cancel_button.isEnabled()
    worker = d.worker
    with qtbot.waitSignal(worker.signals.finished, timeout=180_000):
        pass
    qtbot.waitUntil(lambda: d.run_button.isEnabled(), timeout=5000)
    assert d.result is not None
    assert d.bar.value() == d.bar.maximum() == len(plan(["brightness"])) + 1
    assert not d.chart.pixmap().isNull()
    assert "brightness" in d.summary.text()
    ref = sweep(default_factory(str(CLS_MODEL), _settings()), gt, images, plan(["brightness"]), Thresholds(0.5))
    assert d.result["perturbations"] == ref["perturbations"]
    assert d.result["clean"] == ref["clean"]


def _settings():
    from inspectors.runtime import RuntimeSettings

    return RuntimeSettings(engine="paddle")


def test_main_window_button_says_what_is_missing(make_window, qtbot):
    w = make_window()
    w.metrics_panel.robustness.click()
    assert open_robustness(w) is None
    assert "ground truth" in w.statusBar().currentMessage()
