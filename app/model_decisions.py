"""Each model's decision settings (threshold, per-class values, hidden classes, review
band) and decision rules, as its run keeps them.

:class:`ModelDecisions` remembers them per model id, takes them from a run when it is read
(a new run starts fresh) and writes changes back to the model's run. What is in force is
the active model's, held by the :class:`~inspectors.session.ResultsStore`; the
:class:`~app.workbench.Workbench` applies them there and forwards :attr:`problem`."""

from __future__ import annotations

from typing import Callable, Dict, Optional, Tuple

from inspectors.errors import InspectorError
from inspectors.results import Thresholds
from inspectors.rules import Rules, parse_rules, rules_to_yaml
from inspectors.runs import DecisionSettings, Run

from .i18n import translate
from .state import Event


class ModelDecisions:
    """Model id -> its run's :class:`DecisionSettings` and :class:`Rules`."""

    problem = Event()  # kind, path, message

    def __init__(self, run_of: Callable[[str], Optional[Run]]):
        self.run_of = run_of  # model id -> its open run (app.model_runs), where changes are saved
        self.settings: Dict[str, DecisionSettings] = {}
        self.rules: Dict[str, Rules] = {}

    def take_run(self, model_id: str, run: Run, decision: Optional[DecisionSettings],
                 rules_text: Optional[str], start_threshold: Optional[float]) -> None:
        """``model_id``'s settings become those ``run`` keeps (``decision`` None: never
        saved, a new run starts at ``start_threshold`` or the defaults)."""
        if decision is None:  # a new run starts fresh: another model's settings never carry over
            decision = DecisionSettings() if start_threshold is None else \
                DecisionSettings(float(start_threshold))
            if run.writable:
                run.decision_settings = decision
        self.settings[model_id] = decision
        self.rules[model_id] = self._parse_rules(rules_text, run)

    def _parse_rules(self, text: Optional[str], run: Run) -> Rules:
        if not text:
            return Rules()
        try:
            return parse_rules(text, f"the rules of run {run.run_id}")
        except InspectorError as e:
            self.problem.emit("rules", str(run.path), translate("Workbench", "{error}; the run's rules are not applied").format(error=e))
            return Rules()

    def stored(self, model_id: str) -> Tuple[Rules, Thresholds, Optional[float]]:
        """``model_id``'s rules, thresholds and review start as remembered (defaults when none)."""
        d = self.settings.get(model_id) or DecisionSettings()
        return self.rules.get(model_id, Rules()), d.thresholds(), d.review

    def save_rules(self, model_id: str, rules: Rules) -> None:
        """Remember ``rules`` for ``model_id`` and save them with its run (a problem said
        when they cannot be)."""
        self.rules[model_id] = rules
        run = self.run_of(model_id)
        if run is not None:
            try:
                run.rules_text = rules_to_yaml(rules) if rules != Rules() else None
            except (InspectorError, OSError) as e:
                self.problem.emit("run", str(run.path), translate("Workbench", "cannot save the rules: {error}").format(error=e))

    def save(self, model_id: str, decision: DecisionSettings) -> None:
        """Remember ``decision`` for ``model_id`` (known from its run) and save it there when
        it changed."""
        if not model_id or model_id not in self.settings or decision == self.settings[model_id]:
            return
        self.settings[model_id] = decision
        run = self.run_of(model_id)
        if run is not None:
            try:
                run.decision_settings = decision
            except (InspectorError, OSError) as e:
                self.problem.emit("run", str(run.path), translate("Workbench", "cannot save the decision settings: {error}").format(error=e))

    def forget(self, model_id: str) -> None:
        self.settings.pop(model_id, None)
        self.rules.pop(model_id, None)
