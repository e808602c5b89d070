"""The headless CLI: predict and evaluate, end to end through main.py."""

import pycocotools.coco  # noqa: F401,I001 - before paddle (zlib trap)
import csv
import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from inspectors.engine import Inspector
from inspectors.imageio import read_image

from tests.app_helpers import export_unet_softmax

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT.parent / "shared" / "datasets"


def run_main(*args, timeout=600):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT)


@pytest.fixture(scope="module")
def tiny_seg(tmp_path_factory):
    return export_unet_softmax(tmp_path_factory.mktemp("models") / "unet6", ("background", "Blowhole", "Break", "Crack", "Fray", "Uneven"))


@pytest.fixture()
def image_folder(tmp_path):
    src = tmp_path / "线材 images"
    (src / "sub").mkdir(parents=True)
    rng = np.random.default_rng(0)
    for i, (h, w) in enumerate([(50, 70), (64, 64), (33, 120)]):
        cv2.imwrite(str(tmp_path / f"tmp{i}.png"), rng.integers(0, 255, (h, w, 3), dtype=np.uint8))
        (tmp_path / f"tmp{i}.png").rename(src / ("sub" if i == 2 else "") / f"缺陷 {i}.png")
    (src / "broken.jpg").write_bytes(b"")
    return src


def test_predict_writes_json_per_image_and_summary(tiny_seg, image_folder, tmp_path):
    before = {p: p.read_bytes() for p in image_folder.rglob("*") if p.is_file()}
    out = tmp_path / "out"
    r = run_main("predict", "--model", tiny_seg, "--input", image_folder, "--out", out, "-q")
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader((out / "summary.csv").open(encoding="utf-8")))
    assert sorted(row["file"] for row in rows) == sorted(
        str(p.relative_to(image_folder)) for p in before)
    bad = [row for row in rows if row["status"] == "error"]
    assert [row["file"] for row in bad] == ["broken.jpg"] and "empty" in bad[0]["error"].lower()
    # each JSON agrees with the engine run in-process on the same image
    insp = Inspector.from_path(tiny_seg)
    for img in [p for p in before if p.suffix == ".png"]:
        data = json.loads((out / (str(img.relative_to(image_folder)) + ".json")).read_text(encoding="utf-8"))
        ref = insp.predict(read_image(img))
        assert data["result"]["image_size"] == list(ref.image_size)
        got = {c["class_id"]: c["area_px"] for c in data["result"]["classes"]}
        assert got == {k: v for k, v in ref.class_areas().items() if k != 0}
    # source folder untouched
    assert {p: p.read_bytes() for p in image_folder.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("args, message", [
    (["--input", "/nonexistent/folder"], "does not exist"),
    (["--model", "/nonexistent/model"], "cannot load model"),
])
def test_predict_bad_arguments_exit_2(tiny_seg, image_folder, tmp_path, args, message):
    base = {"--model": str(tiny_seg), "--input": str(image_folder), "--out": str(tmp_path / "o")}
    base.update(dict(zip(args[::2], args[1::2])))
    r = run_main("predict", *[x for kv in base.items() for x in kv], "-q")
    assert r.returncode == 2
    assert message in r.stderr and "Traceback" not in r.stderr


def test_predict_refuses_output_inside_input(tiny_seg, image_folder):
    r = run_main("predict", "--model", tiny_seg, "--input", image_folder, "--out", image_folder / "out")
    assert r.returncode == 2 and "never touched" in r.stderr


@pytest.mark.skipif(not (DATASETS / "magnetic-tile").is_dir(), reason="../shared/datasets absent")
def test_evaluate_segmentation_end_to_end(tiny_seg, tmp_path):
    out = tmp_path / "eval"
    r = run_main("evaluate", "--model", tiny_seg, "--data", DATASETS / "magnetic-tile",
                 "--out", out, "--limit", "24", "--worst", "3", "-q")
    assert r.returncode == 0, r.stderr
    report = json.loads((out / "metrics.json").read_text())
    assert report["task"] == "segmentation" and report["data"]["evaluated"] == 24
    for name in ("tp_fp_list.txt", "image-level_tp_fp.png", "per_class_iou.png", "confusion_matrix.png"):
        assert (out / name).stat().st_size > 0
    lines = (out / "tp_fp_list.txt").read_text().splitlines()
    assert len(lines) == 2 + 101
    cm = np.array(report["metrics"]["confusion_matrix"])
    # every labelled pixel of the 24 images is counted exactly once
    from inspectors.groundtruth import load_ground_truth

    gt = load_ground_truth(DATASETS / "magnetic-tile")
    total = sum(int((gt.get(p).label_map != 255).sum()) for p in list(gt.images)[:24])
    assert cm.sum() == total
    assert len(list((out / "worst").iterdir())) == len(report["worst_cases"]) <= 3


BUNDLED_CLS = ROOT / "models" / "neu_cls_resnet_small"


@pytest.mark.skipif(not (DATASETS / "neu-cls").is_dir() or not BUNDLED_CLS.is_dir(),
                    reason="../shared/datasets or the bundled classifier absent")
def test_evaluate_classification_end_to_end(tmp_path):
    from sklearn.metrics import accuracy_score, confusion_matrix

    out = tmp_path / "eval"
    r = run_main("evaluate", "--model", BUNDLED_CLS, "--data", DATASETS / "neu-cls",
                 "--out", out, "--limit", "60", "--worst", "2", "-q")
    assert r.returncode == 0, r.stderr
    report = json.loads((out / "metrics.json").read_text())
    assert report["task"] == "classification" and report["data"]["evaluated"] == 60
    # independent check: the engine in-process + scikit-learn on the same 60 images
    from inspectors.groundtruth import load_ground_truth

    gt = load_ground_truth(DATASETS / "neu-cls")
    insp = Inspector.from_path(BUNDLED_CLS)
    images = list(gt.images)[:60]
    y_true = [gt.get(p).class_id for p in images]
    y_pred = [insp.predict(read_image(p)).class_id for p in images]
    assert report["metrics"]["accuracy"] == pytest.approx(accuracy_score(y_true, y_pred))
    np.testing.assert_array_equal(report["metrics"]["confusion_matrix"],
                                  confusion_matrix(y_true, y_pred, labels=range(6)))


@pytest.mark.skipif(not (DATASETS / "neu-det").is_dir(), reason="../shared/datasets absent")
def test_evaluate_detection_end_to_end(tmp_path_factory, tmp_path):
    # Faster R-CNN, not PicoDet: ppdet 2.6 cannot build PicoDet twice in one process
    # (test_exporters builds one), whatever is restored of its global config
    from inspectors.groundtruth import load_ground_truth
    from inspectors.tooling.exporters.paddledet_export import FASTER_RCNN, export_ppdet

    gt = load_ground_truth(DATASETS / "neu-det")
    model = export_ppdet(FASTER_RCNN, tmp_path_factory.mktemp("frcnn") / "frcnn", gt.class_names,
                         randomize_seed=0).dir
    out = tmp_path / "eval"
    r = run_main("evaluate", "--model", model, "--data", DATASETS / "neu-det", "--out", out,
                 "--limit", "4", "--worst", "2", "--threshold", "0.3", "-q")
    assert r.returncode == 0, r.stderr
    report = json.loads((out / "metrics.json").read_text())
    assert report["task"] == "detection" and report["data"]["evaluated"] == 4
    n_gt = sum(len(gt.get(p)) - int(gt.difficult_flags(p).sum()) for p in list(gt.images)[:4])
    assert report["metrics"]["totals"]["num_gt"] == n_gt
    assert 0.0 <= report["metrics"]["voc_map"]["area"] <= 1.0
    for name in ("tp_fp_list.txt", "image-level_tp_fp.png", "pr_curves.png", "per_class_ap.png"):
        assert (out / name).stat().st_size > 0
