"""PaddleSeg ground truth: single-channel label maps (pixel value = class id,
255 = ignore) listed as "images/x.jpg labels/x.png" per line.

Label maps are read with PIL exactly as PaddleSeg does
(``np.asarray(Image.open(path))``), so a palette PNG gives its palette indices,
not colours. They are decoded only when asked for: a dataset like Severstal
would need gigabytes if every map were held in memory.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from PIL import Image

from ..errors import GroundTruthError, ImageReadError
from ..imageio import image_size, list_images
from ..results import SegmentationResult
from .lists import (
    find_label_file,
    is_file,
    list_lines,
    list_path,
    read_label_names,
    require_file,
    split_pair,
)
from .types import GroundTruthProblem, GroundTruthSet, LazyEntry, PathLike, path_key

IGNORE_INDEX = 255


def read_label_map(path: PathLike) -> np.ndarray:
    """A label map as a 2-D integer array, as PaddleSeg's transforms load it.

    A PNG must end with its IEND chunk: PIL refuses truncated files only while
    ``ImageFile.LOAD_TRUNCATED_IMAGES`` is False, and importing ppdet's trainer
    sets it True for the whole process.
    """
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise GroundTruthError(f"label file not found: {path}") from None
    except OSError as e:
        raise GroundTruthError(f"cannot read label map {path}: {e.strerror or e}") from None
    if data[:8] == b"\x89PNG\r\n\x1a\n" and b"IEND" not in data[-64:]:
        raise GroundTruthError(f"cannot decode label map {path}: the PNG file is truncated")
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.mode == "1":
                img = img.convert("L")
            arr = np.asarray(img)
    except (OSError, ValueError, Image.DecompressionBombError) as e:
        raise GroundTruthError(f"cannot decode label map {path}: {e}") from None
    if arr.ndim == 3:
        # gray saved as RGB(A) is common; colour-coded masks are not class ids
        colour = arr[..., :3]
        if not (
            np.array_equal(colour[..., 0], colour[..., 1])
            and np.array_equal(colour[..., 0], colour[..., 2])
        ):
            raise GroundTruthError(
                f"label map {path} is a colour image ({arr.shape[2]} channels); PaddleSeg "
                "needs single-channel maps whose pixel values are class ids"
            )
        arr = colour[..., 0]
    if arr.ndim != 2 or not np.issubdtype(arr.dtype, np.integer):
        raise GroundTruthError(
            f"label map {path} is not a single-channel integer image ({arr.dtype})"
        )
    return arr


def check_label_values(label: np.ndarray, num_classes: int, path: PathLike) -> None:
    values = np.unique(label)
    bad = values[((values < 0) | (values >= num_classes)) & (values != IGNORE_INDEX)]
    if bad.size:
        raise GroundTruthError(
            f"label map {path} holds value(s) {', '.join(str(int(v)) for v in bad[:5])} "
            f"outside the class ids 0..{num_classes - 1} (255 = ignore)"
        )


class LabelMapEntry(LazyEntry):
    """A label-map file checked against the class list and its image's size."""

    __slots__ = ("image", "label", "class_names")

    def __init__(self, image: Path, label: Path, class_names: Tuple[str, ...]) -> None:
        self.image = image
        self.label = label
        self.class_names = class_names

    def source(self) -> str:
        return os.fspath(self.label)

    def _read(self) -> np.ndarray:
        label = read_label_map(self.label)
        check_label_values(label, len(self.class_names), self.label)
        try:
            size = image_size(self.image)
        except ImageReadError:
            size = label.shape  # the image's own error is reported when it is inspected
        if tuple(size) != label.shape:
            raise GroundTruthError(
                f"label map {self.label} is {label.shape[1]}x{label.shape[0]} but its image "
                f"{self.image.name} is {size[1]}x{size[0]} (width x height)"
            )
        return label

    def load(self) -> SegmentationResult:
        return SegmentationResult(self._read(), self.class_names, ignore_index=IGNORE_INDEX)

    def defective(self) -> bool:
        label = self._read()
        return bool(np.any((label != 0) & (label != IGNORE_INDEX)))


def _class_names(
    root: Path, class_names: Optional[Sequence[str]], what: PathLike
) -> Tuple[str, ...]:
    if class_names:
        return tuple(class_names)
    label_file = find_label_file(root)
    if label_file is None:
        raise GroundTruthError(
            f"no labels.txt next to {what}: write one (one class name per line, "
            "background first) or pass the class names"
        )
    return read_label_names(label_file)


def load_seg_list(
    list_file: PathLike,
    class_names: Optional[Sequence[str]] = None,
    root: Optional[PathLike] = None,
) -> GroundTruthSet:
    """A PaddleSeg list ("image label" per line; a line with only an image is an
    image without ground truth, as in test lists). Paths are relative to ``root``,
    by default the list's folder. Lines naming missing files are reported and skipped.
    """
    list_file = Path(list_file).absolute()
    require_file(list_file)
    base = Path(root).absolute() if root is not None else list_file.parent
    names = _class_names(base, class_names, list_file)
    images: List[Path] = []
    entries: Dict[str, LabelMapEntry] = {}
    problems: List[GroundTruthProblem] = []
    where = os.fspath(list_file)
    for number, line in list_lines(list_file):
        pair = split_pair(line, base) if len(line.split()) > 1 else None
        if pair is None and (len(line.split()) == 1 or is_file(list_path(base, line))):
            image = list_path(base, line)
            if not is_file(image):
                problems.append(GroundTruthProblem(where, f"line {number}: image {line} not found"))
                continue
            images.append(image)
            continue
        if pair is None:
            problems.append(
                GroundTruthProblem(
                    where, f"line {number}: cannot split {line!r} into image and label"
                )
            )
            continue
        image, label = pair
        missing = [p for p in pair if not is_file(p)]
        if missing:
            problems.append(GroundTruthProblem(where, f"line {number}: {missing[0]} not found"))
            continue
        key = path_key(image)
        if key in entries:
            problems.append(
                GroundTruthProblem(where, f"line {number}: image {image.name} listed twice")
            )
            continue
        images.append(image)
        entries[key] = LabelMapEntry(image, label, names)
    if not images:
        raise GroundTruthError(f"no usable images listed in {list_file}")
    return GroundTruthSet(
        "segmentation", names, images, problems, dict(entries), {}, list_file, "paddleseg-list"
    )


def load_seg_folders(
    image_dir: PathLike,
    label_dir: PathLike,
    class_names: Optional[Sequence[str]] = None,
) -> GroundTruthSet:
    """Images and label maps in two folders, paired by file stem (x.jpg <-> x.png).
    Images without a label map are reported and left out."""
    image_dir, label_dir = Path(image_dir).absolute(), Path(label_dir).absolute()
    names = _class_names(image_dir.parent, class_names, label_dir)
    labels: Dict[str, Path] = {}
    for label in list_images(label_dir):
        rel = label.relative_to(label_dir).with_suffix("")
        labels.setdefault(os.path.normcase(os.fspath(rel)), label)
    images: List[Path] = []
    entries: Dict[str, LabelMapEntry] = {}
    problems: List[GroundTruthProblem] = []
    for image in list_images(image_dir):
        rel = os.path.normcase(os.fspath(image.relative_to(image_dir).with_suffix("")))
        label = labels.get(rel)
        if label is None:
            problems.append(GroundTruthProblem(os.fspath(image), f"no label map in {label_dir}"))
            continue
        images.append(image)
        entries[path_key(image)] = LabelMapEntry(image, label, names)
    if not images:
        raise GroundTruthError(f"no image in {image_dir} has a label map in {label_dir}")
    return GroundTruthSet(
        "segmentation", names, images, problems, dict(entries), {}, label_dir, "label-folders"
    )
