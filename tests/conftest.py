"""Shared fixtures: real architectures with random weights, exported in each suite's layout.

Every export fixture is session-scoped and returns an :class:`ExportedModel` with ``.dir``
(the model folder), ``.network`` (the eval-mode paddle layer, ``None`` for ppdet),
``.input_size`` ((h, w) of the small test input), ``.labels`` and ``.reference(x)``, which
gives the exact outputs the exported program should produce for an already preprocessed
input (dygraph forward pass plus the same export-time head: argmax/softmax/transpose).
"""

from __future__ import annotations

import ppdet  # noqa: F401  - must be imported before paddle (zlib segfault otherwise)

# isort: split

import dataclasses
from pathlib import Path
from typing import Any, Callable, Dict, List, Sequence, Tuple, Union

import numpy as np
import paddle
import pytest

from inspectors.tooling.exporters import ExportResult, randomize_weights
from inspectors.tooling.exporters import paddleclas_export as clsx
from inspectors.tooling.exporters import paddledet_export as detx
from inspectors.tooling.exporters import paddleseg_export as segx
from tests.helpers import paddlex_export as pdx

STEEL_LABELS = ("background", "defect_1", "defect_2", "defect_3", "defect_4")
NEU_LABELS = ("crazing", "inclusion", "patches", "pitted_surface", "rolled-in_scale", "scratches")
ALU_LABELS = ("zhen_kong", "ca_shang", "zang_dian", "zhe_zhou")

Feeds = Union[np.ndarray, Dict[str, np.ndarray]]


@dataclasses.dataclass
class ExportedModel:
    """An exported model folder plus what is needed to check an engine against it."""

    dir: Path
    network: Any
    input_size: Tuple[int, int]
    labels: Tuple[str, ...]
    result: ExportResult
    reference_fn: Callable[[Feeds], List[np.ndarray]]

    def reference(self, feeds: Feeds) -> List[np.ndarray]:
        """Expected program outputs (in fetch order) for a preprocessed NCHW batch."""
        return self.reference_fn(feeds)

    def sample_input(self, batch: int = 1, seed: int = 0) -> np.ndarray:
        """A normalised random NCHW float32 batch of ``input_size``."""
        h, w = self.input_size
        return np.random.default_rng(seed).normal(size=(batch, 3, h, w)).astype("float32")


def run_predictor(result: ExportResult, feeds: Feeds, ir_optim: bool = False) -> List[np.ndarray]:
    """Run an exported program with ``paddle.inference`` (CPU, 2 threads)."""
    from paddle import inference

    cfg = inference.Config(str(result.model_file), str(result.params_file))
    cfg.disable_glog_info()
    cfg.disable_gpu()
    cfg.set_cpu_math_library_num_threads(2)
    cfg.switch_ir_optim(ir_optim)
    if ir_optim:
        cfg.enable_mkldnn()
    predictor = inference.create_predictor(cfg)
    names = predictor.get_input_names()
    if isinstance(feeds, np.ndarray):
        feeds = {names[0]: feeds}
    for name in names:
        handle = predictor.get_input_handle(name)
        handle.reshape(feeds[name].shape)
        handle.copy_from_cpu(np.ascontiguousarray(feeds[name]))
    predictor.run()
    return [predictor.get_output_handle(n).copy_to_cpu() for n in predictor.get_output_names()]


def _logits(network: Any, x: np.ndarray) -> paddle.Tensor:
    with paddle.no_grad():
        return network(paddle.to_tensor(x))[0]


def seg_reference(network: Any, output_op: str) -> Callable[[Feeds], List[np.ndarray]]:
    """PaddleSeg export head: argmax (int32 NHW), softmax (NCHW) or raw logits."""

    def ref(x: Feeds) -> List[np.ndarray]:
        logit = _logits(network, x)  # type: ignore[arg-type]
        if output_op == "argmax":
            return [paddle.argmax(logit, axis=1, dtype="int32").numpy()]
        if output_op == "softmax":
            return [paddle.nn.functional.softmax(logit, axis=1).numpy()]
        return [logit.numpy()]

    return ref


def paddlex_seg_reference(network: Any, v1: bool) -> Callable[[Feeds], List[np.ndarray]]:
    """PaddleX heads: 2.x (label_map int32 NHW, score_map NHWC); 1.x (pred int64 NHW1, logit NCHW)."""

    def ref(x: Feeds) -> List[np.ndarray]:
        logit = _logits(network, x)  # type: ignore[arg-type]
        prob = paddle.nn.functional.softmax(logit, axis=1)
        label = paddle.argmax(logit, axis=1)
        if v1:
            return [label.unsqueeze(-1).astype("int64").numpy(), prob.numpy()]
        return [label.astype("int32").numpy(), prob.transpose([0, 2, 3, 1]).numpy()]

    return ref


def cls_reference(network: Any) -> Callable[[Feeds], List[np.ndarray]]:
    def ref(x: Feeds) -> List[np.ndarray]:
        return [paddle.nn.functional.softmax(_logits_cls(network, x), axis=-1).numpy()]

    return ref


def _logits_cls(network: Any, x: Feeds) -> paddle.Tensor:
    with paddle.no_grad():
        return network(paddle.to_tensor(x))


def det_feeds(x: np.ndarray, scale: Sequence[float] = (1.0, 1.0)) -> Dict[str, np.ndarray]:
    """ppdet feeds for an already resized/normalised batch (scale = resized / original)."""
    n, _, h, w = x.shape
    return {
        "image": x,
        "im_shape": np.tile(np.array([[h, w]], dtype="float32"), (n, 1)),
        "scale_factor": np.tile(np.array([scale], dtype="float32"), (n, 1)),
    }


def det_reference(model: Any) -> Callable[[Feeds], List[np.ndarray]]:
    """The ppdet model's own forward pass (inside the export patches)."""

    def ref(feeds: Feeds) -> List[np.ndarray]:
        assert isinstance(feeds, dict)
        inputs = {k: paddle.to_tensor(v) for k, v in feeds.items()}
        with detx.ppdet_export_patches(), paddle.no_grad():
            out = model(inputs)
        return [out["bbox"].numpy(), out["bbox_num"].numpy()]

    return ref


def _randomized(layer: Any, size: Tuple[int, int], seed: int = 0) -> Any:
    sample = np.random.default_rng(seed + 1).normal(size=(2, 3, *size)).astype("float32")
    return randomize_weights(layer, seed, paddle.to_tensor(sample))


@pytest.fixture(autouse=True)
def _private_work_dir(tmp_path_factory, monkeypatch):
    """Inspection runs of every test go to a fresh folder, never the real user data folder
    (subprocesses inherit the variables)."""
    monkeypatch.setenv("DEFECT_INSPECTOR_HOME", str(tmp_path_factory.mktemp("home")))
    # Paddle, the reference engine, unless a test asks otherwise: --engine auto measures every
    # backend at each load (seconds per command); tests/test_engine_choice.py covers it
    monkeypatch.setenv("DEFECT_INSPECTOR_ENGINE", "paddle")


@pytest.fixture(scope="session")
def seg_hrnet_export(tmp_path_factory: pytest.TempPathFactory) -> ExportedModel:
    """PaddleSeg layout, HRNet-W18 + FCN, 5 classes, argmax head, dynamic shape (64x128)."""
    size = (64, 128)
    net = _randomized(segx.build_hrnet_fcn(len(STEEL_LABELS), width=18), size)
    transforms = [{"type": "Resize", "target_size": [size[1], size[0]]}, {"type": "Normalize"}]
    out = tmp_path_factory.mktemp("seg_hrnet")
    res = segx.export_paddleseg(net, out, transforms, output_op="argmax")
    return ExportedModel(out, net, size, STEEL_LABELS, res, seg_reference(net, "argmax"))


@pytest.fixture(scope="session")
def seg_unet_export(tmp_path_factory: pytest.TempPathFactory) -> ExportedModel:
    """PaddleSeg layout, UNet, 5 classes, softmax head, dynamic shape (32x64)."""
    size = (32, 64)
    net = _randomized(segx.build_unet(len(STEEL_LABELS)), size)
    transforms = [{"type": "Resize", "target_size": [size[1], size[0]]}, {"type": "Normalize"}]
    out = tmp_path_factory.mktemp("seg_unet")
    res = segx.export_paddleseg(net, out, transforms, output_op="softmax")
    return ExportedModel(out, net, size, STEEL_LABELS, res, seg_reference(net, "softmax"))


@pytest.fixture(scope="session")
def cls_resnet_export(tmp_path_factory: pytest.TempPathFactory) -> ExportedModel:
    """PaddleClas layout (new style, inference.yml), ResNet50_vd, NEU 6 classes, 64x64."""
    size = (64, 64)
    net = _randomized(clsx.build_resnet50_vd_classifier(len(NEU_LABELS)), size)
    out = tmp_path_factory.mktemp("cls_resnet")
    res = clsx.export_paddleclas(net, out, NEU_LABELS, image_size=size[0], style="new")
    return ExportedModel(out, net, size, NEU_LABELS, res, cls_reference(net))


@pytest.fixture(scope="session")
def det_frcnn_export(tmp_path_factory: pytest.TempPathFactory) -> ExportedModel:
    """PaddleDetection layout, Faster R-CNN R50-vd FPN, 4 classes, random weights, 320x320."""
    out = tmp_path_factory.mktemp("det_frcnn")
    res = detx.export_ppdet(detx.FASTER_RCNN, out, ALU_LABELS, randomize_seed=0)
    model = res.extra["model"]
    return ExportedModel(out, None, (320, 320), ALU_LABELS, res, det_reference(model))


@pytest.fixture(scope="session")
def paddlex2_seg_export(tmp_path_factory: pytest.TempPathFactory) -> ExportedModel:
    """PaddleX 2.x layout, UNet segmenter, 5 classes, dynamic shape (32x64).

    (UNet rather than the seed's HRNet: the layout does not depend on the network and an
    HRNet export costs ~30 s; the slow test covers HRNet-W48 in this layout.)"""
    size = (32, 64)
    net = _randomized(segx.build_unet(len(STEEL_LABELS)), size, seed=2)
    out = tmp_path_factory.mktemp("paddlex2_seg")
    res = pdx.export_paddlex2_seg(net, out, STEEL_LABELS, "UNet")
    return ExportedModel(out, net, size, STEEL_LABELS, res, paddlex_seg_reference(net, v1=False))


@pytest.fixture(scope="session")
def paddlex1_seg_export(tmp_path_factory: pytest.TempPathFactory) -> ExportedModel:
    """PaddleX 1.x layout (__model__/__params__), UNet segmenter, 5 classes (32x64)."""
    size = (32, 64)
    net = _randomized(segx.build_unet(len(STEEL_LABELS)), size, seed=3)
    out = tmp_path_factory.mktemp("paddlex1_seg")
    res = pdx.export_paddlex1_seg(net, out, STEEL_LABELS, "UNet")
    return ExportedModel(out, net, size, STEEL_LABELS, res, paddlex_seg_reference(net, v1=True))


def randomized(layer: Any, size: Tuple[int, int], seed: int = 0) -> Any:
    """Public alias for tests: random weights with BatchNorm calibrated on ``size`` inputs."""
    return _randomized(layer, size, seed)


@pytest.fixture
def make_window(qtbot, tmp_path):
    """Real MainWindows on a temp settings file and work dir (the app tests share it); shut
    down after the test: workers stopped, runs released."""
    from PySide6.QtCore import QSettings

    from app.main_window import MainWindow
    from app.settings import AppSettings

    windows = []

    def make(factory=None, ini="settings.ini"):
        w = MainWindow(AppSettings(QSettings(str(tmp_path / ini), QSettings.Format.IniFormat)),
                       tmp_path / "work", factory)
        qtbot.addWidget(w)
        w.show()
        windows.append(w)
        return w

    yield make
    for w in windows:
        w.models.shutdown(5000)
        w.bench.close_runs()


@pytest.fixture()
def images(tmp_path) -> Path:
    """Three good steel-like images and a few bad files, in a folder with a subfolder (the
    bad-input matrix, tests/test_bad_input_*.py)."""
    import cv2

    src = tmp_path / "line images"
    (src / "sub").mkdir(parents=True)
    rng = np.random.default_rng(1)
    for name in ["a.png", "b.bmp", "sub/c.jpg"]:
        img = rng.integers(60, 200, (200, 200, 3), dtype=np.uint8)
        cv2.imwrite(str(src / name), img)
    return src
