"""Property-based tests of the ground-truth readers: Pascal VOC, COCO, list files and
labels.txt, Severstal csv, ground-truth discovery. See tests/property_helpers.py."""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import numpy as np
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from inspectors.errors import GroundTruthError, InspectorError
from inspectors.groundtruth import (
    load_cls_list,
    load_coco,
    load_ground_truth,
    load_seg_list,
    load_severstal,
    load_voc_folder,
    load_voc_list,
    parse_voc_xml,
    read_label_names,
)
from inspectors.groundtruth.severstal import parse_rle, rle_decode
from inspectors.imageio import MAX_PIXELS

from .property_helpers import (
    FEW,
    FUZZ,
    JPEG,
    LABEL_PNG,
    NASTY_TEXT,
    clean,
    folder,
    jpeg_files,
    mutate,
    write,
)

# ==================================================================== Pascal VOC

FIELD = st.one_of(st.none(), st.integers(-5, 20), st.floats(), NASTY_TEXT, st.text(max_size=8))


def _el(tag: str, value: Any) -> str:
    return "" if value is None else f"<{tag}>{escape(str(value))}</{tag}>"


@st.composite
def voc_documents(draw) -> bytes:
    size = _el("width", draw(st.one_of(st.just(8), FIELD))) + _el(
        "height", draw(st.one_of(st.just(6), FIELD))
    )
    parts = [
        _el("filename", draw(st.one_of(st.just("a.jpg"), st.just("a"), FIELD))),
        f"<size>{size}</size>" if draw(st.integers(0, 5)) else "",
    ]
    for _ in range(draw(st.integers(0, 3))):
        box = "".join(
            _el(t, draw(st.one_of(st.integers(-2, 10), FIELD)))
            for t in ("xmin", "ymin", "xmax", "ymax")
        )
        parts.append(
            "<object>"
            + _el("name", draw(st.one_of(st.sampled_from(["a", "b"]), FIELD)))
            + _el("difficult", draw(st.one_of(st.none(), st.sampled_from([0, 1]), FIELD)))
            + (f"<bndbox>{box}</bndbox>" if draw(st.integers(0, 5)) else box)
            + "</object>"
        )
    root = draw(st.sampled_from(["annotation", "annotation", "annotation", "doc"]))
    text = f"<{root}>{''.join(parts)}</{root}>"
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 5)) == 0:
        data = data[: draw(st.integers(0, len(data)))]
    return data


VOC_BUG_INF = b"<annotation><filename>a.jpg</filename><size><width>inf</width><height>6</height></size></annotation>"
VOC_BUG_DIFFICULT = (
    b"<annotation><filename>a.jpg</filename><size><width>8</width><height>6</height></size>"
    b"<object><name>a</name><difficult>1e400</difficult><bndbox><xmin>1</xmin><ymin>1</ymin>"
    b"<xmax>4</xmax><ymax>4</ymax></bndbox></object></annotation>"
)


@FUZZ
@given(st.one_of(voc_documents(), st.binary(max_size=200)))
@example(VOC_BUG_INF)
@example(VOC_BUG_DIFFICULT)
def test_voc_xml(data):
    with folder() as d:
        write(d / "JPEGImages" / "a.jpg", JPEG)
        xml = write(d / "Annotations" / "a.xml", data)
        write(d / "labels.txt", b"a\nb\n")
        write(d / "val.txt", b"JPEGImages/a.jpg Annotations/a.xml\n")
        clean(parse_voc_xml, xml)
        for gt in (clean(load_voc_folder, d / "Annotations"), clean(load_voc_list, d / "val.txt"),
                   clean(load_ground_truth, d)):
            if not isinstance(gt, InspectorError):
                assert gt.task == "detection"
                for image in gt.images:
                    gt.get(image)


def test_voc_infinite_size_is_reported_not_raised(tmp_path):
    """Regression: <width>inf</width> raised OverflowError (int(float('inf')))."""
    xml = write(tmp_path / "a.xml", VOC_BUG_INF)
    record = parse_voc_xml(xml)
    assert (record.width, record.height) == (0, 0)  # treated as no valid <size>
    xml = write(tmp_path / "b.xml", VOC_BUG_DIFFICULT)
    record = parse_voc_xml(xml)
    assert record.bad_objects and not record.objects


# ========================================================================== COCO

COCO_DOC = {
    "images": [
        {"id": 1, "file_name": "a.jpg", "width": 8, "height": 6},
        {"id": 2, "file_name": "missing.jpg", "width": 8, "height": 6},
    ],
    "categories": [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}],
    "annotations": [
        {"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 3, 3], "area": 9, "iscrowd": 0},
        {"id": 2, "image_id": 1, "category_id": 2, "bbox": [2, 0, 4, 5], "area": 20, "iscrowd": 1},
    ],
}


@FUZZ
@given(st.data())
def test_coco_json(data):
    kind = data.draw(st.sampled_from(["mutated", "mutated", "mutated", "bytes"]))
    if kind == "bytes":
        raw = data.draw(st.binary(max_size=200))
    else:
        raw = json.dumps(mutate(data, COCO_DOC)).encode()
    with folder() as d:
        write(d / "images" / "a.jpg", JPEG)
        path = write(d / "annotations.json", raw)
        for gt in (clean(load_coco, path), clean(load_ground_truth, d)):
            if not isinstance(gt, InspectorError):
                for image in gt.images:
                    gt.get(image)
                    gt.difficult_flags(image)


@pytest.mark.parametrize(
    "change",
    [
        {"categories": [{"id": [1], "name": "a"}]},  # unhashable category id
        {"images": [{"id": 1, "file_name": "a.jpg"}, {"id": "2", "file_name": "b.jpg"}]},
        {"images": [{"id": [1], "file_name": "a.jpg"}]},
        {"annotations": [{"id": 1, "image_id": [1], "category_id": 1, "bbox": [1, 1, 2, 2]}]},
        {"annotations": [{"id": 1, "image_id": 1, "category_id": {}, "bbox": [1, 1, 2, 2]}]},
        {"annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2], "area": "x"}]},
        {"annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": "abcd"}]},
        {"annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, "inf"]}]},
        {"annotations": [[1, 2]]},
        {"annotations": 5},
        {"images": [{"id": 1, "file_name": "a.jpg", "width": float("inf"), "height": 6}]},
        {"images": [{"id": 1, "file_name": None}]},
    ],
)
def test_coco_regressions(tmp_path, change):
    write(tmp_path / "images" / "a.jpg", JPEG)
    doc = dict(COCO_DOC, **change)
    path = write(tmp_path / "annotations.json", json.dumps(doc).encode())
    clean(load_coco, path)


# ====================================================== list files and labels.txt

LIST_TOKENS = st.one_of(
    st.sampled_from(
        ["images/a.jpg", "labels/a.png", "Annotations/a.xml", "0", "1", "-1", "99", "images/missing.jpg",
         "images/a.jpg\tlabels/a.png", "labels\\a.png", "/", ".", "..", "#", "a" * 300,
         "x/" + "a" * 300 + ".jpg", "1" * 5000, "²", "images/a b.jpg"]
    ),
    st.text(max_size=10),
)


@st.composite
def list_files(draw) -> bytes:
    lines = []
    for _ in range(draw(st.integers(0, 4))):
        lines.append(" ".join(draw(st.lists(LIST_TOKENS, min_size=1, max_size=3))))
    text = "\n".join(lines)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gbk"]))
    return text.encode(encoding, errors="replace")


def _list_dataset(d: Path, listing: bytes, labels: bytes) -> Path:
    write(d / "images" / "a.jpg", JPEG)
    write(d / "images" / "a b.jpg", JPEG)
    write(d / "labels" / "a.png", LABEL_PNG)
    write(d / "Annotations" / "a.xml", b"<annotation><object><name>a</name><bndbox><xmin>1</xmin>"
          b"<ymin>1</ymin><xmax>4</xmax><ymax>4</ymax></bndbox></object></annotation>")
    write(d / "labels.txt", labels)
    return write(d / "val.txt", listing)


LABEL_FILES = st.one_of(
    st.just(b"background\na\nb\n"),
    st.just(b"0 a\n1 b\n"),
    st.lists(LIST_TOKENS, max_size=4).map(lambda v: "\n".join(v).encode("utf-8", "replace")),
    st.binary(max_size=60),
)


@FUZZ
@given(listing=st.one_of(list_files(), st.binary(max_size=120)), labels=LABEL_FILES)
@example(listing=b"images/a.jpg 0\n", labels="\u00b2 a\n1 b\n".encode())
@example(listing=b"images/a.jpg " + b"1" * 5000 + b"\n", labels=b"a\n")
@example(listing=b"x/" + b"a" * 300 + b".jpg labels/a.png\n", labels=b"a\n")
@example(listing=b"images/a.jpg labels/" + b"a" * 300 + b".png\n", labels=b"a\nb\nc\n")
def test_list_files(listing, labels):
    with folder() as d:
        path = _list_dataset(d, listing, labels)
        clean(read_label_names, d / "labels.txt")
        for loader in (load_seg_list, load_cls_list, load_voc_list, load_ground_truth):
            gt = clean(loader, path)
            if not isinstance(gt, InspectorError):
                gt.validate()
                for image in gt.images:
                    gt.is_defective(image)
        gt = clean(load_ground_truth, d)
        if not isinstance(gt, InspectorError):
            gt.validate()


def test_superscript_digit_label_id_is_a_clean_error(tmp_path):
    """Regression: "² a" passed str.isdigit() and int("²") raised ValueError."""
    path = write(tmp_path / "labels.txt", "\u00b2 a\n1 b\n".encode())
    assert read_label_names(path) == ("\u00b2 a", "1 b")


def test_overlong_class_id_is_reported(tmp_path):
    """Regression: a 5000-digit class id raised ValueError (Python's int digit limit)."""
    path = _list_dataset(tmp_path, b"images/a.jpg " + b"1" * 5000 + b"\nimages/a b.jpg 0\n", b"a\n")
    gt = load_cls_list(path)
    assert len(gt.images) == 1 and any("line 1" in p.message for p in gt.problems)


def test_overlong_path_in_list_is_reported(tmp_path):
    """Regression: a path component over 255 bytes raised OSError (File name too long)."""
    long = b"images/" + b"a" * 300 + b".jpg"  # its folder exists: ENAMETOOLONG, not ENOENT
    path = _list_dataset(tmp_path, long + b" 0\n" + long + b" labels/a.png\nimages/a.jpg 0\n", b"a\n")
    gt = load_cls_list(path)
    assert len(gt.images) == 1
    with pytest.raises(GroundTruthError):
        load_seg_list(path)


# ================================================================ Severstal csv

RLE = st.one_of(
    st.lists(st.one_of(st.integers(-2, 60), st.integers(-(2**64), 2**64)), max_size=6).map(
        lambda v: " ".join(map(str, v))
    ),
    NASTY_TEXT,
    st.text(max_size=10),
)


@st.composite
def severstal_files(draw) -> bytes:
    header = draw(st.sampled_from(["ImageId,ClassId,EncodedPixels", "ImageId_ClassId,EncodedPixels",
                                   "ImageId,EncodedPixels", "ImageId,ClassId,EncodedPixels,Extra"]))
    rows = [header]
    for _ in range(draw(st.integers(0, 4))):
        image = draw(st.one_of(st.just("a.jpg"), st.text(max_size=6)))
        cls = draw(st.one_of(st.integers(-1, 6), NASTY_TEXT))
        if header.startswith("ImageId_ClassId"):
            row = f"{image}_{cls},{draw(RLE)}"
        else:
            row = f"{image},{cls},{draw(RLE)}"
        if draw(st.integers(0, 5)) == 0:
            row = row.replace(",", '"', 1)  # an unbalanced quote
        rows.append(row)
    return "\n".join(rows).encode("utf-8", "surrogatepass")


SEVERSTAL_BUG_OVERFLOW = b"ImageId,ClassId,EncodedPixels\na.jpg,1,1 99999999999999999999\n"
SEVERSTAL_BUG_WRAP = b"ImageId,ClassId,EncodedPixels\na.jpg,1,9223372036854775807 9223372036854775807\n"
SEVERSTAL_BUG_FIELD = b"ImageId,ClassId,EncodedPixels\na.jpg,1,\"" + b"1 " * 70000 + b"\n"


@FUZZ
@given(st.one_of(severstal_files(), st.binary(max_size=200)))
@example(SEVERSTAL_BUG_OVERFLOW)
@example(SEVERSTAL_BUG_WRAP)
@example(SEVERSTAL_BUG_FIELD)
def test_severstal_csv(data):
    with folder() as d:
        write(d / "train_images" / "a.jpg", JPEG)
        path = write(d / "train.csv", data)
        for gt in (clean(load_severstal, path), clean(load_ground_truth, d)):
            if not isinstance(gt, InspectorError):
                gt.validate()
                for image in gt.images:
                    gt.is_defective(image)


@FEW
@given(jpeg_files())
def test_severstal_with_fuzzed_image_header(case):
    data, h, w = case
    assume(h * w <= 1 << 22 or h * w > MAX_PIXELS)  # in between: a real 400 MB mask
    with folder() as d:
        write(d / "train_images" / "a.jpg", data)
        path = write(d / "train.csv", b"ImageId,ClassId,EncodedPixels\na.jpg,1,1 3\n")
        gt = clean(load_severstal, path)
        if not isinstance(gt, InspectorError):
            gt.validate()
            for image in gt.images:
                gt.is_defective(image)


def test_severstal_huge_image_header_is_refused(tmp_path):
    """Regression: a JPEG header declaring 65535x65535 made the mask decoder allocate
    tens of gigabytes (np.zeros of the header's size, then a cumulative sum)."""
    real = bytearray(JPEG)
    sof = real.find(b"\xff\xc0")
    real[sof + 5 : sof + 9] = struct.pack(">HH", 65535, 65535)
    write(tmp_path / "train_images" / "a.jpg", bytes(real))
    gt = load_severstal(write(tmp_path / "train.csv", b"ImageId,ClassId,EncodedPixels\na.jpg,1,1 3\n"))
    with pytest.raises(GroundTruthError, match="megapixels"):
        gt.get(gt.images[0])


@FUZZ
@given(rle=RLE, h=st.integers(0, 8), w=st.integers(0, 8))
@example(rle="1 99999999999999999999", h=6, w=8)
@example(rle="9223372036854775807 9223372036854775807", h=6, w=8)
def test_rle_decode(rle, h, w):
    mask = clean(rle_decode, rle, (h, w))
    if isinstance(mask, np.ndarray):
        assert mask.shape == (h, w) and mask.dtype == bool
        assert isinstance(clean(parse_rle, rle), tuple)


# ====================================================== ground-truth discovery

GT_NAMES = st.sampled_from(
    ["val.txt", "train.txt", "annotations.json", "annotations/instances_val.json", "train.csv",
     "Annotations/a.xml", "labels/a.png", "labels.txt", "a.xml", "label_list.txt"]
)


@FUZZ
@given(name=GT_NAMES, data=st.one_of(st.binary(max_size=150), list_files()))
def test_ground_truth_discovery(name, data):
    with folder() as d:
        write(d / "images" / "a.jpg", JPEG)
        write(d / "a.jpg", JPEG)
        path = write(d / name, data)
        for target in (d, path, d / "images"):
            gt = clean(load_ground_truth, target)
            if not isinstance(gt, InspectorError):
                gt.validate()
