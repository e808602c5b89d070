"""Segmentation data checks and list preparation for PaddleSeg training.

Before the first step every list line must name an existing image and label map and
every label value must be a class id or the ignore index; otherwise training stops with
the offending files listed. ``defect_free`` keeps all, none or a fraction of the images
whose label map is all background (PaddleX's "add defect-free images" option).
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional, Sequence, Tuple, Union

import numpy as np

from ...errors import InspectorError
from ...groundtruth.segmentation import load_seg_list, read_label_map
from ...groundtruth.types import path_key
from .common import TrainingDataError

DefectFree = Union[bool, float, str, None]


def _fail(where: Path, problems: Sequence[str]) -> TrainingDataError:
    shown = "\n  ".join(problems[:10])
    more = f"\n  ... and {len(problems) - 10} more" if len(problems) > 10 else ""
    return TrainingDataError(f"{where}: {len(problems)} problem(s); fix them before training:"
                             f"\n  {shown}{more}")


def check_seg_list(
    list_file: Path, root: Path, num_classes: int, ignore_index: int = 255,
    class_names: Optional[Sequence[str]] = None,
) -> List[Tuple[Path, Path, bool]]:
    """``(image, label, has_defect)`` per line; raises TrainingDataError on any bad line."""
    if not list_file.is_file():
        raise TrainingDataError(f"list file {list_file} not found")
    names = class_names or [str(i) for i in range(num_classes)]
    try:
        gt = load_seg_list(list_file, names, root=root)
    except InspectorError as e:
        raise TrainingDataError(f"{list_file}: {e}") from None
    problems = [p.message for p in gt.problems]
    rows: List[Tuple[Path, Path, bool]] = []
    for image in gt.images:
        entry = gt.entries.get(path_key(image))
        label = Path(entry.source()) if entry is not None and entry.source() else None
        if label is None:
            problems.append(f"{image.name}: no label map")
            continue
        try:
            lab = read_label_map(label)
        except InspectorError as e:
            problems.append(f"{label.name}: {e}")
            continue
        values = np.unique(lab)
        bad = [int(v) for v in values if v >= num_classes and v != ignore_index]
        if bad:
            problems.append(f"{label.name}: label values {bad} outside 0..{num_classes - 1}"
                            f" (ignore {ignore_index})")
            continue
        rows.append((image, label, bool(np.any((values > 0) & (values != ignore_index)))))
    if problems:
        raise _fail(list_file, problems)
    if not rows:
        raise TrainingDataError(f"{list_file} lists no images")
    return rows


def select_defect_free(
    rows: List[Tuple[Path, Path, bool]], defect_free: DefectFree, seed: int = 0
) -> List[Tuple[Path, Path, bool]]:
    """Keep every defective image and all / none / a fraction of the defect-free ones."""
    if defect_free in (None, True, "all", 1, 1.0):
        return list(rows)
    frac = 0.0 if defect_free in (False, "none") else float(defect_free)
    if not 0.0 <= frac <= 1.0:
        raise TrainingDataError(f"defect_free must be all, none or a fraction in 0..1, not {defect_free}")
    clean = [r for r in rows if not r[2]]
    keep = set(np.random.default_rng(seed).permutation(len(clean))[: int(round(frac * len(clean)))])
    kept_clean = {id(clean[i]) for i in keep}
    return [r for r in rows if r[2] or id(r) in kept_clean]


def write_list(rows: Sequence[Tuple[Path, Path, bool]], path: Path) -> Path:
    """A PaddleSeg list with absolute paths (no spaces allowed by PaddleSeg's reader)."""
    lines = []
    for image, label, _ in rows:
        if " " in str(image) or " " in str(label):
            raise TrainingDataError(f"PaddleSeg lists cannot hold paths with spaces: {image}")
        lines.append(f"{image} {label}\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(lines), encoding="utf-8")
    return path
