"""Runtime backends behind one interface: one table, one entry point.

:data:`BACKENDS` maps an engine name (``RuntimeSettings.engine``) to the class that
loads a model on it; :func:`open_backend` is how the engine (and ``auto``'s
measurements) get one. Optional packages (openvino, onnxruntime + paddle2onnx) are
imported only when their backend is opened; a missing one is a
:class:`BackendUnavailable` saying how to install it.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Dict, List, Tuple, Type

from ..runtime import RuntimeSettings
from .base import Backend, BackendUnavailable, one_line
from .onnxruntime_backend import OnnxRuntimeBackend
from .openvino_backend import OpenVINOBackend
from .paddle_inference import PaddleBackend

#: engine name -> backend class. Paddle first: it is the reference the others are checked against.
BACKENDS: Dict[str, Type[Backend]] = {
    "paddle": PaddleBackend,
    "openvino": OpenVINOBackend,
    "onnxruntime": OnnxRuntimeBackend,
}
#: the Python packages each backend needs beyond paddle
PACKAGES: Dict[str, Tuple[str, ...]] = {
    "paddle": (),
    "openvino": ("openvino",),
    "onnxruntime": ("onnxruntime", "paddle2onnx"),
}


def open_backend(engine: str, model_file: Path, params_file: Path, settings: RuntimeSettings) -> Backend:
    """Load ``model_file`` on ``engine`` (a name in :data:`BACKENDS`, never "auto")."""
    if engine not in BACKENDS:
        raise ValueError(f"engine must be one of {tuple(BACKENDS)}, not {engine!r}")
    return BACKENDS[engine](Path(model_file), Path(params_file), settings)


def installed_engines() -> List[str]:
    """The engines whose packages are installed (not whether they can read a given model)."""
    return [e for e, pkgs in PACKAGES.items() if all(importlib.util.find_spec(p) for p in pkgs)]


__all__ = ["BACKENDS", "Backend", "BackendUnavailable", "OnnxRuntimeBackend", "OpenVINOBackend",
           "PaddleBackend", "installed_engines", "one_line", "open_backend"]
