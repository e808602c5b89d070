"""Each model's decision settings and rules as its run keeps them (app.model_decisions):
checked by reading the run back with a fresh reader, no window."""

from __future__ import annotations

from app.model_decisions import ModelDecisions
from inspectors.results import Thresholds
from inspectors.rules import Rules, parse_rules
from inspectors.runs import DecisionSettings, RunStore
from tests.test_runs import fake_model, make_images

RULES = "classes:\n  crazing:\n    min_area: 40\n"


def _reader(store: RunStore, run_id: str):
    return RunStore(store.root).open_id(run_id)


def test_a_new_run_starts_at_the_start_threshold_and_changes_are_saved_to_it(tmp_path):
    make_images(tmp_path / "images", 2)
    store = RunStore(tmp_path / "runs")
    problems = []
    with store.open(tmp_path / "images", fake_model(tmp_path / "model"), {}) as run:
        runs = {"m": run}
        book = ModelDecisions(runs.get)
        book.problem.connect(lambda *a: problems.append(a))
        book.take_run("m", run, None, None, start_threshold=0.7)
        assert book.stored("m") == (Rules(), Thresholds(0.7), None)
        with _reader(store, run.run_id) as r:
            assert r.has_decision_settings and r.decision_settings.default == 0.7

        changed = DecisionSettings(0.4, {"crazing": 0.9}, ("scratches",), 0.2)
        book.save("m", changed)
        book.save("other", changed)  # a model whose run was never read: nothing remembered
        rules = parse_rules(RULES, "test")
        book.save_rules("m", rules)
        with _reader(store, run.run_id) as r:
            assert r.decision_settings == changed
            assert parse_rules(r.rules_text, "back") == rules
        assert "other" not in book.settings
        assert book.stored("m") == (rules, Thresholds(0.4, {"crazing": 0.9}), 0.2)

        book.save_rules("m", Rules())  # no rules: none kept in the run
        with _reader(store, run.run_id) as r:
            assert not r.rules_text
        book.forget("m")
        assert book.stored("m") == (Rules(), Thresholds(0.5), None) and problems == []  # a run's defaults


def test_a_runs_settings_are_taken_as_stored_and_bad_rules_are_said(tmp_path):
    make_images(tmp_path / "images", 2)
    store = RunStore(tmp_path / "runs")
    kept = DecisionSettings(0.55, {}, (), None)
    with store.open(tmp_path / "images", fake_model(tmp_path / "model"), {}) as run:
        problems = []
        book = ModelDecisions({"m": run}.get)
        book.problem.connect(lambda *a: problems.append(a))
        book.take_run("m", run, kept, "classes: [not, a, mapping", start_threshold=0.9)
        assert book.settings["m"] == kept and book.rules["m"] == Rules()
        [(kind, path, message)] = problems
        assert kind == "rules" and path == str(run.path) and message.endswith("the run's rules are not applied")
        with _reader(store, run.run_id) as r:
            assert not r.has_decision_settings  # taken as given: nothing written
