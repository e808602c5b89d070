"""Preprocessing as the Paddle suites do it, with OpenCV and numpy."""

from .ops import Meta, Op
from .pipeline import Preprocessor

__all__ = ["Meta", "Op", "Preprocessor"]
