"""Property-based tests of the image readers: image headers (JPEG, PNG, BMP, EXIF)
and label-map images. See tests/property_helpers.py for the shared profile and checks."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path
from typing import Any, Optional

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

from inspectors.groundtruth import read_label_map
from inspectors.imageio import image_size, read_image

from .property_helpers import (
    FUZZ,
    JPEG,
    _segment,
    _tiff_exif,
    clean,
    exif_blocks,
    folder,
    jpeg_files,
    write,
)

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


def _check_header(path: Path, h: int, w: int) -> Any:
    """image_size on the file; read_image too when the header's h x w is small enough to
    decode. Returns what image_size gave (a size or the InspectorError)."""
    size = clean(image_size, path)
    if h * w <= 1 << 22:  # decoding a fuzzed 65535x65535 header costs gigabytes
        clean(read_image, path)
    return size


@FUZZ
@given(jpeg_files())
@example((b"\xff\xd8" + _segment(0xE1, b"Exif\x00\x00" + _tiff_exif(b"II", 8, 1, [(0x0112, 3, 1, 6)])) + JPEG[2:], 6, 8))
def test_jpeg_headers(case):
    data, h, w = case
    with folder() as d:
        path = write(d / "x.jpg", data)
        size = _check_header(path, h, w)
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
        _check_header(path, h, w)
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
        _check_header(path, h, w)


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
