"""Paddle Inference predictors: CPU with oneDNN and a thread count, or GPU.

One predictor per worker thread; predictors are never shared across threads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Sequence

import numpy as np

from .errors import ModelFormatError
from .paddle_env import import_paddle
from .program_check import check_program

DEVICES = ("cpu", "gpu", "auto")


@dataclass(frozen=True)
class RuntimeSettings:
    """How to run a model. A setting, never a code edit."""

    device: str = "cpu"  # "cpu", "gpu" or "auto" (GPU when paddlepaddle-gpu sees a CUDA device)
    threads: int = 2  # CPU math threads per predictor
    batch_size: int = 1
    use_onednn: bool = True
    gpu_id: int = 0
    gpu_memory_mb: int = 500  # initial pool; Paddle grows it as needed
    ir_optim: bool = True  # graph fusion: faster inference, slower start (HRNet: ~25 s on 2 cores)
    max_pixels: int = 100_000_000  # larger images are refused from their header, before decoding

    def __post_init__(self) -> None:
        if self.device not in DEVICES:
            raise ValueError(f"device must be one of {DEVICES}, not {self.device!r}")
        if self.threads < 1 or self.batch_size < 1:
            raise ValueError("threads and batch_size must be >= 1")
        if self.max_pixels < 1:
            raise ValueError("max_pixels must be >= 1")


def gpu_available() -> bool:
    paddle = import_paddle()
    try:
        return bool(paddle.device.is_compiled_with_cuda()) and paddle.device.cuda.device_count() > 0
    except Exception:  # noqa: BLE001 - any failure probing CUDA means "no GPU"
        return False


def resolve_device(settings: RuntimeSettings) -> str:
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


class PaddleRunner:
    """A Paddle Inference predictor with named numpy inputs and outputs."""

    def __init__(self, model_file, params_file, settings: RuntimeSettings):
        paddle = import_paddle()
        inference = paddle.inference

        self.ops = check_program(model_file, params_file)
        self.device = resolve_device(settings)
        config = inference.Config(str(model_file), str(params_file))
        if self.device == "gpu":
            config.enable_use_gpu(settings.gpu_memory_mb, settings.gpu_id)
        else:
            config.disable_gpu()
            config.set_cpu_math_library_num_threads(settings.threads)
            if settings.use_onednn:
                config.enable_mkldnn()
                config.set_mkldnn_cache_capacity(10)  # bounded cache for varying input shapes
        config.switch_ir_optim(settings.ir_optim)
        config.enable_memory_optim()
        config.disable_glog_info()
        try:
            self._predictor = inference.create_predictor(config)
        except Exception as e:  # noqa: BLE001 - Paddle raises assorted C++ errors
            raise ModelFormatError(_explain_load_error(model_file, e)) from None
        self.input_names: List[str] = list(self._predictor.get_input_names())
        self.output_names: List[str] = list(self._predictor.get_output_names())
        self.paddle_version = paddle.__version__

    def run(self, feeds: Dict[str, np.ndarray]) -> List[np.ndarray]:
        for name in self.input_names:
            handle = self._predictor.get_input_handle(name)
            arr = np.ascontiguousarray(feeds[name])
            handle.reshape(arr.shape)
            handle.copy_from_cpu(arr)
        self._predictor.run()
        return [self._predictor.get_output_handle(n).copy_to_cpu() for n in self.output_names]

    def output_lod(self, index: int) -> Sequence:
        try:
            return self._predictor.get_output_handle(self.output_names[index]).lod()
        except Exception:  # noqa: BLE001
            return []


def _explain_load_error(model_file, err: Exception) -> str:
    text = str(err).strip().splitlines()
    tail = next((ln for ln in reversed(text) if ln.strip()), repr(err))
    lowered = str(err).lower()
    if "operator" in lowered and ("not registered" in lowered or "not found" in lowered):
        return (
            f"{model_file} uses an operator this Paddle build does not have ({tail}). "
            "It was probably exported with a newer or custom Paddle; export it with PaddlePaddle 2.6."
        )
    if "parse" in lowered or "protobuf" in lowered or "proto" in lowered:
        return f"{model_file} is not a readable Paddle program (corrupt or wrong file): {tail}"
    return f"Paddle could not load {model_file}: {tail}"
