"""Ground-truth readers on hand-built datasets, checked against hand-computed
values and independent parsers (pycocotools, PIL)."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from inspectors.errors import GroundTruthError
from inspectors.groundtruth import (
    discover,
    load_cls_folders,
    load_cls_list,
    load_coco,
    load_ground_truth,
    load_seg_list,
    load_severstal,
    load_voc_folder,
    load_voc_list,
    read_label_names,
    rle_decode,
    rle_encode,
)
from inspectors.groundtruth import segmentation as seg_module
from inspectors.results import ClassificationResult, DetectionResult, SegmentationResult

# ------------------------------------------------------------------ helpers


def _image(path: Path, h: int, w: int, value: int = 128) -> Path:
    """Write a small image (also to non-ASCII paths) without the code under test."""
    path.parent.mkdir(parents=True, exist_ok=True)
    ok, buf = cv2.imencode(path.suffix, np.full((h, w, 3), value, np.uint8))
    assert ok
    path.write_bytes(buf.tobytes())
    return path


def _label(path: Path, array: np.ndarray, mode: str = "L") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    img = Image.fromarray(array.astype(np.uint8), "L")
    if mode == "P":
        img = img.convert("P")
        img.putpalette([(i * 37) % 256 for i in range(768)])
    img.save(path)
    return path


def _messages(gt) -> str:
    return "\n".join(str(p) for p in gt.problems)


# ------------------------------------------------------------------ RLE

# H=4, W=3, pixels numbered 1.. down the columns:
#   1 5 9
#   2 6 10
#   3 7 11
#   4 8 12
HAND_MASK = np.array(
    [
        [1, 0, 1],
        [1, 1, 0],
        [0, 1, 0],
        [0, 1, 0],
    ],
    bool,
)
HAND_RLE = "1 2 6 4"  # pixels 1-2 (column 0 top), 6-9 (column 1 rows 1-3, column 2 row 0)


def test_rle_decode_encode_hand_computed() -> None:
    np.testing.assert_array_equal(rle_decode(HAND_RLE, (4, 3)), HAND_MASK)
    assert rle_encode(HAND_MASK) == HAND_RLE
    assert rle_encode(np.zeros((4, 3), bool)) == ""
    assert not rle_decode("", (4, 3)).any()
    full = np.ones((4, 3), bool)
    assert rle_encode(full) == "1 12"
    np.testing.assert_array_equal(rle_decode("1 12", (4, 3)), full)


def test_rle_round_trip_random_masks() -> None:
    rng = np.random.default_rng(3)
    for _ in range(20):
        mask = rng.random((17, 29)) < rng.random()
        np.testing.assert_array_equal(rle_decode(rle_encode(mask), mask.shape), mask)


@pytest.mark.parametrize("bad", ["1 2 3", "0 2", "a 2", "1 0", "10 5"])
def test_rle_malformed_raises(bad: str) -> None:
    with pytest.raises(GroundTruthError):
        rle_decode(bad, (4, 3))


def _severstal_dir(tmp_path: Path) -> Path:
    images = tmp_path / "train_images"
    for name in ("a.jpg", "b.jpg", "c.jpg"):
        _image(images / name, 4, 3)
    return tmp_path


def _check_severstal(gt, root: Path) -> None:
    a, b, c = (root / "train_images" / n for n in ("a.jpg", "b.jpg", "c.jpg"))
    assert gt.task == "segmentation"
    assert gt.class_names == ("background", "1", "2", "3", "4")
    assert [p.name for p in gt.images] == ["a.jpg", "b.jpg", "c.jpg"]
    expected = np.zeros((4, 3), np.uint8)
    expected[HAND_MASK] = 1
    expected[3, 2] = 3  # "12 1" in class 3: the last pixel
    got = gt.get(a)
    assert isinstance(got, SegmentationResult)
    np.testing.assert_array_equal(got.label_map, expected)
    assert gt.is_defective(a) is True
    assert gt.is_defective(b) is False and not gt.get(b).defect_mask().any()
    assert gt.get(b).label_map.shape == (4, 3)
    assert gt.is_defective(c) is False
    assert (
        gt.get(root / "elsewhere.jpg") is None and gt.is_defective(root / "elsewhere.jpg") is None
    )
    text = _messages(gt)
    assert "class id 7" in text and "missing.jpg" in text and "odd number" in text
    assert len(gt.problems) == 3


def test_severstal_new_format(tmp_path: Path) -> None:
    root = _severstal_dir(tmp_path)
    (root / "train.csv").write_text(
        "ImageId,ClassId,EncodedPixels\n"
        f"a.jpg,1,{HAND_RLE}\n"
        "a.jpg,3,12 1\n"
        "b.jpg,7,1 1\n"
        "missing.jpg,2,1 1\n"
        "c.jpg,2,1 2 3\n"
    )
    _check_severstal(load_severstal(root / "train.csv"), root)
    _check_severstal(discover(root), root)


def test_severstal_old_format(tmp_path: Path) -> None:
    root = _severstal_dir(tmp_path)
    rows = ["ImageId_ClassId,EncodedPixels"]
    for img in ("a.jpg", "b.jpg", "c.jpg"):
        for k in range(1, 5):
            rle = {("a.jpg", 1): HAND_RLE, ("a.jpg", 3): "12 1", ("c.jpg", 2): "1 2 3"}.get(
                (img, k), ""
            )
            rows.append(f"{img}_{k},{rle}")
    rows += ["b.jpg_7,1 1", "missing.jpg_2,1 1"]
    (root / "train.csv").write_text("\n".join(rows) + "\n")
    _check_severstal(load_ground_truth(root / "train.csv"), root)


def test_severstal_decodes_lazily(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _severstal_dir(tmp_path)
    (root / "train.csv").write_text(f"ImageId,ClassId,EncodedPixels\na.jpg,1,{HAND_RLE}\n")
    from inspectors.groundtruth import severstal

    calls = []
    real = severstal.rle_decode
    monkeypatch.setattr(severstal, "rle_decode", lambda *a: calls.append(a) or real(*a))
    gt = load_severstal(root / "train.csv")
    assert gt.is_defective(root / "train_images" / "a.jpg") and calls == []
    gt.get(root / "train_images" / "a.jpg")
    assert len(calls) == 1


def test_severstal_run_past_image_end_raises_on_get(tmp_path: Path) -> None:
    root = _severstal_dir(tmp_path)
    (root / "train.csv").write_text("ImageId,ClassId,EncodedPixels\na.jpg,1,10 5\n")
    gt = load_severstal(root / "train.csv")
    with pytest.raises(GroundTruthError, match="3x4"):
        gt.get(root / "train_images" / "a.jpg")
    assert any("a.jpg" in p.path for p in gt.problems)


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


# ------------------------------------------------------------------ PaddleSeg


def _seg_dataset(root: Path) -> Path:
    (root / "labels.txt").write_text("background\nhole\ncrack\n")
    good = np.array([[0, 1, 2, 255], [2, 2, 0, 0], [0, 0, 0, 1]], np.uint8)
    _image(root / "images" / "好 图 1.jpg", 3, 4)
    _label(root / "labels" / "好 图 1.png", good, "P")  # palette PNG: indices are the class ids
    _image(root / "images" / "clean.jpg", 3, 4)
    _label(root / "labels" / "clean.png", np.zeros((3, 4)))
    _image(root / "images" / "range.jpg", 3, 4)
    _label(root / "labels" / "range.png", np.full((3, 4), 9))
    _image(root / "images" / "size.jpg", 5, 4)
    _label(root / "labels" / "size.png", np.zeros((3, 4)))
    _image(root / "images" / "cut.jpg", 3, 4)
    data = _label(root / "labels" / "full.png", np.zeros((300, 400))).read_bytes()
    (root / "labels" / "cut.png").write_bytes(data[: len(data) // 2])
    _image(root / "images" / "rgb.jpg", 3, 4)
    Image.fromarray(np.dstack([good % 3] * 3)).save(root / "labels" / "rgb.png")
    _image(root / "images" / "colour.jpg", 3, 4)
    Image.fromarray(np.dstack([good % 3, good % 3, np.zeros_like(good) + 1])).save(
        root / "labels" / "colour.png"
    )
    return root


SEG_LINES = (
    "images/好 图 1.jpg labels/好 图 1.png\n"
    "images/clean.jpg labels/clean.png\n"
    "images/range.jpg labels/range.png\n"
    "images/size.jpg labels/size.png\n"
    "images/cut.jpg labels/cut.png\n"
    "images/rgb.jpg labels/rgb.png\n"
    "images/colour.jpg labels/colour.png\n"
    "images/nolabel.jpg labels/nolabel.png\n"
)


def test_paddleseg_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _seg_dataset(tmp_path)
    (root / "val.txt").write_text(SEG_LINES)
    calls = []
    real = seg_module.read_label_map
    monkeypatch.setattr(seg_module, "read_label_map", lambda p: calls.append(p) or real(p))
    gt = load_seg_list(root / "val.txt")
    assert calls == []  # nothing decoded at load time
    assert gt.class_names == ("background", "hole", "crack")
    assert len(gt.images) == 7 and "nolabel" in _messages(gt)
    images = root / "images"
    got = gt.get(images / "好 图 1.jpg")
    reference = np.asarray(
        Image.open(root / "labels" / "好 图 1.png")
    )  # PIL, as PaddleSeg reads it
    np.testing.assert_array_equal(got.label_map, reference)
    np.testing.assert_array_equal(reference[0], [0, 1, 2, 255])
    assert got.confidence is None and gt.is_defective(images / "好 图 1.jpg") is True
    assert gt.is_defective(images / "clean.jpg") is False
    np.testing.assert_array_equal(gt.get(images / "rgb.jpg").label_map, reference % 3)
    for name, pattern in (
        ("range", "value.*9"),
        ("size", "4x3.*4x5"),
        ("cut", "cannot decode"),
        ("colour", "colour"),
    ):
        with pytest.raises(GroundTruthError, match=pattern):
            gt.get(images / f"{name}.jpg")
        assert gt.is_defective(images / f"{name}.jpg") is None
    assert len(gt.problems) == 5  # nolabel at load + four found on get


def test_paddleseg_test_list_and_validate(tmp_path: Path) -> None:
    root = _seg_dataset(tmp_path)
    (root / "test.txt").write_text("images/clean.jpg\nimages/好 图 1.jpg\n")
    gt = load_ground_truth(root / "test.txt")
    assert (
        len(gt.images) == 2
        and gt.get(gt.images[0]) is None
        and gt.is_defective(gt.images[1]) is None
    )
    (root / "val.txt").write_text(SEG_LINES)
    full = load_seg_list(root / "val.txt")
    problems = full.validate()
    assert sorted(p.path.rsplit("/", 1)[-1] for p in problems) == [
        "colour.png",
        "cut.png",
        "range.png",
        "size.png",
        "val.txt",
    ]


def test_seg_without_labels_txt_raises(tmp_path: Path) -> None:
    _image(tmp_path / "images" / "a.jpg", 3, 4)
    _label(tmp_path / "labels" / "a.png", np.zeros((3, 4)))
    (tmp_path / "train.txt").write_text("images/a.jpg labels/a.png\n")
    with pytest.raises(GroundTruthError, match="labels.txt"):
        load_seg_list(tmp_path / "train.txt")
    gt = load_seg_list(tmp_path / "train.txt", class_names=("bg", "x"))
    assert gt.is_defective(tmp_path / "images" / "a.jpg") is False


# ------------------------------------------------------------------ classification


def test_paddleclas_list(tmp_path: Path) -> None:
    for rel in ("a/1.bmp", "b/带 空格.bmp", "b/3.bmp", "a/4.bmp"):
        _image(tmp_path / rel, 6, 6)
    (tmp_path / "label_list.txt").write_text("1 bee\n0 ant\n")  # "id name", out of order
    (tmp_path / "val_list.txt").write_text(
        "a/1.bmp 0\nb/带 空格.bmp 1\nb/3.bmp 5\na/missing.bmp 0\na/4.bmp x\n"
    )
    gt = load_cls_list(tmp_path / "val_list.txt")
    assert gt.class_names == ("ant", "bee")
    assert [p.name for p in gt.images] == ["1.bmp", "带 空格.bmp"]
    got = gt.get(tmp_path / "b" / "带 空格.bmp")
    assert isinstance(got, ClassificationResult) and got.class_id == 1
    np.testing.assert_array_equal(got.probabilities, [0, 1])
    assert gt.is_defective(tmp_path / "a" / "1.bmp") is True  # neither class is "ok"
    text = _messages(gt)
    assert "class id 5" in text and "missing.bmp" in text and "'a/4.bmp x'" in text


def test_class_folders_and_labels_file(tmp_path: Path) -> None:
    for rel in ("ok/1.png", "Scratch/2.png", "Scratch/deep/3.png", "dent/4.png", ".trash/5.png"):
        _image(tmp_path / rel, 4, 4)
    gt = load_cls_folders(tmp_path)
    assert gt.class_names == ("Scratch", "dent", "ok")  # sorted(), as ImageFolder does
    assert gt.get(tmp_path / "Scratch" / "deep" / "3.png").class_id == 0
    assert gt.is_defective(tmp_path / "ok" / "1.png") is False  # "ok" is a clean class name
    assert gt.get(tmp_path / ".trash" / "5.png") is None
    assert discover(tmp_path).layout == "class-folders"
    (tmp_path / "labels.txt").write_text("ok\nScratch\n")
    gt = load_cls_folders(tmp_path)
    assert gt.class_names == ("ok", "Scratch") and "'dent'" in _messages(gt)
    assert gt.get(tmp_path / "dent" / "4.png") is None


def test_read_label_names_formats(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("\ufeffCr\nIn\n\nPa\n")
    assert read_label_names(tmp_path / "a.txt") == ("Cr", "In", "Pa")
    (tmp_path / "b.txt").write_text("0 pitted surface\n1 rolled-in scale\n")
    assert read_label_names(tmp_path / "b.txt") == ("pitted surface", "rolled-in scale")
    (tmp_path / "c.txt").write_text("0 a\n2 b\n")
    with pytest.raises(GroundTruthError, match="gaps"):
        read_label_names(tmp_path / "c.txt")
    (tmp_path / "d.txt").write_bytes("裂纹\n划痕\n".encode("gbk"))
    assert read_label_names(tmp_path / "d.txt") == ("裂纹", "划痕")


# ------------------------------------------------------------------ discovery


def test_discover_prefers_val_and_handles_image_folders(tmp_path: Path) -> None:
    root = _seg_dataset(tmp_path)
    (root / "train.txt").write_text("images/clean.jpg labels/clean.png\n")
    (root / "val.txt").write_text("images/好 图 1.jpg labels/好 图 1.png\n")
    gt = discover(root)
    assert [p.name for p in gt.images] == ["好 图 1.jpg"]
    # an image folder inside the dataset: all lists, limited to that folder
    inner = discover(root / "images")
    assert sorted(p.name for p in inner.images) == ["clean.jpg", "好 图 1.jpg"]
    assert discover(root / "labels") is None  # nothing listed lives there
    plain = tmp_path / "plain"
    _image(plain / "x.jpg", 4, 4)
    assert discover(plain) is None


def test_missing_and_empty_raise(tmp_path: Path) -> None:
    with pytest.raises(GroundTruthError, match="not found"):
        load_ground_truth(tmp_path / "val.txt")
    with pytest.raises(GroundTruthError, match="not found"):
        load_seg_list(tmp_path / "val.txt")
    with pytest.raises(GroundTruthError, match="not found"):
        discover(tmp_path / "nowhere")
    (tmp_path / "labels.txt").write_text("a\nb\n")
    (tmp_path / "val_list.txt").write_text("x/none.bmp 0\n")
    with pytest.raises(GroundTruthError, match="no usable"):
        load_cls_list(tmp_path / "val_list.txt")
    (tmp_path / "empty.txt").write_text("")
    with pytest.raises(GroundTruthError):
        load_ground_truth(tmp_path / "empty.txt")
    with pytest.raises(GroundTruthError, match="not a list file"):
        load_ground_truth(tmp_path / "labels.txt")
    (tmp_path / "sub").mkdir()
    with pytest.raises(GroundTruthError, match="no ground truth recognised"):
        load_ground_truth(tmp_path / "sub")
