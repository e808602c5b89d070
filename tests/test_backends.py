"""The runtime backends on the bundled (trained) models: each one's results against Paddle's
on the same real images, batches against single images, Paddle's oneDNN switches, and the
one-line reasons when a backend cannot run a model.

(The exported test architectures against their dygraph networks, on every backend, are
in tests/test_engine.py.)
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from inspectors.backends import BACKENDS, BackendUnavailable, installed_engines, open_backend
from inspectors.engine import Inspector
from inspectors.engine_agreement import compare
from inspectors.formats import load_model_spec
from inspectors.imageio import read_image
from inspectors.runtime import RuntimeSettings

ROOT = Path(__file__).resolve().parents[1]
MODELS = {
    "cls": ROOT / "models" / "neu_cls_resnet_small",
    "det": ROOT / "models" / "neu_det_picodet_s",
    "seg": ROOT / "models" / "magnetic_tile_fastscnn",
}
DEMO = ROOT / "resources" / "demo"
OTHERS = [e for e in installed_engines() if e != "paddle"]
#: (engine, model) pairs the backend cannot run, and the words its reason must contain
UNREADABLE = {("onnxruntime", "seg"): "Adaptive only support static input shape"}


def demo_images(kind: str, n: int = 4):
    """The bundled demo's synthetic images of the model's kind (NEU-like strips, tiles)."""
    folder = {"cls": DEMO / "neu_cls", "det": DEMO / "neu_det" / "JPEGImages",
              "seg": DEMO / "magnetic_tile" / "images"}[kind]
    paths = sorted(p for p in folder.rglob("*") if p.suffix.lower() in (".jpg", ".png", ".bmp"))
    assert paths, folder
    return [read_image(p) for p in paths[:n]]


@pytest.mark.parametrize("kind", sorted(MODELS))
@pytest.mark.parametrize("engine", OTHERS)
def test_backend_results_agree_with_paddle_on_real_images(engine, kind):
    spec = load_model_spec(MODELS[kind])
    if (engine, kind) in UNREADABLE:
        with pytest.raises(BackendUnavailable, match=UNREADABLE[(engine, kind)]):
            Inspector(spec, RuntimeSettings(engine=engine))
        return
    images = demo_images(kind)
    ref = Inspector(spec, RuntimeSettings(engine="paddle")).predict_batch(images)
    got = Inspector(spec, RuntimeSettings(engine=engine)).predict_batch(images)
    verdict = compare(ref, got)
    assert verdict.ok, verdict.text
    if kind == "det":  # the comparison had boxes to compare
        assert verdict.figures["boxes"] > 0
    # and the comparison itself can fail: the same results with the labels rolled
    if kind == "cls":
        rolled = [type(r)(np.roll(r.probabilities, 1), r.class_names, r.image_size) for r in got]
        assert not compare(ref, rolled).ok


@pytest.mark.parametrize("engine", installed_engines())
def test_detector_batch_equals_single_images(engine):
    """ppdet's scale_factor is compiled for batch 1: OpenVINO reshapes it to a dynamic batch,
    ONNX Runtime runs the batch image by image; either way a batch gives each image's boxes."""
    spec = load_model_spec(MODELS["det"])
    images = demo_images("det")
    insp = Inspector(spec, RuntimeSettings(engine=engine, batch_size=4))
    batch = insp.predict_batch(images)
    singles = [insp.predict(im) for im in images]
    verdict = compare(singles, batch)
    assert verdict.ok and verdict.figures["boxes"] > 0, verdict.text


def test_no_onednn_really_disables_it_and_softmax_stays_outside():
    """Paddle 2.6's Config has oneDNN on by default: --no-onednn must switch it off (read
    back from Paddle's own config); with it on, softmax is kept out of oneDNN (FastSCNN spent
    85 % of its time in oneDNN softmax) and the outputs do not change."""
    spec = load_model_spec(MODELS["seg"])
    x = np.random.default_rng(0).normal(size=(1, 3, 256, 256)).astype("float32")
    on = open_backend("paddle", spec.model_file, spec.params_file, RuntimeSettings())
    full = open_backend("paddle", spec.model_file, spec.params_file, RuntimeSettings(onednn_exclude=()))
    off = open_backend("paddle", spec.model_file, spec.params_file, RuntimeSettings(use_onednn=False))
    assert on.onednn and full.onednn and not off.onednn
    assert on.onednn_excluded == ["softmax"] and full.onednn_excluded == []
    assert "without oneDNN" in off.describe() and "softmax outside" in on.describe()
    a, b, c = (be.run({"x": x}) for be in (on, full, off))
    for i in range(len(a)):
        np.testing.assert_allclose(a[i], b[i], atol=1e-5)
        np.testing.assert_allclose(a[i], c[i], atol=1e-5)


def test_engine_names_and_auto_are_checked():
    spec = load_model_spec(MODELS["cls"])
    with pytest.raises(ValueError, match="engine must be one of"):
        RuntimeSettings(engine="tensorrt")
    with pytest.raises(ValueError, match="engine_choice"):
        Inspector(spec, RuntimeSettings(engine="auto"))
    with pytest.raises(ValueError):
        open_backend("auto", spec.model_file, spec.params_file, RuntimeSettings())
    assert list(BACKENDS) == ["paddle", "openvino", "onnxruntime"]


@pytest.mark.parametrize("engine,package", [("openvino", "openvino"), ("onnxruntime", "onnxruntime"),
                                            ("onnxruntime", "paddle2onnx")])
def test_a_missing_package_is_a_one_line_reason(engine, package, monkeypatch):
    monkeypatch.setitem(sys.modules, package, None)  # what `import` sees when it is not installed
    spec = load_model_spec(MODELS["cls"])
    with pytest.raises(BackendUnavailable) as info:
        open_backend(engine, spec.model_file, spec.params_file, RuntimeSettings())
    assert f"{package}" in str(info.value) and "pip install" in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.skipif("openvino" not in installed_engines(), reason="openvino not installed")
def test_gpu_asked_for_where_there_is_none_is_a_reason():
    import openvino as ov

    if any(d.startswith("GPU") for d in ov.Core().available_devices):
        pytest.skip("this machine has an OpenVINO GPU device")
    spec = load_model_spec(MODELS["cls"])
    with pytest.raises(BackendUnavailable, match="no GPU"):
        open_backend("openvino", spec.model_file, spec.params_file, RuntimeSettings(device="gpu"))
