"""Property-based tests of the readers (issue 9): whatever bytes a file holds, a reader
returns a result or raises an :class:`~inspectors.errors.InspectorError` subclass with
a message, never another exception (a traceback in the GUI, a crashed batch run).

Two kinds of input: random bytes (``st.binary``) and structure-aware mutations of
valid documents (VOC XML with fuzzed fields, COCO json / YAML configs with fuzzed
values and types, PNG / JPEG / BMP headers with fuzzed dimensions and EXIF).
Every bug the fuzzing found has a hand-written ``@example`` or plain test below.

The runs are reproducible: derandomized, with no example database written to disk.

This module holds what the test_properties_*.py modules share: the hypothesis
settings profiles, the "result or InspectorError" check, file helpers and the
strategies used by more than one of them.
"""

from __future__ import annotations

import struct
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

import cv2
import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from inspectors.errors import InspectorError

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


# ------------------------------------------------------------- JPEG / EXIF strategies


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
