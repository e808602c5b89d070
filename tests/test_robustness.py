"""The robustness sweep: tolerance by hand, the Inspector's image hook on the bundled
classifier, and ``evaluate --robustness`` end to end (metrics.json, chart, report)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from inspectors import perturb as P
from inspectors.robustness import parse_strengths, plan, tolerance

ROOT = Path(__file__).resolve().parents[1]
NEU_CLS = ROOT.parent / "shared" / "datasets" / "neu-cls"
CLS_MODEL = ROOT / "models" / "neu_cls_resnet_small"


def _pts(pairs):
    return [{"strength": s, "metric": m} for s, m in pairs]


def test_tolerance_by_hand():
    # clean 0.9, floor 0.95 * 0.9 = 0.855
    t = tolerance(_pts([(0.5, 0.9), (1.0, 0.86), (1.5, 0.85), (2.0, 0.88)]), "blur", 0.9, 0.95)
    assert t["strengths"] == [1.0]  # 1.5 fails; 2.0 passing again does not count
    assert "up to 1 px sigma" in t["text"] and "at 1.5 px sigma" in t["text"]
    # signed: both signs of a severity must pass
    t = tolerance(_pts([(-10, 0.9), (10, 0.9), (-30, 0.9), (30, 0.5)]), "brightness", 0.9, 0.95)
    assert t["strengths"] == [-10, 10] and "-30 % / +30 %" in t["text"]
    t = tolerance(_pts([(80, 0.2)]), "jpeg", 0.9, 0.95)
    assert t["strengths"] is None and t["text"].startswith("does not tolerate jpeg")
    t = tolerance(_pts([(80, 0.9), (40, 0.89)]), "jpeg", 0.9, 0.95)
    assert t["strengths"] == [40] and "strongest tested" in t["text"]


def test_plan_and_strengths():
    assert [(s.name, s.strength) for s in plan(["noise"], {"noise": [8]})] == [("noise", 8.0)]
    assert len(plan()) == sum(len(p.sweep) for p in P.PERTURBATIONS.values())
    assert parse_strengths(["1,2"], ["blur"]) == {"blur": [1.0, 2.0]}
    for bad, names in ((["1,2"], ["blur", "noise"]), (["fog=1"], ["blur"]), (["noise=1"], ["blur"]),
                       (["blur=x"], ["blur"])):
        with pytest.raises(ValueError):
            parse_strengths(bad, names)


def test_image_hook_runs_on_the_decoded_image_before_preprocessing(tmp_path):
    if not CLS_MODEL.is_dir():
        pytest.skip("bundled classifier absent")
    from inspectors.engine import Inspector
    from inspectors.imageio import read_image, write_image

    rng = np.random.default_rng(0)
    im = np.clip(rng.normal(128, 40, (200, 200, 3)), 0, 255).astype(np.uint8)
    path = tmp_path / "a.png"
    write_image(path, im)
    inspector = Inspector.from_path(CLS_MODEL)
    seen = []

    def hook(image, p):
        seen.append(p)
        return P.gaussian_blur(image, 2.0)

    inspector.image_hook = hook
    hooked = inspector.predict_path(path).result
    inspector.image_hook = None
    plain = inspector.predict_path(path).result
    direct = inspector.predict(P.gaussian_blur(read_image(path), 2.0))
    assert seen == [str(path)]
    np.testing.assert_allclose(hooked.probabilities, direct.probabilities, atol=1e-6)
    assert np.abs(hooked.probabilities - plain.probabilities).max() > 1e-4
    assert np.array_equal(read_image(path), im)  # the source image is untouched


def _evaluate(*args, timeout=600):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "evaluate", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, timeout=timeout)


@pytest.mark.parametrize("extra,needle", [
    (["--perturb", "fog"], "unknown perturbation"),
    (["--perturb", "blur,noise", "--strengths", "1,2"], "name the perturbation"),
    (["--tolerance", "1.5"], "--tolerance"),
])
def test_cli_misuse_exits_2(tmp_path, extra, needle):
    r = _evaluate("--model", CLS_MODEL, "--data", tmp_path, "--out", tmp_path / "o", "--robustness", *extra)
    assert r.returncode == 2 and needle in r.stderr
    assert not (tmp_path / "o").exists()


def test_cli_perturb_without_robustness_exits_2(tmp_path):
    r = _evaluate("--model", CLS_MODEL, "--data", tmp_path, "--out", tmp_path / "o", "--perturb", "blur")
    assert r.returncode == 2 and "need --robustness" in r.stderr


def test_evaluate_robustness_end_to_end(tmp_path):
    if not NEU_CLS.is_dir() or not CLS_MODEL.is_dir():
        pytest.skip("NEU-CLS or the bundled classifier absent")
    out = tmp_path / "eval"
    r = _evaluate("--model", CLS_MODEL, "--data", NEU_CLS, "--out", out, "--limit", "12", "--worst", "0", "-q",
                  "--robustness", "--perturb", "brightness,blur", "--strengths", "brightness=0,-100",
                  "--strengths", "blur=3")
    assert r.returncode == 0, r.stderr[-2000:]
    report = json.loads((out / "metrics.json").read_text())
    rob = report["robustness"]
    assert rob["metric"] == "top-1" and rob["clean"]["metric"] == report["metrics"]["accuracy"]
    by = {p["name"]: {q["strength"]: q for q in p["points"]} for p in rob["perturbations"]}
    assert by["brightness"][0.0]["metric"] == report["metrics"]["accuracy"]  # identity = clean
    # -100 %: every image black, so every image gets the one class the model gives a black image
    from inspectors.engine import Inspector

    black = Inspector.from_path(CLS_MODEL).predict(np.zeros((200, 200, 3), np.uint8)).class_id
    from inspectors.groundtruth import load_ground_truth

    gt = load_ground_truth(NEU_CLS)
    truth = [gt.get(p).class_id for p in list(gt.images)[:12]]
    assert by["brightness"][-100.0]["metric"] == pytest.approx(np.mean([t == black for t in truth]))
    assert by["blur"][3.0]["images"] == 12
    assert (out / "robustness.png").stat().st_size > 5000
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Robustness" in html and "tolerates brightness" in html or "does not tolerate brightness" in html
