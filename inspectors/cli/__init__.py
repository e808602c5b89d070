"""Headless command line on the same engine as the GUI: ``python main.py SUBCOMMAND``."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from typing import List, Optional

from ..errors import InspectorError
from ..outdir import OutputError
from . import compare, evaluate, fetch, predict, reportuse, train
from . import watch as watch_cmd
from .common import CliError, OneLineParser, Terminated, install_sigterm


def build_parser() -> argparse.ArgumentParser:
    p = OneLineParser(
        prog="main.py",
        description="Defect Inspector: run exported Paddle defect models. "
        "Without a subcommand, opens the desktop app.",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    predict.add_parser(sub)
    evaluate.add_parser(sub)
    compare.add_parser(sub)
    train.add_parser(sub)
    fetch.add_parser(sub)
    reportuse.add_parser(sub)
    watch_cmd.add_parser(sub)
    return p


def main(argv: Optional[List[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    previous = install_sigterm()
    try:
        return int(args.func(args) or 0)
    except (CliError, OutputError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except InspectorError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; nothing half-written was left", file=sys.stderr)
        return 130
    except Terminated:
        print("terminated; nothing half-written was left", file=sys.stderr)
        return 143
    except Exception as e:  # noqa: BLE001 - a bug: one line, exit 1; the traceback on request
        if os.environ.get("DEFECT_INSPECTOR_TRACEBACK"):
            raise
        print(f"error: unexpected {type(e).__name__}: {' '.join(str(e).split())} (a bug: please "
              "report it; DEFECT_INSPECTOR_TRACEBACK=1 shows the traceback)", file=sys.stderr)
        return 1
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)

