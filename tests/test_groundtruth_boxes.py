"""Box ground truth (Pascal VOC with PaddleDetection lists, COCO JSON) on hand-built
datasets, checked against hand-computed values and independent parsers
(xml layout written here, ppdet's VOCDataSet, pycocotools)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from inspectors.errors import GroundTruthError
from inspectors.groundtruth import (
    discover,
    load_coco,
    load_ground_truth,
    load_voc_folder,
    load_voc_list,
)
from inspectors.results import DetectionResult

from .gt_helpers import _image, _label, _messages  # noqa: F401

# ------------------------------------------------------------------ VOC

VOC_XML = """<annotation>
  <filename>{filename}</filename>
  <size><width>{w}</width><height>{h}</height><depth>3</depth></size>
  {objects}
</annotation>"""
OBJ = "<object><name>{name}</name><difficult>{d}</difficult><bndbox><xmin>{x1}</xmin><ymin>{y1}</ymin><xmax>{x2}</xmax><ymax>{y2}</ymax></bndbox></object>"


def _xml(path: Path, filename: str, objects: list, w: int = 200, h: int = 100) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    objs = "".join(
        OBJ.format(name=n, d=d, x1=b[0], y1=b[1], x2=b[2], y2=b[3]) for n, b, d in objects
    )
    path.write_text(VOC_XML.format(filename=filename, w=w, h=h, objects=objs))
    return path


def _voc_dataset(root: Path) -> Path:
    _image(root / "JPEGImages" / "patches_7.jpg", 100, 200)
    _image(root / "JPEGImages" / "other.jpg", 100, 200)
    _image(root / "JPEGImages" / "clean.jpg", 100, 200)
    # the NEU quirk: <filename> without extension
    _xml(
        root / "Annotations" / "patches_7.xml",
        "patches_7",
        [
            ("patches", (1, 2, 200, 100), 0),  # VOC last pixel: clipped to 199 x 99, not reported
            ("scratches", (10, 20, 30, 40), 1),  # difficult
            ("patches", (50, 5, 40, 9), 0),  # xmax < xmin: skipped
            ("rust", (5, 5, 9, 9), 0),  # unknown class: skipped
            ("scratches", (150, 50, 260, 90), 0),  # past the right edge: clipped to 199
        ],
    )
    # XML whose own name differs from its image: <filename> wins
    _xml(root / "Annotations" / "z_ann.xml", "other.jpg", [("scratches", (3, 4, 5, 6), 0)])
    _xml(root / "Annotations" / "clean.xml", "clean.jpg", [])
    _xml(root / "Annotations" / "lost.xml", "lost.jpg", [("patches", (1, 1, 5, 5), 0)])
    (root / "Annotations" / "broken.xml").write_text("<annotation><object>")
    (root / "labels.txt").write_text("patches\nscratches\n")
    return root


def _check_patches_7(gt, image: Path) -> None:
    got = gt.get(image)
    assert isinstance(got, DetectionResult)
    assert got.image_size == (100, 200)
    np.testing.assert_array_equal(
        got.boxes, np.array([[1, 2, 199, 99], [10, 20, 30, 40], [150, 50, 199, 90]], np.float32)
    )
    np.testing.assert_array_equal(got.class_ids, [0, 1, 1])
    np.testing.assert_array_equal(got.scores, [1, 1, 1])
    np.testing.assert_array_equal(gt.difficult_flags(image), [False, True, False])


def test_voc_folder_matches_by_filename_with_missing_extension(tmp_path: Path) -> None:
    root = _voc_dataset(tmp_path)
    gt = load_voc_folder(root / "Annotations")
    assert gt.task == "detection" and gt.class_names == ("patches", "scratches")
    jpeg = root / "JPEGImages"
    assert [p.name for p in gt.images] == [
        "clean.jpg",
        "patches_7.jpg",
        "other.jpg",
    ]  # order of the XML names
    _check_patches_7(gt, jpeg / "patches_7.jpg")
    other = gt.get(jpeg / "other.jpg")
    np.testing.assert_array_equal(other.boxes, [[3, 4, 5, 6]])
    assert gt.is_defective(jpeg / "clean.jpg") is False and len(gt.get(jpeg / "clean.jpg")) == 0
    assert not gt.difficult_flags(jpeg / "other.jpg").any()
    text = _messages(gt)
    assert "broken.xml" in text and "lost.jpg" in text
    assert "'rust'" in text and "xmax <= xmin" in text and "clipped" in text
    assert "(1, 2, 200, 100)" not in text  # xmax == width is the last VOC pixel, not an error
    assert len(gt.problems) == 5
    assert discover(root).layout == "voc-folder"


def test_voc_list_uses_the_list_line(tmp_path: Path) -> None:
    root = _voc_dataset(tmp_path)
    (root / "val_list.txt").write_text(
        "JPEGImages/patches_7.jpg Annotations/patches_7.xml\n"
        "JPEGImages/clean.jpg Annotations/z_ann.xml\n"  # the line, not <filename>, decides
        "JPEGImages/gone.jpg Annotations/clean.xml\n"
        "JPEGImages/other.jpg Annotations/broken.xml\n"
    )
    (root / "train_list.txt").write_text("JPEGImages/other.jpg Annotations/z_ann.xml\n")
    gt = load_voc_list(root / "val_list.txt")
    jpeg = root / "JPEGImages"
    assert gt.images == [jpeg / "patches_7.jpg", jpeg / "clean.jpg"]
    _check_patches_7(gt, jpeg / "patches_7.jpg")
    np.testing.assert_array_equal(gt.get(jpeg / "clean.jpg").boxes, [[3, 4, 5, 6]])
    assert "gone.jpg" in _messages(gt) and "broken.xml" in _messages(gt)
    found = discover(root)
    assert found.layout == "voc-list" and found.images == gt.images  # the val list


def test_voc_boxes_match_ppdet(tmp_path: Path) -> None:
    voc = pytest.importorskip("ppdet.data.source.voc")
    root = tmp_path
    _image(root / "JPEGImages" / "a.jpg", 100, 200)
    _xml(
        root / "Annotations" / "a.xml",
        "a.jpg",
        [
            ("patches", (0, 2, 200, 100), 0),
            ("scratches", (10.5, 20, 30, 40), 1),
            ("patches", (-5, 3, 50, 120), 0),
        ],
    )
    (root / "labels.txt").write_text("patches\nscratches\n")
    (root / "val.txt").write_text("JPEGImages/a.jpg Annotations/a.xml\n")
    ds = voc.VOCDataSet(
        dataset_dir=str(root),
        image_dir="",
        anno_path="val.txt",
        label_list="labels.txt",
        data_fields=["image", "gt_bbox", "gt_class", "difficult"],
    )
    ds.parse_dataset()
    (rec,) = ds.roidbs
    got = load_voc_list(root / "val.txt").get(root / "JPEGImages" / "a.jpg")
    np.testing.assert_array_equal(got.boxes, rec["gt_bbox"])
    np.testing.assert_array_equal(got.class_ids, rec["gt_class"].ravel())


# ------------------------------------------------------------------ COCO


def test_coco_matches_pycocotools(tmp_path: Path) -> None:
    coco_mod = pytest.importorskip("pycocotools.coco")
    for name in ("a.jpg", "b.jpg", "c.jpg"):
        _image(tmp_path / "images" / name, 50, 80)
    data = {
        "images": [
            {"id": 9, "file_name": "a.jpg", "width": 80, "height": 50},
            {"id": 2, "file_name": "b.jpg", "width": 80, "height": 50},
            {"id": 4, "file_name": "c.jpg", "width": 80, "height": 50},
            {"id": 5, "file_name": "gone.jpg", "width": 80, "height": 50},
        ],
        # category ids out of order: ppdet numbers them in the file's order
        "categories": [
            {"id": 7, "name": "dent"},
            {"id": 1, "name": "scratch"},
            {"id": 3, "name": "spot"},
        ],
        "annotations": [
            {
                "id": 1,
                "image_id": 9,
                "category_id": 1,
                "bbox": [10, 5, 20.25, 10],
                "area": 202.5,
                "iscrowd": 0,
            },
            {
                "id": 2,
                "image_id": 9,
                "category_id": 3,
                "bbox": [0, 0, 8, 4],
                "area": 32,
                "iscrowd": 1,
            },
            {
                "id": 3,
                "image_id": 2,
                "category_id": 7,
                "bbox": [1, 2, 3, 4],
                "area": 12,
                "iscrowd": 0,
            },
            {
                "id": 4,
                "image_id": 2,
                "category_id": 7,
                "bbox": [5, 5, 0, 4],
                "area": 0,
                "iscrowd": 0,
            },
            {
                "id": 5,
                "image_id": 2,
                "category_id": 99,
                "bbox": [5, 5, 2, 2],
                "area": 4,
                "iscrowd": 0,
            },
            {
                "id": 6,
                "image_id": 2,
                "category_id": 1,
                "bbox": [5, 5, 2, 2],
                "area": 4,
                "iscrowd": 0,
                "ignore": 1,
            },
        ],
    }
    path = tmp_path / "annotations" / "instances_val.json"
    path.parent.mkdir()
    path.write_text(json.dumps(data))
    gt = load_coco(path)

    ref = coco_mod.COCO(str(path))
    cat_ids = ref.getCatIds()
    assert gt.class_names == tuple(ref.loadCats(c)[0]["name"] for c in cat_ids)
    assert [p.name for p in gt.images] == [
        ref.loadImgs(i)[0]["file_name"] for i in sorted(ref.getImgIds()) if i != 5
    ]
    for img_id in (9, 2, 4):
        info = ref.loadImgs(img_id)[0]
        anns = [
            a
            for a in ref.loadAnns(ref.getAnnIds(imgIds=[img_id]))
            if not a.get("ignore") and a["area"] > 0 and a["category_id"] in cat_ids
        ]
        expected = np.array(
            [[x, y, x + w, y + h] for x, y, w, h in (a["bbox"] for a in anns)], np.float32
        ).reshape(-1, 4)
        got = gt.get(tmp_path / "images" / info["file_name"])
        assert got.image_size == (info["height"], info["width"])
        np.testing.assert_allclose(got.boxes, expected, atol=1e-3)
        np.testing.assert_array_equal(
            got.class_ids, [cat_ids.index(a["category_id"]) for a in anns]
        )
        np.testing.assert_array_equal(
            gt.difficult_flags(tmp_path / "images" / info["file_name"]),
            [bool(a["iscrowd"]) for a in anns],
        )
    assert gt.is_defective(tmp_path / "images" / "c.jpg") is False  # no annotations: clean
    text = _messages(gt)
    assert "gone.jpg" in text and "category id 99" in text and "empty box" in text
    assert len(gt.problems) == 3
    assert discover(tmp_path).layout == "coco-json"


def test_coco_not_instances_raises(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text('{"info": {}}')
    with pytest.raises(GroundTruthError, match="not a COCO"):
        load_coco(tmp_path / "x.json")
    (tmp_path / "y.json").write_text("{broken")
    with pytest.raises(GroundTruthError, match="cannot parse"):
        load_ground_truth(tmp_path / "y.json")


