"""Defect Inspector entry point.

    python main.py                 open the desktop app
    python main.py predict ...     headless inference (see --help)
"""

from __future__ import annotations

import sys


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("gui", "--demo") or argv[0].startswith("--gui"):
        try:
            from app.launch import run_gui
        except ImportError as e:
            print(f"The desktop app is not available yet ({e}); use a subcommand, e.g. "
                  "'python main.py predict --help'.", file=sys.stderr)
            return 2
        return run_gui(argv[1:] if argv and argv[0] == "gui" else argv)
    from inspectors.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
