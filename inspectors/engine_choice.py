"""Which backend runs a model (``--engine auto``): measured, checked against Paddle, remembered.

No backend is fastest for every model (OpenVINO 10x Paddle on FastSCNN, Paddle ahead
on HRNet at 800x128), so ``auto`` decides per model at load:

1. every installed backend loads the model; one that cannot read or compile it is
   skipped with its reason;
2. each runs the same few images (the caller's, else generated ones) through the
   engine's own preprocessing and postprocessing, and its results are compared with
   Paddle's within :data:`.engine_agreement.TOLERANCES` (labels, boxes, scores, probabilities);
3. the backends are timed in interleaved rounds on the same tensors (median ms per image);
4. the fastest that agrees wins. Paddle is the reference, so there is always one;
5. its thread layout is measured through :meth:`Inspector.run` on the same images read
   from their files (:data:`LAYOUTS`: the settings' inference threads or one, each with
   the prefetch thread or without): on 2 cores decoding competes with the inference
   threads, and which layout wins depends on the model and the backend (one inference
   thread beside the prefetch thread was 1.4x the default on FastSCNN). The fastest is
   applied (the backend loaded with its threads, :attr:`Inspector.prefetch`).

The choice, its timings and agreement figures are kept in ``<work dir>/engine-choices.json``
(beside ``runs/``) per model fingerprint and per runtime context (device, threads, batch
size, oneDNN, backend versions), so the next load of the same model measures nothing.
``threads`` in the settings is the most the layout may use.
"""

from __future__ import annotations

import json
import logging
import os
import statistics
import tempfile
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import cv2
import numpy as np

from .atomic import atomic_write_text
from .backends import (
    BACKENDS,
    Backend,
    BackendUnavailable,
    installed_engines,
    one_line,
    open_backend,
)
from .engine import DEFAULT_PREFETCH, Inspector, Prepared
from .engine_agreement import compare
from .errors import InspectorError
from .formats import ModelSpec, load_model_spec
from .imageio import read_image
from .results import Result
from .runs.fingerprint import fingerprint_spec
from .runs.location import runs_root
from .runtime import RuntimeSettings

log = logging.getLogger(__name__)

CACHE_NAME = "engine-choices.json"
CACHE_VERSION = 2  # 2: with the thread layout
REFERENCE = "paddle"
#: images measured at load (fewer when the caller has fewer; generated when it has none)
SAMPLES = 4
#: interleaved timing rounds; after the first, stop once this many seconds have gone by.
#: A round of a backend repeats the images for at least ROUND_MIN_S (timer resolution, noise).
ROUNDS, BUDGET_S, ROUND_MIN_S = 5, 8.0, 0.1
#: thread layouts: interleaved rounds of Inspector.run, each at least LAYOUT_MIN_S; another
#: layout replaces the default (the settings' threads + prefetch) only when faster by
#: LAYOUT_MARGIN (the noise of a few short runs on a shared machine). Rounds alternate the
#: layouts' order (forward, backward) so a drift in machine load or a warm-up favours none;
#: 3 rounds of 0.15 s picked the best of four layouts in 5 of 8 cases.
LAYOUT_ROUNDS, LAYOUT_BUDGET_S, LAYOUT_MIN_S, LAYOUT_MARGIN = 5, 10.0, 0.3, 0.03

@dataclass(frozen=True)
class Layout:
    """How :meth:`Inspector.run` uses the cores: inference threads, and whether a helper
    thread decodes and preprocesses the next images while the current one is inferred."""

    threads: int
    prefetch: bool

    @property
    def key(self) -> str:
        return f"{self.threads}t" + ("+prefetch" if self.prefetch else "")

    def text(self) -> str:
        threads = f"{self.threads} inference thread" + ("s" if self.threads > 1 else "")
        return threads + (" + prefetch thread" if self.prefetch else ", no prefetch thread")

    @classmethod
    def from_key(cls, key: str) -> Layout:
        threads, _, rest = key.partition("t")
        return cls(int(threads), rest == "+prefetch")


def layouts(settings: RuntimeSettings, on_cpu: bool) -> List[Layout]:
    """The layouts measured, the default (settings' threads, prefetch) first; one inference
    thread as well on a CPU when the settings allow more."""
    counts = [settings.threads] + ([1] if on_cpu and settings.threads > 1 else [])
    return [Layout(t, p) for t in counts for p in (True, False)]


@dataclass
class Choice:
    """What ``auto`` chose for one model in one runtime context, and why."""

    engine: str
    timings_ms: Dict[str, float]  # median inference ms per image, per backend measured
    agreement: Dict[str, str]  # backend -> figures against Paddle, one line each
    disagreed: Dict[str, str]  # backend -> why its results were not accepted
    skipped: Dict[str, str]  # backend -> why it could not run the model
    images: int  # images measured on
    generated: bool  # measured on generated images (no image of the user's at hand)
    description: str = ""  # the chosen backend's describe()
    measured_at: str = ""
    cached: bool = False  # read from the cache (nothing measured at this load)
    layout: str = ""  # Layout.key of the thread layout chosen ("" : the settings' own)
    layout_rates: Dict[str, float] = field(default_factory=dict)  # Layout.key -> images/s through run

    def chosen_layout(self, settings: RuntimeSettings) -> Layout:
        return Layout.from_key(self.layout) if self.layout else Layout(settings.threads, True)

    def line(self) -> str:
        """One line for the console, the log and the model panel."""
        ms = self.timings_ms
        ref = ms.get(REFERENCE)
        parts = []
        for name, t in sorted(ms.items(), key=lambda kv: kv[1]):
            ratio = f" ({ref / t:.2f}x paddle)" if ref and name != REFERENCE else ""
            parts.append(f"{name} {t:.2f} ms/img{ratio}")
        text = f"engine auto: {self.engine} — " + ", ".join(parts)
        for name, why in self.disagreed.items():
            text += f"; {name} rejected: {why.rstrip('.')}"
        for name, why in self.skipped.items():
            text += f"; {name} skipped: {why.rstrip('.')}"
        if self.engine != REFERENCE and self.engine in self.agreement:
            text += f"; agrees with paddle: {self.agreement[self.engine]}"
        if self.layout and self.layout in self.layout_rates:
            others = ", ".join(f"{Layout.from_key(k).text()} {v:.1f}" for k, v in self.layout_rates.items()
                               if k != self.layout)
            text += (f"; layout: {Layout.from_key(self.layout).text()}, "
                     f"{self.layout_rates[self.layout]:.1f} img/s through the pipeline ({others})")
        what = "generated images" if self.generated else "images"
        text += (f" (measured on {self.images} {what} at {self.measured_at}, remembered)" if self.cached
                 else f" (measured on {self.images} {what})")
        return text

    def to_json(self) -> Dict[str, Any]:
        data = asdict(self)
        data.pop("cached")
        return data

    @classmethod
    def from_json(cls, data: Dict[str, Any]) -> Choice:
        fields = {k: data[k] for k in ("engine", "timings_ms", "agreement", "disagreed", "skipped",
                                       "images", "generated")}
        layout = str(data.get("layout", ""))
        if layout:
            Layout.from_key(layout)  # ValueError when unreadable: measured again
        return cls(**fields, description=str(data.get("description", "")),
                   measured_at=str(data.get("measured_at", "")), cached=True, layout=layout,
                   layout_rates={str(k): float(v) for k, v in dict(data.get("layout_rates", {})).items()})


# -- measuring ---------------------------------------------------------------------

def sample_images(paths: Sequence[Union[str, os.PathLike]] = (), n: int = SAMPLES,
                  max_pixels: int = 100_000_000) -> Tuple[List[np.ndarray], bool]:
    """Up to ``n`` decoded images from ``paths`` (unreadable ones skipped), else ``n``
    generated textures; and whether they were generated."""
    images, generated, _ = sample_files(paths, n, max_pixels)
    return images, generated


def sample_files(paths: Sequence[Union[str, os.PathLike]] = (), n: int = SAMPLES,
                 max_pixels: int = 100_000_000) -> Tuple[List[np.ndarray], bool, List[str]]:
    """:func:`sample_images` and the files the images were read from (none when generated)."""
    images, used = [], []
    for p in paths:
        if len(images) >= n:
            break
        try:
            images.append(read_image(p, max_pixels=max_pixels))
        except InspectorError:
            continue
        used.append(os.fspath(p))
    if images:
        return images, False, used
    rng = np.random.default_rng(0)
    made = []
    for i in range(n):
        base = rng.integers(60, 200, (256, 256, 3), dtype=np.uint8)
        img = cv2.GaussianBlur(base, (0, 0), 2 + i)
        cv2.line(img, (20 + 30 * i, 10), (200, 240 - 20 * i), (20, 20, 20), 3)  # a "scratch"
        made.append(img)
    return made, True, []


def _prepared(insp: Inspector, images: Sequence[np.ndarray], batch: int) -> List[List[Prepared]]:
    """The images preprocessed once, in batches of ``batch`` (images repeated to fill one)."""
    prepared = [insp.prepare(im) for im in images]
    count = max(len(prepared), batch)
    cycle = [prepared[i % len(prepared)] for i in range(count)]
    return [cycle[i : i + batch] for i in range(0, len(cycle), batch)]


def _results(insp: Inspector, batches: List[List[Prepared]]) -> List[Result]:
    out: List[Result] = []
    for batch in batches:
        for o in insp.run_prepared(batch):
            if not o.ok:
                raise InspectorError(o.error or "inference failed")
            out.append(o.result)
    return out


def _pipeline_rate(insp: Inspector, paths: Sequence[str], prefetch: bool, min_s: float) -> float:
    """Images/s of :meth:`Inspector.run` over ``paths``, repeated for at least ``min_s``."""
    t0 = time.perf_counter()

    def stream():
        i = 0
        while i < len(paths) or time.perf_counter() - t0 < min_s:
            yield paths[i % len(paths)]
            i += 1

    done = 0
    for outcome in insp.run(stream(), prefetch=DEFAULT_PREFETCH if prefetch else 0):
        if not outcome.ok:
            raise InspectorError(outcome.error or "inference failed")
        done += 1
    return done / (time.perf_counter() - t0)


def measure_layout(spec: ModelSpec, settings: RuntimeSettings, insp: Inspector, paths: Sequence[str],
                   rounds: int = LAYOUT_ROUNDS, budget_s: float = LAYOUT_BUDGET_S,
                   min_s: float = LAYOUT_MIN_S) -> Tuple[Layout, Dict[str, float], Inspector]:
    """Time :data:`layouts` of ``insp``'s backend through :meth:`Inspector.run` on ``paths``
    (interleaved rounds, medians); the fastest (the default unless another beats it by
    LAYOUT_MARGIN), images/s per layout, and an Inspector loaded for it (``prefetch`` set)."""
    candidates = layouts(settings, str(insp.backend.device).lower().startswith("cpu"))
    by_threads: Dict[int, Inspector] = {settings.threads: insp}
    for layout in candidates:
        if layout.threads not in by_threads:
            try:
                one = Inspector(spec, replace(insp.settings, threads=layout.threads))
            except InspectorError as e:
                log.info("layout %s not measured: %s", layout.text(), one_line(e))
                continue
            by_threads[layout.threads] = one
    candidates = [c for c in candidates if c.threads in by_threads]
    for layout in candidates:  # warm-up (the new predictor's first calls)
        _pipeline_rate(by_threads[layout.threads], paths, layout.prefetch, 0.0)
    got: Dict[str, List[float]] = {c.key: [] for c in candidates}
    start = time.perf_counter()
    for k in range(max(1, rounds)):
        for layout in candidates if k % 2 == 0 else candidates[::-1]:
            got[layout.key].append(_pipeline_rate(by_threads[layout.threads], paths, layout.prefetch, min_s))
        if time.perf_counter() - start > budget_s:
            break
    rates = {k: round(float(statistics.median(v)), 1) for k, v in got.items()}
    default = candidates[0]
    best = max(candidates, key=lambda c: rates[c.key])
    if rates[best.key] < rates[default.key] * (1 + LAYOUT_MARGIN):
        best = default
    chosen = by_threads[best.threads]
    chosen.prefetch = DEFAULT_PREFETCH if best.prefetch else 0
    return best, rates, chosen


def _layout_files(images: Sequence[np.ndarray], paths: Sequence[str], folder: str) -> List[str]:
    """The files the layouts read: the sample files, else the (generated) images as PNG."""
    if paths:
        return list(paths)
    out = []
    for i, im in enumerate(images):
        out.append(os.path.join(folder, f"sample{i}.png"))
        cv2.imwrite(out[-1], im)
    return out


def measure(spec: ModelSpec, settings: RuntimeSettings, images: Sequence[np.ndarray],
            engines: Optional[Sequence[str]] = None, generated: bool = False,
            rounds: int = ROUNDS, budget_s: float = BUDGET_S,
            paths: Sequence[str] = (), layout: bool = True) -> Tuple[Choice, Dict[str, Inspector]]:
    """Load ``spec`` on every engine (installed ones by default), check each against Paddle
    and time them; the choice and the Inspectors that loaded (the caller keeps the winner).
    With ``layout``, the winner's thread layout is measured too (:func:`measure_layout`) on
    ``paths`` (the files of ``images``; without them the images are written to temporary
    files) and ``inspectors[choice.engine]`` is the one loaded for it."""
    names = [e for e in (engines or installed_engines()) if e in BACKENDS]
    if REFERENCE not in names:
        names.insert(0, REFERENCE)
    inspectors: Dict[str, Inspector] = {}
    skipped: Dict[str, str] = {}
    for name in names:
        try:
            backend: Backend = open_backend(name, spec.model_file, spec.params_file, settings)
            inspectors[name] = Inspector(spec, replace(settings, engine=name), backend)
        except InspectorError as e:
            if name == REFERENCE:
                raise  # the model itself does not load: nothing to compare with
            text = str(e) if isinstance(e, BackendUnavailable) else one_line(e)
            skipped[name] = text[len(name) + 2:] if text.startswith(f"{name}: ") else text
    ref = inspectors[REFERENCE]
    batches = _prepared(ref, images, settings.batch_size)
    n_images = sum(len(b) for b in batches)
    expected = _results(ref, batches)
    agreement: Dict[str, str] = {}
    disagreed: Dict[str, str] = {}
    for name, insp in list(inspectors.items()):
        if name == REFERENCE:
            continue
        try:
            verdict = compare(expected, _results(insp, batches))
        except Exception as e:  # noqa: BLE001 - a backend failing at run time is skipped, not fatal
            skipped[name] = f"failed on the sample images: {one_line(e)}"
            del inspectors[name]
            continue
        agreement[name] = verdict.text
        if not verdict.ok:
            disagreed[name] = verdict.text
    feeds = {name: [f for b in batches for f in insp.batch_feeds(b)] for name, insp in inspectors.items()}
    for name, insp in inspectors.items():  # warm-up: first calls allocate and pick kernels
        for f in feeds[name]:
            insp.backend.run(f)
    times: Dict[str, List[float]] = {name: [] for name in inspectors}
    start = time.perf_counter()
    for _ in range(max(1, rounds)):
        for name, insp in inspectors.items():
            done, t0 = 0, time.perf_counter()
            while done == 0 or time.perf_counter() - t0 < ROUND_MIN_S:  # fast models: repeat
                for f in feeds[name]:
                    insp.backend.run(f)
                done += n_images
            times[name].append((time.perf_counter() - t0) / done)
        if time.perf_counter() - start > budget_s:
            break
    timings = {name: round(1e3 * float(np.median(ts)), 3) for name, ts in times.items()}
    agreeing = [n for n in inspectors if n not in disagreed]
    best = min(agreeing, key=lambda n: timings[n])
    choice = Choice(best, timings, agreement, disagreed, skipped, n_images, generated,
                    inspectors[best].backend.describe(), time.strftime("%Y-%m-%d %H:%M:%S"))
    if layout:
        try:
            with tempfile.TemporaryDirectory(prefix="di-layout-") as tmp:
                files = _layout_files(images, paths, tmp)
                chosen, rates, insp = measure_layout(spec, replace(settings, engine=best), inspectors[best],
                                                     files, rounds=min(rounds, LAYOUT_ROUNDS))
        except (InspectorError, OSError) as e:  # the default layout stays; the choice stands
            log.warning("thread layout not measured: %s", one_line(e))
        else:
            choice.layout, choice.layout_rates = chosen.key, rates
            choice.description = insp.backend.describe()
            inspectors[best] = insp
    return choice, inspectors


# -- remembering -------------------------------------------------------------------

def cache_file(work_dir: Optional[Union[str, os.PathLike]] = None) -> Path:
    """``<work dir>/engine-choices.json``, beside the runs."""
    return runs_root(work_dir).parent / CACHE_NAME


def context_key(settings: RuntimeSettings) -> str:
    """What the measurement depends on besides the model: device, threads, batch, oneDNN
    and the versions of the backends (a new release is measured again)."""
    from importlib import metadata

    versions = []
    for dist in ("paddlepaddle", "paddlepaddle-gpu", "openvino", "onnxruntime", "paddle2onnx"):
        try:
            versions.append(f"{dist}={metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            continue
    onednn = ("onednn-" + "-".join(settings.onednn_exclude)) if settings.use_onednn else "no-onednn"
    return (f"{settings.device}/{settings.threads}t/b{settings.batch_size}/{onednn}/"
            f"ir{int(settings.ir_optim)}/" + ",".join(versions))


def _read_cache(path: Path) -> Dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION or not isinstance(data.get("models"), dict):
        return {}
    return data


def remembered(path: Path, fingerprint: str, context: str) -> Optional[Choice]:
    entry = _read_cache(path).get("models", {}).get(fingerprint, {}).get(context)
    if not isinstance(entry, dict):
        return None
    try:
        choice = Choice.from_json(entry)
    except (KeyError, TypeError, ValueError):
        return None
    return choice if choice.engine in BACKENDS else None


def remember(path: Path, fingerprint: str, context: str, choice: Choice) -> None:
    """Add the choice to the cache file (atomically; a failure to write only costs a
    measurement next time)."""
    data = _read_cache(path) or {"version": CACHE_VERSION, "models": {}}
    data["models"].setdefault(fingerprint, {})[context] = choice.to_json()
    try:
        atomic_write_text(path, json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True))
    except OSError as e:
        log.warning("cannot remember the engine choice in %s: %s", path, e)


def load_inspector(model: Union[str, os.PathLike, ModelSpec], settings: RuntimeSettings,
                   sample_paths: Sequence[Union[str, os.PathLike]] = (),
                   work_dir: Optional[Union[str, os.PathLike]] = None) -> Inspector:
    """An Inspector for ``model``; with ``settings.engine == "auto"`` on the backend chosen
    here (remembered, else measured), its one-line report in ``inspector.engine_note``."""
    spec = model if isinstance(model, ModelSpec) else load_model_spec(model)
    if settings.engine != "auto":
        return Inspector(spec, settings)
    path, fingerprint, context = cache_file(work_dir), fingerprint_spec(spec), context_key(settings)
    choice = remembered(path, fingerprint, context)
    if choice is not None:
        layout = choice.chosen_layout(settings)
        try:
            insp = Inspector(spec, replace(settings, engine=choice.engine, threads=layout.threads))
        except InspectorError as e:  # e.g. the package is gone since: measure again
            log.info("remembered engine %s no longer loads (%s); measuring again", choice.engine, e)
        else:
            insp.prefetch = DEFAULT_PREFETCH if layout.prefetch else 0
            insp.engine_note = choice.line()
            log.info("%s: %s", spec.directory, insp.engine_note)
            return insp
    images, generated, files = sample_files(sample_paths, max_pixels=settings.max_pixels)
    choice, inspectors = measure(spec, settings, images, generated=generated, paths=files)
    remember(path, fingerprint, context, choice)
    insp = inspectors[choice.engine]
    insp.engine_note = choice.line()
    log.info("%s: %s", spec.directory, insp.engine_note)
    return insp
