"""Finding a dataset's ground truth from its folder, and loading a named file.

Layouts are tried in this order: Paddle list files (PaddleSeg, PaddleDetection /
PaddleX VOC, PaddleClas), COCO json, Severstal csv, VOC Annotations/ folder,
images/ + labels/ folders, class-per-subfolder trees. When a dataset has a
validation list, that list is the set; otherwise all of it is.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

from ..errors import GroundTruthError
from ..imageio import list_images
from .classification import class_folders, load_cls_folders, load_cls_list
from .coco import load_coco
from .lists import LABEL_FILES, classify_list, is_val_name, list_lines, split_lists
from .segmentation import load_seg_folders, load_seg_list
from .severstal import is_severstal_csv, load_severstal
from .types import GroundTruthSet, PathLike, merge_sets, path_key
from .voc import load_voc_folder, load_voc_list

KINDS = (
    "seg_list",
    "voc_list",
    "cls_list",
    "severstal",
    "coco",
    "voc_folder",
    "seg_folders",
    "cls_folders",
)

_LIST_LOADERS: Dict[str, Callable[..., GroundTruthSet]] = {
    "seg": load_seg_list,
    "images": load_seg_list,
    "voc": load_voc_list,
    "cls": load_cls_list,
}
_IMAGE_DIRS = ("images", "JPEGImages", "imgs", "img", "Images")
_LABEL_DIRS = ("labels", "annotations", "masks", "Annotations", "SegmentationClass", "gt")
_SPLIT_DIRS = ("train", "val", "valid", "validation", "test")


def _empty_val_lists(folder: Path) -> List[Path]:
    """Validation lists (``val_list.txt``, ``val.txt``...) that name no image."""
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    found = []
    for name in names:
        path = folder / name
        if name.lower().endswith(".txt") and is_val_name(name[:-4]) and name.lower() not in LABEL_FILES \
                and path.is_file() and next(list_lines(path), None) is None:
            found.append(path)
    return found


def _from_lists(folder: Path, subset: str) -> Optional[GroundTruthSet]:
    val, other = split_lists(folder, ("seg", "voc", "cls"))
    if subset == "val" and not val:
        empty = _empty_val_lists(folder)
        if empty:  # never fall back to the training list in silence: that measures nothing
            raise GroundTruthError(
                f"the validation list {empty[0]} is empty; fill it, or pass the list to use "
                "(e.g. --data train_list.txt) explicitly")
    chosen = val if (subset == "val" and val) else val + other
    if not chosen:
        return None
    kind = classify_list(chosen[0])
    same = [p for p in chosen if classify_list(p) == kind]
    return merge_sets([_LIST_LOADERS[kind](p) for p in same])  # type: ignore[index]


def _coco_candidates(folder: Path) -> List[Path]:
    found = []
    for base in (folder, folder / "annotations", folder / "Annotations"):
        if not base.is_dir():
            continue
        for path in sorted(base.glob("*.json")):
            try:
                with open(path, encoding="utf-8", errors="replace") as f:
                    head = f.read(1 << 20)
            except OSError:
                continue
            if '"images"' in head or '"categories"' in head:
                found.append(path)
    return found


def _from_coco(folder: Path, subset: str) -> Optional[GroundTruthSet]:
    jsons = _coco_candidates(folder)
    if not jsons:
        return None
    val = [p for p in jsons if is_val_name(p.stem)]
    chosen = val if (subset == "val" and val) else jsons
    return merge_sets([load_coco(p) for p in chosen])


def _from_severstal(folder: Path) -> Optional[GroundTruthSet]:
    csvs = sorted(folder.glob("*.csv"), key=lambda p: (p.name.lower() != "train.csv", p.name))
    for path in csvs:
        if is_severstal_csv(path):
            return load_severstal(path)
    return None


def _has_xml(folder: Path) -> bool:
    return folder.is_dir() and any(e.name.lower().endswith(".xml") for e in os.scandir(folder))


def _from_folders(folder: Path, subset: str, class_trees: bool = True) -> Optional[GroundTruthSet]:
    if _has_xml(folder / "Annotations"):
        return load_voc_folder(folder / "Annotations")
    image_dir = next((folder / d for d in _IMAGE_DIRS if (folder / d).is_dir()), None)
    label_dir = next((folder / d for d in _LABEL_DIRS if (folder / d).is_dir()), None)
    if image_dir is not None and label_dir is not None:
        if _has_xml(label_dir):
            return load_voc_folder(label_dir, image_dir)
        if list_images(label_dir, recursive=False):
            return load_seg_folders(image_dir, label_dir)
    if _has_xml(folder) and list_images(folder, recursive=False):
        return load_voc_folder(folder, folder)
    if not class_trees:
        return None
    classes = class_folders(folder)
    splits = [
        c for c in classes if c.lower() in _SPLIT_DIRS and len(class_folders(folder / c)) >= 2
    ]
    if splits:  # root/train/<class>/..., root/val/<class>/...
        val = [c for c in splits if is_val_name(c)]
        chosen = val if (subset == "val" and val) else splits
        return merge_sets([load_cls_folders(folder / c) for c in chosen])
    if len(classes) >= 2:
        return load_cls_folders(folder)
    return None


def _discover_root(folder: Path, subset: str, class_trees: bool = True) -> Optional[GroundTruthSet]:
    return (
        _from_lists(folder, subset)
        or _from_coco(folder, subset)
        or _from_severstal(folder)
        or _from_folders(folder, subset, class_trees)
    )


def discover(folder: PathLike) -> Optional[GroundTruthSet]:
    """Ground truth for a dataset root, or for an image folder inside a dataset
    (then the set is limited to the images under that folder). None when no
    layout is recognised; GroundTruthError when one is but cannot be loaded."""
    root = Path(folder).absolute()
    if not root.is_dir():
        raise GroundTruthError(f"folder not found: {folder}")
    found = _discover_root(root, "val")
    if found is not None:
        return found
    prefix = path_key(root) + os.sep
    for parent in (root.parent, root.parent.parent):
        if parent == root or not parent.is_dir():
            continue
        try:
            # not as a class tree: any folder holding image folders would look like one
            whole = _discover_root(parent, "all", class_trees=False)
        except GroundTruthError:
            continue
        if whole is None:
            continue
        inside = [p for p in whole.images if path_key(p).startswith(prefix)]
        if inside:
            return whole.subset(inside)
    return None


def load_ground_truth(
    path: PathLike,
    kind: Optional[str] = None,
    class_names: Optional[Sequence[str]] = None,
    image_dir: Optional[PathLike] = None,
) -> GroundTruthSet:
    """Load ground truth from a list / csv / json file or a dataset folder.

    ``kind`` is one of :data:`KINDS`; without it the format is recognised from the
    file's extension and content. ``image_dir`` is where images are for Severstal,
    COCO and VOC folders (found automatically otherwise).
    """
    p = Path(path)
    if not p.exists():
        raise GroundTruthError(f"ground-truth file not found: {path}")
    if kind is not None and kind not in KINDS:
        raise GroundTruthError(
            f"unknown ground-truth kind {kind!r}; expected one of {', '.join(KINDS)}"
        )
    if kind is None and p.is_dir():
        found = discover(p)
        if found is None:
            raise GroundTruthError(
                f"no ground truth recognised in {p} (lists, COCO json, VOC XML, csv, class folders)"
            )
        return found
    if kind is None:
        suffix = p.suffix.lower()
        if suffix == ".csv":
            kind = "severstal"
        elif suffix == ".json":
            kind = "coco"
        elif suffix == ".txt":
            if next(list_lines(p), None) is None:
                raise GroundTruthError(f"the list file {p} is empty")
            list_kind = classify_list(p)
            if list_kind is None:
                raise GroundTruthError(
                    f"{p} is not a list file ('image label', 'image annotation.xml' or 'image class_id' per line)"
                )
            kind = {"seg": "seg_list", "images": "seg_list", "voc": "voc_list", "cls": "cls_list"}[
                list_kind
            ]
        else:
            raise GroundTruthError(f"cannot tell the ground-truth format of {p.name}; pass kind")
    names = tuple(class_names) if class_names else None
    if kind == "seg_list":
        return load_seg_list(p, names)
    if kind == "voc_list":
        return load_voc_list(p, names)
    if kind == "cls_list":
        return load_cls_list(p, names)
    if kind == "severstal":
        return load_severstal(p, image_dir, names)
    if kind == "coco":
        return load_coco(p, image_dir)
    if kind == "voc_folder":
        ann = p / "Annotations" if (p / "Annotations").is_dir() else p
        return load_voc_folder(ann, image_dir, names)
    if kind == "cls_folders":
        return load_cls_folders(p, names)
    image_root = (
        Path(image_dir)
        if image_dir is not None
        else next((p / d for d in _IMAGE_DIRS if (p / d).is_dir()), p)
    )
    label_root = next((p / d for d in _LABEL_DIRS if (p / d).is_dir()), None)
    if label_root is None:
        raise GroundTruthError(f"no label folder ({', '.join(_LABEL_DIRS)}) in {p}")
    return load_seg_folders(image_root, label_root, names)
