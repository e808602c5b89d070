"""The offline demo: deterministic generation, exact ground truth in layouts the readers
discover, and the committed copy in resources/demo matches its manifest."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from inspectors.demo.generate import DEMO_DIR, check_demo, manifest, write_neu, write_tiles
from inspectors.groundtruth.discover import discover


def test_generation_is_deterministic(tmp_path: Path) -> None:
    write_neu(tmp_path / "a", per_class=1)
    write_neu(tmp_path / "b", per_class=1)
    assert manifest(tmp_path / "a") == manifest(tmp_path / "b")


def test_classification_layout_and_truth(tmp_path: Path) -> None:
    write_neu(tmp_path, per_class=2)
    gt = discover(tmp_path)
    assert gt is not None and gt.task == "classification" and not gt.problems
    assert gt.class_names == ("Cr", "In", "Pa", "PS", "RS", "Sc")
    assert len(gt) == 12
    for image in gt.images:
        assert gt.class_names[gt.get(image).class_id] == image.parent.name


def test_segmentation_layout_and_exact_truth(tmp_path: Path) -> None:
    write_tiles(tmp_path, per_class=1, free=1)
    gt = discover(tmp_path)
    assert gt is not None and gt.task == "segmentation" and not gt.problems
    assert len(gt) == 6
    for image in gt.images:
        kind = image.stem.split("_")[0]
        ids = set(np.unique(gt.get(image).label_map).tolist())
        if kind == "Free":
            assert ids == {0}
        else:
            assert ids == {0, gt.class_names.index(kind)}


def test_committed_demo_is_intact() -> None:
    assert (DEMO_DIR / "neu_cls" / "val_list.txt").is_file()
    assert check_demo(DEMO_DIR) == []
    size = sum(p.stat().st_size for p in DEMO_DIR.rglob("*") if p.is_file())
    assert size < 4 * 1024 * 1024
