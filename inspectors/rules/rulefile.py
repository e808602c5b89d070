"""The rules file: a small versioned YAML (or JSON) document, safe-loaded and checked in full.

Parsing either returns a complete :class:`~.types.Rules` or raises one
:class:`~.types.RulesError` whose one-line message names the key, so nothing is ever
applied half. :func:`rules_to_yaml` writes the canonical form back (``parse_rules`` of it
gives an equal value); runs keep that text (``Run.rules_text``).
"""

from __future__ import annotations

import hashlib
import math
import os
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np
import yaml

from .types import (
    RULES_VERSION,
    Band,
    Calibration,
    ClassRule,
    MaskFile,
    Polygon,
    Regions,
    Rules,
    RulesError,
)

TOP_KEYS = ("version", "default", "classes", "calibration", "regions")
RULE_KEYS = ("threshold", "review", "min_area", "min_length", "min_area_mm2", "min_length_mm",
             "ng_count", "ng_total_area", "ng_total_area_mm2")
CALIBRATION_KEYS = ("mm_per_px", "mm_per_px_x", "mm_per_px_y")
REGION_KEYS = ("mode", "min_overlap", "image_size", "include", "exclude", "include_mask", "exclude_mask")
MODES = ("centroid", "overlap")
_SIZE_KEYS = ("min_area", "min_length", "min_area_mm2", "min_length_mm")


class _UniqueKeyLoader(yaml.SafeLoader):
    """safe_load, but a key given twice is an error (YAML would keep the last silently)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError:  # an unhashable key: the base class reports it
                break
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


class _Reader:
    """Checks values and names the key path in every message."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, key: str, message: str) -> RulesError:
        return RulesError(f"{self.source}: {key}: {message}" if key else f"{self.source}: {message}")

    def mapping(self, value: Any, key: str, known: Sequence[str]) -> Mapping[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(key, f"must be a mapping (key: value lines), got {_kind(value)}")
        for k in value:
            if str(k) not in known:
                where = f"in {key}" if key else "at the top level"
                raise RulesError(f"{self.source}: unknown key {str(k)!r} {where} "
                                 f"(known: {', '.join(known)})")
        return {str(k): v for k, v in value.items()}

    def number(self, value: Any, key: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(key, f"must be a number, got {_kind(value)}")
        if not math.isfinite(float(value)):
            raise self.fail(key, f"must be a finite number, got {value}")
        return float(value)

    def unit(self, value: Any, key: str) -> float:
        v = self.number(value, key)
        if not 0.0 <= v <= 1.0:
            raise self.fail(key, f"must be a confidence from 0 to 1, got {value}")
        return v

    def size(self, value: Any, key: str) -> float:
        v = self.number(value, key)
        if v < 0:
            raise self.fail(key, f"must not be negative, got {value}")
        return v

    def positive(self, value: Any, key: str) -> float:
        v = self.number(value, key)
        if v <= 0:
            raise self.fail(key, f"must be greater than 0, got {value}")
        return v

    def count(self, value: Any, key: str) -> int:
        v = self.number(value, key)
        if v != int(v) or v < 1:
            raise self.fail(key, f"must be a whole number of 1 or more, got {value}")
        return int(v)

    def pair(self, value: Any, key: str) -> Tuple[Any, Any]:
        if not isinstance(value, (list, tuple)) or len(value) != 2:
            raise self.fail(key, f"must be a pair [a, b], got {_kind(value)}")
        return value[0], value[1]


def _kind(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "a mapping"
    return repr(value) if isinstance(value, (str, int, float, bool)) or value is None else type(value).__name__


# ------------------------------------------------------------------ parts
def _class_rule(r: _Reader, value: Any, key: str) -> ClassRule:
    d = r.mapping(value, key, RULE_KEYS)
    band = None
    if "threshold" in d and "review" in d:
        raise r.fail(f"{key}.review", "give either threshold (one value) or review [T_low, T_high], not both")
    if "threshold" in d:
        t = r.unit(d["threshold"], f"{key}.threshold")
        band = Band(t, t)
    elif "review" in d:
        lo, hi = r.pair(d["review"], f"{key}.review")
        lo, hi = r.unit(lo, f"{key}.review"), r.unit(hi, f"{key}.review")
        if lo > hi:
            raise r.fail(f"{key}.review", f"T_low {lo:g} is above T_high {hi:g}")
        band = Band(lo, hi)
    values: Dict[str, Any] = {k: r.size(d[k], f"{key}.{k}") for k in _SIZE_KEYS if k in d}
    if "ng_count" in d:
        values["ng_count"] = r.count(d["ng_count"], f"{key}.ng_count")
    for k in ("ng_total_area", "ng_total_area_mm2"):
        if k in d:
            values[k] = r.positive(d[k], f"{key}.{k}")
    return ClassRule(band=band, **values)


def _calibration(r: _Reader, value: Any) -> Optional[Calibration]:
    if value is None:
        return None
    d = r.mapping(value, "calibration", CALIBRATION_KEYS)
    if "mm_per_px" in d:
        if "mm_per_px_x" in d or "mm_per_px_y" in d:
            raise r.fail("calibration.mm_per_px", "give mm_per_px or mm_per_px_x and mm_per_px_y, not both")
        v = r.positive(d["mm_per_px"], "calibration.mm_per_px")
        return Calibration(v, v)
    for k in ("mm_per_px_x", "mm_per_px_y"):
        if k not in d:
            raise r.fail(f"calibration.{k}", "is missing (or give mm_per_px for both)")
    return Calibration(r.positive(d["mm_per_px_x"], "calibration.mm_per_px_x"),
                       r.positive(d["mm_per_px_y"], "calibration.mm_per_px_y"))


def _image_size(r: _Reader, value: Any) -> Optional[Tuple[int, int]]:
    if value is None:
        return None
    h, w = r.pair(value, "regions.image_size")
    h, w = r.count(h, "regions.image_size"), r.count(w, "regions.image_size")
    return h, w


def check_polygon(points: Polygon, key: str, image_size: Optional[Tuple[int, int]] = None) -> None:
    """RulesError naming ``key`` unless ``points`` has 3 or more points inside the image
    (``0 <= x <= width``, ``0 <= y <= height``; without a size only negatives are outside)."""
    if len(points) < 3:
        raise RulesError(f"{key}: a polygon needs at least 3 points, got {len(points)}")
    for i, (x, y) in enumerate(points):
        if x < 0 or y < 0 or (image_size is not None and (x > image_size[1] or y > image_size[0])):
            where = f"the {image_size[1]}x{image_size[0]} image" if image_size else "the image"
            raise RulesError(f"{key}: point {i} ({x:g}, {y:g}) is outside {where}")


def _polygons(r: _Reader, value: Any, key: str, size: Optional[Tuple[int, int]]) -> Tuple[Polygon, ...]:
    if value is None:
        return ()
    if not isinstance(value, (list, tuple)):
        raise r.fail(key, f"must be a list of polygons, got {_kind(value)}")
    out = []
    for i, poly in enumerate(value):
        k = f"{key}[{i}]"
        if isinstance(poly, dict):
            poly = r.mapping(poly, k, ("points",)).get("points")
        if not isinstance(poly, (list, tuple)):
            raise r.fail(k, f"must be a list of [x, y] points, got {_kind(poly)}")
        pts = []
        for j, p in enumerate(poly):
            x, y = r.pair(p, f"{k} point {j}")
            pts.append((r.number(x, f"{k} point {j}"), r.number(y, f"{k} point {j}")))
        try:
            check_polygon(tuple(pts), k, size)
        except RulesError as e:
            raise RulesError(f"{r.source}: {e}") from None
        out.append(tuple(pts))
    return tuple(out)


def _masks(r: _Reader, value: Any, key: str, base_dir: Optional[Path],
           size: Optional[Tuple[int, int]]) -> Tuple[MaskFile, ...]:
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not all(isinstance(v, str) for v in items):
        raise r.fail(key, "must be a PNG path or a list of PNG paths")
    out = []
    for i, name in enumerate(items):
        k = key if isinstance(value, str) else f"{key}[{i}]"
        path = Path(os.path.expanduser(name))
        if not path.is_absolute():
            if base_dir is None:
                raise r.fail(k, f"{name} is a relative path; give an absolute one")
            path = base_dir / path
        pixels = read_mask(path, k, r)
        if size is not None and pixels.shape != tuple(size):
            raise r.fail(k, f"the mask is {pixels.shape[1]}x{pixels.shape[0]}, "
                            f"the image {size[1]}x{size[0]}")
        digest = hashlib.blake2b(np.packbits(pixels).tobytes() + str(pixels.shape).encode(),
                                 digest_size=16).hexdigest()
        out.append(MaskFile(os.path.abspath(path), digest, pixels))
    return tuple(out)


def read_mask(path: Path, key: str, r: _Reader) -> np.ndarray:
    """A mask image as read-only bool (nonzero in any channel = inside); never written to."""
    import cv2

    try:
        data = np.fromfile(str(path), np.uint8)
    except OSError as e:
        raise r.fail(key, f"cannot read {path}: {e.strerror or e}") from None
    img = cv2.imdecode(data, cv2.IMREAD_UNCHANGED) if data.size else None
    if img is None:
        raise r.fail(key, f"{path} is not a readable image")
    mask = img != 0 if img.ndim == 2 else (img != 0).any(axis=2)
    mask.flags.writeable = False
    return mask


def _regions(r: _Reader, value: Any, base_dir: Optional[Path]) -> Regions:
    d = r.mapping(value, "regions", REGION_KEYS)
    mode = d.get("mode", "centroid")
    if mode not in MODES:
        raise r.fail("regions.mode", f"must be one of {', '.join(MODES)}, got {_kind(mode)}")
    overlap = 0.5
    if "min_overlap" in d:
        overlap = r.unit(d["min_overlap"], "regions.min_overlap")
        if overlap <= 0:
            raise r.fail("regions.min_overlap", "must be greater than 0 (a share of the defect's pixels)")
    size = _image_size(r, d.get("image_size"))
    inc_m = _masks(r, d.get("include_mask"), "regions.include_mask", base_dir, size)
    exc_m = _masks(r, d.get("exclude_mask"), "regions.exclude_mask", base_dir, size)
    shapes = {m.pixels.shape for m in inc_m + exc_m}
    if len(shapes) > 1:
        raise r.fail("regions", "the mask files differ in size")
    return Regions(include=_polygons(r, d.get("include"), "regions.include", size),
                   exclude=_polygons(r, d.get("exclude"), "regions.exclude", size),
                   include_masks=inc_m, exclude_masks=exc_m, mode=mode, min_overlap=overlap,
                   image_size=size)


def _check_mm(r: _Reader, rules: Rules) -> None:
    if rules.calibration is not None:
        return
    for key, rule in [("default", rules.default), *((f"classes.{n}", c) for n, c in rules.classes)]:
        for k in ("min_area_mm2", "min_length_mm", "ng_total_area_mm2"):
            if getattr(rule, k) is not None:
                raise r.fail(f"{key}.{k}", "needs a calibration (calibration.mm_per_px, "
                                           "or mm_per_px_x and mm_per_px_y)")


# ------------------------------------------------------------------ whole files
def parse_rules(text: str, source: str = "rules", base_dir: Optional[Path] = None) -> Rules:
    """A rules document (YAML or JSON text) as :class:`Rules`, or RulesError naming the key.
    Relative mask paths are taken from ``base_dir`` (the rules file's folder)."""
    r = _Reader(source)
    try:
        doc = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        problem = getattr(e, "problem", None) or type(e).__name__
        raise RulesError(f"{source}: not valid YAML{where}: {problem}") from None
    d = r.mapping(doc, "", TOP_KEYS)
    version = d.get("version", RULES_VERSION)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise r.fail("version", f"must be a whole number, got {_kind(version)}")
    if version > RULES_VERSION:
        raise r.fail("version", f"{version} is newer than this Defect Inspector reads ({RULES_VERSION})")
    classes = d.get("classes")
    if classes is not None and not isinstance(classes, dict):
        raise r.fail("classes", f"must be a mapping of class name to rule, got {_kind(classes)}")
    rules = Rules(default=_class_rule(r, d.get("default"), "default"),
                  classes=tuple((str(n), _class_rule(r, v, f"classes.{n}"))
                                for n, v in (classes or {}).items()),
                  calibration=_calibration(r, d.get("calibration")),
                  regions=_regions(r, d.get("regions"), base_dir),
                  version=int(version))
    _check_mm(r, rules)
    return rules


def load_rules(path) -> Rules:
    """Read and parse a rules file (RulesError, one line, when unreadable or invalid)."""
    p = Path(os.path.expanduser(os.fspath(path)))
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RulesError(f"rules file {p} does not exist") from None
    except (OSError, UnicodeDecodeError) as e:
        raise RulesError(f"cannot read rules file {p}: {getattr(e, 'strerror', None) or e}") from None
    return parse_rules(text, str(p), p.resolve().parent)


def simple_rules(review: Optional[Tuple[float, float]] = None, min_area: Optional[float] = None) -> Rules:
    """The command line's rules without a file: one band for every class, a minimum area (px)."""
    r = _Reader("command line")
    band = None
    if review is not None:
        lo, hi = r.unit(review[0], "--review"), r.unit(review[1], "--review")
        if lo > hi:
            raise r.fail("--review", f"LOW {lo:g} is above HIGH {hi:g}")
        band = Band(lo, hi)
    area = r.size(min_area, "--min-area") if min_area is not None else None
    return Rules(default=ClassRule(band=band, min_area=area))


def _rule_dict(rule: ClassRule) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    if rule.band is not None:
        if rule.band.low == rule.band.high:
            out["threshold"] = rule.band.low
        else:
            out["review"] = [rule.band.low, rule.band.high]
    for k in RULE_KEYS[2:]:
        v = getattr(rule, k)
        if v is not None:
            out[k] = v
    return out


def rules_to_dict(rules: Rules) -> Dict[str, Any]:
    """The canonical document (only what is set)."""
    doc: Dict[str, Any] = {"version": rules.version}
    if _rule_dict(rules.default):
        doc["default"] = _rule_dict(rules.default)
    if rules.classes:
        doc["classes"] = {n: _rule_dict(c) for n, c in rules.classes}
    if rules.calibration is not None:
        doc["calibration"] = {"mm_per_px_x": rules.calibration.mm_per_px_x,
                              "mm_per_px_y": rules.calibration.mm_per_px_y}
    g = rules.regions
    reg: Dict[str, Any] = {}
    if g.active or g.image_size is not None or g.mode != "centroid" or g.min_overlap != 0.5:
        reg = {"mode": g.mode, "min_overlap": g.min_overlap}
    if g.image_size is not None:
        reg["image_size"] = list(g.image_size)
    for k, polys in (("include", g.include), ("exclude", g.exclude)):
        if polys:
            reg[k] = [[list(p) for p in poly] for poly in polys]
    for k, masks in (("include_mask", g.include_masks), ("exclude_mask", g.exclude_masks)):
        if masks:
            reg[k] = [m.path for m in masks]
    if reg:
        doc["regions"] = reg
    return doc


class _Dumper(yaml.SafeDumper):
    pass


def _flow_points(dumper: yaml.SafeDumper, data: List[Any]):
    flow = len(data) == 2 and all(isinstance(v, (int, float)) for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow or None)


_Dumper.add_representer(list, _flow_points)


def rules_to_yaml(rules: Rules) -> str:
    """The rules file text (``parse_rules`` of it equals ``rules``)."""
    head = f"# Defect Inspector decision rules, version {rules.version}\n"
    return head + yaml.dump(rules_to_dict(rules), Dumper=_Dumper, sort_keys=False, allow_unicode=True)
