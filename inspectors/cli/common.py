"""Arguments and error handling shared by the subcommands."""

from __future__ import annotations

import argparse

from ..errors import InspectorError
from ..runtime import DEVICES, RuntimeSettings


class CliError(Exception):
    """Bad arguments: printed as one line, exit code 2."""


def add_runtime_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("runtime")
    g.add_argument("--device", choices=DEVICES, default="cpu", help="cpu, gpu or auto (default: cpu)")
    g.add_argument("--threads", type=int, default=2, help="CPU threads per predictor (default: 2)")
    g.add_argument("--batch-size", type=int, default=1, help="images per inference call (default: 1)")
    g.add_argument("--no-onednn", action="store_true", help="disable oneDNN on CPU")
    g.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def runtime_settings(args: argparse.Namespace) -> RuntimeSettings:
    try:
        return RuntimeSettings(device=args.device, threads=args.threads,
                               batch_size=args.batch_size, use_onednn=not args.no_onednn)
    except ValueError as e:
        raise CliError(str(e)) from None


def load_inspector(args: argparse.Namespace):
    from ..engine import Inspector

    settings = runtime_settings(args)
    try:
        return Inspector.from_path(args.model, settings)
    except InspectorError as e:
        raise CliError(f"cannot load model: {e}") from None
