"""Defect Inspector entry point.

    python main.py                 open the desktop app
    python main.py predict ...     headless inference (see --help)
"""

from __future__ import annotations

import sys

import pycocotools.coco  # noqa: F401 - must precede paddle, or zlib segfaults (ENVIRONMENT.md)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    gui = not argv or argv[0] == "gui" or (argv[0].startswith("-") and argv[0] not in ("-h", "--help"))
    if gui:
        try:
            from app.launch import run_gui
        except ImportError as e:
            print(f"The desktop app cannot start: {e}. Install the GUI packages "
                  "(bash scripts/setup.sh) or use a subcommand, e.g. 'python main.py predict --help'.",
                  file=sys.stderr)
            return 2
        return run_gui(argv[1:] if argv and argv[0] == "gui" else argv)
    from inspectors.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
