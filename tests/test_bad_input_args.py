"""The bad-input matrix, arguments: bad CLI and app arguments, model folders, training
configs, evaluate's ground truth, and signals (which need a real process).
"""

import json
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.app_helpers import tree_hashes
from tests.bad_input_helpers import CLS_MODEL, DEMO_DET, DET_MODEL, ROOT, error_line, predict, run

# ----------------------------------------------------------------------------- arguments and models


@pytest.mark.parametrize("args, expected", [
    (["--threshold", "5"], "from 0 to 1"),
    (["--threshold", "nan"], "from 0 to 1"),
    (["--threshold", "-0.1"], "from 0 to 1"),
    (["--threshold", "high"], "is not a number"),
    (["--batch-size", "0"], "1 or more"),
    (["--threads", "-2"], "1 or more"),
    (["--engine", "tensorrt"], "invalid choice: 'tensorrt'"),
])
def test_bad_arguments(capsys, images, tmp_path, args, expected):
    with pytest.raises(SystemExit) as e:
        predict(capsys, images, tmp_path / "out", *args)
    err = capsys.readouterr().err
    assert e.value.code == 2
    assert expected in error_line(err)
    assert not (tmp_path / "out").exists()


def test_bad_max_megapixels(capsys, images, tmp_path):
    code, err = predict(capsys, images, tmp_path / "out", "--max-megapixels", "0")
    assert code == 2 and "positive" in error_line(err)
    assert not (tmp_path / "out").exists()


def _two_models(tmp_path):
    folder = tmp_path / "two"
    folder.mkdir()
    for f in DET_MODEL.iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    for f in CLS_MODEL.iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    return folder


MODELS = {
    "missing": (lambda t: t / "nope", "does not exist"),
    "binary config": (lambda t: _write(t / "m" / "deploy.yaml", os.urandom(500)), "not a text file"),
    "binary file as --model": (lambda t: _write(t / "weights.bin", os.urandom(500)), "not an exported model"),
    "checkpoint only": (lambda t: _write(t / "ck" / "model.pdparams", b"x" * 100), "training checkpoint"),
    "det and cls in one folder": (_two_models, "more than one model"),
    "yaml python tag": (lambda t: _write(t / "y" / "deploy.yaml", b"Deploy: !!python/object:os.system x\n"),
                        "not valid YAML"),
}


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path.parent if path.name in ("deploy.yaml", "model.pdparams") else path


@pytest.mark.parametrize("case", sorted(MODELS))
def test_bad_model_folders(capsys, images, tmp_path, case):
    make, expected = MODELS[case]
    model = make(tmp_path)
    before = tree_hashes(images)
    code, err = run(capsys, "predict", "--model", model, "--input", images, "--out", tmp_path / "out", "-q")
    assert code == 2
    assert expected in error_line(err)
    assert not (tmp_path / "out").exists() and tree_hashes(images) == before


def test_binary_training_config(capsys, tmp_path):
    cfg = _write(tmp_path / "recipe.yml", os.urandom(400))
    code, err = run(capsys, "train", "seg", "--config", cfg)
    assert code == 2 and "not a text file" in error_line(err)


# ----------------------------------------------------------------------------- evaluate


@pytest.fixture()
def det_set(tmp_path) -> Path:
    """The committed NEU-DET demo (10 images) copied, so its files can be broken."""
    dst = tmp_path / "neu_det"
    (dst / "JPEGImages").mkdir(parents=True)
    (dst / "Annotations").mkdir()
    lines = (DEMO_DET / "val_list.txt").read_text().splitlines()[:10]
    for line in lines:
        img, ann = line.split()
        (dst / img).write_bytes((DEMO_DET / img).read_bytes())
        (dst / ann).write_bytes((DEMO_DET / ann).read_bytes())
    (dst / "val_list.txt").write_text("\n".join(lines) + "\n")
    (dst / "labels.txt").write_bytes((DEMO_DET / "labels.txt").read_bytes())
    return dst


def evaluate(capsys, data, out, *extra):
    return run(capsys, "evaluate", "--model", DET_MODEL, "--data", data, "--out", out, "-q", *extra)


def test_all_good_detection_set_evaluates(capsys, det_set, tmp_path):
    for xml in (det_set / "Annotations").glob("*.xml"):
        root = ET.parse(xml).getroot()
        for obj in root.findall("object"):
            root.remove(obj)
        ET.ElementTree(root).write(xml)
    code, err = evaluate(capsys, det_set, tmp_path / "out")
    assert code == 0, err
    report = json.loads((tmp_path / "out" / "metrics.json").read_text())
    assert report["metrics"]["voc_map"]["area"] is None  # undefined without boxes, not 0 or 1
    assert "no ground-truth boxes" in err and "10 images" in err


def test_empty_val_list_is_refused_not_replaced(capsys, det_set, tmp_path):
    (det_set / "train_list.txt").write_bytes((det_set / "val_list.txt").read_bytes())
    (det_set / "val_list.txt").write_text("")
    code, err = evaluate(capsys, det_set, tmp_path / "out")
    assert code == 2 and "val_list.txt is empty" in error_line(err)
    assert not (tmp_path / "out").exists()


def test_evaluate_says_which_list_it_used(capsys, det_set, tmp_path):
    code, err = evaluate(capsys, det_set, tmp_path / "out")
    assert code == 0
    assert f"ground truth: voc-list from {det_set / 'val_list.txt'} (10 images)" in err


def test_ground_truth_problems_are_printed_by_kind(capsys, det_set, tmp_path):
    anns = sorted((det_set / "Annotations").glob("*.xml"))
    for xml in anns[:2]:
        xml.write_text("<annotation><object>")  # malformed
    for xml in anns[2:5]:
        xml.write_text(xml.read_text().replace("<name>", "<name>rust_", 1))  # unknown class
    code, err = evaluate(capsys, det_set, tmp_path / "out")
    assert code == 0, err
    block = err.split("ground-truth problems", 1)[1]
    lines = [ln.strip() for ln in block.splitlines()[1:] if ln.startswith("  ")]
    counts = sorted(int(ln.split(" x ")[0]) for ln in lines)
    assert counts == [2, 3], lines
    assert any(anns[2].name in ln for ln in lines)


def test_evaluate_output_inside_the_data_is_refused(capsys, det_set, tmp_path):
    before = tree_hashes(det_set)
    code, err = evaluate(capsys, det_set, det_set / "JPEGImages" / "report")
    assert code == 2 and "never touched" in error_line(err)
    assert tree_hashes(det_set) == before


def test_evaluate_rerun_keeps_no_old_worst_images(capsys, det_set, tmp_path):
    out = tmp_path / "out"
    assert evaluate(capsys, det_set, out, "--worst", "5")[0] == 0
    first = sorted(os.listdir(out / "worst"))
    assert evaluate(capsys, det_set, out, "--worst", "1")[0] == 0
    assert sorted(os.listdir(out / "worst")) == first[:1]


# ----------------------------------------------------------------------------- signals


@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_predict_interrupted_leaves_nothing_half_written(tmp_path, sig, code):
    src = tmp_path / "src"
    src.mkdir()
    for i in range(400):
        cv2.imwrite(str(src / f"{i:04d}.png"), np.full((200, 200, 3), i % 250, np.uint8))
    before = tree_hashes(src)
    out = tmp_path / "out"
    # SIGINT back to its default in the child: a suite started in the background of a
    # non-interactive shell inherits it ignored, and Python then keeps ignoring it
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "predict", "--model", CLS_MODEL,
                             "--input", src, "--out", out, "-q"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    staging = []
    while time.monotonic() < deadline and proc.poll() is None:  # wait for results to be written
        staging = [p for p in tmp_path.iterdir() if p.name.startswith(".out.partial-")]
        if staging and any(staging[0].glob("*.json")):
            break
        time.sleep(0.005)
    # Freeze it before asking whether it still runs: a fast machine could otherwise finish the
    # run between that question and the signal (the signal is then never sent). A stopped
    # process gets the signal when it continues, wherever in the run it was frozen.
    os.kill(proc.pid, signal.SIGSTOP)
    assert staging and proc.poll() is None, "the run did not start writing"
    proc.send_signal(sig)
    os.kill(proc.pid, signal.SIGCONT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert "nothing half-written" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["src"]
    assert tree_hashes(src) == before


@pytest.mark.parametrize("value", ["5", "nan", "-1"])
def test_app_threshold_out_of_range_is_one_line(value):
    r = subprocess.run([sys.executable, str(ROOT / "main.py"), "--threshold", value],
                       capture_output=True, text=True, timeout=60, cwd=ROOT,
                       env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        f"error: main.py: argument --threshold: must be a number from 0 to 1, got {value} (see --help)"]
