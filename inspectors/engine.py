"""The Inspector: one loaded model with its own predictor.

An Inspector is not thread-safe: give each worker thread its own (they are cheap
to create from the same :class:`ModelSpec`). It runs on one backend
(:mod:`inspectors.backends`: Paddle Inference, OpenVINO, ONNX Runtime), named by
``settings.engine`` or handed in; ``auto`` is resolved by :mod:`inspectors.engine_choice`. :meth:`Inspector.run` keeps the
predictor busy by decoding and preprocessing the next images in a helper thread
(OpenCV and numpy release the GIL) while the current batch is inferred, or, where that
was measured slower (:attr:`Inspector.prefetch` 0, set by ``auto``'s thread layout),
reads them in the calling thread.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple, Union

import cv2
import numpy as np

from . import postprocess
from .backends import Backend, open_backend
from .errors import InspectorError, ModelFormatError
from .formats import ModelSpec, load_model_spec
from .formats.spec import generic_names
from .imageio import read_image
from .preprocess import Meta
from .results import Outcome, Result, StageTimings
from .runtime import RuntimeSettings

CancelFn = Callable[[], bool]
_DONE = object()
#: :attr:`Inspector.prefetch` unless a measured layout says otherwise
DEFAULT_PREFETCH = 4


@dataclass(frozen=True)
class _Failed:
    """Sent by the prefetch thread when it cannot go on."""

    error: BaseException


@dataclass
class Prepared:
    """One image ready for the network, or the error that stopped it."""

    path: str
    tensor: Optional[np.ndarray] = None
    meta: Optional[Meta] = None
    error: Optional[str] = None
    read_s: float = 0.0
    preprocess_s: float = 0.0


def _yield_cpu_to_inference() -> None:
    """Make the calling (prefetch) thread give way to the predictor's threads.

    With as many math threads as cores, any other runnable thread preempts one of
    oneDNN's workers and the whole parallel op waits for it; OpenCV's own thread
    pool makes that worse. So decoding/preprocessing runs single-threaded and at a
    lower priority: it fills the gaps between ops instead of stalling them.
    """
    cv2.setNumThreads(1)
    if hasattr(os, "setpriority") and hasattr(threading, "get_native_id"):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


def stage_error(stage: str, error: BaseException, path: Union[str, Path] = "") -> str:
    """One line for an image's error: an operator's message as it is, anything else
    with the stage and the exception type, so a bug is told apart from a bad file."""
    if isinstance(error, InspectorError):
        text = str(error)
        name = Path(path).name if path else ""
        return text if not name or name in text else f"{name}: {text}"
    detail = str(error).strip().splitlines()
    return f"{stage} failed: {type(error).__name__}" + (f": {detail[-1]}" if detail else "")


class Inspector:
    """Load with :func:`Inspector.from_path` or from a spec; then ``predict`` / ``run``."""

    def __init__(self, spec: ModelSpec, settings: RuntimeSettings = RuntimeSettings(),
                 backend: Optional[Backend] = None):
        self.spec = spec
        if backend is None:
            if settings.engine == "auto":
                raise ValueError("engine 'auto' is chosen by measurement: use "
                                 "inspectors.engine_choice.load_inspector")
            backend = open_backend(settings.engine, spec.model_file, spec.params_file, settings)
        self.backend = backend
        self.settings = settings
        #: what runs the model, one line (``auto`` replaces it with its choice and figures)
        self.engine_note: str = backend.describe()
        self._class_names: Tuple[str, ...] = spec.class_names
        #: images :meth:`run` decodes ahead in its helper thread by default; 0: no helper
        #: thread (``auto`` sets it with the thread count it measured fastest for this model)
        self.prefetch: int = DEFAULT_PREFETCH
        #: ``f(image, path) -> image`` run on each decoded image before preprocessing in
        #: :meth:`prepare_path` (the robustness sweep's perturbation); None: the image as read
        self.image_hook: Optional[Callable[[np.ndarray, str], np.ndarray]] = None
        self._check_inputs()

    @classmethod
    def from_path(cls, path: Union[str, Path], settings: RuntimeSettings = RuntimeSettings()) -> Inspector:
        return cls(load_model_spec(path), settings)

    @property
    def task(self) -> str:
        return self.spec.task

    @property
    def class_names(self) -> Tuple[str, ...]:
        return self._class_names

    def _check_inputs(self) -> None:
        known = {"image", "x", "im_shape", "scale_factor", "im_info", "im_size"}
        unknown = [n for n in self.backend.input_names[1:] if n not in known]
        if unknown:
            raise ModelFormatError(
                f"{self.spec.model_file.name} expects inputs {self.backend.input_names}; "
                f"{unknown} are not inputs this app knows how to fill"
            )

    # -- stages -----------------------------------------------------------------
    def prepare(self, image: np.ndarray, path: str = "") -> Prepared:
        """Preprocess a decoded BGR image (thread-safe: no predictor state)."""
        t0 = time.perf_counter()
        tensor, meta = self.spec.preprocessor(image)
        return Prepared(path, tensor, meta, preprocess_s=time.perf_counter() - t0)

    def prepare_path(self, path: Union[str, Path]) -> Prepared:
        """Read and preprocess one file; any failure becomes this image's error (a
        ``cv2.error`` from a degenerate resize, a MemoryError, ...), never the run's."""
        t0 = time.perf_counter()
        try:
            image = read_image(path, max_pixels=self.settings.max_pixels)
        except Exception as e:  # noqa: BLE001 - one bad file must not stop a run
            return Prepared(str(path), error=stage_error("read", e, path), read_s=time.perf_counter() - t0)
        t1 = time.perf_counter()
        try:
            if self.image_hook is not None:
                image = self.image_hook(image, str(path))
            prepared = self.prepare(image, str(path))
        except Exception as e:  # noqa: BLE001
            return Prepared(str(path), error=stage_error("preprocess", e, path), read_s=t1 - t0)
        prepared.read_s = t1 - t0
        return prepared

    def _feeds(self, tensors: List[np.ndarray], metas: List[Meta]) -> Dict[str, np.ndarray]:
        shapes = {t.shape for t in tensors}
        if len(shapes) > 1:  # pad to the largest (zeros, as ppdet's PadBatch does)
            c = tensors[0].shape[0]
            h = max(t.shape[1] for t in tensors)
            w = max(t.shape[2] for t in tensors)
            batch = np.zeros((len(tensors), c, h, w), np.float32)
            for i, t in enumerate(tensors):
                batch[i, :, : t.shape[1], : t.shape[2]] = t
        elif len(tensors) == 1:
            batch = tensors[0][None]  # a view: no copy of the image for batch 1
        else:
            batch = np.stack(tensors)
        feeds: Dict[str, np.ndarray] = {}
        for name in self.backend.input_names:
            if name == "im_shape":
                feeds[name] = np.array([m.im_shape for m in metas], np.float32)
            elif name == "scale_factor":
                feeds[name] = np.array([m.scale_factor for m in metas], np.float32)
            elif name == "im_info":  # PaddleX 1.x R-CNN: resized h, w and scale
                feeds[name] = np.array([[*m.im_shape, m.scale_factor[0]] for m in metas], np.float32)
            elif name == "im_size":  # PaddleX 1.x YOLOv3: original h, w
                feeds[name] = np.array([m.original_size for m in metas], np.int32)
            else:
                feeds[name] = batch
        return feeds

    def infer(self, tensors: List[np.ndarray], metas: List[Meta]) -> List[np.ndarray]:
        return self.backend.run(self._feeds(tensors, metas))

    def _same_shape_groups(self, items: List[Prepared]) -> List[List[Prepared]]:
        if self.task == "detection" or len(items) <= 1:
            if len(items) > 1 and not self.backend.has_lod and len(self.backend.output_names) == 1:
                return [[p] for p in items]  # boxes of a batch told apart only by LoD: one by one
            return [items]
        groups: Dict[tuple, List[Prepared]] = {}
        for p in items:
            groups.setdefault(p.tensor.shape, []).append(p)
        return list(groups.values())

    def batch_feeds(self, items: List[Prepared]) -> List[Dict[str, np.ndarray]]:
        """The feeds :meth:`run_prepared` would give the backend for these prepared images
        (one per same-shape group): what a bare backend loop or a measurement runs."""
        ok = [p for p in items if p.error is None]
        groups = self._same_shape_groups(ok) if ok else []
        return [self._feeds([p.tensor for p in g], [p.meta for p in g]) for g in groups]

    def finish(self, outputs: List[np.ndarray], metas: List[Meta]) -> List[Result]:
        names = self._resolve_names(outputs)
        if self.task == "segmentation":
            return postprocess.segmentation(outputs, metas, names, self.spec.output_op)
        if self.task == "detection":
            counts = None
            if len(outputs) == 1:  # PaddleX 1.x: a LoD tensor without a count output
                lod = self.backend.output_lod(0)
                counts = np.diff(lod[0]) if lod and len(lod[0]) == len(metas) + 1 else np.array([len(outputs[0])])
            return postprocess.detection(outputs, metas, names, counts)
        return postprocess.classification(outputs, metas, names)

    def _resolve_names(self, outputs: List[np.ndarray]) -> Tuple[str, ...]:
        if self._class_names:
            return self._class_names
        if self.task == "classification":
            n = int(np.asarray(outputs[0]).reshape(outputs[0].shape[0], -1).shape[1])
            self._class_names = generic_names(n)
        elif self.task == "segmentation":
            _, scores = postprocess.split_seg_outputs(outputs)
            n = scores.shape[1] if scores is not None else 256
            self._class_names = ("background",) + tuple(f"class_{i}" for i in range(1, n))
        return self._class_names

    def run_prepared(self, items: List[Prepared]) -> List[Outcome]:
        """Infer a batch of prepared images; errors stay per image."""
        outcomes: Dict[int, Outcome] = {}
        ok = [p for p in items if p.error is None]
        for p in items:
            if p.error is not None:
                outcomes[id(p)] = Outcome(p.path, error=p.error, timings=StageTimings(read=p.read_s))
        for group in self._same_shape_groups(ok) if ok else []:
            t0 = time.perf_counter()
            metas = [p.meta for p in group]
            try:
                outputs = self.infer([p.tensor for p in group], metas)
                t1 = time.perf_counter()
                results = self.finish(outputs, metas)
            except Exception as e:  # noqa: BLE001 - one bad batch must not stop a run
                for p in group:
                    outcomes[id(p)] = Outcome(p.path, error=stage_error("inference", e),
                                              timings=StageTimings(p.read_s, p.preprocess_s))
                continue
            t2 = time.perf_counter()
            n = len(group)
            for p, r in zip(group, results):
                outcomes[id(p)] = Outcome(
                    p.path, result=r,
                    timings=StageTimings(p.read_s, p.preprocess_s, (t1 - t0) / n, (t2 - t1) / n),
                )
        return [outcomes[id(p)] for p in items]

    # -- convenience --------------------------------------------------------------
    def predict(self, image: np.ndarray) -> Result:
        return self.predict_batch([image])[0]

    def predict_batch(self, images: Sequence[np.ndarray]) -> List[Result]:
        prepared = [self.prepare(im) for im in images]
        out = self.run_prepared(prepared)
        errors = [o.error for o in out if o.error]
        if errors:
            raise InspectorError(errors[0])
        return [o.result for o in out]

    def predict_path(self, path: Union[str, Path]) -> Outcome:
        return self.run_prepared([self.prepare_path(path)])[0]

    def run(self, paths: Iterable[Union[str, Path]], cancel: Optional[CancelFn] = None,
            prefetch: Optional[int] = None) -> Iterator[Outcome]:
        """Inspect many images, overlapping reading/preprocessing with inference.

        ``cancel`` is polled between batches; the helper thread stops with it.
        ``prefetch``: images decoded ahead by the helper thread (default :attr:`prefetch`,
        the measured layout); ``0`` reads and preprocesses in the calling thread instead.
        """
        bs = self.settings.batch_size
        if prefetch is None:
            prefetch = self.prefetch
        if prefetch <= 0:
            yield from self._run_inline(paths, cancel)
            return
        q: queue.Queue = queue.Queue(maxsize=max(2, prefetch) * bs)
        stop = threading.Event()

        def producer() -> None:
            _yield_cpu_to_inference()
            try:
                for path in paths:
                    if stop.is_set():
                        break
                    q.put(self.prepare_path(path))
            except BaseException as e:  # noqa: BLE001 - e.g. the path iterable failed: the run
                q.put(_Failed(e))  # must stop with this error, not end as if it were complete
            finally:
                q.put(_DONE)

        thread = threading.Thread(target=producer, name="inspector-prefetch", daemon=True)
        thread.start()
        try:
            done = False
            while not done:
                if cancel is not None and cancel():
                    break
                batch: List[Prepared] = []
                item = q.get()
                while item is not _DONE and not isinstance(item, _Failed):
                    batch.append(item)
                    if len(batch) >= bs:
                        break
                    try:
                        item = q.get(timeout=0.001 if batch else None)
                    except queue.Empty:
                        break
                done = item is _DONE or isinstance(item, _Failed)
                if batch:
                    yield from self.run_prepared(batch)
                if isinstance(item, _Failed):
                    raise InspectorError(f"the run stopped: {stage_error('listing', item.error)}")
        finally:
            stop.set()
            while thread.is_alive():  # drain so the producer can finish
                with contextlib.suppress(queue.Empty):
                    q.get(timeout=0.05)

    def _run_inline(self, paths: Iterable[Union[str, Path]], cancel: Optional[CancelFn]) -> Iterator[Outcome]:
        """The sequential layout: read, preprocess and infer one batch after the other."""
        batch: List[Prepared] = []
        for path in paths:
            if cancel is not None and cancel():
                return
            batch.append(self.prepare_path(path))
            if len(batch) >= self.settings.batch_size:
                yield from self.run_prepared(batch)
                batch = []
        if batch and not (cancel is not None and cancel()):
            yield from self.run_prepared(batch)
