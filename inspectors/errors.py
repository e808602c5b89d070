"""Exceptions with messages meant for the operator, not a traceback."""

from __future__ import annotations


class InspectorError(Exception):
    """Base class: the message says what is wrong and, where possible, what to do."""


class ModelFormatError(InspectorError):
    """A model folder is not a loadable exported model."""


class ImageReadError(InspectorError):
    """An image file could not be decoded (missing, empty, truncated, unsupported)."""


class GroundTruthError(InspectorError):
    """A ground-truth file is malformed or inconsistent with its image or class list."""


class PreprocessError(InspectorError):
    """A preprocessing step in a model's config is unknown or has bad arguments."""
