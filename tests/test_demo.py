"""The offline demo: deterministic generation, exact ground truth in layouts the readers
discover, and the committed copy in resources/demo matches its manifest."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from inspectors.groundtruth.discover import discover
from inspectors.tooling.demo.generate import DEMO_DIR, check_demo, manifest, write_neu, write_tiles


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
    for sub in ("neu_cls", "neu_det", "magnetic_tile"):
        gt = discover(DEMO_DIR / sub)
        assert gt is not None and len(gt) >= 20 and not gt.problems, sub
    size = sum(p.stat().st_size for p in DEMO_DIR.rglob("*") if p.is_file())
    assert size < 4 * 1024 * 1024


def test_detection_layout_and_boxes_cover_the_drawn_defects(tmp_path: Path) -> None:
    import cv2

    from inspectors.tooling.demo.generate import NEU_DET_NAMES, write_neu_det

    write_neu_det(tmp_path, per_class=1)
    gt = discover(tmp_path)
    assert gt is not None and gt.task == "detection" and not gt.problems
    assert gt.class_names == NEU_DET_NAMES and len(gt) == 6
    for image in gt.images:
        truth = gt.get(image)
        name = image.stem.rsplit("_", 1)[0]
        assert len(truth.boxes) >= 1
        assert {gt.class_names[c] for c in truth.class_ids} == {name}
        im = cv2.imread(str(image), cv2.IMREAD_UNCHANGED)
        assert im.shape == (200, 200, 3)
        assert (im[..., 0] == im[..., 1]).all() and (im[..., 1] == im[..., 2]).all()
        assert (truth.boxes >= 0).all() and (truth.boxes <= 200).all()


def test_defect_boxes_hand_cases() -> None:
    from inspectors.tooling.demo.textures import defect_boxes

    m = np.zeros((50, 60), np.float32)
    m[5:10, 7:20] = 1       # 13 x 5 bar
    m[30:45, 40:42] = 1     # 2 x 15 bar: widened to 3 px and more
    m[20:40, 55] = 1        # 1 x 20 line at x = 55: 3 px wide box
    m[48, 0] = 1            # single pixel: too small
    assert defect_boxes(m, merge=0) == [(7, 5, 19, 9), (39, 30, 42, 44), (54, 20, 56, 39)]
    # a closing of radius 12 bridges the 4-pixel gap between two marks
    m2 = np.zeros((40, 40), np.float32)
    m2[10:20, 5:10] = 1
    m2[10:20, 14:19] = 1
    assert defect_boxes(m2, merge=0) == [(5, 10, 9, 19), (14, 10, 18, 19)]
    assert defect_boxes(m2, merge=12) == [(5, 10, 18, 19)]


def test_demo_choice_pairs_each_demo_set_with_its_task_models() -> None:
    from app.launch import DEMO_TASKS, demo_choice
    from inspectors.formats import load_model_spec

    found = 0
    for key, (task, sub) in DEMO_TASKS.items():
        folder, models = demo_choice(key)
        if not models:
            continue
        found += 1
        assert folder == str(DEMO_DIR / sub)
        assert {load_model_spec(m).task for m in models} == {task}
        gt = discover(Path(folder))
        assert gt is not None and gt.task == task and not gt.problems
    assert found >= 2  # the classifier and the segmenter are bundled at least
    assert demo_choice("auto") == demo_choice(next(k for k in DEMO_TASKS if demo_choice(k)[1]))
