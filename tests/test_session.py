"""Session store: cheap flags equal the results' own is_defective; filters; verdict file."""

import json

import numpy as np
import pytest

from inspectors.errors import InspectorError
from inspectors.results import (
    ClassificationResult,
    DetectionResult,
    Outcome,
    SegmentationResult,
    Thresholds,
)
from inspectors.session import Filter, ImageState, ResultsStore, ReviewBook, Verdict, summarize

NAMES = ("crazing", "scratches", "ok")


def _random_results(rng, n=40):
    out = []
    for i in range(n):
        kind = i % 3
        if kind == 0:
            k = int(rng.integers(0, 4))
            boxes = np.sort(rng.uniform(0, 100, (k, 4)).reshape(k, 2, 2), axis=1).reshape(k, 4)[:, [0, 2, 1, 3]]
            boxes = np.column_stack([np.minimum(boxes[:, 0], boxes[:, 2]), np.minimum(boxes[:, 1], boxes[:, 3]),
                                     np.maximum(boxes[:, 0], boxes[:, 2]), np.maximum(boxes[:, 1], boxes[:, 3])])
            out.append(DetectionResult(boxes, rng.uniform(0, 1, k), rng.integers(0, 3, k), NAMES, (100, 100)))
        elif kind == 1:
            lm = rng.integers(0, 3, (20, 20)).astype(np.uint8) * (rng.uniform(size=(20, 20)) < 0.1)
            out.append(SegmentationResult(lm, ("bg", "a", "b"), rng.uniform(0.3, 1, (20, 20)).astype(np.float32)))
        else:
            p = rng.dirichlet(np.ones(3))
            out.append(ClassificationResult(p, NAMES))
    return out


def test_summary_flags_equal_is_defective_at_any_threshold():
    rng = np.random.default_rng(0)
    results = _random_results(rng)
    for _ in range(25):
        t = Thresholds(float(rng.uniform()), {"crazing": float(rng.uniform()), 2: float(rng.uniform())})
        for r in results:
            assert summarize(r).flagged(t) == r.is_defective(t)


def _store(tmp_path, n=6):
    paths = [str(tmp_path / f"im{i}.png") for i in range(n)]
    return ResultsStore(paths, Thresholds(0.5)), paths


def _cls(p_defect):
    return ClassificationResult(np.array([p_defect, 0.0, 1 - p_defect]), NAMES)


def test_states_filters_and_sort(tmp_path):
    store, paths = _store(tmp_path)
    store.add("m", Outcome(paths[0], _cls(0.9)))
    store.add("m", Outcome(paths[1], _cls(0.6)))
    store.add("m", Outcome(paths[2], _cls(0.2)))  # top class "ok": clean
    store.add("m", Outcome(paths[3], error="cannot decode"))
    assert store.add("m", Outcome(str(tmp_path / "elsewhere.png"), _cls(0.9))) == -1
    assert [store.state(r) for r in range(5)] == [ImageState.DEFECT, ImageState.DEFECT, ImageState.CLEAN,
                                                  ImageState.ERROR, ImageState.NO_RESULT]
    assert store.rows(Filter.FLAGGED) == [0, 1]
    assert store.rows(Filter.ERRORS) == [3]
    assert store.rows(Filter.NO_RESULT) == [4, 5]
    assert store.rows(Filter.ALL, by_score=True)[:2] == [0, 1]
    changed = store.set_thresholds(Thresholds(0.7))
    assert changed == [1] and store.rows(Filter.FLAGGED) == [0]
    store.set_thresholds(Thresholds(0.7, {"crazing": 0.95}))
    assert store.rows(Filter.FLAGGED) == []
    counts = store.counts()
    assert counts[ImageState.CLEAN] == 3 and counts[ImageState.NO_RESULT] == 2


def test_ground_truth_disagreement(tmp_path):
    store, paths = _store(tmp_path)
    store.add("m", Outcome(paths[0], _cls(0.9)))
    store.add("m", Outcome(paths[1], _cls(0.2)))
    store.add("m", Outcome(paths[2], _cls(0.9)))
    truth = {paths[0]: False, paths[1]: True, paths[2]: True}
    store.ground_truth = truth.get
    assert store.rows(Filter.DISAGREE) == [0, 1]


def test_several_models_any_flag_wins(tmp_path):
    store, paths = _store(tmp_path)
    store.add("a", Outcome(paths[0], _cls(0.2)))
    store.add("b", Outcome(paths[0], _cls(0.9)))
    assert store.state(0) is ImageState.DEFECT
    store.remove_model("b")
    assert store.state(0) is ImageState.CLEAN


def test_verdicts_survive_reload_and_stay_out_of_the_source(tmp_path):
    src = tmp_path / "images"
    (src / "sub").mkdir(parents=True)
    work = tmp_path / "work"
    book = ReviewBook(work, src)
    book.set(src / "sub" / "a.png", Verdict.CONFIRMED)
    book.set(src / "b.png", Verdict.REJECTED)
    assert not list(src.rglob("*.json"))
    data = json.loads((work / "review.json").read_text())
    assert data["verdicts"]["sub/a.png"]["verdict"] == "confirmed"
    again = ReviewBook(work, src)
    assert again.get(src / "sub" / "a.png") is Verdict.CONFIRMED
    assert again.get(src / "b.png") is Verdict.REJECTED
    again.set(src / "b.png", None)
    assert ReviewBook(work, src).get(src / "b.png") is None
    assert ReviewBook(work, src).counts()[Verdict.CONFIRMED] == 1


def test_review_file_refuses_the_image_folder(tmp_path):
    with pytest.raises(InspectorError):
        ReviewBook(tmp_path / "work-inside", tmp_path)


def test_unreadable_review_file_is_kept_aside(tmp_path):
    src, work = tmp_path / "src", tmp_path / "work"
    src.mkdir()
    work.mkdir()
    (work / "review.json").write_text("{ not json")
    book = ReviewBook(work, src)
    assert book.problem and "unreadable" in book.problem
    assert list(work.glob("review.json.unreadable-*"))
    book.set(src / "x.png", Verdict.CONFIRMED)
    assert ReviewBook(work, src).get(src / "x.png") is Verdict.CONFIRMED
