"""Argument types and the one-line argparse parser, shared by the CLI and the app's launcher.

Here, low in the layers, so the desktop app can use them without importing the CLI
(and through it the build tooling that ``train`` and ``fetch`` reach).
"""

from __future__ import annotations

import argparse
import math


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a bad argument is one line on stderr (and exit 2), as the README says."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(2, f"error: {self.prog}: {message} (see --help)\n")


def unit_interval(text: str) -> float:
    """argparse type: a finite number from 0 to 1 (a confidence threshold, a recall)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value) or not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be a number from 0 to 1, got {text}")
    return value


def _int_from(text: str, low: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < low:
        raise argparse.ArgumentTypeError(f"must be {low} or more, got {text}")
    return value


def positive_int(text: str) -> int:
    """argparse type: 1 or more."""
    return _int_from(text, 1)


def non_negative_int(text: str) -> int:
    """argparse type: 0 or more."""
    return _int_from(text, 0)


def non_negative_number(text: str) -> float:
    """argparse type: a finite number of 0 or more (a size in pixels)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"must be a number of 0 or more, got {text}")
    return value
