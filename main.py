"""Defect Inspector entry point in a checkout (installed: the ``defect-inspector`` command).

    python main.py                 open the desktop app
    python main.py predict ...     headless inference (see --help)

The logic is :func:`defect_inspector.main`; this file only runs it.
"""

from __future__ import annotations

import sys

import pycocotools.coco  # noqa: F401 - must precede paddle, or zlib segfaults (ENVIRONMENT.md)

from defect_inspector import main as _entry_main


def main(argv=None) -> int:
    return _entry_main(argv, prog="python main.py")


if __name__ == "__main__":
    sys.exit(main())
