"""``--engine auto``: the agreement rules on hand-built results (each tolerance can fail),
and the measurement, its report line and its cache on the bundled models."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from inspectors.backends import installed_engines
from inspectors.cli import main as cli_main
from inspectors.engine_agreement import TOLERANCES, compare
from inspectors.engine_choice import (
    CACHE_VERSION,
    Layout,
    cache_file,
    context_key,
    load_inspector,
    measure,
    sample_images,
)
from inspectors.formats import load_model_spec
from inspectors.results import ClassificationResult, DetectionResult, SegmentationResult
from inspectors.runs.fingerprint import fingerprint_spec
from inspectors.runtime import RuntimeSettings

ROOT = Path(__file__).resolve().parents[1]
CLS = ROOT / "models" / "neu_cls_resnet_small"
SEG = ROOT / "models" / "magnetic_tile_fastscnn"
CLS_IMAGES = sorted((ROOT / "resources" / "demo" / "neu_cls").rglob("*.bmp"))[:3]
AUTO = RuntimeSettings(engine="auto")
NAMES = ("a", "b", "c")


# -- agreement rules ---------------------------------------------------------------

def _cls(p):
    return ClassificationResult(np.asarray(p, np.float32), NAMES)


def test_classification_agreement_and_its_limits():
    ref = [_cls([0.7, 0.2, 0.1]), _cls([0.1, 0.3, 0.6])]
    assert compare(ref, ref).ok
    tol = TOLERANCES["probability"]
    assert compare(ref, [_cls([0.7 - tol / 2, 0.2 + tol / 2, 0.1]), ref[1]]).ok
    assert not compare(ref, [_cls([0.7 - 2 * tol, 0.2 + 2 * tol, 0.1]), ref[1]]).ok
    flipped = compare(ref, [_cls([0.2, 0.7, 0.1]), ref[1]])
    assert not flipped.ok and flipped.figures["labels"] == 0.5
    assert not compare(ref, ref[:1]).ok


def _seg(labels, conf):
    return SegmentationResult(np.asarray(labels, np.uint8), NAMES, np.asarray(conf, np.float32))


def test_segmentation_agreement_counts_pixels_and_confidence():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, (100, 100))
    conf = rng.uniform(0.4, 1.0, (100, 100))
    ref = [_seg(labels, conf)]
    assert compare(ref, [_seg(labels, conf + 5e-4)]).ok
    assert not compare(ref, [_seg(labels, conf + 2e-3)]).ok
    few = labels.copy()
    few.flat[:5] = (few.flat[:5] + 1) % 3  # 0.05 % of the pixels: ties may do that
    assert compare(ref, [_seg(few, conf)]).ok
    many = labels.copy()
    many.flat[:50] = (many.flat[:50] + 1) % 3  # 0.5 %: not a tie any more
    verdict = compare(ref, [_seg(many, conf)])
    assert not verdict.ok and verdict.figures["labels"] == pytest.approx(0.995)
    assert not compare(ref, [_seg(labels[:50], conf[:50])]).ok


def _det(rows):
    rows = np.asarray(rows, np.float32).reshape(-1, 6)
    return DetectionResult(rows[:, :4], rows[:, 4], rows[:, 5].astype(np.int32), NAMES, (200, 200))


def test_detection_agreement_matches_boxes_by_class_iou_and_score():
    ref = [_det([[10, 10, 50, 50, 0.9, 0], [60, 60, 120, 100, 0.4, 1], [0, 0, 5, 5, 0.01, 2]])]
    assert compare(ref, ref).ok
    same_reordered = _det([[60, 60, 120, 100, 0.4, 1], [10, 10, 50, 50, 0.9, 0]])
    assert compare(ref, [same_reordered]).ok  # the 0.01 box is below the compared scores
    moved = _det([[10, 10, 50, 50, 0.9, 0], [64, 60, 124, 100, 0.4, 1]])
    assert not compare(ref, [moved]).ok  # IoU 0.88
    rescored = _det([[10, 10, 50, 50, 0.9, 0], [60, 60, 120, 100, 0.41, 1]])
    assert not compare(ref, [rescored]).ok
    relabelled = _det([[10, 10, 50, 50, 0.9, 2], [60, 60, 120, 100, 0.4, 1]])
    assert not compare(ref, [relabelled]).ok
    extra = _det([[10, 10, 50, 50, 0.9, 0], [60, 60, 120, 100, 0.4, 1], [100, 0, 150, 40, 0.3, 2]])
    verdict = compare(ref, [extra])
    assert not verdict.ok and verdict.figures["extra"] == 1
    on_the_floor = _det([[10, 10, 50, 50, 0.9, 0], [60, 60, 120, 100, 0.4, 1],
                         [100, 0, 150, 40, TOLERANCES["min_score"] + 1e-4, 2]])
    assert compare(ref, [on_the_floor]).ok  # Paddle's twin may have fallen just below the floor


# -- measuring and remembering ------------------------------------------------------

@pytest.mark.skipif(len(installed_engines()) < 2, reason="only Paddle is installed")
def test_auto_measures_once_then_remembers(tmp_path):
    work = tmp_path / "work"
    first = load_inspector(CLS, AUTO, CLS_IMAGES, work)
    line = first.engine_note
    assert line.startswith(f"engine auto: {first.settings.engine} — ") and "\n" not in line
    assert "measured on 3 images)" in line and "paddle" in line
    data = json.loads(cache_file(work).read_text())
    spec = load_model_spec(CLS)
    entry = data["models"][fingerprint_spec(spec)][context_key(AUTO)]
    assert entry["engine"] == first.settings.engine
    assert set(entry["timings_ms"]) == set(installed_engines()) - set(entry["skipped"])
    best = min(entry["timings_ms"], key=entry["timings_ms"].get)
    assert entry["engine"] == best or best in entry["disagreed"]
    layout = Layout.from_key(entry["layout"])  # the thread layout, measured through Inspector.run
    assert set(entry["layout_rates"]) == {"2t+prefetch", "2t", "1t+prefetch", "1t"}
    assert entry["layout"] == max(entry["layout_rates"], key=entry["layout_rates"].get) or entry["layout"] == "2t+prefetch"
    assert (first.settings.threads, bool(first.prefetch)) == (layout.threads, layout.prefetch)
    assert f"layout: {layout.text()}" in line
    mtime = os.stat(cache_file(work)).st_mtime_ns
    second = load_inspector(CLS, AUTO, CLS_IMAGES, work)
    assert second.settings.engine == first.settings.engine
    assert (second.settings.threads, second.prefetch) == (first.settings.threads, first.prefetch)
    assert "remembered" in second.engine_note
    assert os.stat(cache_file(work)).st_mtime_ns == mtime  # nothing measured, nothing written
    # another runtime context (batch size) is measured on its own
    load_inspector(CLS, RuntimeSettings(engine="auto", batch_size=2), CLS_IMAGES, work)
    assert len(json.loads(cache_file(work).read_text())["models"][fingerprint_spec(spec)]) == 2


def test_a_remembered_layout_is_applied_to_the_loaded_inspector(tmp_path, monkeypatch):
    """A cache entry's thread layout is what the Inspector gets (threads, prefetch); an
    unreadable layout or an older cache version is measured again, never half applied."""
    work = tmp_path / "work"
    spec = load_model_spec(CLS)
    settings = RuntimeSettings(engine="auto", ir_optim=False)

    def write(layout, version=CACHE_VERSION):
        entry = {"engine": "paddle", "timings_ms": {"paddle": 1.0}, "agreement": {}, "disagreed": {},
                 "skipped": {}, "images": 3, "generated": False, "layout": layout,
                 "layout_rates": {"2t+prefetch": 10.0, "1t": 12.5}}
        cache_file(work).parent.mkdir(parents=True, exist_ok=True)
        cache_file(work).write_text(json.dumps(
            {"version": version, "models": {fingerprint_spec(spec): {context_key(settings): entry}}}))

    write("1t")
    insp = load_inspector(CLS, settings, CLS_IMAGES, work)
    assert (insp.settings.engine, insp.settings.threads, insp.prefetch) == ("paddle", 1, 0)
    assert "remembered" in insp.engine_note
    assert "layout: 1 inference thread, no prefetch thread, 12.5 img/s" in insp.engine_note
    write("2t+prefetch")
    insp = load_inspector(CLS, settings, CLS_IMAGES, work)
    assert (insp.settings.threads, insp.prefetch) == (2, 4)
    import inspectors.engine_choice as ec

    measured = []
    real = ec.measure

    def paddle_only(*args, **kwargs):
        measured.append(1)
        return real(*args, **{**kwargs, "engines": ["paddle"], "rounds": 1})

    monkeypatch.setattr(ec, "measure", paddle_only)
    for layout, version in (("2x", CACHE_VERSION), ("1t", CACHE_VERSION - 1)):
        write(layout, version)
        insp = load_inspector(CLS, settings, CLS_IMAGES, work)
        assert "remembered" not in insp.engine_note
    assert measured == [1, 1]


def test_layouts_measured():
    from inspectors.engine_choice import layouts

    assert [x.key for x in layouts(RuntimeSettings(threads=2), True)] == ["2t+prefetch", "2t", "1t+prefetch", "1t"]
    assert [x.key for x in layouts(RuntimeSettings(threads=2), False)] == ["2t+prefetch", "2t"]
    assert [x.key for x in layouts(RuntimeSettings(threads=1), True)] == ["1t+prefetch", "1t"]
    assert all(Layout.from_key(x.key) == x for x in layouts(RuntimeSettings(threads=4), True))


@pytest.mark.skipif("onnxruntime" not in installed_engines(), reason="onnxruntime not installed")
def test_a_backend_that_cannot_convert_is_skipped_with_its_reason():
    spec = load_model_spec(SEG)
    images, generated = sample_images([], n=2)
    assert generated and len(images) == 2
    choice, inspectors = measure(spec, AUTO, images, engines=["paddle", "onnxruntime"], generated=generated,
                                 rounds=1)
    assert "Adaptive only support static input shape" in choice.skipped["onnxruntime"]
    assert choice.engine == "paddle" and set(inspectors) == {"paddle"}
    assert "onnxruntime skipped: paddle2onnx cannot convert" in choice.line()
    assert "generated images" in choice.line()


@pytest.mark.skipif("openvino" not in installed_engines(), reason="openvino not installed")
def test_cli_prints_the_choice_in_one_line_and_reuses_it(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("DEFECT_INSPECTOR_ENGINE")  # the default: auto
    src = tmp_path / "in"
    src.mkdir()
    for p in CLS_IMAGES:
        (src / p.name).write_bytes(p.read_bytes())
    args = ["predict", "--model", str(CLS), "--input", str(src), "-q", "--work-dir", str(tmp_path / "w")]
    assert cli_main([*args, "--out", str(tmp_path / "o1")]) == 0
    lines = [ln for ln in capsys.readouterr().err.splitlines() if ln.startswith("engine auto:")]
    assert len(lines) == 1 and "ms/img" in lines[0] and "remembered" not in lines[0]
    assert cli_main([*args, "--out", str(tmp_path / "o2"), "--no-store"]) == 0
    again = [ln for ln in capsys.readouterr().err.splitlines() if ln.startswith("engine auto:")]
    assert len(again) == 1 and "remembered" in again[0]
    assert cache_file(tmp_path / "w").is_file()


def test_cli_refuses_an_unknown_engine_from_the_environment(tmp_path, capsys, monkeypatch):
    """(``--engine tensorrt`` is in the bad-argument matrix, tests/test_bad_input_args.py.)"""
    args = ["predict", "--model", str(CLS), "--input", str(CLS_IMAGES[0]), "--out", str(tmp_path / "o"), "-q"]
    monkeypatch.setenv("DEFECT_INSPECTOR_ENGINE", "tensorrt")
    assert cli_main(args) == 2
    err = [ln for ln in capsys.readouterr().err.splitlines() if ln.startswith("error:")]
    assert len(err) == 1 and "engine must be one of" in err[0]


@pytest.mark.skipif("openvino" not in installed_engines(), reason="openvino not installed")
def test_cli_engine_openvino_and_no_onednn(tmp_path, capsys):
    out = tmp_path / "o"
    common = ["predict", "--model", str(CLS), "--input", str(CLS_IMAGES[0]), "-q", "--no-store"]
    assert cli_main([*common, "--out", str(out), "--engine", "openvino"]) == 0
    ov = json.loads((out / f"{CLS_IMAGES[0].name}.json").read_text())["result"]
    assert cli_main([*common, "--out", str(out), "--engine", "paddle", "--no-onednn"]) == 0
    pd = json.loads((out / f"{CLS_IMAGES[0].name}.json").read_text())["result"]
    assert ov["class_name"] == pd["class_name"]
    assert ov["score"] == pytest.approx(pd["score"], abs=TOLERANCES["probability"])
