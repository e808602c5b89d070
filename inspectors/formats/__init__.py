"""Readers for each exporting tool's folder layout, all producing a :class:`ModelSpec`."""

from .detect import load_model_spec
from .spec import ModelSpec

__all__ = ["ModelSpec", "load_model_spec"]
