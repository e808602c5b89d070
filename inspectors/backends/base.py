"""What every runtime backend offers the engine: named numpy inputs in, outputs out.

A backend is one compiled model on one device, used by one thread (the engine gives each
worker its own). The outputs come in the program's fetch order, whatever the backend.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from typing import Callable, Dict, List, Sequence

import numpy as np

from ..errors import ModelFormatError

Feeds = Dict[str, np.ndarray]


class BackendUnavailable(ModelFormatError):
    """This backend cannot run this model here (package missing, no such device, the model
    cannot be read or compiled); the message says which and why, in one line."""


def one_line(error: BaseException, limit: int = 300) -> str:
    """An exception as one short line (C++ errors come with pages of context)."""
    lines = [ln.strip() for ln in str(error).splitlines() if ln.strip()]
    text = next((ln for ln in lines if "error" in ln.lower()), lines[-1] if lines else repr(error))
    return text if len(text) <= limit else text[: limit - 3] + "..."


def require(package: str, engine: str, pin: str):
    """Import an optional backend package, or say how to install it."""
    try:
        return importlib.import_module(package)
    except ImportError as e:
        raise BackendUnavailable(f"{engine}: {package} is not installed ({e}; pip install {pin})") from None


class Backend(ABC):
    """A loaded model on one backend and device."""

    #: the engine name (``RuntimeSettings.engine``): paddle, openvino or onnxruntime
    engine: str = ""
    #: where it runs, as the backend names it (cpu / gpu, CPU / GPU.0, CPUExecutionProvider)
    device: str = ""
    version: str = ""
    input_names: List[str]
    output_names: List[str]
    #: whether :meth:`output_lod` gives real LoD (Paddle only; others run LoD models image by image)
    has_lod: bool = False

    @abstractmethod
    def run(self, feeds: Feeds) -> List[np.ndarray]:
        """Outputs for ``feeds`` (a batch), in the program's fetch order."""

    def output_lod(self, index: int) -> Sequence:
        return []

    def describe(self) -> str:
        """One line: engine, version, device and the settings that matter for speed."""
        return f"{self.engine} {self.version} on {self.device}"


def run_image_by_image(run_one: Callable[[Feeds], List[np.ndarray]], feeds: Feeds) -> List[np.ndarray]:
    """Run a batch one image at a time and join each output along the first axis: for
    programs compiled for batch 1 (ppdet's NMS in ONNX). Detection rows and per-image box
    counts both join this way."""
    n = len(next(iter(feeds.values())))
    parts = [run_one({k: v[i : i + 1] for k, v in feeds.items()}) for i in range(n)]
    return [np.concatenate([p[j] for p in parts], axis=0) for j in range(len(parts[0]))]
