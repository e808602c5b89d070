"""Image-level decision metrics and the band chooser, against hand counts, a brute-force
search over every band of the grid and the decision engine itself."""

import numpy as np
import pytest

from inspectors.metrics import band_counts, choose_band, decision_metrics, eligible_scores
from inspectors.results import DetectionResult
from inspectors.rules import (
    NO_RESULT,
    DefectTables,
    ImageVerdict,
    bind,
    decide_many,
    defect_table,
    parse_rules,
)

GRID = [k / 100 for k in range(101)]


def _reference_metrics(verdicts, gt):
    """Loops, no numpy: the 3 x 2 table and the rates."""
    table = {side: {"OK": 0, "REVIEW": 0, "NG": 0} for side in ("defective", "clean")}
    for v, g in zip(verdicts, gt):
        if v < 0:
            continue
        table["defective" if g else "clean"][ImageVerdict(v).name] += 1
    n_def, n_clean = sum(table["defective"].values()), sum(table["clean"].values())
    review = table["defective"]["REVIEW"] + table["clean"]["REVIEW"]
    return table, review / (n_def + n_clean) if n_def + n_clean else None, \
        table["defective"]["OK"] / n_def if n_def else None, table["clean"]["NG"] / n_clean if n_clean else None


@pytest.mark.parametrize("seed", range(6))
def test_decision_metrics_against_loops(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 40))
    verdicts = [ImageVerdict(int(v)) if v >= 0 else NO_RESULT for v in rng.integers(-1, 3, n)]
    gt = rng.random(n) < 0.5
    m = decision_metrics(np.array([int(v) for v in verdicts]), gt)
    table, review_rate, escape_rate, fr_rate = _reference_metrics([int(v) for v in verdicts], gt)
    assert m["by_ground_truth"] == table
    assert m["review_rate"] == pytest.approx(review_rate) if review_rate is not None else m["review_rate"] is None
    assert m["escapes"] == table["defective"]["OK"] and m["false_rejects"] == table["clean"]["NG"]
    assert (m["escape_rate"] is None) == (escape_rate is None)
    assert (m["false_reject_rate"] is None) == (fr_rate is None)
    if escape_rate is not None:
        assert m["escape_rate"] == pytest.approx(escape_rate)
    if fr_rate is not None:
        assert m["false_reject_rate"] == pytest.approx(fr_rate)
    assert m["images"] == sum(v >= 0 for v in verdicts)


def test_decision_metrics_take_verdict_values():
    m = decision_metrics([ImageVerdict.OK, ImageVerdict.NG, ImageVerdict.REVIEW], [True, False, False])
    assert (m["escapes"], m["false_rejects"], m["REVIEW"], m["review_rate"]) == (1, 1, 1, pytest.approx(1 / 3))


# ------------------------------------------------------------------ band chooser
def _brute(scores, gt, e, f):
    """Every band (lo <= hi) of the grid, counted one image at a time in float32."""
    s32 = [np.float32(v) for v in scores]
    bands = []
    for lo in GRID:
        for hi in GRID:
            if lo > hi:
                continue
            lo32, hi32 = np.float32(lo), np.float32(hi)
            esc = sum(1 for v, g in zip(s32, gt) if g and v < lo32)
            fr = sum(1 for v, g in zip(s32, gt) if not g and v >= hi32)
            rev = sum(1 for v in s32 if lo32 <= v < hi32)
            bands.append((lo, hi, esc, fr, rev))
    return [b for b in bands if b[2] <= e and b[3] <= f]


@pytest.mark.parametrize("seed", range(25))
def test_choose_band_is_the_brute_force_best(seed):
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(1, 14))
    pool = np.array(GRID[::5] + [0.304, 0.999, 1.0, -np.inf, 0.0])
    scores = np.where(rng.random(n) < 0.5, rng.choice(pool, n), np.round(rng.random(n), 3))
    gt = rng.random(n) < 0.5
    e, f = int(rng.integers(0, 3)), int(rng.integers(0, 3))
    b = choose_band(scores, gt, e, f)
    feasible = _brute(scores, gt, e, f)
    assert b.met == bool(feasible)
    assert (b.escapes, b.false_rejects, b.review) == band_counts(scores, gt, b.low, b.high)
    assert b.low <= b.high and b.review_rate == pytest.approx(b.review / n)
    if feasible:
        assert b.escapes <= e and b.false_rejects <= f
        assert b.review == min(x[4] for x in feasible)  # the fewest images sent to a person
        assert b.high == min(x[1] for x in feasible)  # the lowest T_high that keeps false rejects <= F
        assert b.low == max(x[0] for x in feasible if x[1] == b.high)


def test_choose_band_by_hand_with_notes():
    # defective 0.9, 0.7, 0.5; clean 0.6, 0.3, 0.1
    scores = np.array([0.9, 0.7, 0.5, 0.6, 0.3, 0.1])
    gt = np.array([True, True, True, False, False, False])
    b = choose_band(scores, gt, 0, 0)
    assert (b.low, b.high, b.review, b.met, b.notes) == (0.5, 0.61, 2, True, ())  # 0.5 and 0.6 to review
    b = choose_band(scores, gt, 0, 1)  # one clean image may be NG: T_high 0.31, T_low 0.5 would cross
    assert (b.low, b.high, b.escapes, b.false_rejects, b.review, b.met) == (0.31, 0.31, 0, 1, 0, True)
    assert "cross" in b.notes[0] and "0.50" in b.notes[0] and "0.31" in b.notes[0]
    assert b.to_dict()["review"] == [0.31, 0.31]


def test_choose_band_limits_that_cannot_be_met():
    b = choose_band(np.array([0.9, 1.0]), np.array([True, False]), 0, 0)  # a clean image scores 1.0
    assert (b.high, b.false_rejects, b.met) == (1.0, 1, False) and "T_high" in b.notes[0]
    b = choose_band(np.array([-np.inf, 0.2]), np.array([True, False]), 0, 0)  # nothing kept on a defective one
    assert (b.low, b.escapes, b.met) == (0.0, 1, False) and "T_low" in b.notes[0]
    b = choose_band(np.array([0.4, np.nan]), np.array([True, True]), 0, 0)  # no result: left out
    assert b.review_rate == 0.0 and b.high == 0.0 and any("no clean" in n for n in b.notes)


def test_choose_band_scores_compare_in_float32():
    # 0.3 in float32 is 0.30000001192: it reaches the grid's 0.30 as the decision compares
    b = choose_band(np.array([0.3, 0.2], np.float32), np.array([False, True]), 0, 0)
    assert b.high == 0.31 and b.low == 0.2


def test_the_chosen_band_gives_what_it_says_through_the_decision_engine():
    rng = np.random.default_rng(5)
    names = ("pit", "scratch")
    results, gt = [], []
    for _ in range(60):
        k = int(rng.integers(0, 4))
        xy = rng.uniform(0, 80, (k, 2))
        wh = rng.uniform(1, 20, (k, 2))
        boxes = np.hstack([xy, xy + wh]) if k else np.zeros((0, 4))
        results.append(DetectionResult(boxes, np.round(rng.random(k), 3), rng.integers(0, 2, k), names, (100, 100)))
        gt.append(bool((k > 1) != (rng.random() < 0.1)))  # mostly: more than one box
    gt = np.array(gt)
    tables = DefectTables.stack([defect_table(r) for r in results] + [None])  # one image without a result
    gt = np.append(gt, True)
    rules_text = "default: {review: [0.4, 0.7], min_area: 60}\nregions: {exclude: [[[0, 0], [30, 0], [30, 30]]]}"
    verdicts = decide_many(tables, bind(parse_rules(rules_text), names))
    b = choose_band(eligible_scores(tables, verdicts), gt, max_escapes=3, max_false_rejects=2)
    assert b.met
    chosen = rules_text.replace("[0.4, 0.7]", f"[{b.low}, {b.high}]")
    m = decision_metrics(decide_many(tables, bind(parse_rules(chosen), names)).verdict, gt)
    assert (m["escapes"], m["false_rejects"], m["REVIEW"]) == (b.escapes, b.false_rejects, b.review)
    assert m["review_rate"] == pytest.approx(b.review_rate)
