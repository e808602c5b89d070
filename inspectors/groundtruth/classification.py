"""Image-level class ground truth: PaddleClas list files ("path label_id" per line,
paths relative to the dataset root) and class-per-subfolder trees."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from ..errors import GroundTruthError
from ..imageio import list_images
from ..results import ClassificationResult
from .lists import (
    find_label_file,
    is_file,
    list_lines,
    list_path,
    parse_class_id,
    read_label_names,
    require_file,
)
from .types import GroundTruthProblem, GroundTruthSet, PathLike, path_key


def _one_hots(names: Tuple[str, ...]) -> List[ClassificationResult]:
    """One shared immutable result per class: 100,000 images cost 100,000 pointers."""
    return [ClassificationResult.one_hot(i, names) for i in range(len(names))]


def load_cls_list(
    list_file: PathLike,
    class_names: Optional[Sequence[str]] = None,
    root: Optional[PathLike] = None,
) -> GroundTruthSet:
    """A PaddleClas list. The label is the last field, so image paths may contain
    spaces. Class names come from ``class_names``, else labels.txt / label_list.txt
    in the root ("name" or "id name" per line), else are the ids themselves."""
    list_file = Path(list_file).absolute()
    require_file(list_file)
    base = Path(root).absolute() if root is not None else list_file.parent
    where = os.fspath(list_file)
    problems: List[GroundTruthProblem] = []
    rows: List[Tuple[Path, int]] = []
    seen = set()
    for number, line in list_lines(list_file):
        parts = line.rsplit(None, 1)
        class_id = parse_class_id(parts[1]) if len(parts) == 2 else None
        if class_id is None:
            problems.append(
                GroundTruthProblem(
                    where, f"line {number}: expected 'image class_id', got {line[:200]!r}"
                )
            )
            continue
        image = list_path(base, parts[0])
        if not is_file(image):
            problems.append(GroundTruthProblem(where, f"line {number}: image {parts[0]} not found"))
            continue
        if path_key(image) in seen:
            problems.append(
                GroundTruthProblem(where, f"line {number}: image {parts[0]} listed twice")
            )
            continue
        seen.add(path_key(image))
        rows.append((image, class_id))
    if class_names:
        names = tuple(class_names)
    else:
        label_file = find_label_file(base)
        if label_file is not None:
            names = read_label_names(label_file)
        else:
            names = tuple(str(i) for i in range(max((c for _, c in rows), default=-1) + 1))
    if not names:
        raise GroundTruthError(f"no usable lines in {list_file}")
    results = _one_hots(names)
    images: List[Path] = []
    entries: Dict[str, ClassificationResult] = {}
    for image, class_id in rows:
        if not 0 <= class_id < len(names):
            problems.append(
                GroundTruthProblem(
                    where,
                    f"{image.name}: class id {class_id} is outside 0..{len(names) - 1}; skipped",
                )
            )
            continue
        images.append(image)
        entries[path_key(image)] = results[class_id]
    if not images:
        raise GroundTruthError(f"no usable lines in {list_file}")
    return GroundTruthSet(
        "classification", names, images, problems, dict(entries), {}, list_file, "paddleclas-list"
    )


def class_folders(folder: Path) -> List[str]:
    """Names of the non-hidden subfolders of ``folder`` that hold at least one image."""
    out = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return out
    for entry in entries:
        if entry.name.startswith(".") or not entry.is_dir():
            continue
        if _has_image(Path(entry.path)):
            out.append(entry.name)
    return out


def _has_image(folder: Path) -> bool:
    """An image in the folder or one level below (a bounded look, not a full walk)."""
    from ..imageio import is_image_file

    try:
        entries = list(os.scandir(folder))
    except OSError:
        return False
    if any(not e.name.startswith(".") and is_image_file(e.name) for e in entries):
        return True
    for e in entries:
        if e.name.startswith(".") or not e.is_dir():
            continue
        try:
            if any(
                not f.name.startswith(".") and is_image_file(f.name) for f in os.scandir(e.path)
            ):
                return True
        except OSError:
            continue
    return False


def load_cls_folders(
    folder: PathLike, class_names: Optional[Sequence[str]] = None
) -> GroundTruthSet:
    """A class-per-subfolder tree (``root/<class>/**/image``). Class order: the given
    names, else labels.txt in the root, else the folder names sorted as
    ``sorted()`` sorts them (the torchvision ImageFolder convention)."""
    root = Path(folder).absolute()
    found = class_folders(root)
    if class_names:
        names = tuple(class_names)
    else:
        label_file = find_label_file(root)
        names = read_label_names(label_file) if label_file is not None else tuple(found)
    if not names:
        raise GroundTruthError(f"{root} has no subfolders with images (one folder per class)")
    ids = {n: i for i, n in enumerate(names)}
    problems = [
        GroundTruthProblem(
            os.fspath(root / n), f"folder {n!r} is not in the class list; its images are skipped"
        )
        for n in found
        if n not in ids
    ]
    results = _one_hots(names)
    images: List[Path] = []
    entries: Dict[str, ClassificationResult] = {}
    for image in list_images(root):
        parts = image.relative_to(root).parts
        if len(parts) < 2 or parts[0] not in ids:
            continue
        images.append(image)
        entries[path_key(image)] = results[ids[parts[0]]]
    if not images:
        raise GroundTruthError(f"no images in the class folders of {root}")
    return GroundTruthSet(
        "classification", names, images, problems, dict(entries), {}, root, "class-folders"
    )
