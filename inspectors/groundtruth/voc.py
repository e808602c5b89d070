"""Pascal VOC XML ground truth, as PaddleDetection / PaddleX keep it.

Boxes follow ``ppdet.data.source.voc.VOCDataSet`` (PaddleDetection 2.6): the
coordinates are kept as written (VOC's 1-based pixel numbers are not shifted),
then clipped to ``[0, width-1] x [0, height-1]`` of the XML's <size>, and boxes
with ``x2 <= x1`` or ``y2 <= y1`` are dropped. Unlike ppdet, which stops on an
unknown class name or unparsable file, such files are reported and skipped. A
box reaching past the image (beyond ``width``/``height``, or below 0) is
reported as well as clipped; ``xmax == width`` is VOC's last pixel and is not.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from ..errors import GroundTruthError, ImageReadError
from ..imageio import IMAGE_EXTENSIONS, image_size, list_images, natural_key
from ..results import DetectionResult
from .lists import (
    find_label_file,
    is_file,
    list_lines,
    read_label_names,
    require_file,
    split_pair,
)
from .types import GroundTruthProblem, GroundTruthSet, PathLike, path_key


@dataclass
class VocObject:
    name: str
    box: Tuple[float, float, float, float]  # xmin, ymin, xmax, ymax as written
    difficult: bool


@dataclass
class VocRecord:
    filename: str
    width: int
    height: int
    objects: List[VocObject] = field(default_factory=list)
    bad_objects: List[str] = field(default_factory=list)  # why an <object> was unreadable


def _text(node: Optional[ET.Element], tag: str) -> Optional[str]:
    child = node.find(tag) if node is not None else None
    return child.text.strip() if child is not None and child.text else None


def parse_voc_xml(path: PathLike) -> VocRecord:
    """Read one annotation file; GroundTruthError when it is not VOC XML."""
    try:
        root = ET.parse(path).getroot()
    except FileNotFoundError:
        raise GroundTruthError(f"annotation file not found: {path}") from None
    except (ET.ParseError, OSError) as e:
        raise GroundTruthError(f"cannot parse XML {path}: {e}") from None
    if root.tag != "annotation":
        raise GroundTruthError(f"{path} is not a VOC annotation (root <{root.tag}>)")
    size = root.find("size")
    try:
        width, height = (
            int(float(_text(size, "width") or 0)),
            int(float(_text(size, "height") or 0)),
        )
    except (ValueError, OverflowError):  # "abc", "nan"; "inf", "1e400"
        width = height = 0
    record = VocRecord(_text(root, "filename") or "", width, height)
    for k, obj in enumerate(root.findall("object"), 1):
        name = _text(obj, "name")
        bnd = obj.find("bndbox")
        try:
            box = tuple(float(_text(bnd, t) or "nan") for t in ("xmin", "ymin", "xmax", "ymax"))
            difficult = int(float(_text(obj, "difficult") or 0)) != 0
        except (ValueError, OverflowError):
            box, difficult = (float("nan"),) * 4, False
        if not name or not all(np.isfinite(box)):
            record.bad_objects.append(
                f"object {k} ({name or 'no name'}) has no valid <name>/<bndbox>"
            )
            continue
        record.objects.append(VocObject(name, box, difficult))  # type: ignore[arg-type]
    return record


def to_detection(
    record: VocRecord, class_names: Tuple[str, ...], size: Tuple[int, int], report
) -> Tuple[DetectionResult, np.ndarray]:
    """Boxes clipped as ppdet clips them; ``report(message)`` for each dropped or
    clipped box. Returns the result and the per-box difficult flags."""
    h, w = size
    ids = {n: i for i, n in enumerate(class_names)}
    boxes, classes, difficult = [], [], []
    for message in record.bad_objects:
        report(message)
    for k, obj in enumerate(record.objects, 1):
        x1, y1, x2, y2 = obj.box
        if obj.name not in ids:
            report(f"object {k}: class {obj.name!r} is not in the class list; skipped")
            continue
        if x2 <= x1 or y2 <= y1:
            report(
                f"object {k}: box ({x1:g}, {y1:g}, {x2:g}, {y2:g}) has xmax <= xmin or ymax <= ymin; skipped"
            )
            continue
        outside = x1 < 0 or y1 < 0 or x2 > w or y2 > h
        cx1, cy1, cx2, cy2 = max(0.0, x1), max(0.0, y1), min(w - 1.0, x2), min(h - 1.0, y2)
        if not (cx2 > cx1 and cy2 > cy1):
            report(
                f"object {k}: box ({x1:g}, {y1:g}, {x2:g}, {y2:g}) lies outside the {w}x{h} image; skipped"
            )
            continue
        if outside:
            report(
                f"object {k}: box ({x1:g}, {y1:g}, {x2:g}, {y2:g}) reaches outside the {w}x{h} image; clipped"
            )
        boxes.append((cx1, cy1, cx2, cy2))
        classes.append(ids[obj.name])
        difficult.append(obj.difficult)
    n = len(boxes)
    result = DetectionResult(
        np.array(boxes, np.float32).reshape(n, 4),
        np.ones(n, np.float32),
        np.array(classes, np.int32),
        class_names,
        (h, w),
    )
    return result, np.array(difficult, bool)


def _image_size(record: VocRecord, image: Path, report) -> Optional[Tuple[int, int]]:
    if record.width > 0 and record.height > 0:
        return record.height, record.width
    try:
        size = image_size(image)
    except ImageReadError as e:
        report(f"no valid <size> and the image cannot be read ({e}); skipped")
        return None
    report("no valid <size>; the image's own size is used")
    return size


def _build(
    pairs: List[Tuple[Path, Path, VocRecord]],
    class_names: Optional[Sequence[str]],
    label_root: Path,
    problems: List[GroundTruthProblem],
    source: Path,
    layout: str,
) -> GroundTruthSet:
    if class_names:
        names = tuple(class_names)
    else:
        label_file = find_label_file(label_root)
        if label_file is not None:
            names = read_label_names(label_file)
        else:  # PaddleX needs labels.txt; without one take the names found, sorted
            names = tuple(sorted({o.name for _, _, r in pairs for o in r.objects}, key=natural_key))
    if not names:
        raise GroundTruthError(
            f"no class names: no labels.txt in {label_root} and no objects in the XML files"
        )
    images: List[Path] = []
    entries: Dict[str, DetectionResult] = {}
    difficult: Dict[str, np.ndarray] = {}
    for image, xml, record in pairs:
        where = os.fspath(xml)

        def report(message: str, where: str = where) -> None:
            problems.append(GroundTruthProblem(where, message))

        size = _image_size(record, image, report)
        if size is None:
            continue
        result, flags = to_detection(record, names, size, report)
        key = path_key(image)
        images.append(image)
        entries[key] = result
        if flags.any():
            difficult[key] = flags
    if not images:
        raise GroundTruthError(f"no usable annotations in {source}")
    return GroundTruthSet(
        "detection", names, images, problems, dict(entries), difficult, source, layout
    )


def load_voc_list(
    list_file: PathLike,
    class_names: Optional[Sequence[str]] = None,
    root: Optional[PathLike] = None,
) -> GroundTruthSet:
    """A PaddleDetection / PaddleX VOC list ("JPEGImages/x.jpg Annotations/x.xml");
    paths relative to ``root`` (default: the list's folder), class names from
    labels.txt there. The list line, not <filename>, ties an XML to its image."""
    list_file = Path(list_file).absolute()
    require_file(list_file)
    base = Path(root).absolute() if root is not None else list_file.parent
    problems: List[GroundTruthProblem] = []
    pairs: List[Tuple[Path, Path, VocRecord]] = []
    seen = set()
    where = os.fspath(list_file)
    for number, line in list_lines(list_file):
        pair = split_pair(line, base)
        if pair is None:
            problems.append(
                GroundTruthProblem(
                    where, f"line {number}: expected 'image annotation', got {line!r}"
                )
            )
            continue
        image, xml = pair
        missing = [p for p in pair if not is_file(p)]
        if missing:
            problems.append(GroundTruthProblem(where, f"line {number}: {missing[0]} not found"))
            continue
        if path_key(image) in seen:
            problems.append(
                GroundTruthProblem(where, f"line {number}: image {image.name} listed twice")
            )
            continue
        try:
            record = parse_voc_xml(xml)
        except GroundTruthError as e:
            problems.append(GroundTruthProblem(os.fspath(xml), str(e)))
            continue
        seen.add(path_key(image))
        pairs.append((image, xml, record))
    return _build(pairs, class_names, base, problems, list_file, "voc-list")


def _resolve(
    filename: str, xml: Path, by_name: Dict[str, Path], by_stem: Dict[str, Path]
) -> Optional[Path]:
    name = re.split(r"[\\/]", filename)[-1].strip().casefold()
    if name in by_name:
        return by_name[name]
    stem = name if os.path.splitext(name)[1] not in IMAGE_EXTENSIONS else os.path.splitext(name)[0]
    found = by_stem.get(stem) if stem else None
    return found or by_stem.get(xml.stem.casefold())


def load_voc_folder(
    annotation_dir: PathLike,
    image_dir: Optional[PathLike] = None,
    class_names: Optional[Sequence[str]] = None,
) -> GroundTruthSet:
    """All XML files in ``annotation_dir`` matched to images in ``image_dir``
    (default: JPEGImages beside it) by their own <filename>; a name written
    without extension (NEU ``patches_*.xml``) is matched by stem, and failing
    that the XML's own stem is tried."""
    ann = Path(annotation_dir).absolute()
    if image_dir is None:
        image_dir = next(
            (
                ann.parent / d
                for d in ("JPEGImages", "images", "Images")
                if (ann.parent / d).is_dir()
            ),
            ann,
        )
    img_dir = Path(image_dir).absolute()
    by_name: Dict[str, Path] = {}
    by_stem: Dict[str, Path] = {}
    for image in list_images(img_dir):
        by_name.setdefault(image.name.casefold(), image)
        by_stem.setdefault(image.stem.casefold(), image)
    xmls = sorted(
        (p for p in ann.rglob("*") if p.suffix.lower() == ".xml" and not p.name.startswith(".")),
        key=lambda p: [natural_key(part) for part in p.relative_to(ann).parts],
    )
    if not xmls:
        raise GroundTruthError(f"no .xml annotation files in {ann}")
    problems: List[GroundTruthProblem] = []
    pairs: List[Tuple[Path, Path, VocRecord]] = []
    seen: Dict[str, Path] = {}
    for xml in xmls:
        try:
            record = parse_voc_xml(xml)
        except GroundTruthError as e:
            problems.append(GroundTruthProblem(os.fspath(xml), str(e)))
            continue
        image = _resolve(record.filename, xml, by_name, by_stem)
        if image is None:
            problems.append(
                GroundTruthProblem(
                    os.fspath(xml), f"image {record.filename or xml.stem!r} not found in {img_dir}"
                )
            )
            continue
        key = path_key(image)
        if key in seen:
            problems.append(
                GroundTruthProblem(
                    os.fspath(xml), f"image {image.name} is already annotated by {seen[key].name}"
                )
            )
            continue
        seen[key] = xml
        pairs.append((image, xml, record))
    return _build(pairs, class_names, ann.parent, problems, ann, "voc-folder")
