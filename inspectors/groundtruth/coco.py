"""COCO "instances" JSON ground truth, read the way ``ppdet.data.source.coco``
(PaddleDetection 2.6) reads it.

* class ids: position of the category in the file's ``categories`` list
  (``pycocotools.COCO.getCatIds()`` order, which ppdet enumerates; usually sorted
  by id, but ppdet does not sort it, so neither is it sorted here);
* images in ascending image-id order; images without annotations are clean;
* bbox ``[x, y, w, h]`` becomes ``[x, y, x + w, y + h]`` rounded to 3 decimals;
  annotations with ``ignore`` set, no bbox, an all-zero bbox, ``area <= 0`` or an
  empty box are dropped (reported);
* ``iscrowd`` boxes are kept and flagged in ``GroundTruthSet.difficult``, as
  COCOeval treats crowd regions as "ignore";
* a box reaching outside the image is reported and clipped to it (ppdet keeps it).
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import numpy as np

from ..errors import GroundTruthError, ImageReadError
from ..imageio import image_size
from ..results import DetectionResult
from .lists import is_file, list_path, read_text
from .types import GroundTruthProblem, GroundTruthSet, PathLike, path_key


def read_coco_json(path: PathLike) -> dict:
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as e:
        raise GroundTruthError(f"cannot parse JSON {path}: {e}") from None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("images"), list)
        or not isinstance(data.get("categories"), list)
    ):
        raise GroundTruthError(
            f"{path} is not a COCO instances file (needs 'images' and 'categories' lists)"
        )
    if not isinstance(data.get("annotations") or [], list):
        raise GroundTruthError(f"{path}: 'annotations' is not a list")
    return data


def _is_id(value) -> bool:
    """COCO ids are numbers (some tools write strings); a list or object is not an id."""
    return isinstance(value, (int, float, str))


def _id_order(value) -> tuple:
    """Sort key for image ids that puts numbers before strings instead of failing."""
    return (isinstance(value, str), value)


def find_image_root(json_path: Path, file_names: List[str]) -> Path:
    """The folder the ``file_name`` entries are relative to: the one, among the usual
    places, where most of the first images exist."""
    folder = json_path.parent
    stem = json_path.stem
    subdirs = ("", "images", "JPEGImages", "image", "imgs", stem, stem.replace("instances_", ""))
    candidates = []
    for base in (folder, folder.parent):
        for sub in subdirs:
            path = base / sub if sub else base
            if path.is_dir() and path not in candidates:
                candidates.append(path)
    sample = file_names[:20]
    best, hits = folder, -1
    for candidate in candidates:
        n = sum(is_file(list_path(candidate, name)) for name in sample)
        if n > hits:
            best, hits = candidate, n
    return best


def _category_map(data: dict, where: str) -> Tuple[Dict[int, int], Tuple[str, ...]]:
    cat_ids: List[int] = []
    names: List[str] = []
    for cat in data["categories"]:
        if not isinstance(cat, dict) or not _is_id(cat.get("id")):
            raise GroundTruthError(f"{where}: a category has no id (a number or string)")
        cat_ids.append(cat["id"])
        names.append(str(cat.get("name", cat["id"])))
    if len(set(cat_ids)) != len(cat_ids):
        raise GroundTruthError(f"{where}: category ids are repeated")
    if not cat_ids:
        raise GroundTruthError(f"{where}: no categories")
    return {c: i for i, c in enumerate(cat_ids)}, tuple(names)


def _boxes(
    anns: list, catid2clsid: Dict[int, int], size: Tuple[int, int], report
) -> Tuple[list, list, list]:
    h, w = size
    boxes, classes, crowd = [], [], []
    for ann in anns:
        ann_id = ann.get("id", "?")
        if ann.get("ignore", False) or "bbox" not in ann:
            continue
        bbox = ann["bbox"]
        try:
            if not isinstance(bbox, (list, tuple)):
                raise TypeError
            x, y, bw, bh = (float(v) for v in bbox)
        except (TypeError, ValueError):
            report(f"annotation {ann_id}: bbox {bbox!r} is not [x, y, w, h]; skipped")
            continue
        if not any((x, y, bw, bh)):
            continue  # ppdet skips all-zero boxes silently
        if not _is_id(ann.get("category_id")) or ann["category_id"] not in catid2clsid:
            report(
                f"annotation {ann_id}: category id {ann.get('category_id')!r} is not in categories; skipped"
            )
            continue
        try:
            area = float(ann.get("area", bw * bh))
        except (TypeError, ValueError):
            report(f"annotation {ann_id}: area {ann.get('area')!r} is not a number; skipped")
            continue
        if not (area > 0 and bw > 1e-5 and bh > 1e-5):
            report(f"annotation {ann_id}: empty box (w={bw:g}, h={bh:g}, area={area:g}); skipped")
            continue
        x1, y1, x2, y2 = (round(v, 3) for v in (x, y, x + bw, y + bh))
        if x1 < 0 or y1 < 0 or x2 > w or y2 > h:
            report(
                f"annotation {ann_id}: box ({x1:g}, {y1:g}, {x2:g}, {y2:g}) reaches outside the {w}x{h} image; clipped"
            )
            x1, y1, x2, y2 = max(x1, 0.0), max(y1, 0.0), min(x2, float(w)), min(y2, float(h))
            if x2 <= x1 or y2 <= y1:
                continue
        boxes.append((x1, y1, x2, y2))
        classes.append(catid2clsid[ann["category_id"]])
        crowd.append(bool(ann.get("iscrowd", 0)))
    return boxes, classes, crowd


def load_coco(json_path: PathLike, image_root: Optional[PathLike] = None) -> GroundTruthSet:
    """COCO instances ground truth; ``file_name`` is relative to ``image_root``
    (found next to the json when not given). Missing images are reported and skipped."""
    json_path = Path(json_path).absolute()
    where = os.fspath(json_path)
    data = read_coco_json(json_path)
    catid2clsid, names = _category_map(data, where)
    images_meta = [
        im
        for im in data["images"]
        if isinstance(im, dict) and _is_id(im.get("id")) and isinstance(im.get("file_name"), str)
    ]
    if len(images_meta) != len(data["images"]):
        raise GroundTruthError(f"{where}: an image entry has no id or file_name")
    images_meta.sort(key=lambda im: _id_order(im["id"]))
    root = (
        Path(image_root).absolute()
        if image_root is not None
        else find_image_root(json_path, [im["file_name"] for im in images_meta])
    )
    by_image = defaultdict(list)
    image_ids = {im["id"] for im in images_meta}
    problems: List[GroundTruthProblem] = []
    for ann in data.get("annotations") or []:
        if not isinstance(ann, dict) or not _is_id(ann.get("image_id")) or ann["image_id"] not in image_ids:
            ann_id = ann.get("id", "?") if isinstance(ann, dict) else "?"
            problems.append(
                GroundTruthProblem(
                    where, f"annotation {ann_id}: no image with its image_id; skipped"
                )
            )
            continue
        by_image[ann["image_id"]].append(ann)
    images: List[Path] = []
    entries: Dict[str, DetectionResult] = {}
    difficult: Dict[str, np.ndarray] = {}
    for im in images_meta:
        image = list_path(root, im["file_name"])
        if not is_file(image):
            problems.append(
                GroundTruthProblem(where, f"image {im['file_name']} not found in {root}; skipped")
            )
            continue
        label = f"{where} ({im['file_name']})"

        def report(message: str, label: str = label) -> None:
            problems.append(GroundTruthProblem(label, message))

        try:
            size = (int(im["height"]), int(im["width"]))
            if min(size) <= 0:
                raise ValueError
        except (KeyError, TypeError, ValueError, OverflowError):
            try:
                size = image_size(image)
            except ImageReadError as e:
                report(f"no valid width/height and the image cannot be read ({e}); skipped")
                continue
            report("no valid width/height; the image's own size is used")
        boxes, classes, crowd = _boxes(by_image.get(im["id"], []), catid2clsid, size, report)
        n = len(boxes)
        key = path_key(image)
        if key in entries:
            report("image listed twice; later entry skipped")
            continue
        entries[key] = DetectionResult(
            np.array(boxes, np.float32).reshape(n, 4),
            np.ones(n, np.float32),
            np.array(classes, np.int32),
            names,
            size,
        )
        if any(crowd):
            difficult[key] = np.array(crowd, bool)
        images.append(image)
    if not images:
        raise GroundTruthError(
            f"none of the images in {json_path.name} was found (looked in {root})"
        )
    return GroundTruthSet(
        "detection", names, images, problems, dict(entries), difficult, json_path, "coco-json"
    )
