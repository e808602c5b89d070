"""Decision rules on stored runs (issue 13): each row keeps its compact defect table, runs
written before the column existed are read (tables computed from the stored results),
a table an older writer left behind is not trusted, and re-deciding from
``Run.summaries(defects=True)`` equals deciding each result; plus the decision metrics."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from inspectors.metrics.decision import choose_band, decision_metrics, eligible_scores
from inspectors.results import Outcome, is_defective
from inspectors.rules import (
    NO_RESULT,
    DefectTables,
    ImageVerdict,
    bind,
    decide_many,
    decide_result,
    defect_table,
    pack_table,
    parse_rules,
)
from inspectors.runs import RunStore
from inspectors.runs.types import INDEX
from tests.test_runs import cls_result, det_result, fake_model, make_images, seg_result

RULES = """\
default: {review: [0.45, 0.7], min_area: 6}
classes:
  %s: {ng_count: 2}
regions:
  mode: overlap
  include: [[[0, 0], [120, 0], [120, 60], [0, 60]]]
"""


def same_tables(a: DefectTables, b: DefectTables) -> bool:
    return (np.array_equal(a.offsets, b.offsets) and np.array_equal(a.ok, b.ok)
            and a.defects.tobytes() == b.defects.tobytes() and np.array_equal(a.runs, b.runs)
            and np.array_equal(a.run_offsets, b.run_offsets) and np.array_equal(a.image_sizes, b.image_sizes))


@pytest.fixture
def stored(tmp_path):
    """A run per task: 6 images, image 0 an error, the others results (kept in memory too)."""
    images = make_images(tmp_path / "images", 6)
    model = fake_model(tmp_path / "model")
    store = RunStore(tmp_path / "store")
    out = {}
    for kind, make in (("seg", seg_result), ("det", det_result), ("cls", cls_result)):
        results = [None] + [make(i + 30) for i in range(1, 6)]
        with store.open(tmp_path / "images", model, {}) as run:
            run.put(Outcome(str(images[0]), error="cannot decode"))
            for p, r in zip(images[1:], results[1:]):
                run.put(Outcome(str(p), result=r))
            path = run.path
        out[kind] = (store, tmp_path / "images", model, path, results)
        store = RunStore(tmp_path / f"store_{kind}")  # one task per store: class lists differ
    return out


@pytest.mark.parametrize("kind", ["seg", "det", "cls"])
def test_stored_tables_equal_the_results_and_redecide_the_same(stored, kind):
    store, folder, model, _path, results = stored[kind]
    with store.open(folder, model, {}) as run:
        s = run.summaries(defects=True)
        expected = DefectTables.stack([None if r is None else defect_table(r) for r in results])
        assert same_tables(s.defects, expected)
        names = run.class_names
        rules = bind(parse_rules(RULES % names[1]), names, 0.5)
        v = decide_many(s.defects, rules)
        assert v.verdict[0] == NO_RESULT
        assert v.verdict[1:].tolist() == [decide_result(r, rules).verdict for r in results[1:]]
        plain = decide_many(s.defects, bind(parse_rules(""), names, 0.5))
        assert (plain.verdict[1:] == ImageVerdict.NG).tolist() == [is_defective(r, 0.5) for r in results[1:]]
        assert run.defect_table(folder / "img_002.png").defects.tobytes() == expected.table(2).defects.tobytes()
        assert run.defect_table(folder / "img_000.png") is None


def test_rows_without_a_table_are_computed_from_the_stored_result(stored):
    store, folder, model, path, results = stored["det"]
    with sqlite3.connect(path / INDEX) as con:  # rows as a version before the column wrote them
        con.execute("UPDATE images SET defects = NULL")
    with store.open(folder, model, {}) as run:
        s = run.summaries(defects=True)
        assert same_tables(s.defects, DefectTables.stack([None] + [defect_table(r) for r in results[1:]]))


def test_a_reader_of_an_index_without_the_column_and_a_writer_adding_it(stored):
    store, folder, model, path, results = stored["seg"]
    with sqlite3.connect(path / INDEX) as con:
        con.execute("ALTER TABLE images DROP COLUMN defects")
    run_id = path.name
    with store.open_id(run_id) as reader:  # a reader never alters the index
        s = reader.summaries(defects=True)
        assert len(s.defects) == 6 and s.defects.ok.tolist() == [False] + [True] * 5
        # computed from the stored result: label maps are exact, confidence at 8 bits
        for i, r in enumerate(results[1:], 1):
            t, ref = s.defects.table(i), defect_table(r)
            assert np.array_equal(t.runs, ref.runs)
            assert np.allclose(t.defects["score"], ref.defects["score"], atol=1 / 255)
        assert reader.defect_table(folder / "img_001.png") is not None
    with sqlite3.connect(path / INDEX) as con:
        assert "defects" not in {r[1] for r in con.execute("PRAGMA table_info(images)")}
    with store.open(folder, model, {}) as writer:  # the writer adds it back, empty
        writer.put(Outcome(str(folder / "img_001.png"), result=results[1]))
        s = writer.summaries(defects=True)
        assert s.defects.table(1).defects.tobytes() == defect_table(results[1]).defects.tobytes()


def test_a_table_left_behind_by_an_older_writer_is_not_trusted(stored):
    """An older version replacing a row does not know the column and leaves the old table:
    its scores then disagree with the row's class_scores, and the table is recomputed."""
    store, folder, model, path, results = stored["det"]
    other = pack_table(defect_table(det_result(999)))
    with sqlite3.connect(path / INDEX) as con:
        con.execute("UPDATE images SET defects = ? WHERE rel = 'img_003.png'", (other,))
    with store.open(folder, model, {}) as run:
        assert run.summaries(defects=True).defects.table(3).defects.tobytes() == \
            defect_table(results[3]).defects.tobytes()
        assert run.defect_table(folder / "img_003.png").defects.tobytes() == \
            defect_table(results[3]).defects.tobytes()


# ------------------------------------------------------------------ decision metrics
def test_decision_metrics_by_hand():
    v = np.array([0, 1, 2, 0, 1, 2, 2, NO_RESULT])
    gt = np.array([True, True, True, False, False, False, False, True])
    m = decision_metrics(v, gt)
    assert (m["images"], m["defective"], m["clean"]) == (7, 3, 4)
    assert (m["OK"], m["REVIEW"], m["NG"]) == (2, 2, 3)
    assert m["review_rate"] == pytest.approx(2 / 7)
    assert (m["escapes"], m["escape_rate"]) == (1, pytest.approx(1 / 3))
    assert (m["false_rejects"], m["false_reject_rate"]) == (2, 0.5)
    assert m["by_ground_truth"]["clean"] == {"OK": 1, "REVIEW": 1, "NG": 2}
    empty = decision_metrics(np.array([1]), np.array([True]))
    assert empty["false_reject_rate"] is None and empty["escape_rate"] == 0


def test_choose_band_by_hand():
    scores = np.array([0.95, 0.8, 0.4, 0.35, 0.6, 0.2, 0.1, -np.inf], np.float32)
    gt = np.array([True, True, True, True, False, False, False, False])
    b = choose_band(scores, gt, max_escapes=0, max_false_rejects=0)
    assert (b.low, b.high) == (0.35, 0.61)  # every defective >= 0.35; no clean >= 0.61
    assert (b.escapes, b.false_rejects) == (0, 0) and b.review_rate == pytest.approx(3 / 8)
    # one clean image may be rejected: T_high 0.21 (0.6 above it); T_low may not pass it
    b = choose_band(scores, gt, max_escapes=1, max_false_rejects=1)
    assert (b.low, b.high, b.escapes, b.false_rejects, b.review_rate) == (0.21, 0.21, 0, 1, 0.0)


def test_eligible_scores_leave_out_what_other_rules_ignore():
    from inspectors.results import DetectionResult

    names = ("pit", "scratch")
    rs = [DetectionResult([[0, 0, 2, 2], [0, 0, 10, 10]], [0.9, 0.4], [0, 1], names, (50, 50)),
          DetectionResult(np.zeros((0, 4)), [], [], names, (50, 50))]
    tables = DefectTables.stack([defect_table(r) for r in rs])
    v = decide_many(tables, bind(parse_rules("default: {review: [0.5, 0.8], min_area: 5}"), names))
    assert eligible_scores(tables, v).tolist() == [pytest.approx(0.4), -np.inf]  # the 4 px box is too small
