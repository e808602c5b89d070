"""Severstal-style run-length ground truth (``train.csv``).

Each row gives one defect class of one image as "start length start length ...":
pixels are numbered from 1, top to bottom then left to right (column-major,
Fortran order). Images without a row, or with an empty EncodedPixels, are clean.
Two csv layouts exist: ``ImageId,ClassId,EncodedPixels`` (one row per defect
class present) and the older ``ImageId_ClassId,EncodedPixels`` (four rows per
image). The masks are decoded per image on demand.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import numpy as np

from ..errors import GroundTruthError, ImageReadError
from ..imageio import MAX_PIXELS, image_size, list_images
from ..results import SegmentationResult
from .lists import read_text
from .types import GroundTruthProblem, GroundTruthSet, LazyEntry, PathLike, path_key

#: Severstal steel images are 1600 wide and 256 high.
SEVERSTAL_SHAPE = (256, 1600)
SEVERSTAL_CLASS_NAMES = ("background", "1", "2", "3", "4")
#: Larger run-length values cannot be pixel numbers (and start + length would overflow).
_MAX_RLE_VALUE = 1 << 40


def parse_rle(rle: str) -> Tuple[np.ndarray, np.ndarray]:
    """(0-based starts, lengths) of a run-length string; GroundTruthError if malformed."""
    text = (rle or "").strip()
    if not text:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    try:
        values = np.array(text.split(), dtype=np.int64)
    except ValueError:
        raise GroundTruthError(f"run-length string holds a non-integer: {text[:40]!r}") from None
    except OverflowError:
        values = None
    if values is None or values.max() > _MAX_RLE_VALUE:
        raise GroundTruthError(f"run-length string holds a value too large: {text[:40]!r}")
    if values.size % 2:
        raise GroundTruthError(f"run-length string has an odd number of values ({values.size})")
    starts, lengths = values[0::2], values[1::2]
    if starts.min() < 1:
        raise GroundTruthError(f"run-length start {int(starts.min())} < 1 (starts are 1-based)")
    if lengths.min() < 1:
        raise GroundTruthError(f"run length {int(lengths.min())} < 1")
    return starts - 1, lengths


def rle_decode(rle: str, shape: Tuple[int, int]) -> np.ndarray:
    """Boolean (H, W) mask of a column-major, 1-based run-length string.
    Overlapping runs are merged; a run past the last pixel raises GroundTruthError."""
    h, w = (int(v) for v in shape)
    starts, lengths = parse_rle(rle)
    ends = starts + lengths
    if ends.size and ends.max() > h * w:
        raise GroundTruthError(
            f"run-length mask reaches pixel {int(ends.max())} but a {w}x{h} image has {h * w}"
        )
    edges = np.zeros(h * w + 1, np.int32)
    np.add.at(edges, starts, 1)
    np.add.at(edges, ends, -1)
    flat = np.cumsum(edges[:-1]) > 0
    return flat.reshape((h, w), order="F")


def rle_encode(mask: np.ndarray) -> str:
    """Column-major, 1-based run-length string of a 2-D mask ("" when empty)."""
    m = np.asarray(mask)
    if m.ndim != 2:
        raise ValueError(f"mask must be 2-D, got shape {m.shape}")
    flat = np.concatenate([[False], m.ravel(order="F").astype(bool), [False]])
    change = np.flatnonzero(flat[1:] != flat[:-1])
    starts, ends = change[0::2], change[1::2]
    return " ".join(f"{s + 1} {e - s}" for s, e in zip(starts.tolist(), ends.tolist()))


class RleEntry(LazyEntry):
    """The run-length rows of one image; the label map is built on demand."""

    __slots__ = ("image", "rows", "class_names", "shape", "csv_path")

    def __init__(
        self, image: Path, class_names: Tuple[str, ...], shape: Tuple[int, int], csv_path: str
    ) -> None:
        self.image = image
        self.rows: List[Tuple[int, str]] = []
        self.class_names = class_names
        self.shape = shape
        self.csv_path = csv_path

    def source(self) -> str:
        return f"{self.csv_path} ({self.image.name})"

    def load(self) -> SegmentationResult:
        shape = self.shape
        # the real size from the header (cheap); an unreadable image reports its own
        # error when it is inspected
        with contextlib.suppress(ImageReadError):
            shape = image_size(self.image)
        if shape[0] * shape[1] > MAX_PIXELS:  # a corrupt header; the mask would need gigabytes
            raise GroundTruthError(
                f"{self.source()}: the image is {shape[1]}x{shape[0]}, above the limit of "
                f"{MAX_PIXELS / 1e6:g} megapixels; no mask is decoded for it"
            )
        label = np.zeros(shape, np.uint8)
        for class_id, rle in sorted(self.rows):  # where classes overlap the higher id wins
            label[rle_decode(rle, shape)] = class_id
        return SegmentationResult(label, self.class_names)

    def defective(self) -> bool:
        return bool(self.rows)


def _default_image_dir(csv_path: Path) -> Path:
    stem = csv_path.stem.lower()
    folder = csv_path.parent
    candidates = [folder / f"{stem}_images", folder / "train_images", folder / "images", folder]
    if stem.startswith("train"):
        candidates.insert(0, folder / "train_images")
    for candidate in candidates:
        if candidate.is_dir() and candidate != folder:
            return candidate
    return folder


def _csv_rows(reader: csv.DictReader, csv_path: Path) -> Iterator[Dict[str, Any]]:
    """The rows, with a malformed one (a field over csv's size limit) as GroundTruthError."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            raise GroundTruthError(
                f"cannot parse csv {csv_path} (line {reader.line_num}): {e}"
            ) from None
        yield row


def is_severstal_csv(path: PathLike) -> bool:
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as f:
            header = f.readline()
    except OSError:
        return False
    return "EncodedPixels" in header and "ImageId" in header


def load_severstal(
    csv_path: PathLike,
    image_dir: Optional[PathLike] = None,
    class_names: Optional[Sequence[str]] = None,
    image_shape: Tuple[int, int] = SEVERSTAL_SHAPE,
) -> GroundTruthSet:
    """Severstal ``train.csv`` ground truth for every image in ``image_dir``
    (default: ``train_images`` next to the csv). ClassId k becomes class id k of
    ``class_names`` (default "background", "1".."4"). Rows are syntax-checked now;
    masks are decoded on ``get`` against the image's real size."""
    csv_path = Path(csv_path).absolute()
    names = tuple(class_names) if class_names else SEVERSTAL_CLASS_NAMES
    folder = Path(image_dir).absolute() if image_dir is not None else _default_image_dir(csv_path)
    if not folder.is_dir():
        raise GroundTruthError(f"image folder {folder} for {csv_path.name} not found")
    reader = csv.DictReader(io.StringIO(read_text(csv_path)))
    try:
        fields = set(reader.fieldnames or ())
    except csv.Error as e:
        raise GroundTruthError(f"cannot parse csv {csv_path} (line {reader.line_num}): {e}") from None
    if not (
        {"ImageId", "ClassId", "EncodedPixels"} <= fields
        or {"ImageId_ClassId", "EncodedPixels"} <= fields
    ):
        raise GroundTruthError(
            f"{csv_path} is not a Severstal csv: expected columns ImageId,ClassId,EncodedPixels "
            f"or ImageId_ClassId,EncodedPixels, found {', '.join(sorted(fields)) or 'none'}"
        )
    images = list_images(folder, recursive=False)
    if not images:
        raise GroundTruthError(f"no images in {folder}")
    where = os.fspath(csv_path)
    entries: Dict[str, RleEntry] = {}
    by_name: Dict[str, RleEntry] = {}
    for image in images:
        entry = RleEntry(image, names, tuple(image_shape), where)
        entries[path_key(image)] = entry
        by_name[image.name] = entry
    problems: List[GroundTruthProblem] = []
    missing = set()
    for number, row in enumerate(_csv_rows(reader, csv_path), 2):
        rle = (row.get("EncodedPixels") or "").strip()
        if "ImageId_ClassId" in row and row.get("ImageId_ClassId"):
            image_id, _, class_text = row["ImageId_ClassId"].rpartition("_")
        else:
            image_id, class_text = row.get("ImageId") or "", row.get("ClassId") or ""
        image_id = image_id.strip()
        try:
            class_id = int(class_text)
        except ValueError:
            problems.append(
                GroundTruthProblem(
                    where, f"row {number}: class id {class_text!r} is not an integer"
                )
            )
            continue
        if not 1 <= class_id < len(names):
            problems.append(
                GroundTruthProblem(
                    where, f"row {number}: class id {class_id} is outside 1..{len(names) - 1}"
                )
            )
            continue
        if not rle:
            continue
        try:
            parse_rle(rle)
        except GroundTruthError as e:
            problems.append(GroundTruthProblem(where, f"row {number} ({image_id}): {e}"))
            continue
        entry = by_name.get(image_id)
        if entry is None:
            if image_id not in missing:
                missing.add(image_id)
                problems.append(
                    GroundTruthProblem(
                        where, f"row {number}: image {image_id} not found in {folder}"
                    )
                )
            continue
        entry.rows.append((class_id, rle))
    return GroundTruthSet(
        "segmentation", names, images, problems, dict(entries), {}, csv_path, "severstal-csv"
    )
