"""Arguments and error handling shared by the subcommands."""

from __future__ import annotations

import argparse
import math
import signal
import sys
import threading
from pathlib import Path
from typing import Iterable, List, Sequence

from ..argtypes import OneLineParser, non_negative_int, positive_int, unit_interval  # noqa: F401
from ..errors import InspectorError
from ..problems import Problem, summarize
from ..runtime import DEVICES, ENGINES, RuntimeSettings, default_engine


class CliError(Exception):
    """Bad arguments: printed as one line, exit code 2."""


def add_runtime_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("runtime")
    g.add_argument("--engine", choices=ENGINES, default=default_engine(),
                   help="auto (measure the installed backends on a few of the images, keep the fastest "
                        "whose results agree with Paddle's, remembered per model), paddle, openvino or "
                        "onnxruntime (default: $DEFECT_INSPECTOR_ENGINE, else auto)")
    g.add_argument("--device", choices=DEVICES, default="cpu", help="cpu, gpu or auto (default: cpu)")
    g.add_argument("--threads", type=positive_int, default=2, help="CPU threads per predictor (default: 2)")
    g.add_argument("--batch-size", type=positive_int, default=1, help="images per inference call (default: 1)")
    g.add_argument("--no-onednn", action="store_true", help="Paddle on CPU without oneDNN")
    g.add_argument("--max-megapixels", type=float, default=100.0,
                   help="refuse larger images from their header, before decoding (default: 100)")
    g.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def runtime_settings(args: argparse.Namespace) -> RuntimeSettings:
    mp = args.max_megapixels
    if not math.isfinite(mp) or mp <= 0:
        raise CliError(f"--max-megapixels must be a positive number, got {mp}")
    try:
        return RuntimeSettings(device=args.device, threads=args.threads, batch_size=args.batch_size,
                               use_onednn=not args.no_onednn, max_pixels=max(1, int(mp * 1e6)),
                               engine=args.engine)
    except ValueError as e:
        raise CliError(str(e)) from None


def load_inspector(args: argparse.Namespace, samples: Sequence[Path] = ()):
    """The model on the engine asked for; ``auto`` measures on ``samples`` (a few of the
    command's images) unless the choice for this model is remembered, and says what it
    chose in one line."""
    from ..engine_choice import load_inspector as load

    settings = runtime_settings(args)
    try:
        inspector = load(args.model, settings, list(samples)[:8], getattr(args, "work_dir", None))
    except InspectorError as e:
        raise CliError(f"cannot load model: {e}") from None
    after_paddle_loaded()
    if settings.engine == "auto":
        print(inspector.engine_note, file=sys.stderr)
    return inspector


def after_paddle_loaded() -> None:
    """Paddle installs its own SIGTERM handler (a crash report, then death) when a predictor
    is made; put back the one that unwinds the run so nothing half-written stays behind."""
    install_sigterm()


class Terminated(BaseException):
    """SIGTERM, raised in the main thread so the run unwinds like Ctrl+C (staging removed)."""


def _raise_terminated(signum, frame) -> None:
    raise Terminated()


def install_sigterm():
    """Make SIGTERM unwind the run (main thread only); returns the handler it replaced."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, _raise_terminated)


def print_problems(title: str, problems: Sequence[Problem], first: int = 3) -> None:
    """One line per kind of problem under a title, on stderr."""
    if not problems:
        return
    print(f"{title} ({len(problems)}):", file=sys.stderr)
    for line in summarize(problems, first):
        print(f"  {line}", file=sys.stderr)


def source_folders(images: Iterable[Path], *extra: Path) -> List[Path]:
    """The distinct folders that hold ``images`` (plus ``extra``): what --out must stay apart from."""
    seen = {Path(p).parent for p in images}
    return [*extra, *sorted(seen)]
