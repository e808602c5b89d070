"""The actor Ray Data calls with batches of image paths: one Inspector per actor.

It takes each image's file key (size, mtime, digest: :func:`inspectors.runs.fingerprint.file_key`)
before the engine reads the image, as a local run does, so the driver stores exactly what
was inferred; an image this node cannot open gets an error that says so (the images must
be on a filesystem every node sees at the driver's path).
"""

from __future__ import annotations

import os
import pickle
import socket
import time
import weakref
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

from ..results import Outcome
from ..runs.fingerprint import FileKey, file_key
from ..runtime import RuntimeSettings
from .payload import ModelFolder, ModelPayload

#: One record per image as the actor returns it: the outcome and its file key (None when
#: this node could not stat the file: the outcome is then the error saying so).
Record = Tuple[Outcome, Optional[FileKey]]


def unreadable(path: str, error: OSError) -> str:
    """One line for an image a worker cannot open."""
    return (f"{Path(path).name}: cannot open {path} on cluster node {socket.gethostname()} "
            f"({error.strerror or error}); cluster workers read the images at the driver's path, "
            "so they must be on a filesystem every node mounts there")


def encode(records: List[Record]) -> List[bytes]:
    return [pickle.dumps(r, protocol=pickle.HIGHEST_PROTOCOL) for r in records]


def decode(blob: bytes) -> Record:
    """A record sent by an actor of this run (trusted: the cluster runs our own code)."""
    return pickle.loads(blob)


class InspectWorker:
    """Built once per actor: the model rebuilt from the payload, then one Inspector."""

    def __init__(self, payload: Any, settings: RuntimeSettings):
        from ..engine import Inspector

        t0 = time.perf_counter()
        if not isinstance(payload, ModelPayload):  # an object ref (ray.put by the driver)
            import ray

            payload = ray.get(payload)
        self.folder = ModelFolder(payload)
        weakref.finalize(self, self.folder.close)
        self.inspector = Inspector(self.folder.spec, settings)
        self.started_s = time.perf_counter() - t0
        self.where = f"{socket.gethostname()}:{os.getpid()}"
        self.batches = 0
        self.infer_s = 0.0  # of the last batch: inside the engine (the rest is keys, pickling)

    def inspect(self, paths: List[str]) -> List[Record]:
        """Outcomes in the order of ``paths``; a file key taken before each image is read."""
        keys: Dict[str, Optional[FileKey]] = {}
        errors: Dict[str, Outcome] = {}
        for p in paths:
            try:
                keys[p] = file_key(p)
            except OSError as e:
                keys[p] = None
                errors[p] = Outcome(p, error=unreadable(p, e))
        t0 = time.perf_counter()
        done = {o.path: o for o in self.inspector.run([p for p in paths if p not in errors])}
        self.infer_s = time.perf_counter() - t0
        return [(errors.get(p) or done[p], keys[p]) for p in paths]

    def __call__(self, batch: Dict[str, np.ndarray]) -> Dict[str, np.ndarray]:
        t0, started = time.perf_counter(), time.time()
        paths = [str(p) for p in batch["path"]]
        records = self.inspect(paths)
        n = len(paths)
        self.batches += 1
        return {"path": np.array(paths, dtype=object),
                "record": np.array(encode(records), dtype=object),
                "worker": np.array([self.where] * n, dtype=object),
                "batch": np.array([f"{self.where}#{self.batches}"] * n, dtype=object),
                "start_s": np.full(n, self.started_s),
                "batch_s": np.full(n, time.perf_counter() - t0),
                "infer_s": np.full(n, self.infer_s),
                "started": np.full(n, started)}  # wall clock: gaps between an actor's batches
