"""How one result is laid out in a run row: its columns (score blobs, the defect table,
task extras) and, for segmentation, the mask PNG files beside the index. Encoding and
decoding live together so the two cannot drift apart."""

from __future__ import annotations

import hashlib
import json
import secrets
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np

from ..atomic import atomic_write_bytes
from ..results import (
    ClassificationResult,
    DetectionResult,
    Result,
    SegmentationResult,
    defect_class_scores,
)
from ..rules import defect_table, pack_table
from . import arrays
from .types import RunCorruptError


def encode(result: Result, rel: str, masks: Path, files: List[str]) -> Dict[str, Any]:
    """The row columns of ``result``; mask files are written atomically under new names in
    ``masks`` and appended to ``files`` (the caller drops them if the row is not written)."""
    h, w = result.image_size
    out: Dict[str, Any] = {"height": h, "width": w,
                           "class_scores": defect_class_scores(result).astype(np.float32).tobytes(),
                           "defects": pack_table(defect_table(result))}
    if isinstance(result, DetectionResult):
        table = np.concatenate([result.boxes, result.scores[:, None],
                                result.class_ids[:, None].astype(np.float32)], axis=1)
        out.update(result=np.ascontiguousarray(table, np.float32).tobytes(),
                   extra=json.dumps({"task": result.task}))
    elif isinstance(result, ClassificationResult):
        out.update(result=result.probabilities.astype(np.float32).tobytes(),
                   extra=json.dumps({"task": result.task, "clean_ids": list(result.clean_ids)}))
    elif isinstance(result, SegmentationResult):
        key = hashlib.sha1(rel.encode("utf-8", "surrogateescape")).hexdigest()[:16]
        stem = f"{key}-{secrets.token_hex(4)}"
        label = f"{stem}.label.png"
        atomic_write_bytes(masks / label, arrays.label_png(result.label_map))
        files.append(label)
        conf = None
        if result.confidence is not None:
            conf = f"{stem}.conf.png"
            atomic_write_bytes(masks / conf, arrays.confidence_png(result.confidence))
            files.append(conf)
        hist = arrays.class_histograms(result.label_map, result.confidence, len(result.class_names))
        out.update(label_file=label, conf_file=conf, histogram=arrays.pack_histograms(hist),
                   extra=json.dumps({"task": result.task, "background_id": result.background_id,
                                     "ignore_index": result.ignore_index,
                                     "dtype": str(result.label_map.dtype)}))
    else:
        raise TypeError(f"not a result: {type(result).__name__}")
    return out


def decode(extra: Mapping[str, Any], blob: Optional[bytes], size: Tuple[int, int], label: Optional[str],
           conf: Optional[str], names: Sequence[str], read_file: Callable[[str], bytes], where: str) -> Result:
    """The result a row holds (``read_file`` reads a mask file by name); RunCorruptError,
    naming ``where``, for a row that cannot be a result."""
    task = extra.get("task")
    h, w = size
    if task == "segmentation":
        if not label:
            raise RunCorruptError(f"{where} names no label map file")
        lm = arrays.decode_png(read_file(label), f"mask {label} of {where}")
        c = None
        if conf:
            c = arrays.dequantize(arrays.decode_png(read_file(conf), f"mask {conf} of {where}"))
        dtype = extra.get("dtype")
        if dtype and dtype != str(lm.dtype):
            lm = lm.astype(dtype)
        return SegmentationResult(lm, names, c, int(extra.get("background_id", 0)),
                                  int(extra.get("ignore_index", 255)))
    if task == "classification":
        return ClassificationResult(np.frombuffer(blob, np.float32).copy(), names, (h, w),
                                    tuple(extra.get("clean_ids", ())) if "clean_ids" in extra else None)
    if task == "detection":
        table = np.frombuffer(blob or b"", np.float32).reshape(-1, 6)
        return DetectionResult(table[:, :4].copy(), table[:, 4].copy(),
                               table[:, 5].astype(np.int32), names, (h, w))
    raise RunCorruptError(f"{where} has an unknown result kind {task!r}")
