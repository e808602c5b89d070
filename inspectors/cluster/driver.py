"""The driver's side of a cluster run: connect to Ray (or start it here), ship the model,
run Ray Data ``map_batches`` over the image paths with a pool of :class:`.worker.InspectWorker`
actors, and stream each image's outcome back to the caller, which stores it (one writer).

Ray is imported here and in :mod:`.worker` only, inside functions: the base install
(without the ``cluster`` extra) imports this module and fails only when a run is asked for.
Ray Data's actor pool restarts a killed actor and retries its batch; an image whose batch
ran twice is still given to the caller once.
"""

from __future__ import annotations

import logging
import math
import os
import socket
import sys
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Tuple, Union

from ..errors import InspectorError
from ..formats import ModelSpec, load_model_spec
from ..results import Outcome
from ..runs.fingerprint import FileKey
from ..runtime import RuntimeSettings
from .payload import ModelPayload, model_payload
from .worker import InspectWorker, decode

#: Images per Ray task at most (fewer when that would leave actors idle): large enough that
#: the per-task overhead is small against inference, small enough for a steady progress bar
#: and little work redone when an actor dies.
BATCH_IMAGES = 32
#: Restarts of a dead actor and retries of its batch, so an image that kills the worker
#: (a native crash) stops the run instead of looping; what was stored stays.
MAX_RESTARTS = 3


class ClusterError(InspectorError):
    """The cluster cannot be used as asked (Ray missing, an unreachable address, no room
    for an actor): the command says so in one line and exits 2."""


@dataclass(frozen=True)
class ClusterOptions:
    """Where and how wide: ``address`` None starts Ray on this machine."""

    address: Optional[str] = None
    actors: Optional[int] = None  # None: as many as the cluster's CPUs (and GPUs) allow
    cpus_per_actor: float = 1.0
    gpus_per_actor: float = 0.0
    batch_images: Optional[int] = None  # None: BATCH_IMAGES, fewer for small runs
    ship_code: bool = True  # send this process's inspectors package to the workers

    def __post_init__(self) -> None:
        if self.actors is not None and self.actors < 1:
            raise ClusterError(f"--actors must be 1 or more, got {self.actors}")
        if not (math.isfinite(self.cpus_per_actor) and self.cpus_per_actor > 0):
            raise ClusterError(f"--cpus-per-actor must be a number above 0, got {self.cpus_per_actor}")
        if not (math.isfinite(self.gpus_per_actor) and self.gpus_per_actor >= 0):
            raise ClusterError(f"--gpus-per-actor must be 0 or more, got {self.gpus_per_actor}")


@dataclass
class RunStats:
    """What the last :meth:`RayInspector.run_keyed` measured (bench/bench_ray.py)."""

    images: int = 0
    actors: int = 0
    batch_images: int = 0
    batches: int = 0
    wall_s: float = 0.0
    first_result_s: float = 0.0  # from the start of the run to the first outcome back
    actor_start_s: Dict[str, float] = field(default_factory=dict)  # per actor: model load
    batch_s: List[float] = field(default_factory=list)  # per batch, inside the actor
    infer_s: List[float] = field(default_factory=list)  # per batch, of it inside the engine
    idle_s: List[float] = field(default_factory=list)  # per actor and batch after its first: the gap before it
    repeated: int = 0  # outcomes of images already given (a retried batch)


def import_ray():
    """The ray module, or ClusterError saying how to install it."""
    try:
        import ray
        import ray.data  # noqa: F401 - Ray Data (and its pyarrow) must import too
    except ImportError as e:
        raise ClusterError(f"--cluster ray needs Ray, which is not installed here ({e}); "
                           "install the extra: pip install -e \".[cluster]\"") from None
    return ray


def parse_address(address: str) -> Tuple[str, int]:
    """(host, port) of ``HOST:PORT``; ClusterError when malformed."""
    host, sep, port = address.rpartition(":")
    host = host.strip("[]")
    if not sep or not host or "/" in host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ClusterError(f"--address must be HOST:PORT, the Ray head's GCS port (e.g. 10.0.0.5:6379), "
                           f"got {address!r}")
    return host, int(port)


def check_reachable(address: str, timeout: float = 5.0) -> None:
    """A TCP connection to the address, so an unreachable one is one line, not Ray's
    minute of retries."""
    host, port = parse_address(address)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as e:
        reason = e.strerror or type(e).__name__
        raise ClusterError(f"cannot reach a Ray cluster at {address}: {reason}") from None


def _one_line(e: BaseException) -> str:
    lines = [s.strip() for s in str(e).strip().splitlines() if s.strip()]
    return f"{type(e).__name__}: {lines[-1] if lines else ''}".rstrip(": ")


def _quiet_ray_logs() -> None:
    """The command's own lines and progress bar, not Ray's notes (a failure reaches the
    command as an exception, told in one line)."""
    for name in ("ray", "ray.data"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _gaps(batches: Iterable[Tuple[str, float, float, float]]) -> List[float]:
    """Per actor, the idle time before each batch after its first (Ray's hand-over)."""
    by_actor: Dict[str, List[Tuple[float, float]]] = {}
    for worker, started, batch_s, _infer_s in batches:
        by_actor.setdefault(worker, []).append((started, batch_s))
    gaps = []
    for runs in by_actor.values():
        runs.sort()
        gaps += [max(0.0, b[0] - (a[0] + a[1])) for a, b in zip(runs, runs[1:])]
    return gaps


class RayInspector:
    """The Inspector's face for a cluster: ``spec``, ``settings``, ``task``, and ``run``
    / ``run_keyed`` over paths, each image inferred on an actor of the pool.

    Connects on construction (ClusterError when it cannot); :meth:`close` disconnects
    (and stops a Ray it started)."""

    def __init__(self, model: Union[str, Path], settings: RuntimeSettings,
                 options: ClusterOptions = ClusterOptions(), spec: Optional[ModelSpec] = None):
        self.spec = spec or load_model_spec(model)
        self.settings = settings
        self.options = options
        self.payload: ModelPayload = model_payload(model, self.spec)
        self.stats = RunStats()
        self._ray = import_ray()
        self.connect_s = 0.0
        self._connect()
        try:
            self._payload_ref = self._ray.put(self.payload)
            self.actors = self._pool_size()
        except BaseException:
            self.close()
            raise

    @property
    def task(self) -> str:
        return self.spec.task

    @property
    def class_names(self) -> Tuple[str, ...]:
        return self.spec.class_names

    # -- connection -------------------------------------------------------------
    def _runtime_env(self) -> Dict[str, Any]:
        if not self.options.ship_code:
            return {}
        import inspectors

        return {"py_modules": [os.path.dirname(inspectors.__file__)],
                "excludes": ["__pycache__", "*.pyc"]}

    def _connect(self) -> None:
        ray = self._ray
        address = self.options.address
        if address is not None:
            check_reachable(address)
        if ray.is_initialized():  # an earlier run in this process
            ray.shutdown()
        _quiet_ray_logs()
        t0 = time.perf_counter()
        kwargs: Dict[str, Any] = {"log_to_driver": False, "logging_level": logging.ERROR,
                                  "runtime_env": self._runtime_env()}
        try:
            if address is None:
                ray.init(address="local", include_dashboard=False, **kwargs)
            else:
                ray.init(address=address, **kwargs)
        except Exception as e:  # noqa: BLE001 - any failure to connect is the address's
            where = address or "this machine"
            raise ClusterError(f"cannot start or join Ray at {where}: {_one_line(e)}") from None
        self.connect_s = time.perf_counter() - t0
        _quiet_ray_logs()
        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = False  # the command draws its own
        ctx.print_on_execution_start = False

    def _pool_size(self) -> int:
        """The actors asked for, else as many as the cluster's resources hold; ClusterError
        when no node could ever hold one."""
        ray, opt = self._ray, self.options
        nodes = [n.get("Resources", {}) for n in ray.nodes() if n.get("Alive")]
        need = {"CPU": opt.cpus_per_actor, "GPU": opt.gpus_per_actor}
        if not any(all(r.get(k, 0.0) >= v for k, v in need.items() if v) for r in nodes):
            most = {k: max((r.get(k, 0.0) for r in nodes), default=0.0) for k in need}
            raise ClusterError(
                f"no node of the cluster has {opt.cpus_per_actor:g} CPUs"
                + (f" and {opt.gpus_per_actor:g} GPUs" if opt.gpus_per_actor else "")
                + f" for an actor (the largest has {most['CPU']:g} CPUs, {most['GPU']:g} GPUs); "
                "lower --cpus-per-actor / --gpus-per-actor")
        fits = sum(int(min(r.get(k, 0.0) // v for k, v in need.items() if v)) for r in nodes)
        if opt.actors is None:
            return max(1, fits)
        if opt.actors > fits:
            print(f"note: the cluster holds {fits} actors of {opt.cpus_per_actor:g} CPUs now; "
                  f"{opt.actors} asked (the others start when there is room)", file=sys.stderr)
        return opt.actors

    def close(self) -> None:
        """Disconnect (a Ray started here stops with it)."""
        if self._ray.is_initialized():
            self._ray.shutdown()

    def __enter__(self) -> RayInspector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- running ------------------------------------------------------------------
    def _batch_images(self, n: int) -> int:
        if self.options.batch_images:
            return self.options.batch_images
        return max(1, min(BATCH_IMAGES, math.ceil(n / (self.actors * 4))))

    def _dataset(self, paths: List[str], batch: int):
        ray, opt = self._ray, self.options
        blocks = max(1, math.ceil(len(paths) / batch))
        ds = ray.data.from_items([{"path": p} for p in paths], override_num_blocks=blocks)
        with warnings.catch_warnings():  # max_restarts as a remote arg: deprecated after 2.60
            warnings.simplefilter("ignore")
            return ds.map_batches(
                InspectWorker,
                fn_constructor_kwargs={"payload": self._payload_ref, "settings": self.settings},
                batch_size=batch, batch_format="numpy",
                compute=ray.data.ActorPoolStrategy(size=min(self.actors, blocks)),  # none idle
                num_cpus=opt.cpus_per_actor, num_gpus=opt.gpus_per_actor or None,
                max_restarts=MAX_RESTARTS, max_task_retries=MAX_RESTARTS)

    def run_keyed(self, paths: Iterable[Union[str, Path]]) -> Iterator[Tuple[Outcome, Optional[FileKey]]]:
        """Each path's outcome (in the order they finish) with the image's file key, taken
        by the worker before it read the image (None: the worker could not open it; the
        outcome is that error). Each path once; InspectorError when the run stops."""
        todo = list(dict.fromkeys(os.fspath(p) for p in paths))
        stats = self.stats = RunStats(images=len(todo), actors=self.actors)
        if not todo:
            return
        stats.batch_images = self._batch_images(len(todo))
        stats.actors = min(self.actors, math.ceil(len(todo) / stats.batch_images))
        left = set(todo)
        batches: Dict[str, Tuple[str, float, float, float]] = {}  # id -> actor, start, batch_s, infer_s
        t0 = time.perf_counter()
        try:
            ds = self._dataset(todo, stats.batch_images)
            for block in ds.iter_batches(batch_size=None, batch_format="numpy"):
                for path, blob, worker, batch, start_s, batch_s, infer_s, started in zip(
                        block["path"], block["record"], block["worker"], block["batch"],
                        block["start_s"], block["batch_s"], block["infer_s"], block["started"]):
                    stats.actor_start_s.setdefault(str(worker), float(start_s))
                    batches[str(batch)] = (str(worker), float(started), float(batch_s), float(infer_s))
                    if path not in left:
                        stats.repeated += 1
                        continue
                    left.discard(path)
                    if not stats.first_result_s:
                        stats.first_result_s = time.perf_counter() - t0
                    yield decode(blob)
        except InspectorError:
            raise
        except Exception as e:  # noqa: BLE001 - Ray's errors: one line; stored images stay
            raise InspectorError(f"the cluster run stopped ({len(left)} of {len(todo)} images not "
                                 f"done; run again to continue): {_one_line(e)}") from None
        finally:
            stats.wall_s = time.perf_counter() - t0
            stats.batch_s = [b for _w, _t, b, _i in batches.values()]
            stats.infer_s = [i for _w, _t, _b, i in batches.values()]
            stats.idle_s = _gaps(batches.values())
            stats.batches = len(batches)
        if left:
            raise InspectorError(f"the cluster run ended without {len(left)} of {len(todo)} images "
                                 f"(e.g. {sorted(left)[0]}); run again to continue")

    def run(self, paths: Iterable[Union[str, Path]]) -> Iterator[Outcome]:
        """Like :meth:`inspectors.engine.Inspector.run`, on the cluster: outcomes in the
        order of ``paths`` (each held back until those before it are in)."""
        order = [os.fspath(p) for p in paths]
        left = Counter(order)  # a path given twice is given back twice, as the engine does
        held: Dict[str, Outcome] = {}
        i = 0
        for outcome, _key in self.run_keyed(order):
            held[os.fspath(outcome.path)] = outcome
            while i < len(order) and order[i] in held:
                path = order[i]
                yield held[path]
                left[path] -= 1
                if not left[path]:
                    del held[path]
                i += 1
