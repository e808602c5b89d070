"""``evaluate --robustness``: the arguments, the sweep with a progress bar, the chart file
and the summary lines (the sweep itself: :mod:`inspectors.robustness`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import List, Optional

from ..perturb import PERTURBATIONS, parse_names
from ..robustness import DEFAULT_FRACTION, Setting, parse_strengths, plan, sweep
from .common import CliError


def add_robustness_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("robustness (evaluate --robustness)")
    g.add_argument("--robustness", action="store_true",
                   help="also evaluate under line-like perturbations (blur, noise, brightness, ...) "
                        "at several strengths; results in metrics.json, robustness.png and the report")
    g.add_argument("--perturb", default=None, metavar="NAMES",
                   help=f"perturbations to sweep, comma-separated (default: all): {', '.join(PERTURBATIONS)}")
    g.add_argument("--strengths", action="append", default=[], metavar="[NAME=]S1,S2",
                   help="strengths of one perturbation, e.g. blur=0.5,1,1.5 (repeatable; default: each "
                        "perturbation's own sweep)")
    g.add_argument("--tolerance", type=float, default=DEFAULT_FRACTION, metavar="FRACTION",
                   help="'tolerates up to' = the strongest setting keeping the metric >= FRACTION x clean "
                        "(default 0.95)")
    g.add_argument("--seed", type=int, default=0, help="seed of the random perturbations (noise)")


def plan_from_args(args: argparse.Namespace) -> List[Setting]:
    """The settings to sweep ([] without --robustness); CliError (exit 2) on misuse."""
    if not args.robustness:
        if args.perturb or args.strengths:
            raise CliError("--perturb and --strengths need --robustness")
        return []
    if not 0 < args.tolerance <= 1:
        raise CliError("--tolerance must be in (0, 1]")
    try:
        names = parse_names(args.perturb) if args.perturb else list(PERTURBATIONS)
        return plan(names, parse_strengths(args.strengths, names))
    except ValueError as e:
        raise CliError(str(e)) from None


def run_sweep(args: argparse.Namespace, inspector, gt, images, settings: List[Setting], thresholds,
              clean_report: dict) -> Optional[dict]:
    if not hasattr(inspector, "image_hook"):
        raise CliError("--robustness runs on one local model (not with a cluster of workers)")
    from tqdm import tqdm

    print(f"robustness: {len(settings)} settings x {len(images)} images", file=sys.stderr)
    with tqdm(total=len(settings), unit="setting", file=sys.stderr, disable=args.quiet) as bar:
        def progress(done: int, total: int, label: str) -> None:
            bar.n = done
            bar.set_description(label)
            bar.refresh()

        return sweep(inspector, gt, images, settings, thresholds, clean_report, args.tolerance, args.seed,
                     progress)


def write_chart(out: Path, robustness: dict) -> None:
    from ..report import charts

    pic = charts.robustness_chart(robustness)
    (out / "robustness.png").write_bytes(pic.data)


def summary_lines(robustness: Optional[dict]) -> List[str]:
    if not robustness:
        return []
    return [f"robustness: {item['tolerated']['text']}" for item in robustness["perturbations"]]
