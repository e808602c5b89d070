"""The program's entry: ``defect-inspector`` (console script), ``python -m defect_inspector``
and ``python main.py`` in a checkout.

    defect-inspector                 open the desktop app (also: ``gui`` or app options first)
    defect-inspector predict ...     headless inference (see --help), likewise evaluate, train, fetch

Without arguments, with ``gui`` or with an option other than ``-h/--help`` first, the
desktop app starts (:func:`app.launch.run_gui`); otherwise the headless command line
(:func:`inspectors.cli.main`) runs. The return value is the process's exit status.

A top-level module, above both packages: ``app`` may not reach the build tooling that the
``train`` and ``fetch`` subcommands import (import-linter), and ``inspectors`` may not
import ``app``.
"""

from __future__ import annotations

import sys
from typing import List, Optional

import pycocotools.coco  # noqa: F401 - must precede paddle, or zlib segfaults (ENVIRONMENT.md)


def wants_gui(argv: List[str]) -> bool:
    return not argv or argv[0] == "gui" or (argv[0].startswith("-") and argv[0] not in ("-h", "--help"))


def main(argv: Optional[List[str]] = None, prog: str = "defect-inspector") -> int:
    """Run the app or a subcommand on ``argv`` (default ``sys.argv[1:]``); ``prog`` is how
    the user started it, for the hint when the GUI packages are missing."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if wants_gui(argv):
        try:
            from app.launch import run_gui
        except ImportError as e:
            print(f"The desktop app cannot start: {e}. Install the GUI packages "
                  f"(bash scripts/setup.sh) or use a subcommand, e.g. '{prog} predict --help'.",
                  file=sys.stderr)
            return 2
        return run_gui(argv[1:] if argv and argv[0] == "gui" else argv)
    from inspectors.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
