"""The robustness sweep: the task's metric and the image-level recall / false-alarm rate
of a model under line-like perturbations (:mod:`inspectors.perturb`) at several strengths.

Each setting runs the whole image list through :meth:`Inspector.run` with the
perturbation installed as the inspector's ``image_hook`` (applied to the decoded image,
before the model's own preprocessing), pairs the predictions with the ground truth by
:func:`pair_with_ground_truth` and scores them with :func:`inspectors.metrics.evaluate`:
the same pairing and metrics as a clean ``evaluate``. Noise is seeded per image from
(seed, image path), so a sweep is reproducible whatever the thread or batch layout.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from .metrics import evaluate
from .metrics.pairing import pair_with_ground_truth
from .perturb import PERTURBATIONS, perturbation

DEFAULT_FRACTION = 0.95
ProgressFn = Callable[[int, int, str], None]  # (settings done, settings in all, label)


def main_metric(report: dict) -> Tuple[str, Optional[float]]:
    """(name, value) of the task's headline metric in an :func:`evaluate` report."""
    m, task = report["metrics"], report["task"]
    if task == "segmentation":
        return "mIoU", m.get("miou")
    if task == "detection":
        return "VOC mAP@0.5", (m.get("voc_map") or {}).get("area")
    return "top-1", m.get("accuracy")


def point(report: dict) -> Dict[str, Optional[float]]:
    """The numbers of one setting: metric, image-level recall and false-alarm rate."""
    il = report.get("image_level") or {}
    return {"metric": main_metric(report)[1], "recall": il.get("recall"),
            "false_alarm": il.get("false_positive_rate"), "images": report.get("evaluated", (report.get("data") or {}).get("evaluated"))}


@dataclass(frozen=True)
class Setting:
    name: str
    strength: float


def plan(names: Optional[Sequence[str]] = None,
         strengths: Optional[Dict[str, Sequence[float]]] = None) -> List[Setting]:
    """The settings of a sweep: each named perturbation (default: all) at its given
    strengths (default: its :attr:`Perturbation.sweep`)."""
    names = list(names or PERTURBATIONS)
    strengths = strengths or {}
    return [Setting(perturbation(n).name, float(s))
            for n in names for s in (strengths.get(n) or perturbation(n).sweep)]


def parse_setting(text: str) -> Setting:
    """``"blur:1.5"`` -> the setting (ValueError naming the item when it is not one)."""
    name, _, strength = str(text).partition(":")
    try:
        return Setting(perturbation(name).name, float(strength))
    except ValueError as e:
        raise ValueError(f"{text!r}: expected name:strength, e.g. blur:1.5 ({e})") from None


def image_seed(seed: int, path: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(str(path).encode("utf-8"))])


def perturb_hook(setting: Setting, seed: int = 0) -> Callable[[np.ndarray, str], np.ndarray]:
    """``hook(image, path)`` applying one setting, noise seeded per image from (seed, path):
    the same perturbation wherever it is applied (the sweep, training's validation)."""
    p, s = PERTURBATIONS[setting.name], setting.strength
    return lambda im, path: p.apply(im, s, image_seed(seed, str(path)))


def run_setting(inspector, gt, images: Sequence, setting: Optional[Setting], thresholds, seed: int = 0,
                cancel: Optional[Callable[[], bool]] = None) -> Optional[dict]:
    """The :func:`evaluate` report of one setting (None: clean); None when cancelled."""
    if setting is not None:
        inspector.image_hook = perturb_hook(setting, seed)
    try:
        outcomes = []
        for o in inspector.run(images, cancel=cancel):
            outcomes.append(o)
        if cancel is not None and cancel():
            return None
    finally:
        inspector.image_hook = None
    paired = pair_with_ground_truth(gt, ((str(o.path), o.path, o.result) for o in outcomes if o.ok))
    if not paired.pairs:
        return None
    report = evaluate(paired.pairs, gt.task, thresholds, coco=False,
                      image_ids=[str(k) for k in paired.keys], difficult=paired.difficult)
    report["evaluated"] = len(paired.pairs)
    return report


def tolerance(points: Sequence[dict], name: str, clean: Optional[float], fraction: float) -> dict:
    """The largest severity at which the metric stays >= ``fraction`` x clean (every
    setting of that severity and of every milder one): its strengths and a sentence."""
    p = perturbation(name)
    if clean is None:
        return {"strengths": None, "text": f"{name}: no clean metric to compare with"}
    floor = fraction * clean
    groups: Dict[float, List[dict]] = {}
    for pt in points:
        groups.setdefault(round(p.severity(pt["strength"]), 6), []).append(pt)
    ok: List[float] = []
    failed_at = None
    for sev in sorted(groups):
        if all(g["metric"] is not None and g["metric"] >= floor for g in groups[sev]):
            ok = [g["strength"] for g in groups[sev]]
        else:
            failed_at = [g["strength"] for g in groups[sev]]
            break
    words = lambda ss: " / ".join(p.label(s).split(" ", 1)[1] for s in sorted(ss))  # noqa: E731
    if not ok:
        text = f"does not tolerate {name}: below {fraction * 100:g} % of clean already at {words(failed_at or [])}"
    elif failed_at is None:
        text = f"tolerates {name} up to {words(ok)} (the strongest tested)"
    else:
        text = f"tolerates {name} up to {words(ok)}; below {fraction * 100:g} % of clean at {words(failed_at)}"
    return {"strengths": ok or None, "text": text}


def sweep(inspector, gt, images: Sequence, settings: Sequence[Setting], thresholds,
          clean_report: Optional[dict] = None, fraction: float = DEFAULT_FRACTION, seed: int = 0,
          progress: Optional[ProgressFn] = None, cancel: Optional[Callable[[], bool]] = None) -> Optional[dict]:
    """Run every setting; the ``robustness`` block of metrics.json (None when cancelled).
    ``clean_report``: the clean evaluation when the caller has it (else it is run too)."""
    total = len(settings) + (clean_report is None)
    done = 0
    if clean_report is None:
        if progress:
            progress(0, total, "clean")
        clean_report = run_setting(inspector, gt, images, None, thresholds, seed, cancel)
        if clean_report is None:
            return None
        done = 1
    metric_name, _ = main_metric(clean_report)
    clean = point(clean_report)
    by_name: Dict[str, List[dict]] = {}
    for setting in settings:
        label = PERTURBATIONS[setting.name].label(setting.strength)
        if progress:
            progress(done, total, label)
        rep = run_setting(inspector, gt, images, setting, thresholds, seed, cancel)
        if rep is None:
            if cancel is not None and cancel():
                return None
            by_name.setdefault(setting.name, []).append(
                {"strength": setting.strength, "metric": None, "recall": None, "false_alarm": None, "images": 0})
        else:
            by_name.setdefault(setting.name, []).append({"strength": setting.strength, **point(rep)})
        done += 1
    if progress:
        progress(total, total, "done")
    out = []
    for name, pts in by_name.items():
        p = PERTURBATIONS[name]
        pts.sort(key=lambda q: (p.severity(q["strength"]), q["strength"]))
        out.append({"name": name, "unit": p.unit.strip(), "identity": p.identity, "points": pts,
                    "tolerated": tolerance(pts, name, clean["metric"], fraction)})
    return {"metric": metric_name, "fraction": fraction, "seed": seed, "clean": clean, "perturbations": out}


def parse_strengths(values: Sequence[str], names: Sequence[str]) -> Dict[str, List[float]]:
    """``--strengths`` values: ``name=a,b,c`` each, or one plain ``a,b,c`` when a single
    perturbation is swept. Raises ValueError with a one-line reason."""
    out: Dict[str, List[float]] = {}
    for v in values:
        name, sep, nums = v.partition("=")
        if not sep:
            if len(names) != 1:
                raise ValueError(f"--strengths {v!r}: name the perturbation (e.g. blur=0.5,1,2) "
                                 "when sweeping more than one")
            name, nums = names[0], v
        name = perturbation(name).name
        if name not in names:
            raise ValueError(f"--strengths {v!r}: {name} is not among the swept perturbations")
        try:
            out[name] = [float(x) for x in nums.split(",") if x.strip()]
        except ValueError:
            raise ValueError(f"--strengths {v!r}: strengths must be numbers") from None
        if not out[name]:
            raise ValueError(f"--strengths {v!r}: no strength given")
    return out


def markdown(rob: dict, command: str = "") -> str:
    """A model card's robustness section from a metrics.json ``robustness`` block."""
    def pct(v: Optional[float]) -> str:
        return "n/a" if v is None else f"{100 * v:.2f}"

    clean = rob["clean"]
    lines = [f"| perturbation | strength | {rob['metric']} | image-level recall | false-alarm rate |",
             "|---|---|---|---|---|",
             f"| clean | | {pct(clean['metric'])} | {pct(clean['recall'])} | {pct(clean['false_alarm'])} |"]
    for item in rob["perturbations"]:
        p = PERTURBATIONS[item["name"]]
        for q in item["points"]:
            lines.append(f"| {item['name']} | {p.label(q['strength']).split(' ', 1)[1]} | {pct(q['metric'])} | "
                         f"{pct(q['recall'])} | {pct(q['false_alarm'])} |")
    lines.append("")
    lines += [f"- {item['tolerated']['text']}" for item in rob["perturbations"]]
    if command:
        lines += ["", "```bash", command, "```"]
    return "\n".join(lines) + "\n"
