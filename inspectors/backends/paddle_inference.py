"""Paddle Inference: CPU with oneDNN (some ops kept out of it), CPU without, or GPU.

The reference backend: the exporting suites run their models on it, and ``auto``
checks every other backend's outputs against it.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Sequence

import numpy as np

from ..errors import ModelFormatError
from ..paddle_env import import_paddle
from ..program_check import check_program
from ..runtime import RuntimeSettings, resolve_device
from .base import Backend, Feeds


class PaddleBackend(Backend):
    """A Paddle Inference predictor with named numpy inputs and outputs."""

    engine = "paddle"
    has_lod = True

    def __init__(self, model_file: Path, params_file: Path, settings: RuntimeSettings):
        paddle = import_paddle()
        inference = paddle.inference

        self.ops = check_program(model_file, params_file)
        self.device = resolve_device(settings)
        self.version = paddle.__version__
        self.threads = settings.threads
        config = inference.Config(str(model_file), str(params_file))
        self.onednn_excluded: List[str] = []
        if self.device == "gpu":
            config.enable_use_gpu(settings.gpu_memory_mb, settings.gpu_id)
        else:
            config.disable_gpu()
            config.set_cpu_math_library_num_threads(settings.threads)
            if settings.use_onednn:
                config.enable_mkldnn()
                config.set_mkldnn_cache_capacity(10)  # bounded cache for varying input shapes
                self.onednn_excluded = sorted(set(settings.onednn_exclude) & set(self.ops))
                if self.onednn_excluded:  # a non-empty op list means "only these in oneDNN"
                    config.set_mkldnn_op(set(self.ops) - set(self.onednn_excluded))
            else:
                config.disable_mkldnn()  # Paddle 2.6's Config has oneDNN on by default
        config.switch_ir_optim(settings.ir_optim)
        config.enable_memory_optim()
        config.disable_glog_info()
        self.onednn = self.device == "cpu" and bool(config.mkldnn_enabled())
        try:
            self._predictor = inference.create_predictor(config)
        except Exception as e:  # noqa: BLE001 - Paddle raises assorted C++ errors
            raise ModelFormatError(explain_load_error(model_file, e)) from None
        self.input_names: List[str] = list(self._predictor.get_input_names())
        self.output_names: List[str] = list(self._predictor.get_output_names())

    def run(self, feeds: Feeds) -> List[np.ndarray]:
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

    def describe(self) -> str:
        if self.device == "gpu":
            return f"paddle {self.version} on GPU"
        if not self.onednn:
            return f"paddle {self.version} on CPU without oneDNN, {self.threads} threads"
        out = f" ({', '.join(self.onednn_excluded)} outside)" if self.onednn_excluded else ""
        return f"paddle {self.version} on CPU with oneDNN{out}, {self.threads} threads"


def explain_load_error(model_file, err: Exception) -> str:
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
