"""The report document: sections of blocks, rendered alike to HTML and PDF.

Blocks hold plain text (never markup: the renderers escape it) and numbers as numbers
(a :class:`Column` says how a numeric column is written and aligned), so the same
document gives the same figures in both files and a test can read them back.
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, List, Optional, Sequence, Tuple, Union

import cv2
import numpy as np

#: tones a paragraph, a table row or a thumbnail may carry (colours in both renderers)
TONES = ("", "good", "bad", "warn", "muted")


@dataclass(frozen=True)
class Picture:
    """An encoded image (PNG or JPEG bytes) with its pixel size. ``name`` is the file name
    used when a renderer writes it beside the report instead of embedding it."""

    data: bytes
    width: int
    height: int
    format: str = "png"  # "png" | "jpeg"
    name: str = "image.png"
    scale: float = 1.0  # pixels per display pixel: charts are drawn at 2 for crisp print

    @property
    def display_size(self) -> Tuple[float, float]:
        """Width and height in CSS pixels (1/96 inch)."""
        return self.width / self.scale, self.height / self.scale

    @property
    def mime(self) -> str:
        return "image/jpeg" if self.format == "jpeg" else "image/png"

    @classmethod
    def from_array(cls, image: np.ndarray, name: str = "image.png", jpeg_quality: int = 0) -> Picture:
        """From a BGR (or grey) uint8 array; ``jpeg_quality`` > 0 encodes a JPEG (photos,
        thumbnails), else a lossless PNG (charts, drawings)."""
        if jpeg_quality > 0:
            ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, int(jpeg_quality)])
            fmt, name = "jpeg", str(Path(name).with_suffix(".jpg"))
        else:
            ok, buf = cv2.imencode(".png", image)
            fmt, name = "png", str(Path(name).with_suffix(".png"))
        if not ok:
            raise ValueError(f"could not encode {name}")
        return cls(buf.tobytes(), int(image.shape[1]), int(image.shape[0]), fmt, name)

    @classmethod
    def from_bytes(cls, data: bytes, name: str) -> Picture:
        """From PNG / JPEG file bytes (the size is read by decoding once)."""
        image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
        if image is None:
            raise ValueError(f"{name}: not a PNG or JPEG image")
        fmt = "jpeg" if data[:2] == b"\xff\xd8" else "png"
        return cls(data, int(image.shape[1]), int(image.shape[0]), fmt, name)


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 3  # sections are level 2; a heading inside one is 3


@dataclass(frozen=True)
class Paragraph:
    text: str
    tone: str = ""


@dataclass(frozen=True)
class KeyValues:
    """A two-column table of labels and values (values are text or numbers)."""

    rows: Sequence[Tuple[str, Any]]
    title: str = ""


@dataclass(frozen=True)
class Column:
    """A data table column. ``kind``: "text", "int", "number" (``digits`` decimals) or
    "percent" (a 0-1 fraction written as ``digits`` decimals of %). Numeric columns are
    right-aligned; None or NaN is written as ``missing``."""

    name: str
    kind: str = "text"
    digits: int = 4
    missing: str = "n/a"

    @property
    def numeric(self) -> bool:
        return self.kind != "text"

    def format(self, value: Any) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return self.missing
        if self.kind == "int":
            return str(int(value))
        if self.kind == "number":
            return f"{float(value):.{self.digits}f}"
        if self.kind == "percent":
            return f"{100 * float(value):.{self.digits}f} %"
        return str(value)


@dataclass(frozen=True)
class Table:
    """A data table: ``rows`` of raw values, one per column; ``tones`` (optional) one per
    row; ``total``: the last row is a total (bold, ruled above)."""

    columns: Sequence[Column]
    rows: Sequence[Sequence[Any]]
    title: str = ""
    note: str = ""
    tones: Sequence[str] = ()
    total: bool = False

    def cells(self) -> List[List[str]]:
        return [[c.format(v) for c, v in zip(self.columns, row)] for row in self.rows]


@dataclass(frozen=True)
class Figure:
    """An image (a chart, a drawing) with a caption; ``width`` is its share of the page width."""

    picture: Picture
    caption: str = ""
    width: float = 1.0


@dataclass(frozen=True)
class Thumb:
    """One captioned thumbnail; ``link`` a path relative to the report (a full-size image
    written beside it) or empty."""

    picture: Picture
    caption: Sequence[str] = ()  # lines: file, verdict, ground truth, score ...
    link: str = ""
    tone: str = ""


@dataclass(frozen=True)
class ThumbGrid:
    items: Sequence[Thumb]
    columns: int = 4
    title: str = ""
    empty: str = "none"  # what is written when there is no item


Block = Union[Heading, Paragraph, KeyValues, Table, Figure, ThumbGrid]


@dataclass
class Section:
    title: str
    blocks: List[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> Section:
        self.blocks.extend(blocks)
        return self


@dataclass
class Document:
    """A report: a title, a subtitle line, a creation time, and sections in order."""

    title: str
    subtitle: str = ""
    sections: List[Section] = field(default_factory=list)
    created: str = field(default_factory=lambda: _dt.datetime.now().strftime("%Y-%m-%d %H:%M"))

    def section(self, title: str, *blocks: Block) -> Section:
        s = Section(title, list(blocks))
        self.sections.append(s)
        return s

    def pictures(self) -> List[Picture]:
        """Every picture in document order (figures and thumbnails)."""
        out: List[Picture] = []
        for s in self.sections:
            for b in s.blocks:
                if isinstance(b, Figure):
                    out.append(b.picture)
                elif isinstance(b, ThumbGrid):
                    out.extend(t.picture for t in b.items)
        return out


def fraction(value: Optional[float]) -> Optional[float]:
    """A metric value for a table cell: None stays None (written "n/a")."""
    return None if value is None else float(value)
