"""ONNX Runtime on the program converted by paddle2onnx, where it converts.

The conversion runs at load in a child process: paddle2onnx aborts the whole process
(SIGABRT) on operators it lacks (Faster R-CNN's ``distribute_fpn_proposals``), which
must not take the app down, and it reports what it cannot convert on the console while
still returning a model; its ``[ERROR]`` lines become the reason shown when the
conversion or ONNX Runtime then fails. Programs it converts only for batch 1 (ppdet's
NMS) run image by image.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, List, Tuple

import numpy as np

from ..program_check import check_program, program_io
from ..runtime import RuntimeSettings
from .base import Backend, BackendUnavailable, Feeds, one_line, require, run_image_by_image

PIN = "onnxruntime==1.32.0 paddle2onnx==1.3.1"
#: seconds a conversion may take (Faster R-CNN's 166 MB of weights: a few seconds)
CONVERT_TIMEOUT_S = 600
_CONVERT = (
    "import sys, paddle2onnx\n"
    "data = paddle2onnx.export(sys.argv[1], sys.argv[2], None, opset_version=11,"
    " auto_upgrade_opset=True, verbose=False, enable_onnx_checker=True)\n"
    "open(sys.argv[3], 'wb').write(data or b'')\n"
)


def convert(model_file: Path, params_file: Path) -> Tuple[bytes, List[str]]:
    """paddle2onnx's ONNX model for the program (in a child process) and the problems it
    reported; BackendUnavailable with its reason when it fails."""
    name = Path(model_file).name
    with tempfile.TemporaryDirectory(prefix="di-onnx-") as tmp:
        out = Path(tmp) / "model.onnx"
        try:
            done = subprocess.run([sys.executable, "-c", _CONVERT, str(model_file), str(params_file), str(out)],
                                  capture_output=True, text=True, errors="replace", timeout=CONVERT_TIMEOUT_S,
                                  stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise BackendUnavailable(f"onnxruntime: paddle2onnx did not convert {name}: {one_line(e)}") from None
        lines = (done.stdout + "\n" + done.stderr).splitlines()
        problems = [ln.replace("[ERROR]", "").replace("[Paddle2ONNX]", "").strip() for ln in lines
                    if "[ERROR]" in ln or "not supported yet" in ln]
        data = out.read_bytes() if out.is_file() else b""
    if done.returncode != 0 or not data:
        why = problems[0].rstrip(",") if problems else (lines[-1].strip() if lines else f"exit code {done.returncode}")
        raise BackendUnavailable(f"onnxruntime: paddle2onnx cannot convert {name}: {why}")
    return data, problems


class OnnxRuntimeBackend(Backend):
    engine = "onnxruntime"

    def __init__(self, model_file: Path, params_file: Path, settings: RuntimeSettings):
        ort = require("onnxruntime", "onnxruntime", PIN)
        require("paddle2onnx", "onnxruntime", PIN)
        check_program(model_file, params_file)
        feeds, fetches = program_io(model_file)
        self.version = ort.__version__
        self.threads = settings.threads
        self.device = _provider(ort, settings.device)
        onnx_bytes, problems = convert(model_file, params_file)
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
