"""Decision rules: the rules file (round trip, effective class rules), its one-line
messages for bad input, and the README example."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from inspectors.rules import (
    NO_RESULT,
    Band,
    ClassRule,
    DefectTables,
    Ignored,
    Regions,
    Rules,
    RulesError,
    bind,
    decide,
    decide_many,
    decide_result,
    defect_table,
    load_rules,
    parse_rules,
    rules_to_yaml,
    simple_rules,
)
from tests.rules_helpers import DET, SEG, det, random_label_map, seg

# ------------------------------------------------------------------ the rules file
FULL = """\
version: 1
default:
  review: [0.3, 0.6]
  min_area: 4
classes:
  pit:
    threshold: 0.5
    min_area_mm2: 0.02
    ng_count: 3
  scratch:
    min_length_mm: 1.5
    ng_total_area_mm2: 2.5
calibration:
  mm_per_px_x: 0.05
  mm_per_px_y: 0.1
regions:
  mode: overlap
  min_overlap: 0.3
  image_size: [100, 200]
  include:
    - [[0, 0], [200, 0], [200, 100], [0, 100]]
  exclude:
    - points: [[10, 10], [20, 10], [20, 20]]
"""


def test_rules_file_round_trip_and_effective_class_rules(tmp_path):
    rules = parse_rules(FULL)
    text = rules_to_yaml(rules)
    assert parse_rules(text) == rules
    assert parse_rules(rules_to_yaml(parse_rules(text))) == rules
    pit = rules.rule_for("pit")
    assert pit.band == Band(0.5, 0.5) and pit.min_area == 4 and pit.ng_count == 3
    assert rules.rule_for("dent").band == Band(0.3, 0.6) and rules.rule_for("dent").ng_count is None
    assert rules.regions.exclude == (((10.0, 10.0), (20.0, 10.0), (20.0, 20.0)),)
    (tmp_path / "r.yaml").write_text(text)
    assert load_rules(tmp_path / "r.yaml") == rules
    assert parse_rules("") == Rules() and parse_rules(rules_to_yaml(Rules())) == Rules()
    mask = tmp_path / "m.png"
    cv2.imwrite(str(mask), np.full((100, 200), 255, np.uint8))
    with_mask = parse_rules("regions: {include_mask: m.png}", base_dir=tmp_path)
    assert parse_rules(rules_to_yaml(with_mask)) == with_mask  # saved with its absolute path


@pytest.mark.parametrize("text, message", [
    ("colour: red", "unknown key 'colour' at the top level"),
    ("default: {min_areaa: 3}", "unknown key 'min_areaa' in default"),
    ("classes: {pit: {ng: 3}}", "unknown key 'ng' in classes.pit"),
    ("calibration: {mm_per_pixel: 1}", "unknown key 'mm_per_pixel' in calibration"),
    ("regions: {shape: []}", "unknown key 'shape' in regions"),
    ("default: {min_area: -1}", "default.min_area: must not be negative, got -1"),
    ("classes: {pit: {min_length_mm: -0.5}}\ncalibration: {mm_per_px: 1}", "classes.pit.min_length_mm: must not be negative"),
    ("classes: {pit: {review: [0.8, 0.5]}}", "classes.pit.review: T_low 0.8 is above T_high 0.5"),
    ("default: {review: [0.2, 1.5]}", "default.review: must be a confidence from 0 to 1"),
    ("default: {threshold: 0.5, review: [0.1, 0.2]}", "default.review: give either threshold"),
    ("calibration: {mm_per_px: 0}", "calibration.mm_per_px: must be greater than 0, got 0"),
    ("calibration: {mm_per_px_x: 0.1, mm_per_px_y: 0.0}", "calibration.mm_per_px_y: must be greater than 0"),
    ("calibration: {mm_per_px_x: 0.1}", "calibration.mm_per_px_y: is missing"),
    ("default: {min_area_mm2: 1}", "default.min_area_mm2: needs a calibration"),
    ("default: {ng_count: 2.5}", "default.ng_count: must be a whole number of 1 or more"),
    ("default: {ng_total_area: 0}", "default.ng_total_area: must be greater than 0"),
    ("regions: {include: [[[0, 0], [5, 5]]]}", "regions.include[0]: a polygon needs at least 3 points, got 2"),
    ("regions: {image_size: [50, 80], exclude: [[[0, 0], [81, 0], [0, 9]]]}",
     "regions.exclude[0]: point 1 (81, 0) is outside the 80x50 image"),
    ("regions: {include: [[[0, -1], [5, 0], [0, 9]]]}", "regions.include[0]: point 0 (0, -1) is outside the image"),
    ("regions: {mode: inside}", "regions.mode: must be one of centroid, overlap"),
    ("regions: {min_overlap: 0}", "regions.min_overlap: must be greater than 0"),
    ("regions: {include_mask: /nonexistent/roi.png}", "regions.include_mask: cannot read"),
    ("version: 2", "version: 2 is newer than this Defect Inspector reads (1)"),
    ("default: [1, 2]", "default: must be a mapping"),
    ("default: {min_area: ten}", "default.min_area: must be a number, got 'ten'"),
    ("default: {min_area: .nan}", "default.min_area: must be a finite number"),
    ("default: {review: [0.1, 0.2]\n", "not valid YAML (line"),
    ("default: {min_area: 1}\ndefault: {min_area: 2}", "(line 2, column 1): duplicate key 'default'"),
])
def test_bad_rules_are_one_line_naming_the_key(text, message):
    with pytest.raises(RulesError) as e:
        parse_rules(text, "rules.yaml")
    assert message in str(e.value) and str(e.value).startswith("rules.yaml: ")
    assert "\n" not in str(e.value)


def test_binding_and_image_size_problems_are_one_line():
    with pytest.raises(RulesError, match=r"^classes.dent: the model has no class 'dent' \(classes: background, pit, scratch\)$"):
        bind(parse_rules("classes: {dent: {threshold: 0.5}}"), SEG)
    rules = parse_rules("regions: {include: [[[0, 0], [150, 0], [150, 50]]]}")
    small = det([[1, 1, 2, 2]], [0.9], [0], size=(40, 100))
    with pytest.raises(RulesError, match=r"^regions.include\[0\]: point 1 \(150, 0\) is outside the 100x40 image$"):
        decide_result(small, bind(rules, DET, 0.5))
    with pytest.raises(RulesError, match="--review: LOW 0.8 is above HIGH 0.2"):
        simple_rules(review=(0.8, 0.2))
    with pytest.raises(RulesError, match="--min-area: must not be negative"):
        simple_rules(min_area=-3)


def test_load_rules_problems(tmp_path):
    with pytest.raises(RulesError, match="does not exist"):
        load_rules(tmp_path / "none.yaml")
    (tmp_path / "bin.yaml").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(RulesError, match="cannot read rules file"):
        load_rules(tmp_path / "bin.yaml")
    before = Path(tmp_path / "bin.yaml").read_bytes()
    assert before == b"\xff\xfe\x00"


@pytest.mark.parametrize("mode", ["overlap", "centroid"])
def test_images_of_several_sizes_in_one_call(mode):
    """decide_many over tables of mixed sizes and tasks' rows equals deciding each image."""
    rng = np.random.default_rng(9)
    poly = ((2.0, 1.0), (30.0, 3.0), (25.0, 20.0), (4.0, 18.0))
    rules = bind(Rules(default=ClassRule(band=Band(0.2, 0.7)), regions=Regions(include=(poly,), mode=mode)), SEG)
    results = [seg(random_label_map(rng, shape), rng.uniform(size=shape))
               for shape in [(24, 32), (40, 36), (24, 32), (22, 31), (40, 36)]]
    tables = [defect_table(r) for r in results]
    stacked = DefectTables.stack([tables[0], None, *tables[1:]])
    v = decide_many(stacked, rules)
    singles = [decide(t, rules) for t in tables]
    assert v.verdict.tolist() == [int(singles[0].verdict), NO_RESULT, *[int(d.verdict) for d in singles[1:]]]
    rows = np.concatenate([[d.ignored_bits for d in s.defects] for s in singles])
    assert v.ignored.tolist() == rows.tolist() and (rows & Ignored.OUTSIDE).any()


def test_the_readme_example_is_a_valid_rules_file(tmp_path):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Decision rules", 1)[1]
    text = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    cv2.imwrite(str(tmp_path / "roi.png"), np.full((256, 1600), 255, np.uint8))
    rules = parse_rules(text, "README", tmp_path)
    assert rules.rule_for("pit").ng_count == 3 and rules.rule_for("pit").min_area == 20
    assert rules.regions.mode == "overlap" and rules.calibration.mm_per_px_y == 0.08
    assert parse_rules(rules_to_yaml(rules)) == rules
