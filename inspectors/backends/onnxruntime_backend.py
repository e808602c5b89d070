"""ONNX Runtime on the program converted by paddle2onnx, where it converts.

The conversion runs in memory at load (well under a second for the bundled models).
paddle2onnx reports what it cannot convert on the console and may still return a
model; its lines are captured and become the reason shown when ONNX Runtime then
refuses the model. Programs it can convert only for batch 1 (ppdet's NMS) run image
by image.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any, Iterator, List

import numpy as np

from ..paddle_env import import_paddle
from ..program_check import check_program, program_io
from ..runtime import RuntimeSettings
from .base import Backend, BackendUnavailable, Feeds, one_line, require, run_image_by_image

PIN = "onnxruntime==1.32.0 paddle2onnx==1.3.1 onnx==1.17.0"
_CONSOLE = threading.Lock()


class OnnxRuntimeBackend(Backend):
    engine = "onnxruntime"

    def __init__(self, model_file: Path, params_file: Path, settings: RuntimeSettings):
        ort = require("onnxruntime", "onnxruntime", PIN)
        import_paddle()  # paddle2onnx imports paddle: the safe order first
        p2o = require("paddle2onnx", "onnxruntime", PIN)
        check_program(model_file, params_file)
        feeds, fetches = program_io(model_file)
        self.version = ort.__version__
        self.threads = settings.threads
        self.device = _provider(ort, settings.device)
        with _captured_console() as console:
            try:
                onnx_bytes = p2o.export(str(model_file), str(params_file), None, opset_version=11,
                                        auto_upgrade_opset=True, verbose=False, enable_onnx_checker=True)
            except Exception as e:  # noqa: BLE001
                onnx_bytes, failure = None, one_line(e)
        problems = [ln.replace("[ERROR]", "").replace("[Paddle2ONNX]", "").strip()
                    for ln in console() if "[ERROR]" in ln]
        if onnx_bytes is None or not onnx_bytes:
            why = problems[0] if problems else (failure if onnx_bytes is None else "empty model")
            raise BackendUnavailable(f"onnxruntime: paddle2onnx cannot convert {Path(model_file).name}: {why}")
        options = ort.SessionOptions()
        options.intra_op_num_threads = settings.threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        try:
            self._session = ort.InferenceSession(onnx_bytes, options, providers=[self.device])
        except Exception as e:  # noqa: BLE001
            if problems:  # the converter's own complaint is the cause
                raise BackendUnavailable(f"onnxruntime: paddle2onnx cannot convert {Path(model_file).name}: "
                                         f"{problems[0]}") from None
            raise BackendUnavailable(f"onnxruntime cannot run {Path(model_file).name} as converted "
                                     f"by paddle2onnx: {one_line(e)}") from None
        inputs = self._session.get_inputs()
        self.input_names = [n for n in feeds if n in {i.name for i in inputs}] or [i.name for i in inputs]
        names = [o.name for o in self._session.get_outputs()]
        self.output_names = fetches if fetches and set(fetches) <= set(names) else names
        self.batched = not any(i.shape and i.shape[0] == 1 for i in inputs)

    def _run_once(self, feeds: Feeds) -> List[np.ndarray]:
        return self._session.run(self.output_names, {n: np.ascontiguousarray(feeds[n]) for n in self.input_names})

    def run(self, feeds: Feeds) -> List[np.ndarray]:
        if not self.batched and len(next(iter(feeds.values()))) > 1:
            return run_image_by_image(self._run_once, feeds)
        return self._run_once(feeds)

    def describe(self) -> str:
        where = f"CPU, {self.threads} threads" if self.device == "CPUExecutionProvider" else self.device
        return f"onnxruntime {self.version} on {where} (paddle2onnx)"


def _provider(ort: Any, wanted: str) -> str:
    gpu = "CUDAExecutionProvider" in ort.get_available_providers()
    if wanted == "gpu" and not gpu:
        raise BackendUnavailable("onnxruntime: no CUDA execution provider (install onnxruntime-gpu "
                                 "on a CUDA machine, or choose 'cpu')")
    return "CUDAExecutionProvider" if gpu and wanted in ("gpu", "auto") else "CPUExecutionProvider"


@contextlib.contextmanager
def _captured_console() -> Iterator[Any]:
    """Catch what C++ code writes to stdout / stderr (file descriptors 1 and 2) meanwhile;
    yields a function returning the captured lines."""
    captured: List[str] = []
    with _CONSOLE, tempfile.TemporaryFile(mode="w+b") as sink:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        saved = [os.dup(1), os.dup(2)]
        try:
            os.dup2(sink.fileno(), 1)
            os.dup2(sink.fileno(), 2)
            yield lambda: captured
        finally:
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)
            sink.seek(0)
            captured.extend(sink.read().decode("utf-8", "replace").splitlines())
