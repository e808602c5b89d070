"""Ground-truth readers on the real datasets in ../shared/datasets, compared with
independent reads (xml.etree, PIL, the list files parsed here)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from inspectors.groundtruth import discover, load_ground_truth, load_voc_folder

DATASETS = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"

pytestmark = pytest.mark.dataset


def _dataset(name: str) -> Path:
    root = DATASETS / name
    if not root.is_dir():
        pytest.skip(f"{root} is not available")
    return root


def _lines(path: Path) -> list:
    return [line.split() for line in path.read_text().splitlines() if line.strip()]


def _names(path: Path) -> list:
    return [line.strip() for line in path.read_text().splitlines() if line.strip()]


def _etree_boxes(xml: Path, names: list) -> tuple:
    """Boxes as PaddleDetection's VOC reader leaves them, parsed here independently."""
    root = ET.parse(xml).getroot()
    w = float(root.find("size/width").text)
    h = float(root.find("size/height").text)
    boxes, classes, difficult = [], [], []
    for obj in root.iter("object"):
        b = [float(obj.find(f"bndbox/{t}").text) for t in ("xmin", "ymin", "xmax", "ymax")]
        b = [max(0.0, b[0]), max(0.0, b[1]), min(w - 1, b[2]), min(h - 1, b[3])]
        if b[2] > b[0] and b[3] > b[1]:
            boxes.append(b)
            classes.append(names.index(obj.find("name").text))
            difficult.append(obj.find("difficult").text.strip() == "1")
    return np.array(boxes, np.float32).reshape(-1, 4), classes, difficult


def test_neu_det_val_list() -> None:
    root = _dataset("neu-det")
    names = _names(root / "labels.txt")
    rows = _lines(root / "val_list.txt")
    gt = discover(root)
    assert gt.task == "detection" and gt.layout == "voc-list"
    assert gt.class_names == tuple(names) and len(names) == 6
    assert len(gt.images) == len(rows) == 300
    assert [p.relative_to(root).as_posix() for p in gt.images] == [r[0] for r in rows]
    assert gt.problems == []
    total = 0
    for image_rel, xml_rel in rows:
        boxes, classes, difficult = _etree_boxes(root / xml_rel, names)
        got = gt.get(root / image_rel)
        assert got.image_size == (200, 200)
        np.testing.assert_array_equal(got.boxes, boxes)
        np.testing.assert_array_equal(got.class_ids, classes)
        np.testing.assert_array_equal(gt.difficult_flags(root / image_rel), difficult)
        assert gt.is_defective(root / image_rel) is True
        total += len(boxes)
    assert total == sum(len(gt.get(p)) for p in gt.images) > 300


def test_neu_det_folder_matches_xml_to_images_by_filename() -> None:
    root = _dataset("neu-det")
    xmls = sorted((root / "Annotations").glob("*.xml"))
    no_ext = [
        x for x in xmls if not ET.parse(x).getroot().find("filename").text.strip().endswith(".jpg")
    ]
    assert no_ext, "the <filename>-without-extension quirk should be present"
    gt = load_voc_folder(root / "Annotations")
    assert gt.problems == []
    assert len(gt.images) == len(xmls)
    # in NEU-DET each XML is named after its image
    assert sorted(p.stem for p in gt.images) == sorted(x.stem for x in xmls)
    names = _names(root / "labels.txt")
    for xml in no_ext[:40]:
        boxes, _, _ = _etree_boxes(xml, names)
        np.testing.assert_array_equal(gt.get(root / "JPEGImages" / f"{xml.stem}.jpg").boxes, boxes)


def test_neu_cls_val_list() -> None:
    root = _dataset("neu-cls")
    names = _names(root / "labels.txt")
    rows = _lines(root / "val_list.txt")
    gt = load_ground_truth(root / "val_list.txt")
    assert gt.task == "classification" and gt.class_names == tuple(names) and len(names) == 6
    assert len(gt.images) == 300 and gt.problems == []
    for image_rel, label in rows:
        got = gt.get(root / image_rel)
        assert got.class_id == int(label)
        assert names[got.class_id] == image_rel.split("/")[0]  # the folder is the class
    assert discover(root).images == gt.images  # the val list is chosen
    counts = np.bincount([gt.get(p).class_id for p in gt.images], minlength=6)
    assert counts.tolist() == [50] * 6


def test_magnetic_tile_val_label_maps_match_pil() -> None:
    root = _dataset("magnetic-tile")
    rows = _lines(root / "val.txt")
    gt = discover(root)
    assert gt.task == "segmentation" and gt.layout == "paddleseg-list"
    assert gt.class_names == tuple(_names(root / "labels.txt"))
    assert len(gt.images) == len(rows)
    clean = 0
    for image_rel, label_rel in rows:
        reference = np.asarray(Image.open(root / label_rel))
        got = gt.get(root / image_rel)
        np.testing.assert_array_equal(got.label_map, reference)
        assert got.image_size == Image.open(root / image_rel).size[::-1]
        clean += not reference.any()
        assert gt.is_defective(root / image_rel) is bool(reference.any())
    assert 0 < clean < len(rows)
    assert gt.problems == []


def test_magnetic_tile_defect_free_count() -> None:
    root = _dataset("magnetic-tile")
    labels = sorted((root / "labels").glob("*.png"))
    expected_clean = sum(not np.asarray(Image.open(p)).any() for p in labels)
    # The README counts 809 images from the defect-free folder; two "Uneven" masks
    # are empty after binarisation, so the label maps give 811.
    assert expected_clean >= 809
    everything = discover(root / "images")  # an image folder: every list, not just val
    assert len(everything.images) == len(labels)
    assert sum(everything.is_defective(p) is False for p in everything.images) == expected_clean
