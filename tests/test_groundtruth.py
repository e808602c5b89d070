"""Ground-truth readers on hand-built datasets, checked against hand-computed
values and independent parsers (pycocotools, PIL)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from inspectors.errors import GroundTruthError
from inspectors.groundtruth import (
    discover,
    load_cls_folders,
    load_cls_list,
    load_ground_truth,
    load_seg_list,
    load_severstal,
    read_label_names,
    rle_decode,
    rle_encode,
)
from inspectors.groundtruth import segmentation as seg_module
from inspectors.results import ClassificationResult, SegmentationResult

from .gt_helpers import _image, _label, _messages  # noqa: F401

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
