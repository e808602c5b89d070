"""Raw network outputs -> result types, in original image coordinates."""

from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

import cv2
import numpy as np

from .preprocess import Meta
from .results import ClassificationResult, DetectionResult, SegmentationResult


def softmax(x: np.ndarray, axis: int) -> np.ndarray:
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _looks_like_probabilities(x: np.ndarray, axis: int) -> bool:
    if x.size == 0 or x.min() < -1e-4 or x.max() > 1 + 1e-4:
        return False
    return bool(np.allclose(x.sum(axis=axis), 1.0, atol=1e-3))


def split_seg_outputs(outputs: Sequence[np.ndarray]) -> Tuple[Optional[np.ndarray], Optional[np.ndarray]]:
    """Pick (labels [N,H,W] int, scores [N,C,H,W] float) from whatever a seg export gives.

    PaddleSeg: int32 [N,H,W] or float [N,C,H,W]; PaddleX 2.x: label_map int32
    [N,H,W] + score_map float [N,H,W,C] (channels last); PaddleX 1.x: pred int64
    [N,H,W,1] + logit float [N,C,H,W].
    """
    labels = scores = None
    for out in outputs:
        if np.issubdtype(out.dtype, np.integer) and labels is None:
            if out.ndim == 4:
                out = out[:, 0] if out.shape[1] == 1 else out[..., 0]
            labels = out
        elif out.ndim == 4 and scores is None and not np.issubdtype(out.dtype, np.integer):
            scores = out
    if scores is not None and labels is not None and scores.shape[1:3] == labels.shape[1:3] \
            and scores.shape[3] != labels.shape[2]:
        scores = scores.transpose(0, 3, 1, 2)  # channels last (PaddleX 2.x score_map)
    return labels, scores


def argmax_and_max(scores: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """``(scores.argmax(axis=0), scores.max(axis=0))`` for [C,H,W], the same values (first
    index on ties; NaN maps go the NumPy way), in one pass over the channels: NumPy's
    argmax over a leading axis copies the maps first (1.5x slower on FastSCNN's 6x256x256)."""
    if scores.ndim != 3 or scores.shape[0] < 2 or scores.dtype.kind != "f":
        return scores.argmax(axis=0), scores.max(axis=0)
    best = scores[0].copy()
    labels = np.zeros(best.shape, np.intp)
    for c in range(1, scores.shape[0]):
        np.copyto(labels, c, where=scores[c] > best)
        np.maximum(best, scores[c], out=best)
    if np.isnan(best).any():  # NaN wins NumPy's argmax at its first index; ">" never sees it
        return scores.argmax(axis=0), scores.max(axis=0)
    return labels, best


def _label_and_confidence(scores: np.ndarray, output_op: str) -> Tuple[np.ndarray, np.ndarray]:
    """scores [C,H,W] -> (argmax, probability of the argmax)."""
    if output_op == "softmax" or (output_op != "none" and _looks_like_probabilities(scores[:, :1, :64], 0)):
        labels, conf = argmax_and_max(scores)
    else:
        labels = scores.argmax(axis=0)  # logits: p(argmax) = 1 / sum(exp(l - max))
        conf = 1.0 / np.exp(scores - scores.max(axis=0, keepdims=True)).sum(axis=0)
    return labels, conf.astype(np.float32, copy=False)


def reverse_seg(labels: np.ndarray, conf: Optional[np.ndarray], meta: Meta):
    """Undo padding and resizing in reverse order, as PaddleSeg's reverse_transform does."""
    for kind, (h, w) in reversed(meta.trace):
        if kind == "padding":
            labels = labels[:h, :w]
            conf = None if conf is None else conf[:h, :w]
        elif kind == "resize" and labels.shape != (h, w):
            labels = cv2.resize(labels.astype(np.uint8 if labels.max() < 256 else np.uint16),
                                (w, h), interpolation=cv2.INTER_NEAREST)
            if conf is not None:
                conf = cv2.resize(conf, (w, h), interpolation=cv2.INTER_LINEAR)
    return labels, conf


def segmentation(outputs, metas: Sequence[Meta], class_names, output_op: str) -> List[SegmentationResult]:
    labels_all, scores_all = split_seg_outputs(outputs)
    results = []
    for i, meta in enumerate(metas):
        if scores_all is not None:
            labels, conf = _label_and_confidence(scores_all[i], output_op)
        elif labels_all is not None:
            labels, conf = labels_all[i], None
        else:
            raise ValueError("segmentation model gave neither a label map nor score maps")
        labels, conf = reverse_seg(labels.astype(np.int32), conf, meta)
        if labels.shape != meta.original_size:  # e.g. a fixed-size export: map straight back
            oh, ow = meta.original_size
            labels = cv2.resize(labels.astype(np.float32), (ow, oh),
                                interpolation=cv2.INTER_NEAREST).astype(np.int32)
            conf = None if conf is None else cv2.resize(conf, (ow, oh), interpolation=cv2.INTER_LINEAR)
        if conf is not None:
            np.clip(conf, 0.0, 1.0, out=conf)
        results.append(SegmentationResult(labels, class_names, conf))
    return results


def detection(outputs, metas: Sequence[Meta], class_names, counts: Optional[np.ndarray] = None,
              min_score: float = 1e-3) -> List[DetectionResult]:
    """outputs[0] is [M, 6] (class, score, x1, y1, x2, y2) already in original
    coordinates (the network divides by scale_factor); counts split M per image."""
    boxes = np.asarray(outputs[0], dtype=np.float32).reshape(-1, 6)
    if counts is None:
        counts = np.asarray(outputs[1]).reshape(-1) if len(outputs) > 1 else np.array([len(boxes)])
    results, start = [], 0
    for meta, n in zip(metas, counts):
        part = boxes[start : start + int(n)]
        start += int(n)
        keep = (part[:, 0] >= 0) & (part[:, 0] < len(class_names)) & (part[:, 1] >= min_score)
        part = part[keep]
        h, w = meta.original_size
        xyxy = part[:, 2:6].copy()
        xyxy[:, [0, 2]] = xyxy[:, [0, 2]].clip(0, w)
        xyxy[:, [1, 3]] = xyxy[:, [1, 3]].clip(0, h)
        xyxy[:, 2] = np.maximum(xyxy[:, 2], xyxy[:, 0])
        xyxy[:, 3] = np.maximum(xyxy[:, 3], xyxy[:, 1])
        order = np.argsort(-part[:, 1], kind="stable")
        results.append(DetectionResult(xyxy[order], part[order, 1], part[order, 0].astype(np.int32),
                                       class_names, (h, w)))
    return results


def classification(outputs, metas: Sequence[Meta], class_names) -> List[ClassificationResult]:
    logits = np.asarray(outputs[0], dtype=np.float32).reshape(len(metas), -1)
    probs = logits if _looks_like_probabilities(logits, 1) else softmax(logits, 1)
    return [ClassificationResult(p, class_names, meta.original_size) for p, meta in zip(probs, metas)]
