"""How ``predict`` and ``evaluate`` use the decision rules (:mod:`inspectors.rules`).

The rules come from ``--rules FILE``, or from ``--review LOW HIGH`` / ``--min-area PX``
(:func:`inspectors.rules.simple_rules`), or are none (``Rules()``: the verdict is the
flagging decision at ``--threshold``). Classes without a band in the rules keep the
threshold. Bad rules are a one-line message and exit 2, found before any model is loaded
where the file alone shows it, else before anything is written. Rules that were given are
saved into the run (``Run.rules_text``) and beside the outputs (``rules.yaml``).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Dict, Optional, Sequence, Tuple

from ..argtypes import non_negative_number, unit_interval
from ..atomic import atomic_write_text
from ..results import Outcome, Thresholds
from ..rules import (
    BoundRules,
    Decision,
    DefectTable,
    DefectTables,
    Rules,
    RulesError,
    Verdicts,
    bind,
    decide,
    decide_many,
    defect_table,
    load_rules,
    rules_to_yaml,
    simple_rules,
)
from ..runs import Run
from .common import CliError

RULES_FILE = "rules.yaml"


def add_rules_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("decision rules (OK / REVIEW / NG)")
    g.add_argument("--rules", metavar="FILE", default=None,
                   help="decision rules file (YAML: review bands, minimum sizes in px or mm, regions "
                        "of interest, count and total-area rules; README 'Decision rules')")
    g.add_argument("--review", nargs=2, type=unit_interval, metavar=("LOW", "HIGH"), default=None,
                   help="review band for every class: a defect >= HIGH is NG, one in [LOW, HIGH) REVIEW")
    g.add_argument("--min-area", type=non_negative_number, metavar="PX", default=None,
                   help="ignore defects smaller than PX pixels (box area; component area)")


def decider_for(args: argparse.Namespace) -> Decider:
    """The command's :class:`Decider` (rules from :func:`rules_from_args`); its ``base``
    threshold is set once the model is loaded."""
    rules, given = rules_from_args(args)
    return Decider(rules, None, given, os.path.expanduser(args.rules) if args.rules else "")


def rules_from_args(args: argparse.Namespace) -> Tuple[Rules, bool]:
    """(the rules, whether any were given). CliError (exit 2) for bad or conflicting ones;
    the image-independent checks all happen here."""
    review, min_area = getattr(args, "review", None), getattr(args, "min_area", None)
    try:
        if args.rules is not None:
            if review is not None or min_area is not None:
                raise CliError("--review and --min-area cannot be combined with --rules; "
                               "put them in the rules file")
            return load_rules(args.rules), True
        if review is not None and getattr(args, "threshold", None) is not None:
            raise CliError("--review sets both thresholds; give --threshold or --review, not both")
        if review is None and min_area is None:
            return Rules(), False
        return simple_rules(tuple(review) if review else None, min_area), True
    except RulesError as e:
        raise CliError(str(e)) from None


class Decider:
    """The rules bound to the model's classes once (at its class names), then one
    :func:`inspectors.rules.decide` per image; RulesError becomes CliError (exit 2)."""

    def __init__(self, rules: Rules, base: Optional[Thresholds] = None, given: bool = True,
                 source: str = ""):
        self.rules = rules
        self.base = base  # the threshold of classes without a band (set once the model is known)
        self.given = given  # the command line gave them (a file or the flags): they are saved
        self.source = source  # named in messages (the rules file)
        self._bound: Dict[Tuple[str, ...], BoundRules] = {}

    def _error(self, e: RulesError) -> CliError:
        return CliError(f"{self.source}: {e}" if self.source else str(e))

    def bound(self, class_names: Sequence[str]) -> BoundRules:
        names = tuple(class_names)
        if names not in self._bound:
            try:
                self._bound[names] = bind(self.rules, names, self.base)
            except RulesError as e:
                raise self._error(e) from None
        return self._bound[names]

    def decide_many(self, tables: DefectTables, class_names: Sequence[str]) -> Verdicts:
        try:
            return decide_many(tables, self.bound(class_names))
        except RulesError as e:
            raise self._error(e) from None

    def decide(self, table: DefectTable, class_names: Sequence[str]) -> Decision:
        try:
            return decide(table, self.bound(class_names))
        except RulesError as e:
            raise self._error(e) from None


def table_of(run: Optional[Run], image: Path, outcome: Outcome, kept: Dict[str, Outcome]) -> Optional[DefectTable]:
    """The image's defect table: the one stored in the run (what the app decides from),
    else computed from the outcome (``--no-store``, images outside the run)."""
    if outcome.result is None:
        return None
    if run is None or os.fspath(image) in kept:
        return defect_table(outcome.result)
    return run.defect_table(os.path.abspath(os.fspath(image)))


def save(decider: Decider, run: Optional[Run], out_dir: Optional[Path] = None) -> None:
    """Rules that were given: into the run and as ``rules.yaml`` in the output folder."""
    if not decider.given:
        return
    text = rules_to_yaml(decider.rules)
    if run is not None:
        run.rules_text = text
    if out_dir is not None:
        atomic_write_text(out_dir / RULES_FILE, text)
