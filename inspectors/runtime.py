"""How a model runs: the settings every backend reads, and which device is there.

The backends themselves (Paddle Inference, OpenVINO, ONNX Runtime) live in
:mod:`inspectors.backends`; these settings are what the CLI, the app and the runs
record, so they stay plain data.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Tuple

from .errors import ModelFormatError
from .paddle_env import import_paddle

DEVICES = ("cpu", "gpu", "auto")
#: ``auto`` measures the installed backends on the model and keeps the fastest that agrees
#: with Paddle (:mod:`inspectors.engine_choice`); the others name one backend.
ENGINES = ("auto", "paddle", "openvino", "onnxruntime")
#: Ops kept out of oneDNN by default: Paddle 2.6's oneDNN softmax over the channel axis of a
#: segmentation map took 85 % of FastSCNN's time (3.4-3.9x faster without it, same outputs),
#: and was no faster on the classifier or detector (bench/bench_engines.py).
ONEDNN_EXCLUDE = ("softmax",)


@dataclass(frozen=True)
class RuntimeSettings:
    """How to run a model. A setting, never a code edit."""

    device: str = "cpu"  # "cpu", "gpu" or "auto" (GPU when the backend sees one)
    threads: int = 2  # CPU math threads per predictor
    batch_size: int = 1
    use_onednn: bool = True  # Paddle on CPU: oneDNN kernels (False: Paddle's plain kernels)
    gpu_id: int = 0
    gpu_memory_mb: int = 500  # initial pool; Paddle grows it as needed
    ir_optim: bool = True  # graph fusion: faster inference, slower start (HRNet: ~25 s on 2 cores)
    max_pixels: int = 100_000_000  # larger images are refused from their header, before decoding
    engine: str = "paddle"  # one of ENGINES; the CLI and the app default to "auto"
    onednn_exclude: Tuple[str, ...] = ONEDNN_EXCLUDE  # Paddle op types run outside oneDNN

    def __post_init__(self) -> None:
        if self.device not in DEVICES:
            raise ValueError(f"device must be one of {DEVICES}, not {self.device!r}")
        if self.engine not in ENGINES:
            raise ValueError(f"engine must be one of {ENGINES}, not {self.engine!r}")
        if self.threads < 1 or self.batch_size < 1:
            raise ValueError("threads and batch_size must be >= 1")
        if self.max_pixels < 1:
            raise ValueError("max_pixels must be >= 1")


def default_engine() -> str:
    """The engine the CLI and the app start with: ``$DEFECT_INSPECTOR_ENGINE`` (a machine or
    a test run that wants one engine without measuring), else ``auto``. An unknown name is
    refused when settings are made from it."""
    return os.environ.get("DEFECT_INSPECTOR_ENGINE") or "auto"


def gpu_available() -> bool:
    """Whether this Paddle build sees a CUDA device."""
    paddle = import_paddle()
    try:
        return bool(paddle.device.is_compiled_with_cuda()) and paddle.device.cuda.device_count() > 0
    except Exception:  # noqa: BLE001 - any failure probing CUDA means "no GPU"
        return False


def resolve_device(settings: RuntimeSettings) -> str:
    """Paddle's device for these settings: "cpu" or "gpu" (ModelFormatError when a GPU
    was asked for and there is none)."""
    if settings.device == "cpu":
        return "cpu"
    if gpu_available():
        return "gpu"
    if settings.device == "gpu":
        raise ModelFormatError(
            "device 'gpu' was asked for, but this Paddle build has no CUDA device "
            "(install paddlepaddle-gpu==2.6.2 on a machine with an NVIDIA GPU, or choose 'cpu')"
        )
    return "cpu"
