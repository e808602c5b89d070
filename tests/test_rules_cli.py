"""``predict`` / ``evaluate`` with decision rules (issue 13), end to end on the bundled
detector: the verdicts of ``predict --review`` against the scores its own JSON lists,
summary.csv's verdict and reasons, the rules saved into the run, ``--rules`` files with
regions, the same counts from predict, evaluate and a re-decision of the run, and bad
input as one line with exit 2."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from inspectors.cli import main as cli_main
from inspectors.outdir import MARKER
from inspectors.results import is_defective
from inspectors.rules import ImageVerdict, bind, decide_many, parse_rules, simple_rules
from inspectors.runs import RunStore
from inspectors.runs.location import runs_root

ROOT = Path(__file__).resolve().parents[1]
DET_MODEL = ROOT / "models" / "neu_det_picodet_s"
DEMO_DET = ROOT / "resources" / "demo" / "neu_det"


def run(capsys, *args) -> tuple:
    code = cli_main([str(a) for a in args])
    return code, capsys.readouterr().err


@pytest.fixture(scope="module")
def det_images(tmp_path_factory) -> Path:
    if not DET_MODEL.is_dir() or not DEMO_DET.is_dir():
        pytest.skip("no bundled detector / demo set")
    src = tmp_path_factory.mktemp("det") / "line"
    src.mkdir()
    for p in sorted((DEMO_DET / "JPEGImages").glob("*.jpg"))[::3]:
        shutil.copy(p, src / p.name)
    return src


def predict(capsys, src, out, *extra):
    return run(capsys, "predict", "--model", DET_MODEL, "--input", src, "--out", out, "-q", *extra)


def outputs(out: Path):
    rows = {r["file"]: r for r in csv.DictReader((out / "summary.csv").open(encoding="utf-8"))}
    docs = {p.name[: -len(".json")]: json.loads(p.read_text(encoding="utf-8"))
            for p in sorted(out.glob("*.json")) if p.name != MARKER}
    return rows, docs


def expected_verdict(defects, low, high, min_area=0.0) -> str:
    """Independent of the engine: from the scores and areas the JSON lists."""
    kept = [d for d in defects if np.float32(d["score"]) >= np.float32(low) and d["area_px"] >= min_area]
    if any(np.float32(d["score"]) >= np.float32(high) for d in kept):
        return "NG"
    return "REVIEW" if kept else "OK"


def test_predict_review_verdicts_follow_the_scores_in_its_own_json(capsys, det_images, tmp_path):
    code, err = predict(capsys, det_images, tmp_path / "o", "--review", "0.25", "0.5", "--min-area", "9000")
    assert code == 0, err
    rows, docs = outputs(tmp_path / "o")
    assert len(docs) == len(rows) == 10
    seen = set()
    for name, doc in docs.items():
        dets = doc["result"]["detections"]
        assert [round(d["score"], 6) for d in doc["defects"]] == [d["score"] for d in dets]
        for d, box in zip(doc["defects"], dets):
            x1, y1, x2, y2 = box["box"]
            assert d["area_px"] == pytest.approx((x2 - x1) * (y2 - y1), rel=1e-3, abs=0.1)  # boxes at 0.01 px
            small, low = d["area_px"] < 9000, np.float32(d["score"]) < np.float32(0.25)
            assert d["kept"] == (not small and not low)
            assert any("area" in w for w in d["ignored"]) == small
            assert any("T_low" in w for w in d["ignored"]) == low
        want = expected_verdict(doc["defects"], 0.25, 0.5, 9000)
        assert doc["verdict"] == rows[name]["verdict"] == want
        assert rows[name]["flagged"] == str(int(want != "OK")) and doc["flagged"] == (want != "OK")
        assert bool(doc["reasons"]) == (want != "OK") and rows[name]["reasons"] == "; ".join(doc["reasons"])
        seen.add(want)
    assert seen == {"OK", "REVIEW", "NG"}, seen  # the case mixes all three
    counts = {v: sum(r["verdict"] == v for r in rows.values()) for v in ("OK", "REVIEW", "NG")}
    assert f"(OK {counts['OK']}, REVIEW {counts['REVIEW']}, NG {counts['NG']})" in err
    # the rules were saved into the run and beside the outputs
    assert parse_rules((tmp_path / "o" / "rules.yaml").read_text()) == simple_rules((0.25, 0.5), 9000)
    store = RunStore(runs_root(os.environ["DEFECT_INSPECTOR_HOME"]))
    [info] = [i for i in store.runs() if i.folder == os.path.realpath(det_images)]
    with store.open_id(info.run_id) as r:
        assert parse_rules(r.rules_text) == simple_rules((0.25, 0.5), 9000)
        # the app's re-decision of the run gives predict's verdicts
        s = r.summaries(defects=True)
        v = decide_many(s.defects, bind(parse_rules(r.rules_text), s.class_names, 0.5))
        assert {rel: ImageVerdict(int(x)).name for rel, x in zip(s.rels, v.verdict)} == \
            {n: row["verdict"] for n, row in rows.items()}


def test_without_rules_the_verdict_is_todays_flag(capsys, det_images, tmp_path):
    code, err = predict(capsys, det_images, tmp_path / "o", "--threshold", "0.3")
    assert code == 0, err
    rows, docs = outputs(tmp_path / "o")
    assert not (tmp_path / "o" / "rules.yaml").exists()
    for name, doc in docs.items():
        best = max((d["score"] for d in doc["result"]["detections"]), default=-1)
        flagged = np.float32(best) >= np.float32(0.3)
        assert rows[name]["verdict"] == ("NG" if flagged else "OK") and doc["flagged"] == flagged
    store = RunStore(runs_root(os.environ["DEFECT_INSPECTOR_HOME"]))
    [info] = [i for i in store.runs() if i.folder == os.path.realpath(det_images)]
    with store.open_id(info.run_id) as r:
        for rel in r.rels():
            assert is_defective(r.get(rel).result, 0.3) == (rows[rel]["verdict"] == "NG")
    code, _ = predict(capsys, det_images, tmp_path / "o2", "--threshold", "0.3", "--no-store")
    assert code == 0 and outputs(tmp_path / "o2")[0].keys() == rows.keys()
    assert {n: r["verdict"] for n, r in outputs(tmp_path / "o2")[0].items()} == {n: r["verdict"] for n, r in rows.items()}


def test_rules_file_with_class_rules_and_regions(capsys, det_images, tmp_path):
    rules = tmp_path / "line.yaml"
    rules.write_text("version: 1\ndefault: {review: [0.25, 0.5]}\nclasses:\n  crazing: {threshold: 0.9}\n"
                     "regions:\n  exclude: [[[0, 0], [100, 0], [100, 200], [0, 200]]]\n")
    code, err = predict(capsys, det_images, tmp_path / "o", "--rules", rules)
    assert code == 0, err
    _rows, docs = outputs(tmp_path / "o")
    n_outside = 0
    for doc in docs.values():
        for d in doc["defects"]:
            outside = np.floor(d["centroid"][0]) < 100  # the centroid's pixel is in the excluded left half
            assert ("outside the regions of interest" in d["ignored"]) == outside
            n_outside += outside
            band = (0.9, 0.9) if d["class_name"] == "crazing" else (0.25, 0.5)
            assert ("T_low" in " ".join(d["ignored"])) == (np.float32(d["score"]) < np.float32(band[0]))
        want = "OK"
        for d in doc["defects"]:
            if d["kept"]:
                band = (0.9, 0.9) if d["class_name"] == "crazing" else (0.25, 0.5)
                want = "NG" if np.float32(d["score"]) >= np.float32(band[1]) else max(want, "REVIEW", key=["OK", "REVIEW", "NG"].index)
        assert doc["verdict"] == want
    assert n_outside > 0


def test_evaluate_decision_metrics_equal_predicts_verdicts(capsys, tmp_path):
    if not DET_MODEL.is_dir() or not DEMO_DET.is_dir():
        pytest.skip("no bundled detector / demo set")
    data = tmp_path / "neu_det"
    shutil.copytree(DEMO_DET, data)
    code, err = run(capsys, "evaluate", "--model", DET_MODEL, "--data", data, "--out", tmp_path / "e", "-q",
                    "--worst", "0", "--review", "0.3", "0.6")
    assert code == 0, err
    d = json.loads((tmp_path / "e" / "metrics.json").read_text())["decision"]
    assert d["rules"] == {"version": 1, "default": {"review": [0.3, 0.6]}}
    code, err2 = predict(capsys, data / "JPEGImages", tmp_path / "p", "--review", "0.3", "0.6")
    assert code == 0, err2
    rows, _ = outputs(tmp_path / "p")
    counts = {v: sum(r["verdict"] == v for r in rows.values()) for v in ("OK", "REVIEW", "NG")}
    assert {k: d[k] for k in counts} == counts and d["images"] == 30 == d["defective"]
    assert d["escapes"] == counts["OK"] and d["false_rejects"] == 0 and d["false_reject_rate"] is None
    assert d["review_rate"] == pytest.approx(counts["REVIEW"] / 30)
    assert f"decision: OK {counts['OK']}, REVIEW {counts['REVIEW']}, NG {counts['NG']}" in err
    assert f"escapes {counts['OK']} of 30 defective" in err


@pytest.mark.parametrize("extra, message", [
    (["--review", "0.8", "0.2"], "--review: LOW 0.8 is above HIGH 0.2"),
    (["--review", "0.2", "1.2"], "argument --review: must be a number from 0 to 1"),
    (["--min-area", "-1"], "argument --min-area: must be a number of 0 or more"),
    (["--rules", "{missing}"], "does not exist"),
    (["--rules", "{bad_key}"], "unknown key 'min_areaa' in classes.scratches"),
    (["--rules", "{bad_band}"], "classes.scratches.review: T_low 0.9 is above T_high 0.5"),
    (["--rules", "{zero_cal}"], "calibration.mm_per_px: must be greater than 0, got 0"),
    (["--rules", "{two_points}"], "regions.include[0]: a polygon needs at least 3 points, got 2"),
    (["--rules", "{unknown_class}"], "classes.pits: the model has no class 'pits'"),
    (["--rules", "{too_big}"], "regions.exclude[0]: point 1 (900, 0) is outside the 200x200 image"),
    (["--rules", "{ok}", "--review", "0.1", "0.2"], "cannot be combined with --rules"),
    (["--review", "0.1", "0.2", "--threshold", "0.5"], "give --threshold or --review, not both"),
])
def test_bad_rules_are_one_line_exit_2_and_nothing_written(capsys, det_images, tmp_path, extra, message):
    files = {"missing": "none.yaml", "bad_key": "classes: {scratches: {min_areaa: 3}}",
             "bad_band": "classes: {scratches: {review: [0.9, 0.5]}}",
             "zero_cal": "calibration: {mm_per_px: 0}", "two_points": "regions: {include: [[[0, 0], [1, 1]]]}",
             "unknown_class": "classes: {pits: {threshold: 0.5}}",
             "too_big": "regions: {exclude: [[[0, 0], [900, 0], [0, 50]]]}", "ok": "version: 1"}
    paths = {}
    for k, text in files.items():
        paths[k] = tmp_path / f"{k}.yaml"
        if k != "missing":
            paths[k].write_text(text)
    args = [a.format(**paths) for a in extra]
    try:
        code, err = predict(capsys, det_images, tmp_path / "o", *args)
    except SystemExit as e:  # argparse's own errors
        code, err = e.code, capsys.readouterr().err
    assert code == 2 and message in err, err
    lines = err.strip().splitlines()  # a region that does not fit the images: said after inference
    assert lines[-1].startswith("error: ") and sum(ln.startswith("error") for ln in lines) == 1
    assert len(lines) == 1 or (len(lines) == 2 and "images already in run" in lines[0])
    assert not (tmp_path / "o").exists()


def test_exit_code_of_the_real_command(det_images, tmp_path):
    (tmp_path / "r.yaml").write_text("default: {min_area: -4}\n")
    r = subprocess.run([sys.executable, str(ROOT / "main.py"), "predict", "--model", str(DET_MODEL),
                        "--input", str(det_images), "--out", str(tmp_path / "o"), "--rules", str(tmp_path / "r.yaml")],
                       capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert r.returncode == 2
    assert r.stderr.strip() == f"error: {tmp_path / 'r.yaml'}: default.min_area: must not be negative, got -4"
