"""Headless command line on the same engine as the GUI: ``python main.py SUBCOMMAND``."""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional

from ..errors import InspectorError
from . import evaluate, fetch, predict, train
from .common import CliError


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="main.py",
        description="Defect Inspector: run exported Paddle defect models. "
        "Without a subcommand, opens the desktop app.",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    predict.add_parser(sub)
    evaluate.add_parser(sub)
    train.add_parser(sub)
    fetch.add_parser(sub)
    return p


def main(argv: Optional[List[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except CliError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except InspectorError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
