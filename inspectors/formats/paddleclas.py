"""PaddleClas exports: inference.pdmodel + inference.pdiparams, preprocessing from
``inference.yml`` (newer exports) or a deploy config such as ``inference_cls.yaml``,
class names from the config's label list or a ``class_id_map_file``."""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from ..errors import ModelFormatError, PreprocessError
from ..preprocess import Op, Preprocessor
from ..preprocess import ops as P
from .spec import ModelSpec, read_label_file, read_yaml, require_file, section

#: ImageNet-style evaluation, used when a folder has no preprocessing config.
DEFAULT_OPS = [
    {"ResizeImage": {"resize_short": 256}},
    {"CropImage": {"size": 224}},
    {"NormalizeImage": {"scale": "1.0/255.0", "mean": [0.485, 0.456, 0.406],
                        "std": [0.229, 0.224, 0.225], "order": ""}},
    {"ToCHWImage": None},
]


def parse_scale(value) -> float:
    """PaddleClas writes scales like "1.0/255.0" and evals them; we parse, never eval."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return float(value)
        except OverflowError:  # an int too large for a float
            raise PreprocessError(f"NormalizeImage scale {value!r:.60} is too large") from None
    text = str(value).replace(" ", "")
    try:
        if "/" in text:
            num, den = text.split("/", 1)
            return float(num) / float(den)
        return float(Fraction(text))
    except (ValueError, ZeroDivisionError, OverflowError):
        raise PreprocessError(f"NormalizeImage scale {value!r:.60} is not a number or fraction") from None


def cls_op(entry: Dict) -> Optional[Op]:
    if not isinstance(entry, dict) or len(entry) != 1:
        raise PreprocessError(f"PaddleClas transform entry {entry!r:.60} must be a one-key mapping")
    (kind, args), = entry.items()
    if not isinstance(args or {}, dict):
        raise PreprocessError(f"PaddleClas transform {kind!r:.60} has arguments {args!r:.60}, not a mapping")
    args = dict(args or {})
    try:
        if kind == "ResizeImage":
            interp = args.get("interpolation")
            if "resize_short" in args:
                return P.ResizeShort(args["resize_short"], None, interp)
            w, h = P._pair(args["size"], "ResizeImage size")
            return P.ResizeHW(h, w, interp)
        if kind == "CropImage":
            return P.CenterCrop(args["size"])
        if kind == "NormalizeImage":
            if str(args.get("order", "")).lower() == "chw":
                raise PreprocessError("NormalizeImage order 'chw' is not supported; use ''/'hwc'")
            return P.Normalize(
                args.get("mean", (0.485, 0.456, 0.406)),
                args.get("std", (0.229, 0.224, 0.225)),
                scale=parse_scale(args.get("scale", "1.0/255.0")),
            )
        if kind in ("ToCHWImage", "DecodeImage"):
            return None
    except (KeyError, TypeError, ValueError, OverflowError, IndexError) as e:
        raise PreprocessError(f"PaddleClas transform {kind} has bad arguments {args!r:.200}: {e}") from None
    raise PreprocessError(
        f"PaddleClas transform {kind!r} is not supported; supported: "
        "DecodeImage, ResizeImage, CropImage, NormalizeImage, ToCHWImage"
    )


def find_config(directory: Path) -> Optional[Path]:
    for name in ("inference.yml", "inference.yaml", "inference_cls.yaml", "inference_cls.yml"):
        if (directory / name).is_file():
            return directory / name
    candidates = []
    for p in sorted(directory.glob("*.y*ml")):
        try:
            if "PreProcess" in read_yaml(p):
                candidates.append(p)
        except ModelFormatError:
            continue
    return candidates[0] if candidates else None


def load(directory: Path, model_file: Path, params_file: Path) -> ModelSpec:
    config = find_config(directory)
    cfg = read_yaml(config) if config else {}
    pre = cfg.get("PreProcess") or {}
    ops_cfg = (section(pre, "transform_ops", list, config) or None) if isinstance(pre, dict) else None
    rgb = True
    for entry in ops_cfg or []:
        if isinstance(entry, dict) and isinstance(entry.get("DecodeImage"), dict):
            rgb = bool(entry["DecodeImage"].get("to_rgb", True))
    ops: List[Op] = [op for op in (cls_op(e) for e in (ops_cfg or DEFAULT_OPS)) if op]
    names, topk = _labels(directory, cfg, config)
    return ModelSpec(
        directory=directory,
        format="paddleclas",
        task="classification",
        architecture=str(section(cfg, "Global", dict, config).get("model_name", "PaddleClas model")),
        model_file=model_file,
        params_file=params_file,
        class_names=names,
        preprocessor=Preprocessor(tuple(ops), rgb=rgb, float_first=False),
        extra={"config": config.name if config else None, "topk": topk,
               "default_preprocess": ops_cfg is None},
    )


def _labels(directory: Path, cfg: Dict, config: Optional[Path]) -> Tuple[Tuple[str, ...], int]:
    post = cfg.get("PostProcess") or {}
    topk_cfg = post.get("Topk", post) if isinstance(post, dict) else {}
    topk = 5
    if isinstance(topk_cfg, dict):
        value = 5 if topk_cfg.get("topk") is None else topk_cfg["topk"]
        try:
            if isinstance(value, (list, dict)):
                raise TypeError
            topk = int(value)
        except (TypeError, ValueError, OverflowError):
            raise ModelFormatError(
                f"{config.name if config else directory}: PostProcess topk {value!r:.60} is not an integer"
            ) from None
        if topk_cfg.get("label_list"):
            return tuple(str(n) for n in section(topk_cfg, "label_list", list, config)), topk
        mapfile = topk_cfg.get("class_id_map_file")
        if mapfile:
            p = directory / Path(str(mapfile)).name
            if os.path.isfile(p):  # not Path.is_file: OSError for a name too long
                return read_label_file(p), topk
    for name in ("labels.txt", "label_list.txt", "class_id_map.txt"):
        if (directory / name).is_file():
            return read_label_file(directory / name), topk
    return (), topk  # numbered from the network's output size


def model_files(directory: Path) -> Tuple[Path, Path]:
    model = require_file(directory, "inference.pdmodel", "model")
    if not (directory / "inference.pdiparams").is_file():
        raise ModelFormatError(
            f"{directory} has inference.pdmodel but no inference.pdiparams (the weights)"
        )
    return model, require_file(directory, "inference.pdiparams", "params")
