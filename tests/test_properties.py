"""Property-based tests of the readers (issue 9): whatever bytes a file holds, a reader
returns a result or raises an :class:`~inspectors.errors.InspectorError` subclass with
a message, never another exception (a traceback in the GUI, a crashed batch run).

Two kinds of input: random bytes (``st.binary``) and structure-aware mutations of
valid documents (VOC XML with fuzzed fields, COCO json / YAML configs with fuzzed
values and types, PNG / JPEG / BMP headers with fuzzed dimensions and EXIF).
Every bug the fuzzing found has a hand-written ``@example`` or plain test below.

The runs are reproducible: derandomized, with no example database written to disk.
"""

from __future__ import annotations

import json
import struct
import tempfile
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Optional
from xml.sax.saxutils import escape

import cv2
import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from inspectors.errors import GroundTruthError, InspectorError, ModelFormatError
from inspectors.formats import load_model_spec
from inspectors.groundtruth import (
    load_cls_list,
    load_coco,
    load_ground_truth,
    load_seg_list,
    load_severstal,
    load_voc_folder,
    load_voc_list,
    parse_voc_xml,
    read_label_map,
    read_label_names,
)
from inspectors.groundtruth.severstal import parse_rle, rle_decode
from inspectors.imageio import MAX_PIXELS, image_size, read_image

#: One reproducible, database-less profile for every property here (CI runs the same
#: examples each time and nothing is written into the repository).
FUZZ = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FEW = settings(FUZZ, max_examples=100)
MANY = settings(FUZZ, max_examples=400)


def clean(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call a reader: a result or an InspectorError with a message pass, anything else fails."""
    try:
        return fn(*args, **kwargs)
    except InspectorError as e:
        assert str(e).strip(), f"{type(e).__name__} without a message"
        return e


@contextmanager
def folder() -> Iterator[Path]:
    # not pytest's tmp_path: hypothesis runs many examples in one test call
    with tempfile.TemporaryDirectory(prefix="props-") as d:
        yield Path(d)


def _jpeg(h: int = 6, w: int = 8) -> bytes:
    ok, buf = cv2.imencode(".jpg", np.full((h, w, 3), 90, np.uint8))
    assert ok
    return buf.tobytes()


def _png_array(arr: np.ndarray) -> bytes:
    ok, buf = cv2.imencode(".png", arr)
    assert ok
    return buf.tobytes()


JPEG = _jpeg()  # 8x6
LABEL_PNG = _png_array(np.array([[0, 1, 1, 0, 2, 2, 0, 0]] * 6, np.uint8))


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# ------------------------------------------------------------------ value strategies

#: Strings that break naive int()/float() parsing.
NASTY_TEXT = st.sampled_from(
    ["", " ", "nan", "inf", "-inf", "1e400", "-1e400", "0x10", "1_0", "²", "٣", "1" * 5000,
     "-0", "3.5", "\x00", "a" * 300, "12 34", "None", "[]", "{}", "\ufeff1"]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(-3, 3000),
    st.floats(),
    st.text(max_size=12),
    NASTY_TEXT,
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=6), c, max_size=3),
    max_leaves=8,
)


def mutate(data: st.DataObject, node: Any, values: st.SearchStrategy = JSON_VALUES) -> Any:
    """A copy of ``node`` with some subtrees replaced by ``values``, some keys dropped
    and some list items repeated: a valid document turned almost-valid."""
    if data.draw(st.integers(0, 9), label="replace?") == 0:
        return data.draw(values, label="replacement")
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if data.draw(st.integers(0, 11), label=f"drop {k}?") == 0:
                continue
            out[k] = mutate(data, v, values)
        if data.draw(st.integers(0, 7), label="add key?") == 0:
            out[data.draw(st.text(max_size=6))] = data.draw(values)
        return out
    if isinstance(node, list):
        out_list = [mutate(data, v, values) for v in node]
        if out_list and data.draw(st.integers(0, 7), label="repeat item?") == 0:
            out_list.append(out_list[0])
        return out_list
    return node


# =================================================================== image headers

IMAGE_EXTS = st.sampled_from([".jpg", ".png", ".bmp", ".tif", ".jpeg", ".tiff"])
MAGIC = st.sampled_from(
    [b"", b"\xff\xd8\xff", b"\xff\xd8\xff\xe1", b"\x89PNG\r\n\x1a\n", b"BM", b"II*\x00", b"MM\x00*"]
)


@FUZZ
@given(magic=MAGIC, body=st.binary(max_size=300), ext=IMAGE_EXTS)
@example(magic=b"\xff\xd8\xff", body=b"", ext=".jpg")
@example(magic=b"\x89PNG\r\n\x1a\n", body=b"\x00\x00\x00\x0dIHDR", ext=".png")
@example(magic=b"BM", body=b"\x00" * 24, ext=".bmp")
def test_image_readers_on_random_bytes(magic, body, ext):
    with folder() as d:
        path = write(d / f"x{ext}", magic + body)
        clean(image_size, path)
        img = clean(read_image, path)
        if isinstance(img, np.ndarray):
            assert img.dtype == np.uint8 and img.ndim == 3 and img.shape[2] == 3


def _tiff_exif(order: bytes, ifd: int, count: int, entries: list) -> bytes:
    e = "<" if order == b"II" else ">"
    out = order + (b"\x2a\x00" if e == "<" else b"\x00\x2a") + struct.pack(e + "I", ifd)
    out += b"\x00" * max(0, ifd - 8) + struct.pack(e + "H", count)
    for tag, typ, cnt, value in entries:
        out += struct.pack(e + "HHIH", tag, typ, cnt, value) + b"\x00\x00"
    return out


@st.composite
def exif_blocks(draw) -> bytes:
    order = draw(st.sampled_from([b"II", b"MM", b"XX"]))
    ifd = draw(st.one_of(st.just(8), st.integers(0, 40), st.integers(0, 2**32 - 1)))
    entries = draw(
        st.lists(
            st.tuples(
                st.sampled_from([0x0112, 0x0100, 0x8769]),
                st.integers(0, 12),
                st.integers(0, 2**32 - 1),
                st.one_of(st.integers(0, 9), st.integers(0, 2**16 - 1)),
            ),
            max_size=3,
        )
    )
    count = draw(st.one_of(st.just(len(entries)), st.integers(0, 2**16 - 1)))
    block = _tiff_exif(order if order != b"XX" else b"II", min(ifd, 64), count, entries)
    if order == b"XX":
        block = b"XX" + block[2:]
    if ifd > 64:  # an offset past the block
        block = block[:4] + struct.pack("<I" if order != b"MM" else ">I", ifd) + block[8:]
    cut = draw(st.integers(0, len(block)))
    return block if draw(st.booleans()) else block[:cut]


def _segment(marker: int, body: bytes, length: Optional[int] = None) -> bytes:
    n = len(body) + 2 if length is None else length
    return bytes([0xFF, marker]) + struct.pack(">H", n & 0xFFFF) + body


@st.composite
def jpeg_files(draw) -> tuple:
    """A JPEG whose segments before the scan are fuzzed: EXIF orientation, SOF
    dimensions, segment lengths that lie, fill bytes, truncation."""
    h = draw(st.one_of(st.integers(0, 64), st.integers(0, 2**16 - 1)))
    w = draw(st.one_of(st.integers(0, 64), st.integers(0, 2**16 - 1)))
    real = _jpeg(6, 8)
    sof_at = real.find(b"\xff\xc0")
    # the real image with the SOF0 dimensions overwritten
    data = bytearray(real)
    data[sof_at + 5 : sof_at + 9] = struct.pack(">HH", h, w)
    head, tail = bytes(data[2:sof_at]), bytes(data[sof_at:])
    segments = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["exif", "app", "lying", "fill", "rst", "eoi"]))
        if kind == "exif":
            segments.append(_segment(0xE1, b"Exif\x00\x00" + draw(exif_blocks())))
        elif kind == "app":
            segments.append(_segment(draw(st.integers(0xE0, 0xEF)), draw(st.binary(max_size=20))))
        elif kind == "lying":
            body = draw(st.binary(max_size=20))
            segments.append(_segment(draw(st.integers(0xC0, 0xFE)), body, draw(st.integers(0, 2**16 - 1))))
        elif kind == "fill":
            segments.append(b"\xff" * draw(st.integers(1, 4)))
        elif kind == "rst":
            segments.append(bytes([0xFF, draw(st.integers(0xD0, 0xD7))]))
        else:
            segments.append(b"\xff\xd9")
    out = b"\xff\xd8" + b"".join(segments) + head + tail
    if draw(st.booleans()):
        out = out[: draw(st.integers(2, len(out)))]
    return out, h, w


@FUZZ
@given(jpeg_files())
@example((b"\xff\xd8" + _segment(0xE1, b"Exif\x00\x00" + _tiff_exif(b"II", 8, 1, [(0x0112, 3, 1, 6)])) + JPEG[2:], 6, 8))
def test_jpeg_headers(case):
    data, h, w = case
    with folder() as d:
        path = write(d / "x.jpg", data)
        size = clean(image_size, path)
        if h * w <= 1 << 22:  # decoding a fuzzed 65535x65535 header costs gigabytes
            clean(read_image, path)
        if isinstance(size, tuple):
            assert all(isinstance(v, int) and v > 0 for v in size)


def _chunk(kind: bytes, body: bytes, crc: Optional[int] = None, length: Optional[int] = None) -> bytes:
    n = len(body) if length is None else length
    c = zlib.crc32(kind + body) if crc is None else crc
    return struct.pack(">I", n) + kind + body + struct.pack(">I", c & 0xFFFFFFFF)


@st.composite
def png_files(draw) -> tuple:
    """PNG signature + IHDR with fuzzed size, depth and colour type, optional eXIf,
    IDAT (real or random), IEND; CRCs and chunk lengths that may lie."""
    w = draw(st.one_of(st.integers(0, 64), st.integers(0, 2**32 - 1)))
    h = draw(st.one_of(st.integers(0, 64), st.integers(0, 2**32 - 1)))
    depth = draw(st.sampled_from([1, 2, 4, 8, 16, 0, 3, 255]))
    colour = draw(st.sampled_from([0, 2, 3, 4, 6, 1, 7]))
    ihdr = struct.pack(">IIBBBBB", w, h, depth, colour, 0, 0, draw(st.sampled_from([0, 1])))
    chunks = [_chunk(b"IHDR", ihdr, draw(st.one_of(st.none(), st.integers(0, 2**32 - 1))))]
    if draw(st.booleans()):
        chunks.append(_chunk(b"eXIf", draw(exif_blocks()),
                             length=draw(st.one_of(st.none(), st.integers(0, 2**32 - 1)))))
    if draw(st.booleans()):
        chunks.append(_chunk(b"PLTE", b"\x00\x00\x00\xff\xff\xff"))
    raw = b"".join(b"\x00" + b"\x10" * max(1, min(w, 64)) for _ in range(min(h, 64)))
    idat = zlib.compress(raw) if draw(st.booleans()) else draw(st.binary(max_size=64))
    chunks.append(_chunk(b"IDAT", idat))
    chunks.append(_chunk(b"IEND", b""))
    out = b"\x89PNG\r\n\x1a\n" + b"".join(chunks)
    if draw(st.integers(0, 3)) == 0:
        out = out[: draw(st.integers(8, len(out)))]
    return out, h, w


@FUZZ
@given(png_files())
def test_png_headers(case):
    data, h, w = case
    with folder() as d:
        path = write(d / "x.png", data)
        clean(image_size, path)
        if h * w <= 1 << 22:
            clean(read_image, path)
        clean(read_label_map, path)


@st.composite
def bmp_files(draw) -> tuple:
    hsize = draw(st.sampled_from([12, 40, 108, 124, 0, 7, 2**32 - 1]))
    w = draw(st.one_of(st.integers(-64, 64), st.integers(-(2**31), 2**31 - 1)))
    h = draw(st.one_of(st.integers(-64, 64), st.integers(-(2**31), 2**31 - 1)))
    bpp = draw(st.sampled_from([1, 4, 8, 16, 24, 32, 0, 13]))
    if hsize == 12:
        dims = struct.pack("<HHHH", w & 0xFFFF, h & 0xFFFF, 1, bpp)
    else:
        dims = struct.pack("<iiHHII", w, h, 1, bpp, draw(st.integers(0, 4)), 0) + b"\x00" * 16
    offset = draw(st.one_of(st.just(14 + max(hsize, 12) % 200), st.integers(0, 2**32 - 1)))
    body = struct.pack("<I", hsize) + dims
    pixels = draw(st.binary(max_size=200))
    out = b"BM" + struct.pack("<IHHI", 14 + len(body) + len(pixels), 0, 0, offset) + body + pixels
    if draw(st.booleans()):
        out = out[: draw(st.integers(2, len(out)))]
    return out, abs(h), abs(w)


@FUZZ
@given(bmp_files())
def test_bmp_headers(case):
    data, h, w = case
    with folder() as d:
        path = write(d / "x.bmp", data)
        clean(image_size, path)
        if h * w <= 1 << 22:
            clean(read_image, path)


# ================================================================ label-map PNGs


@st.composite
def label_pngs(draw) -> bytes:
    """A real label map (gray, palette, RGB, 16-bit, 1-bit) with some bytes changed."""
    from PIL import Image

    h, w = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    mode = draw(st.sampled_from(["L", "P", "RGB", "RGBA", "I;16", "1", "LA", "I", "F"]))
    arr = np.random.default_rng(draw(st.integers(0, 99))).integers(0, 4, (h, w))
    if mode in ("RGB", "RGBA", "LA"):
        img = Image.fromarray(arr.astype(np.uint8)).convert(mode)
    elif mode in ("I", "F"):
        img = Image.fromarray(arr.astype(np.int32 if mode == "I" else np.float32))
    elif mode == "I;16":
        img = Image.fromarray(arr.astype(np.uint16))
    else:
        img = Image.fromarray(arr.astype(np.uint8)).convert(mode)
    import io

    buf = io.BytesIO()
    try:
        img.save(buf, format=draw(st.sampled_from(["PNG", "PNG", "BMP", "TIFF", "GIF"])))
    except OSError:  # this PIL cannot write the mode in that format
        buf = io.BytesIO()
        img.save(buf, format="TIFF")
    data = bytearray(buf.getvalue())
    for _ in range(draw(st.integers(0, 3))):
        if data:
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    if draw(st.integers(0, 3)) == 0:
        data = data[: draw(st.integers(0, len(data)))]
    return bytes(data)


@FUZZ
@given(st.one_of(label_pngs(), st.binary(max_size=200)))
@example(b"\x89PNG\r\n\x1a\n")
def test_label_maps(data):
    with folder() as d:
        path = write(d / "x.png", data)
        arr = clean(read_label_map, path)
        if isinstance(arr, np.ndarray):
            assert arr.ndim == 2 and np.issubdtype(arr.dtype, np.integer)


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


# ================================================================= model configs

NORMALIZE = {"mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5]}
CONFIGS = {
    "deploy.yaml": (
        {"Deploy": {"model": "model.pdmodel", "params": "model.pdiparams",
                    "transforms": [{"type": "Resize", "target_size": [64, 64], "keep_ratio": False},
                                   {"type": "ResizeByShort", "short_size": 32, "max_size": 64},
                                   {"type": "Padding", "target_size": [64, 64]},
                                   {"type": "Normalize", **NORMALIZE}],
                    "output_op": "argmax", "input_shape": [-1, 3, -1, -1]},
         "num_classes": 3, "Model": {"type": "PPLiteSeg"}},
        ("model.pdmodel", "model.pdiparams"),
    ),
    "infer_cfg.yml": (
        {"mode": "paddle", "arch": "PicoDet", "metric": "VOC", "draw_threshold": 0.5,
         "Preprocess": [{"type": "Resize", "interp": 2, "keep_ratio": False, "target_size": [32, 32]},
                        {"type": "NormalizeImage", "is_scale": True, "norm_type": "mean_std", **NORMALIZE},
                        {"type": "Permute"}, {"type": "PadStride", "stride": 32}],
         "label_list": ["a", "b"], "NMS": {"keep_top_k": 100}},
        ("model.pdmodel", "model.pdiparams"),
    ),
    "inference.yml": (
        {"Global": {"model_name": "ResNet18"},
         "PreProcess": {"transform_ops": [
             {"DecodeImage": {"to_rgb": True, "channel_first": False}},
             {"ResizeImage": {"resize_short": 36}}, {"CropImage": {"size": 32}},
             {"NormalizeImage": {"scale": "1.0/255.0", "order": "", **NORMALIZE}},
             {"ToCHWImage": None}]},
         "PostProcess": {"Topk": {"topk": 2, "label_list": ["a", "b"],
                                  "class_id_map_file": "labels.txt"}}},
        ("inference.pdmodel", "inference.pdiparams"),
    ),
    "model.yml": (
        {"Model": "DeepLabV3P", "status": "Infer", "version": "2.1.0", "TransformsMode": "RGB",
         "_Attributes": {"model_type": "segmenter", "num_classes": 3, "labels": ["a", "b"],
                         "fixed_input_shape": None},
         "Transforms": [{"Resize": {"target_size": [32, 32], "interp": "LINEAR", "keep_ratio": False}},
                        {"ResizeByShort": {"short_size": 32, "max_size": -1}},
                        {"ResizeByLong": {"long_size": 32}},
                        {"CenterCrop": {"crop_size": 16}},
                        {"Normalize": {"min_val": [0, 0, 0], "max_val": [255, 255, 255],
                                       "is_scale": True, **NORMALIZE}},
                        {"Padding": {"target_size": [32, 32], "im_padding_value": [0, 0, 0]}}]},
        ("model.pdmodel", "model.pdiparams"),
    ),
}


def _model_folder(d: Path, name: str, text: bytes) -> Path:
    files = CONFIGS[name][1]
    for f in files:
        write(d / f, b"\x08\x01")  # placeholders: the program is not parsed here
    write(d / "labels.txt", b"a\nb\n")
    return write(d / name, text)


def _check_spec(d: Path) -> Any:
    spec = clean(load_model_spec, d)
    if not isinstance(spec, InspectorError):
        assert spec.task in ("segmentation", "detection", "classification")
        assert all(isinstance(n, str) for n in spec.class_names)
        spec.summary()
    return spec


@MANY
@given(name=st.sampled_from(sorted(CONFIGS)), data=st.data())
def test_model_configs_mutated(name, data):
    doc = mutate(data, CONFIGS[name][0])
    text = yaml.safe_dump(doc, allow_unicode=data.draw(st.booleans())).encode("utf-8", "surrogatepass")
    with folder() as d:
        _model_folder(d, name, text)
        if data.draw(st.booleans(), label="without labels.txt"):
            (d / "labels.txt").unlink()
        _check_spec(d)


def _with(doc: dict, path: str, value: Any) -> dict:
    """A deep copy of ``doc`` with the setting at "a.b.0.c" replaced by ``value``."""
    out = json.loads(json.dumps(doc))
    *parents, last = path.split(".")
    node = out
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return out


CONFIG_BUGS = [
    # (config, setting, value): each raised TypeError / ValueError / AttributeError /
    # OSError / OverflowError before, or never returned (num_classes)
    ("deploy.yaml", "Deploy.transforms", "Resize"),
    ("deploy.yaml", "Deploy.transforms", 5),
    ("deploy.yaml", "Deploy.transforms.0.target_size", ["a", 2]),
    ("deploy.yaml", "Deploy.transforms.3.mean", "abc"),
    ("deploy.yaml", "Deploy.model", 5),
    ("deploy.yaml", "Deploy.model", "a" * 300),
    ("deploy.yaml", "num_classes", 10**12),
    ("deploy.yaml", "Deploy.transforms.0.type", []),  # unhashable: `kind in TRAINING_ONLY`
    ("infer_cfg.yml", "label_list", 5),
    ("infer_cfg.yml", "draw_threshold", "high"),
    ("infer_cfg.yml", "draw_threshold", None),
    ("infer_cfg.yml", "Preprocess", {"type": "Resize"}),
    ("infer_cfg.yml", "Preprocess.0", "Resize"),
    ("infer_cfg.yml", "Preprocess.0.target_size", ["a", "b"]),
    ("inference.yml", "PreProcess.transform_ops", 5),
    ("inference.yml", "PreProcess.transform_ops.0.DecodeImage", [1]),
    ("inference.yml", "PreProcess.transform_ops.1.ResizeImage", [1, 2]),
    ("inference.yml", "PreProcess.transform_ops.3.NormalizeImage.scale", "1e400"),
    ("inference.yml", "PreProcess.transform_ops.3.NormalizeImage.scale", 10**400),
    ("inference.yml", "Global", [1]),
    ("inference.yml", "PostProcess.Topk.topk", "five"),
    ("inference.yml", "PostProcess.Topk.label_list", 5),
    ("inference.yml", "PostProcess.Topk.label_list", None),  # then class_id_map_file:
    ("inference.yml", "PostProcess.Topk.class_id_map_file", "a" * 300),
    ("model.yml", "_Attributes", [1]),
    ("model.yml", "_Attributes.labels", 5),
    ("model.yml", "_Attributes.num_classes", "three"),
    ("model.yml", "Transforms", 5),
    ("model.yml", "Transforms.0", {"Resize": [1]}),
    ("model.yml", "Transforms.4.Normalize.mean", "abc"),
]


@pytest.mark.parametrize("name, setting, value", CONFIG_BUGS)
def test_model_config_regressions(tmp_path, name, setting, value):
    doc = CONFIGS[name][0]
    if setting == "PostProcess.Topk.class_id_map_file":
        doc = _with(doc, "PostProcess.Topk.label_list", None)
    text = yaml.safe_dump(_with(doc, setting, value)).encode()
    _model_folder(tmp_path, name, text)
    if setting == "num_classes":
        (tmp_path / "labels.txt").unlink()
    spec = _check_spec(tmp_path)
    # the exceptions became messages; a null (or unusable file name) falls back to the default
    assert isinstance(spec, InspectorError) == (value is not None and "class_id_map" not in setting)


def test_label_file_not_utf8_is_a_clean_error(tmp_path):
    """Regression: a labels.txt beside a model that is not UTF-8 raised UnicodeDecodeError."""
    _model_folder(tmp_path, "deploy.yaml", yaml.safe_dump(CONFIGS["deploy.yaml"][0]).encode())
    (tmp_path / "labels.txt").write_bytes(b"\xff\xfeback\x00ground\n")
    with pytest.raises(ModelFormatError, match="labels.txt"):
        load_model_spec(tmp_path)


@FEW
@given(
    name=st.sampled_from(sorted(CONFIGS)),
    text=st.binary(max_size=200),
    labels=st.one_of(st.none(), st.binary(max_size=60)),
)
@example(name="deploy.yaml", text=b"\xff\xfe", labels=None)
@example(name="model.yml", text=b"\x00", labels=None)
@example(name="deploy.yaml", text=yaml.safe_dump(CONFIGS["deploy.yaml"][0]).encode(), labels=b"\xff")
@example(name="inference.yml", text=b"[" * 600 + b"]" * 600, labels=None)
def test_model_configs_random_bytes(name, text, labels):
    with folder() as d:
        _model_folder(d, name, text)
        if labels is not None:
            write(d / "labels.txt", labels)
        _check_spec(d)


# ============================================================= program check


def _pb2():
    from inspectors.program_check import _framework_pb2

    return _framework_pb2()


def _tensor(pb2, dims, dtype: int = 5, lod: tuple = (), desc_size: Optional[int] = None,
            data_len: Optional[int] = None) -> bytes:
    desc = pb2.VarType.TensorDesc(data_type=dtype, dims=list(dims)).SerializeToString()
    out = struct.pack("<I", 0) + struct.pack("<Q", len(lod))
    for level in lod:
        out += struct.pack("<Q", len(level)) + level
    out += struct.pack("<I", 0) + struct.pack("<i", len(desc) if desc_size is None else desc_size) + desc
    n = int(np.prod(dims, dtype=object)) * 4 if all(v >= 0 for v in dims) else 0
    n = n if data_len is None else data_len
    return out + b"\x00" * min(n, 4096)


def _program(pb2, op_types, n_params: int) -> bytes:
    prog = pb2.ProgramDesc()
    block = prog.blocks.add(idx=0, parent_idx=-1)
    for k in range(n_params):
        var = block.vars.add(name=f"w{k}", persistable=True)
        var.type.type = 7
    for op in op_types:
        block.ops.add(type=op)
    return prog.SerializeToString()


@st.composite
def programs(draw) -> tuple:
    pb2 = _pb2()
    n = draw(st.integers(0, 3))
    model = _program(pb2, draw(st.lists(st.sampled_from(["conv2d", "relu", "feed", "fetch", "bogus_op"]),
                                        max_size=3)), n)
    if draw(st.integers(0, 4)) == 0:
        model = bytearray(model)
        for _ in range(draw(st.integers(1, 3))):
            if model:
                model[draw(st.integers(0, len(model) - 1))] = draw(st.integers(0, 255))
        model = bytes(model)
    dims = st.lists(st.one_of(st.integers(-2, 4), st.integers(0, 2**63 - 1)), max_size=4)
    tensors = []
    for _ in range(draw(st.integers(0, 4))):
        tensors.append(_tensor(
            pb2,
            draw(dims),
            draw(st.sampled_from([5, 2, 0, 7, 20, 24, 8])),
            tuple(draw(st.lists(st.binary(max_size=8), max_size=2))),
            draw(st.one_of(st.none(), st.integers(-5, 5000))),
            draw(st.one_of(st.none(), st.integers(0, 64))),
        ))
    params = b"".join(tensors)
    if draw(st.integers(0, 4)) == 0:
        params = params[: draw(st.integers(0, len(params)))]
    return model, params


def _check_program(model: bytes, params: bytes) -> None:
    from inspectors.program_check import check_program

    with folder() as d:
        m, p = write(d / "model.pdmodel", model), write(d / "model.pdiparams", params)
        ops = clean(check_program, m, p)
        if not isinstance(ops, InspectorError):
            assert isinstance(ops, list) and ops


@FEW
@given(model=st.binary(max_size=200), params=st.binary(max_size=200))
def test_program_check_random_bytes(model, params):
    # check_program validates in Python and never hands the files to Paddle's C++ loader
    _check_program(model, params)


@FUZZ
@given(programs())
def test_program_check_structured(case):
    _check_program(*case)


def test_program_check_overflowing_dims_is_refused(tmp_path):
    """Regression: dims whose product wraps around int64 were taken as 0 bytes (accepted)
    or as a negative size (the walk went backwards and struct.error escaped)."""
    from inspectors.program_check import check_program

    pb2 = _pb2()
    model = _program(pb2, ["conv2d"], 1)
    for dims in ([2**62, 4], [2**32, 2**32], [2**63 - 1, 3], [2**62 + 1, 2]):
        # [2**32, 2**32] "needed" 0 bytes and passed; [2**62 + 1, 2] raised struct.error
        params = _tensor(pb2, dims, data_len=0)
        m, p = write(tmp_path / "model.pdmodel", model), write(tmp_path / "model.pdiparams", params)
        with pytest.raises(ModelFormatError, match="model.pdiparams"):
            check_program(m, p)

