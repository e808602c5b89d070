"""Readers for each exporting tool's folder layout, all producing a :class:`ModelSpec`."""

from .detect import NotAModelError, Recognized, is_model_folder, load_model_spec, recognize
from .spec import ModelSpec

__all__ = ["ModelSpec", "NotAModelError", "Recognized", "is_model_folder", "load_model_spec", "recognize"]
