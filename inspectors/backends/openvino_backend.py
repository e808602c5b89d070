"""OpenVINO reading the Paddle program directly (its Paddle frontend; no ONNX step).

Compiled in f32: OpenVINO's CPU plugin otherwise runs bf16 on CPUs that have it, which
moves probabilities by 1e-3 and would not agree with Paddle. Inputs compiled for batch 1
beside a batched image (ppdet's ``scale_factor``) are reshaped to a dynamic batch when
the program allows it, else the batch runs image by image.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, List, Tuple

import numpy as np

from ..program_check import check_program, program_io
from ..runtime import RuntimeSettings
from .base import Backend, BackendUnavailable, Feeds, one_line, require, run_image_by_image

PIN = "openvino==2026.4.1"


class OpenVINOBackend(Backend):
    engine = "openvino"

    def __init__(self, model_file: Path, params_file: Path, settings: RuntimeSettings):
        ov = require("openvino", "openvino", PIN)
        check_program(model_file, params_file)  # a corrupt file would crash the C++ reader
        self.version = ov.__version__.split("-")[0]
        self.threads = settings.threads
        core = ov.Core()
        self.device = _device(core, settings.device)
        feeds, fetches = program_io(model_file)
        self._names = _paired_names(Path(model_file), Path(params_file))
        try:
            model = core.read_model(*(str(f) for f in self._files()))
        except Exception as e:  # noqa: BLE001 - the frontend raises its own C++ errors
            raise BackendUnavailable(f"openvino cannot read {Path(model_file).name}: {one_line(e)}") from None
        self.batched = _dynamic_batch(ov, model)
        config = {"INFERENCE_NUM_THREADS": settings.threads, "NUM_STREAMS": 1,
                  "PERFORMANCE_HINT": "LATENCY", "INFERENCE_PRECISION_HINT": "f32"}
        if not self.device.startswith("CPU"):
            config = {"PERFORMANCE_HINT": "LATENCY", "INFERENCE_PRECISION_HINT": "f32"}
        try:
            self._compiled = core.compile_model(model, self.device, config)
        except Exception as e:  # noqa: BLE001
            raise BackendUnavailable(f"openvino cannot compile {Path(model_file).name} for "
                                     f"{self.device}: {one_line(e)}") from None
        self._request = self._compiled.create_infer_request()
        by_name = {n: p for p in self._compiled.inputs for n in p.get_names()}
        self.input_names = [n for n in feeds if n in by_name] or [p.get_any_name() for p in self._compiled.inputs]
        outputs = list(self._compiled.outputs)
        self._outputs = [next((o for o in outputs if name in o.get_names()), None) for name in fetches]
        if not fetches or any(o is None for o in self._outputs):
            self._outputs = outputs  # names not kept: the frontend's order is the fetch order
        self.output_names = [o.get_any_name() for o in self._outputs]

    def _files(self) -> Tuple[Path, Path]:
        return self._names[0], self._names[1]

    def _run_once(self, feeds: Feeds) -> List[np.ndarray]:
        # the inputs are read in place (no copy into the request's tensors: infer is synchronous
        # and the feeds outlive it); the outputs are copied, the request reuses their memory
        self._request.infer({n: np.ascontiguousarray(feeds[n]) for n in self.input_names}, share_inputs=True)
        return [np.array(self._request.get_tensor(o).data) for o in self._outputs]

    def run(self, feeds: Feeds) -> List[np.ndarray]:
        if not self.batched and len(next(iter(feeds.values()))) > 1:
            return run_image_by_image(self._run_once, feeds)
        return self._run_once(feeds)

    def describe(self) -> str:
        where = f"{self.device}, {self.threads} threads" if self.device == "CPU" else self.device
        return f"openvino {self.version} on {where} (f32)"


def _paired_names(model_file: Path, params_file: Path) -> Tuple[Path, Path, Any]:
    """The Paddle frontend recognises a program by ``.pdmodel`` and its weights by the same
    stem + ``.pdiparams``; PaddleX 1.x's ``__model__`` / ``__params__`` get those names
    through links in a temporary folder (kept, with the links, as long as the backend)."""
    if model_file.suffix == ".pdmodel" and params_file == model_file.with_suffix(".pdiparams"):
        return model_file, params_file, None
    tmp = tempfile.TemporaryDirectory(prefix="di-openvino-")
    folder = Path(tmp.name)
    for src, name in ((model_file, "model.pdmodel"), (params_file, "model.pdiparams")):
        try:
            os.symlink(src.resolve(), folder / name)
        except OSError:  # no symlinks (Windows without the privilege): a copy
            shutil.copyfile(src, folder / name)
    return folder / "model.pdmodel", folder / "model.pdiparams", tmp


def _device(core: Any, wanted: str) -> str:
    gpus = [d for d in core.available_devices if d.startswith("GPU")]
    if wanted == "gpu" and not gpus:
        raise BackendUnavailable("openvino: no GPU device (its GPU plugin found none; choose 'cpu')")
    return gpus[0] if gpus and wanted in ("gpu", "auto") else "CPU"


def _dynamic_batch(ov: Any, model: Any) -> bool:
    """Make inputs fixed at batch 1 follow the image's dynamic batch; False when the program
    cannot take a batch at all (then :meth:`OpenVINOBackend.run` splits it)."""
    shapes = {p.get_any_name(): p.get_partial_shape() for p in model.inputs}
    if not any(s.rank.is_static and s.rank.get_length() > 0 and s[0].is_dynamic for s in shapes.values()):
        return False  # nothing batched
    fixed = {n: s for n, s in shapes.items()
             if s.rank.is_static and s.rank.get_length() > 0 and s[0].is_static and s[0].get_length() == 1}
    if not fixed:
        return True
    new = {}
    for name, shape in fixed.items():
        dims = [ov.Dimension()] + [shape[i] for i in range(1, shape.rank.get_length())]
        new[name] = ov.PartialShape(dims)
    try:
        model.reshape(new)
    except Exception:  # noqa: BLE001 - a program with batch-1 logic inside: run image by image
        return False
    return True
