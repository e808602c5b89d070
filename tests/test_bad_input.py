"""The bad-input matrix: images, ground truth, model folders, output locations, archives and
arguments, each tried as a new user would. Every case checks the one-line message, the exit
code, that the good inputs still completed and that the source folder's bytes are unchanged.

The CLI runs in-process (``inspectors.cli.main``) with the bundled models: real exports, no
training. Signals need a real process: see the end of the file.
"""

import pycocotools.coco  # noqa: F401,I001 - before paddle (zlib trap)
import csv
import json
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import cv2
import numpy as np
import pytest

from inspectors.cli import main as cli_main
from inspectors.outdir import MARKER
from tests.app_helpers import tree_hashes

ROOT = Path(__file__).resolve().parents[1]
CLS_MODEL = ROOT / "models" / "neu_cls_resnet_small"
DET_MODEL = ROOT / "models" / "neu_det_picodet_s"
DEMO_DET = ROOT / "resources" / "demo" / "neu_det"


def run(capsys, *args) -> tuple:
    """(exit code, stderr) of ``main.py ARGS`` run in this process."""
    code = cli_main([str(a) for a in args])
    err = capsys.readouterr().err
    return code, err


def error_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.startswith("error:")]
    assert len(lines) == 1, err
    return lines[0]


def summary(out: Path) -> list:
    with open(out / "summary.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture()
def images(tmp_path) -> Path:
    """Three good steel-like images and a few bad files, in a folder with a subfolder."""
    src = tmp_path / "line images"
    (src / "sub").mkdir(parents=True)
    rng = np.random.default_rng(1)
    for name in ["a.png", "b.bmp", "sub/c.jpg"]:
        img = rng.integers(60, 200, (200, 200, 3), dtype=np.uint8)
        cv2.imwrite(str(src / name), img)
    return src


def predict(capsys, src, out, *extra):
    return run(capsys, "predict", "--model", CLS_MODEL, "--input", src, "--out", out, "-q", *extra)


# ----------------------------------------------------------------------------- images

BAD_IMAGES = {
    "empty.jpg": lambda p: p.write_bytes(b""),
    "garbage.png": lambda p: p.write_bytes(os.urandom(300)),
    "truncated.jpg": lambda p: p.write_bytes(cv2.imencode(".jpg", np.full((80, 80, 3), 90, np.uint8))[1]
                                             .tobytes()[:400]),
    "folder.jpg": lambda p: p.mkdir(),
    # 1 x 60000 pixels: the classifier's short-side resize would ask for gigabytes
    "strip.png": lambda p: cv2.imwrite(str(p), np.full((1, 60000), 120, np.uint8)),
}


@pytest.mark.parametrize("name", sorted(BAD_IMAGES))
def test_bad_image_is_that_image_s_error_and_the_run_goes_on(capsys, images, tmp_path, name):
    BAD_IMAGES[name](images / name)
    before = tree_hashes(images)
    out = tmp_path / "out"
    code, err = predict(capsys, images, out)
    rows = {r["file"]: r for r in summary(out)}
    good = {k: v for k, v in rows.items() if k in ("a.png", "b.bmp", "sub/c.jpg")}
    assert code == 0, err
    assert [r["status"] for r in good.values()] == ["ok"] * 3
    if name != "folder.jpg":  # a folder named like an image is not listed as one
        assert rows[name]["status"] == "error" and rows[name]["error"]
        assert "\n" not in rows[name]["error"]
        assert "images that could not be inspected (1)" in err
    assert tree_hashes(images) == before


def test_pixel_limit_refuses_from_the_header(capsys, images, tmp_path):
    cv2.imwrite(str(images / "big.png"), np.zeros((1000, 2000), np.uint8))
    code, err = predict(capsys, images, tmp_path / "out", "--max-megapixels", "1.5")
    rows = {r["file"]: r for r in summary(tmp_path / "out")}
    assert code == 0
    assert "2000x1000" in rows["big.png"]["error"] and "limit of 1.5 megapixels" in rows["big.png"]["error"]
    assert sum(r["status"] == "ok" for r in rows.values()) == 3


def test_header_check_needs_no_decoding():
    """A valid 1x1 PNG whose header is patched to 60000 x 60000: refused from the header
    alone (decoding it would fail or, for a real one, take gigabytes)."""
    import struct
    import zlib

    from inspectors.errors import ImageReadError
    from inspectors.imageio import check_pixels

    png = bytearray(cv2.imencode(".png", np.zeros((1, 1), np.uint8))[1].tobytes())
    png[16:24] = struct.pack(">II", 60000, 60000)
    png[29:33] = struct.pack(">I", zlib.crc32(bytes(png[12:29])) & 0xFFFFFFFF)
    with pytest.raises(ImageReadError, match="60000x60000"):
        check_pixels(bytes(png), "x.png", 100_000_000)
    check_pixels(bytes(png), "x.png", 60000 * 60000)  # at the limit: allowed


def test_every_image_failing_exits_non_zero(capsys, tmp_path):
    src = tmp_path / "bad"
    src.mkdir()
    for name in ("x.jpg", "y.png"):
        (src / name).write_bytes(b"not an image")
    code, err = predict(capsys, src, tmp_path / "out")
    assert code == 1 and "no image could be inspected" in err


def test_dangling_link_and_unreadable_folder_are_reported(capsys, images, tmp_path, monkeypatch):
    (images / "gone.jpg").symlink_to(tmp_path / "nowhere.jpg")
    (images / "locked").mkdir()
    locked = str(images / "locked")
    real_scandir = os.scandir

    def scandir(path="."):  # root reads every folder: make one unreadable the way EACCES does
        if os.fspath(path) == locked:
            raise PermissionError(13, "Permission denied", locked)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code, err = predict(capsys, images, tmp_path / "out")
    assert code == 0
    assert "skipped while listing the input (2)" in err
    assert "symbolic link points to nothing" in err and "gone.jpg" in err
    assert "folder cannot be read (Permission denied)" in err and "locked" in err
    assert len(summary(tmp_path / "out")) == 3


def test_csv_formula_names_are_escaped(capsys, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    names = ["=HYPERLINK(1).png", "+1.png", "-2.png", "@x.png", "plain.png"]
    for n in names:
        cv2.imwrite(str(src / n), np.full((64, 64, 3), 100, np.uint8))
    code, _ = predict(capsys, src, tmp_path / "out")
    assert code == 0
    files = sorted(r["file"] for r in summary(tmp_path / "out"))
    assert files == sorted("'" + n if n[0] in "=+-@" else n for n in names)


# ----------------------------------------------------------------------------- output locations


def _locations(images: Path, tmp_path: Path):
    link = tmp_path / "link to images"
    link.symlink_to(images, target_is_directory=True)
    return {
        "the input folder": (images, images),
        "inside the input": (images, images / "results"),
        "above the input": (images, images.parent),
        "the folder of an input file": (images / "a.png", images),
        "inside it through a link": (link, images / "results"),
        "the input through a link": (images, link),
        "an image's folder of a list": (tmp_path / "list.txt", images / "sub"),
    }


@pytest.mark.parametrize("case", ["the input folder", "inside the input", "above the input",
                                  "the folder of an input file", "inside it through a link",
                                  "the input through a link", "an image's folder of a list"])
def test_output_never_in_or_around_the_source(capsys, images, tmp_path, case):
    (tmp_path / "list.txt").write_text("line images/a.png\nline images/sub/c.jpg\n")
    (images / "summary.csv").write_text("the user's own file\n")
    src, out = _locations(images, tmp_path)[case]
    before, parent_before = tree_hashes(images), sorted(os.listdir(tmp_path))
    code, err = predict(capsys, src, out)
    assert code == 2, err
    assert "never touched" in error_line(err)
    assert tree_hashes(images) == before
    assert sorted(os.listdir(tmp_path)) == parent_before


def test_relative_output_inside_the_input_is_refused(capsys, images, monkeypatch):
    monkeypatch.chdir(images)
    before = tree_hashes(images)
    code, err = predict(capsys, ".", "out")
    assert code == 2 and "never touched" in error_line(err)
    assert tree_hashes(images) == before


@pytest.mark.parametrize("kind", ["a file", "under /proc", "a user's folder"])
def test_unusable_output_is_one_line_exit_2(capsys, images, tmp_path, kind):
    user = tmp_path / "reports"
    if kind == "a file":
        out = tmp_path / "notes.txt"
        out.write_text("keep me")
    elif kind == "under /proc":
        out = Path("/proc/defect-inspector-out")
    else:
        out = user
        user.mkdir()
        (user / "summary.csv").write_text("keep me")
    before = tree_hashes(tmp_path)
    code, err = predict(capsys, images, out)
    assert code == 2, err
    line = error_line(err)
    assert {"a file": "is not a folder", "under /proc": "cannot write in /proc",
            "a user's folder": "did not write"}[kind] in line
    assert tree_hashes(tmp_path) == before


def test_rerun_replaces_the_old_output_whole(capsys, images, tmp_path):
    out = tmp_path / "out"
    assert predict(capsys, images, out)[0] == 0
    assert (out / "a.png.json").is_file() and json.loads((out / MARKER).read_text())["kind"] == "predict"
    (images / "a.png").unlink()
    assert predict(capsys, images, out)[0] == 0
    assert not (out / "a.png.json").exists()  # nothing of the old run left beside the new
    assert sorted(r["file"] for r in summary(out)) == ["b.bmp", "sub/c.jpg"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_an_evaluate_report_is_not_replaced_by_predict(capsys, images, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / MARKER).write_text(json.dumps({"tool": "defect-inspector", "kind": "evaluate"}))
    (out / "metrics.json").write_text("{}")
    code, err = predict(capsys, images, out)
    assert code == 2 and "holds another output" in error_line(err)
    assert (out / "metrics.json").read_text() == "{}"


# ----------------------------------------------------------------------------- arguments and models


@pytest.mark.parametrize("args, expected", [
    (["--threshold", "5"], "from 0 to 1"),
    (["--threshold", "nan"], "from 0 to 1"),
    (["--threshold", "-0.1"], "from 0 to 1"),
    (["--threshold", "high"], "is not a number"),
    (["--batch-size", "0"], "1 or more"),
    (["--threads", "-2"], "1 or more"),
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


# ----------------------------------------------------------------------------- fetch


def _neu_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for code in ("Cr", "In", "Pa", "PS", "RS", "Sc"):
            for i in range(1, 4):
                ok, buf = cv2.imencode(".bmp", np.full((20, 20), 100, np.uint8))
                z.writestr(f"NEU-CLS/{code}_{i}.bmp", buf.tobytes())
    return path


def test_fetch_never_deletes_a_user_folder(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("DEFECT_INSPECTOR_CACHE", str(tmp_path / "cache"))
    archive = _neu_zip(tmp_path / "neu.zip")
    mine = tmp_path / "my data"
    mine.mkdir()
    (mine / "thesis.docx").write_text("years of work")
    code, err = run(capsys, "fetch", "neu-cls", "--source", archive, "--trust-first-use", "--out", mine)
    assert code == 2 and "did not write" in error_line(err)
    assert (mine / "thesis.docx").read_text() == "years of work"
    fresh = tmp_path / "neu-cls"
    assert run(capsys, "fetch", "neu-cls", "--source", archive, "--trust-first-use", "--out", fresh)[0] == 0
    assert run(capsys, "fetch", "neu-cls", "--source", archive, "--out", fresh)[0] == 0  # same data
    code, err = run(capsys, "fetch", "neu-det", "--source", archive, "--out", fresh)
    assert code == 2 and "another output" in error_line(err)
    assert len(list(fresh.rglob("*.bmp"))) == 18


# ----------------------------------------------------------------------------- the engine's stages


def test_any_stage_error_stays_with_its_image(tmp_path):
    """A MemoryError or cv2.error in the prefetch thread is that image's error; the others run."""
    from inspectors.engine import Inspector

    class Flaky(Inspector):
        def prepare(self, image, path=""):
            if path.endswith("oom.png"):
                raise MemoryError()
            if path.endswith("cv.png"):
                cv2.resize(image, (0, 0))  # the real cv2.error a degenerate target size gives
            return super().prepare(image, path)

    names = ["a.png", "oom.png", "b.png", "cv.png", "c.png"]
    for n in names:
        cv2.imwrite(str(tmp_path / n), np.full((64, 64, 3), 90, np.uint8))
    insp = Flaky.from_path(CLS_MODEL)
    outcomes = {Path(o.path).name: o for o in insp.run([tmp_path / n for n in names])}
    assert sorted(outcomes) == sorted(names)
    assert [outcomes[n].ok for n in names] == [True, False, True, False, True]
    assert "MemoryError" in outcomes["oom.png"].error
    assert outcomes["cv.png"].error.startswith("preprocess failed: error")


def test_a_failing_listing_stops_the_run_with_an_error(tmp_path):
    from inspectors.engine import Inspector
    from inspectors.errors import InspectorError

    cv2.imwrite(str(tmp_path / "a.png"), np.full((64, 64, 3), 90, np.uint8))

    def paths():
        yield tmp_path / "a.png"
        raise OSError(5, "Input/output error")

    insp = Inspector.from_path(CLS_MODEL)
    seen = []
    with pytest.raises(InspectorError, match="Input/output error"):
        for o in insp.run(paths()):
            seen.append(o)
    assert [Path(o.path).name for o in seen] == ["a.png"]  # what was read still came out


# ----------------------------------------------------------------------------- signals


@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_predict_interrupted_leaves_nothing_half_written(tmp_path, sig, code):
    src = tmp_path / "src"
    src.mkdir()
    for i in range(400):
        cv2.imwrite(str(src / f"{i:04d}.png"), np.full((200, 200, 3), i % 250, np.uint8))
    before = tree_hashes(src)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "predict", "--model", CLS_MODEL,
                             "--input", src, "--out", out, "-q"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    staging = []
    while time.monotonic() < deadline and proc.poll() is None:  # wait for results to be written
        staging = [p for p in tmp_path.iterdir() if p.name.startswith(".out.partial-")]
        if staging and len(list(staging[0].glob("*.json"))) >= 5:
            break
        time.sleep(0.1)
    assert staging and proc.poll() is None, "the run did not start writing"
    proc.send_signal(sig)
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


def test_tiff_header_over_the_limit_is_refused_before_decoding(tmp_path):
    """A TIFF written by OpenCV: its size is read from the first IFD, so one above the limit
    is refused before the decoder allocates anything (TIFF is not in OpenCV's JPEG/PNG/BMP
    header path)."""
    from inspectors.errors import ImageReadError
    from inspectors.imageio import read_image

    ok, buf = cv2.imencode(".tif", np.zeros((300, 200), np.uint8))
    assert ok
    path = tmp_path / "big.tif"
    path.write_bytes(buf.tobytes())
    assert read_image(path).shape == (300, 200, 3)
    with pytest.raises(ImageReadError, match="200x300"):
        read_image(path, max_pixels=200 * 300 - 1)
