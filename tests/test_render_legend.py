"""The legend outside the image (inspectors.render.legend) and the tags that replace the
in-image legend's names when it is off."""

import numpy as np

from inspectors.render import RenderStyle, annotate
from inspectors.render.legend import IGNORED_NOTE, REVIEW_NOTE, legend_entries
from inspectors.render.palette import class_color
from inspectors.render.text import collect_tags
from inspectors.results import DetectionResult, SegmentationResult, Thresholds
from inspectors.rules import Rules, bind, decide_result


def _seg():
    lm = np.zeros((100, 120), np.uint8)
    lm[10:30, 60:100] = 1
    lm[60:90, 5:40] = 3
    conf = np.full(lm.shape, 0.8, np.float32)
    conf[60:90, 5:40] = 0.4
    return SegmentationResult(lm, ("background", "blowhole", "break", "crack"), conf)


def test_entries_follow_thresholds_hidden_classes_and_the_decision():
    det = DetectionResult(np.array([[1, 1, 9, 9], [20, 20, 30, 30], [40, 40, 50, 50.0]]), np.array([0.9, 0.3, 0.7]),
                          np.array([2, 0, 1]), ("a", "b", "c"), (60, 60))
    entries, notes = legend_entries(None, det, RenderStyle(thresholds=Thresholds(0.5)))
    assert [(e.class_id, e.name, e.color) for e in entries] == [(1, "b", class_color(1)), (2, "c", class_color(2))]
    assert notes == []
    entries, _ = legend_entries(None, det, RenderStyle(thresholds=Thresholds(0.5), hidden_classes={"c"}))
    assert [e.name for e in entries] == ["b"]
    truth = DetectionResult(np.array([[1, 1, 9, 9.0]]), np.array([1.0]), np.array([0]), ("a", "b", "c"), (60, 60))
    entries, _ = legend_entries(truth, det, RenderStyle(thresholds=Thresholds(0.5)))
    assert [e.name for e in entries] == ["a", "b", "c"]
    seg = _seg()
    decision = decide_result(seg, bind(Rules(), seg.class_names, 0.5, review_from=0.3))
    entries, notes = legend_entries(None, seg, RenderStyle(), decision)
    assert [e.name for e in entries] == ["blowhole", "crack"] and notes == [REVIEW_NOTE, IGNORED_NOTE]


def test_without_the_in_image_legend_ng_segments_get_their_own_tag():
    seg = _seg()
    img = np.full((100, 120, 3), 90, np.uint8)
    decision = decide_result(seg, bind(Rules(), seg.class_names, 0.5, review_from=0.3))
    with collect_tags() as inside:
        annotate(img, seg, RenderStyle(), decision)
    with collect_tags() as outside:
        annotate(img, seg, RenderStyle(legend=False), decision)
    assert [t[0] for t in inside] == ["crack 0.40 ?"]  # blowhole (NG) is named by the legend
    assert sorted(t[0] for t in outside) == ["blowhole 0.80", "crack 0.40 ?"]
    assert {(t[1], t[2]) for t in outside} == {(60, 10), (5, 60)}  # each at its segment's corner
