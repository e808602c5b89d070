"""``python main.py compare``: its table equals two separate ``evaluate`` runs on the same data."""

import pycocotools.coco  # noqa: F401,I001 - before paddle (zlib trap)
import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.app_helpers import export_unet_softmax

ROOT = Path(__file__).resolve().parents[1]
TILES = ROOT.parent / "shared" / "datasets" / "magnetic-tile"
BUNDLED_SEG = ROOT / "models" / "magnetic_tile_fastscnn"
NAMES = ("background", "Blowhole", "Break", "Crack", "Fray", "Uneven")


def run_main(*args, timeout=600):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def test_bad_input_one_line_exit_2(tmp_path):
    r = run_main("compare", "--model", BUNDLED_SEG, "--data", tmp_path, "--out", tmp_path / "o")
    assert r.returncode == 2 and r.stderr.strip().count("\n") == 0 and "two or more" in r.stderr
    r = run_main("compare", "--model", BUNDLED_SEG, "--model", tmp_path / "nope", "--data", tmp_path,
                 "--out", tmp_path / "o")
    assert r.returncode == 2 and r.stderr.strip().count("\n") == 0 and "not a model folder" in r.stderr
    assert not (tmp_path / "o").exists()


def _get(report, path):
    for key in path:
        report = report[key]
    return report


@pytest.mark.skipif(not TILES.is_dir() or not BUNDLED_SEG.is_dir(), reason="../shared/datasets or the bundled model absent")
def test_compare_table_equals_two_evaluate_runs(tmp_path):
    # six defective and six clean tiles, copied as a PaddleSeg dataset
    lines = TILES.joinpath("val.txt").read_text().splitlines()
    pick = [ln for ln in lines if not ln.startswith("images/Free")][:6] + \
        [ln for ln in lines if ln.startswith("images/Free")][:6]
    gt = tmp_path / "tiles"
    for sub in ("images", "labels"):
        (gt / sub).mkdir(parents=True)
    for ln in pick:
        for rel in ln.split():
            shutil.copy(TILES / rel, gt / rel)
    (gt / "val.txt").write_text("".join(ln + "\n" for ln in pick))
    shutil.copy(TILES / "labels.txt", gt / "labels.txt")
    model_b = export_unet_softmax(tmp_path / "unet6", NAMES)

    out = tmp_path / "cmp"
    r = run_main("compare", "--model", BUNDLED_SEG, "--model", model_b, "--data", gt, "--out", out,
                 "--worst", "3", "-q")
    assert r.returncode == 0, r.stderr
    cmp = json.loads((out / "comparison.json").read_text())
    evals = []
    for i, m in enumerate((BUNDLED_SEG, model_b)):
        r = run_main("evaluate", "--model", m, "--data", gt, "--out", tmp_path / f"eval{i}", "--worst", "0", "-q")
        assert r.returncode == 0, r.stderr
        assert "reused 12 results" in r.stderr  # the runs compare stored
        evals.append(json.loads((tmp_path / f"eval{i}" / "metrics.json").read_text()))

    paths = {"mIoU": ("metrics", "miou"), "pixel accuracy": ("metrics", "accuracy"), "kappa": ("metrics", "kappa"),
             "image-level recall": ("image_level", "recall"),
             "image-level false-alarm rate": ("image_level", "false_positive_rate"),
             "escapes": ("decision", "escapes"), "false rejects": ("decision", "false_rejects"),
             "review rate": ("decision", "review_rate")}
    rows = {row["metric"]: row for row in cmp["table"]["overall"]}
    for label, path in paths.items():
        a, b = _get(evals[0], path), _get(evals[1], path)
        assert rows[label]["values"] == pytest.approx([a, b]), label
        assert rows[label]["diff"] == pytest.approx([b - a]), label
    for row in cmp["table"]["per_class"]:
        c = NAMES.index(row["class"])
        assert row["values"] == pytest.approx([e["metrics"]["per_class"][c]["iou"] for e in evals])

    # McNemar: right = not OK on a defective tile / OK on a clean one, recounted from evaluate's decisions
    t = cmp["mcnemar"][0]
    assert sum(t[k] for k in ("both_right", "a_right_b_wrong", "a_wrong_b_right", "both_wrong")) == 12
    for e, key in zip(evals, ("a", "b")):
        right = (e["decision"]["defective"] - e["decision"]["escapes"]) + e["decision"]["by_ground_truth"]["clean"]["OK"]
        both = t["both_right"]
        assert right == both + (t["a_right_b_wrong"] if key == "a" else t["a_wrong_b_right"])
    scipy_stats = pytest.importorskip("scipy.stats")
    n = t["a_right_b_wrong"] + t["a_wrong_b_right"]
    expected = 1.0 if n == 0 else scipy_stats.binomtest(t["a_right_b_wrong"], n, 0.5).pvalue
    assert t["p_value"] == pytest.approx(expected)

    # the CSV reads back as numbers; the disagreements are sorted and the thumbnails exist
    with open(out / "comparison.csv", encoding="utf-8-sig", newline="") as f:
        table = list(csv.DictReader(f))
    assert float(table[0][BUNDLED_SEG.name]) == pytest.approx(rows["mIoU"]["values"][0])
    scores = [d["score"] for d in cmp["disagreements"]]
    assert scores == sorted(scores, reverse=True) and len(scores) == 12
    assert cmp["thumbnails"] and all((out / p).is_file() for p in cmp["thumbnails"])
    assert "http" not in (out / "comparison.html").read_text() and (out / "comparison.pdf").stat().st_size > 0
