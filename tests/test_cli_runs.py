"""``predict`` and ``evaluate`` on the inspection-run store (issue 11, command-line part).

Reuse (the printed line and the predictor's call count), stale images, a changed model,
``--no-store`` / ``--work-dir``, a busy run, and SIGKILL in the middle of a ``predict``.
Every test's runs go to a private folder (``DEFECT_INSPECTOR_HOME`` from conftest, or
``--work-dir``).
"""

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from inspectors.cli import main as cli_main
from inspectors.engine import Inspector
from inspectors.outdir import MARKER
from inspectors.runs import RunStore
from inspectors.runs.location import runs_root
from tests.app_helpers import export_unet_softmax

ROOT = Path(__file__).resolve().parents[1]
CLS_MODEL = ROOT / "models" / "neu_cls_resnet_small"
DEMO_CLS = ROOT / "resources" / "demo" / "neu_cls"
REUSE = re.compile(r"(\d+) images already in run ([0-9a-f]+) \(reused\), (\d+) stale re-run, (\d+) new")


def run(capsys, *args) -> tuple:
    code = cli_main([str(a) for a in args])
    return code, capsys.readouterr().err


def predict(capsys, src, out, *extra):
    return run(capsys, "predict", "--model", CLS_MODEL, "--input", src, "--out", out, "-q", *extra)


def reuse_line(err: str) -> tuple:
    """(reused, run id, stale, new) from predict's line."""
    m = REUSE.search(err)
    assert m, err
    return int(m.group(1)), m.group(2), int(m.group(3)), int(m.group(4))


def results(out: Path) -> dict:
    """name -> the JSON's result (or error) of a predict output."""
    return {p.relative_to(out).as_posix(): json.loads(p.read_text(encoding="utf-8")).get("result")
            for p in sorted(out.rglob("*.json")) if p.name != MARKER}


@pytest.fixture()
def images(tmp_path) -> Path:
    src = tmp_path / "line images"
    (src / "sub").mkdir(parents=True)
    rng = np.random.default_rng(3)
    for name in ["a.png", "b.bmp", "c.png", "sub/d.jpg"]:
        cv2.imwrite(str(src / name), rng.integers(40, 220, (160, 160, 3), dtype=np.uint8))
    return src


class Counting:
    """Counts the images the engine is asked to infer (wraps ``Inspector.run``)."""

    def __init__(self, monkeypatch):
        self.paths = []
        original = Inspector.run

        def counted(inspector, paths, *a, **k):
            paths = list(paths)
            self.paths += [os.fspath(p) for p in paths]
            return original(inspector, paths, *a, **k)

        monkeypatch.setattr(Inspector, "run", counted)


def test_predict_writes_a_run_and_reuses_it(capsys, images, tmp_path, monkeypatch):
    counting = Counting(monkeypatch)
    code, err = predict(capsys, images, tmp_path / "o1")
    assert code == 0, err
    assert reuse_line(err)[0::2] == (0, 0) and reuse_line(err)[3] == 4
    assert len(counting.paths) == 4
    first = results(tmp_path / "o1")
    assert len(first) == 4 and all(first.values())
    rid = reuse_line(err)[1]
    store = RunStore(runs_root(os.environ["DEFECT_INSPECTOR_HOME"]))
    with store.open_id(rid) as r:
        assert sorted(r.rels()) == ["a.png", "b.bmp", "c.png", "sub/d.jpg"]

    code, err = predict(capsys, images, tmp_path / "o2")
    assert code == 0, err
    assert reuse_line(err) == (4, rid, 0, 0)
    assert len(counting.paths) == 4  # nothing inferred the second time
    assert results(tmp_path / "o2") == first
    assert (tmp_path / "o2" / "summary.csv").read_text().count("\n") == 5


def test_edited_image_is_stale_and_re_run_new_image_is_new(capsys, images, tmp_path, monkeypatch):
    assert predict(capsys, images, tmp_path / "o1")[0] == 0
    counting = Counting(monkeypatch)
    cv2.imwrite(str(images / "b.bmp"), np.full((160, 160, 3), 200, np.uint8))  # edited
    cv2.imwrite(str(images / "e.png"), np.full((160, 160, 3), 30, np.uint8))  # new
    code, err = predict(capsys, images, tmp_path / "o2")
    assert code == 0, err
    reused, _rid, stale, new = reuse_line(err)
    assert (reused, stale, new) == (3, 1, 1)
    assert sorted(Path(p).name for p in counting.paths) == ["b.bmp", "e.png"]
    # the re-run result is the edited image's, as a run without the store gives
    code, err = predict(capsys, images, tmp_path / "plain", "--no-store")
    assert code == 0, err
    fresh, plain = results(tmp_path / "o2"), results(tmp_path / "plain")
    assert fresh == plain and len(fresh) == 5


def test_changed_weights_make_a_new_run(capsys, images, tmp_path):
    code, err = predict(capsys, images, tmp_path / "o1")
    assert code == 0, err
    rid = reuse_line(err)[1]
    model = tmp_path / "model"
    shutil.copytree(CLS_MODEL, model)
    params = model / "inference.pdiparams"
    data = bytearray(params.read_bytes())
    data[-4] ^= 1  # the lowest mantissa bit of the last weight: still loads
    params.write_bytes(bytes(data))
    code, err = run(capsys, "predict", "--model", model, "--input", images, "--out", tmp_path / "o2", "-q")
    assert code == 0, err
    reused, rid2, stale, new = reuse_line(err)
    assert rid2 != rid and (reused, stale, new) == (0, 0, 4)
    # and the original model still finds its own run
    assert reuse_line(predict(capsys, images, tmp_path / "o3")[1])[:2] == (4, rid)


def test_no_store_and_work_dir(capsys, images, tmp_path):
    home = Path(os.environ["DEFECT_INSPECTOR_HOME"])
    code, err = predict(capsys, images, tmp_path / "o1", "--no-store")
    assert code == 0, err
    assert not REUSE.search(err) and not (home / "runs").exists()
    assert len(results(tmp_path / "o1")) == 4
    work = tmp_path / "work"
    code, err = predict(capsys, images, tmp_path / "o2", "--work-dir", work)
    assert code == 0, err
    rid = reuse_line(err)[1]
    assert (work / "runs" / rid / "index.sqlite").is_file() and not (home / "runs").exists()
    assert reuse_line(predict(capsys, images, tmp_path / "o3", "--work-dir", work)[1])[0] == 4


def test_single_image_and_list_use_their_folder_s_run(capsys, images, tmp_path, monkeypatch):
    assert predict(capsys, images, tmp_path / "o1")[0] == 0
    counting = Counting(monkeypatch)
    code, err = predict(capsys, images / "sub" / "d.jpg", tmp_path / "o2")
    assert code == 0, err
    assert reuse_line(err)[0::2] == (1, 0) and counting.paths == []  # the folder's run holds it
    listing = images / "some.txt"
    listing.write_text("a.png\nsub/d.jpg\na.png\n", encoding="utf-8")
    code, err = predict(capsys, listing, tmp_path / "o3")
    assert code == 0, err
    assert reuse_line(err)[0] == 2 and counting.paths == []
    assert sorted(results(tmp_path / "o3")) == ["a.png.json", "a.png~1.json", "sub/d.jpg.json"]


def test_a_busy_run_is_one_line_exit_2(capsys, images, tmp_path):
    store = RunStore(runs_root(os.environ["DEFECT_INSPECTOR_HOME"]))
    with store.open(images, CLS_MODEL):
        code, err = predict(capsys, images, tmp_path / "o1")
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: run ") and "is being written by" in lines[0]
    assert not (tmp_path / "o1").exists()
    assert predict(capsys, images, tmp_path / "o1")[0] == 0  # released: fine again


@pytest.fixture(scope="module")
def tiny_seg(tmp_path_factory):
    return export_unet_softmax(tmp_path_factory.mktemp("models") / "unet3", ("background", "scratch", "pit"))


def test_segmentation_predict_reuses_masks_and_retries_failed_images(capsys, images, tmp_path, tiny_seg,
                                                                    monkeypatch):
    (images / "broken.jpg").write_bytes(b"")
    args = ("predict", "--model", tiny_seg, "--input", images, "-q")
    code, err = run(capsys, *args, "--out", tmp_path / "o1")
    assert code == 0, err
    reused, rid, stale, new = reuse_line(err)
    assert (reused, stale, new) == (0, 0, 5)
    masks = list((runs_root(os.environ["DEFECT_INSPECTOR_HOME"]) / rid / "masks").glob("*.label.png"))
    assert len(masks) == 4  # one label map per image read (the broken one is an error row)
    counting = Counting(monkeypatch)
    code, err = run(capsys, *args, "--out", tmp_path / "o2")
    assert code == 0, err
    assert "4 images already in run" in err and "1 that failed before retried" in err, err
    assert [Path(p).name for p in counting.paths] == ["broken.jpg"]
    first, second = results(tmp_path / "o1"), results(tmp_path / "o2")
    assert first == second and first["broken.jpg.json"] is None
    assert first["a.png.json"]["task"] == "segmentation"


@pytest.fixture()
def cls_dataset(tmp_path) -> Path:
    data = tmp_path / "neu_cls"
    shutil.copytree(DEMO_CLS, data)
    return data


def evaluate(capsys, data, out, *extra):
    return run(capsys, "evaluate", "--model", CLS_MODEL, "--data", data, "--out", out, "--worst", "2",
               "-q", *extra)


def numbers(out: Path) -> dict:
    report = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    return {k: report[k] for k in ("metrics", "image_level", "thresholds", "task")}


def test_evaluate_reuses_the_run_and_gives_the_same_metrics(capsys, cls_dataset, tmp_path, monkeypatch):
    counting = Counting(monkeypatch)
    code, err = evaluate(capsys, cls_dataset, tmp_path / "e1")
    assert code == 0, err
    m = re.search(r"reused (\d+) results from run ([0-9a-f]+); inferred (\d+)", err)
    assert m and (m.group(1), m.group(3)) == ("0", "30"), err
    assert len(counting.paths) == 30
    code, err = evaluate(capsys, cls_dataset, tmp_path / "e2")
    assert code == 0, err
    m2 = re.search(r"reused (\d+) results from run ([0-9a-f]+); inferred (\d+)", err)
    assert m2 and (m2.group(1), m2.group(2), m2.group(3)) == ("30", m.group(2), "0"), err
    assert len(counting.paths) == 30  # the predictor was not called for stored images
    assert numbers(tmp_path / "e2") == numbers(tmp_path / "e1")
    # and the same as without the store at all
    runs_before = sorted((runs_root(os.environ["DEFECT_INSPECTOR_HOME"])).iterdir())
    code, err = evaluate(capsys, cls_dataset, tmp_path / "e3", "--no-store")
    assert code == 0, err
    assert "reused" not in err and len(counting.paths) == 60  # all 30 inferred again
    assert sorted((runs_root(os.environ["DEFECT_INSPECTOR_HOME"])).iterdir()) == runs_before
    a, b = numbers(tmp_path / "e1"), numbers(tmp_path / "e3")
    assert a["metrics"]["accuracy"] == b["metrics"]["accuracy"]
    assert a["metrics"]["confusion_matrix"] == b["metrics"]["confusion_matrix"]


def test_evaluate_reuses_a_predict_run_of_a_folder_above(capsys, tmp_path, monkeypatch):
    plant = tmp_path / "plant"
    data = plant / "neu_cls"
    shutil.copytree(DEMO_CLS, data)
    code, err = predict(capsys, plant, tmp_path / "p")
    assert code == 0, err
    rid = reuse_line(err)[1]
    (data / "Cr" / "Cr_1.bmp").write_bytes((data / "In" / "In_1.bmp").read_bytes())  # edited since
    counting = Counting(monkeypatch)
    code, err = evaluate(capsys, data, tmp_path / "e1")
    assert code == 0, err
    assert f"reused 29 results from run {rid}; inferred 1 (1 stale" in err, err
    assert [Path(p).name for p in counting.paths] == ["Cr_1.bmp"]


# ----------------------------------------------------------------------------- SIGKILL

def _rows(root: Path) -> int:
    for index in root.glob("*/index.sqlite"):
        try:
            con = sqlite3.connect(f"file:{index}?mode=ro", uri=True, timeout=1)
            try:
                return con.execute("SELECT count(*) FROM images").fetchone()[0]
            finally:
                con.close()
        except sqlite3.Error:
            return 0
    return 0


def test_sigkill_in_the_middle_then_predict_continues(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    rng = np.random.default_rng(5)
    n = 400  # seconds of work for the (fast) bundled classifier: time to stop it mid-run
    for i in range(n):
        cv2.imwrite(str(src / f"{i:04d}.png"), rng.integers(0, 255, (200, 200, 3), dtype=np.uint8))
    work = tmp_path / "work"
    cmd = [sys.executable, str(ROOT / "main.py"), "predict", "--model", str(CLS_MODEL), "--input",
           str(src), "-q", "--work-dir", str(work)]
    proc = subprocess.Popen([*cmd, "--out", str(tmp_path / "killed")], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and proc.poll() is None and _rows(work / "runs") < 10:
        time.sleep(0.02)
    proc.send_signal(signal.SIGSTOP)  # frozen where it is: the kill lands mid-run
    assert proc.poll() is None, "the run ended before it could be killed: " + proc.communicate()[1]
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    stored = _rows(work / "runs")
    assert 10 <= stored < n
    (index,) = (work / "runs").glob("*/index.sqlite")
    con = sqlite3.connect(index)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()
    assert not (tmp_path / "killed").exists()

    r = subprocess.run([*cmd, "--out", str(tmp_path / "resumed")], cwd=ROOT, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    reused, _rid, stale, new = reuse_line(r.stderr)
    assert reused >= stored and stale == 0 and reused + new == n and new > 0

    r = subprocess.run([*cmd[:-2], "--work-dir", str(tmp_path / "work2"), "--out", str(tmp_path / "whole")],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert reuse_line(r.stderr)[0::2] == (0, 0)
    resumed, whole = results(tmp_path / "resumed"), results(tmp_path / "whole")
    assert len(whole) == n and resumed == whole
