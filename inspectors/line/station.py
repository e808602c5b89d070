"""The station loop: frames from a source -> infer -> decide -> store -> outputs.

One inference thread takes frames from the :class:`.backpressure.FrameQueue`. A file's key
(size, mtime, digest: :func:`inspectors.runs.fingerprint.file_key`) is taken before it is
read; a file the run already holds with the same bytes is skipped (a restart decides
nothing again). The verdict comes from the decision rules (:func:`inspectors.rules.decide`
on the image's :func:`inspectors.rules.defect_table`, the one decision every consumer
uses). The run stays bounded: a camera frame is saved and stored only when its verdict is
kept (``keep="flagged"``: NG, REVIEW and errors; ``"all"``); a folder's files are stored
(their images stay where the line put them). Then one log line is written and the message
is offered to each output's queue (never blocking).
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence

from ..imageio import write_image
from ..results import Outcome
from ..rules import BoundRules, Decision, decide, defect_table
from ..runs import Run, RunError
from ..runs.fingerprint import FileKey, file_key
from .backpressure import FrameQueue
from .frames import Frame
from .latency import Rolling
from .outputs import LogOutput, Message, QueuedOutput

KEEPS = ("flagged", "all")


@dataclass
class StationConfig:
    station_id: str = "station"
    policy: str = "queue"
    queue_size: int = 16
    keep: str = "flagged"  # camera frames saved and stored: flagged (NG, REVIEW, errors) or all
    capture_dir: Optional[str] = None  # where kept camera frames go (the run's folder)
    max_images: int = 0  # stop after this many decided (0: run until stopped)


@dataclass
class StationStats:
    decided: int = 0
    skipped: int = 0  # already decided (same bytes in the run)
    gone: int = 0  # vanished before they were read
    counts: Dict[str, int] = field(default_factory=lambda: {"OK": 0, "REVIEW": 0, "NG": 0, "ERROR": 0})
    stored: int = 0
    not_stored: int = 0  # OK camera frames under keep=flagged
    store_errors: int = 0
    last_store_error: str = ""


@dataclass
class Verdict:
    """What the station hands to an observer (the app) per decided frame."""

    frame: Frame
    outcome: Outcome
    decision: Optional[Decision]
    message: Message


class Station:
    """Run ``inspector`` on frames from ``source`` until :meth:`stop` (or the source ends)."""

    def __init__(self, inspector, rules: BoundRules, source, log: Optional[LogOutput],
                 outputs: Sequence[QueuedOutput] = (), run: Optional[Run] = None,
                 config: Optional[StationConfig] = None,
                 on_verdict: Optional[Callable[[Verdict], None]] = None):
        self.inspector = inspector
        self.rules = rules
        self.source = source
        self.log = log
        self.outputs = list(outputs)
        self.run = run
        self.config = config = config or StationConfig()
        self.on_verdict = on_verdict
        self.queue = FrameQueue(config.policy, config.queue_size)
        self.stats = StationStats()
        self.rolling = Rolling()
        self._stop = threading.Event()
        self._paused = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self.done = threading.Event()
        self.error: Optional[BaseException] = None
        self._decided_here: Dict[str, FileKey] = {}  # without a run: what this process decided
        if config.capture_dir:
            os.makedirs(config.capture_dir, exist_ok=True)

    # -- life ------------------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._work, name="line-station", daemon=True)
        self._thread.start()
        self.source.start(self.queue.put)

    def stop(self) -> None:
        """Stop taking frames; the image being inferred is finished, queued ones are left
        (a folder's files are taken again at the next start)."""
        self._stop.set()
        self.queue.close()
        self.source.stop()

    def wait(self, timeout: Optional[float] = None) -> bool:
        return self.done.wait(timeout)

    def pause(self, paused: bool = True) -> None:
        """Paused: frames still arrive under the backpressure policy but none is decided."""
        if paused:
            self._paused.set()
        else:
            self._paused.clear()

    @property
    def paused(self) -> bool:
        return self._paused.is_set()

    def close_outputs(self, timeout: float = 5.0) -> Dict[str, int]:
        """Flush the log and give each output up to ``timeout`` s to deliver its queue;
        returns what each left undelivered."""
        left = {}
        deadline = time.monotonic() + timeout
        for out in self.outputs:
            left[out.name] = out.close(max(0.1, deadline - time.monotonic()))
        if self.log is not None:
            self.log.close()
        return left

    # -- the loop -----------------------------------------------------------------------
    def _work(self) -> None:
        try:
            while not self._stop.is_set():
                if self._paused.is_set():
                    self._stop.wait(0.05)
                    continue
                frame = self.queue.get(timeout=0.1)
                if frame is None:
                    if self.queue.closed or getattr(self.source, "finished", threading.Event()).is_set() \
                            and not len(self.queue):
                        break
                    continue
                self._one(frame)
                if self.config.max_images and self.stats.decided >= self.config.max_images:
                    break
        except BaseException as e:  # noqa: BLE001 - told to the caller, who stops the line
            self.error = e
        finally:
            self.done.set()

    def _already(self, frame: Frame, key: FileKey) -> bool:
        if self.run is not None:
            try:
                stored = self.run.key_of(frame.path)
            except RunError:
                stored = None
            if stored is not None and stored[0] == key[0] and (stored[1] == key[1] or stored[2] == key[2]):
                return True
        return self._decided_here.get(frame.path or "") == key

    def _one(self, frame: Frame) -> None:
        key: Optional[FileKey] = None
        if frame.path is not None:
            try:
                key = file_key(frame.path)  # before it is read: the bytes decided are these
            except OSError:
                self.stats.gone += 1
                return
            if self._already(frame, key):
                self.stats.skipped += 1
                return
            outcome = self.inspector.predict_path(frame.path)
        else:
            try:
                prepared = self.inspector.prepare(frame.image, frame.name)
            except Exception as e:  # noqa: BLE001 - one bad frame must not stop the line
                outcome = Outcome(frame.name, error=f"preprocess: {e}")
            else:
                outcome = self.inspector.run_prepared([prepared])[0]
        decision = decide(defect_table(outcome.result), self.rules) if outcome.ok else None
        verdict = decision.verdict.name if decision is not None else "ERROR"
        latency = time.monotonic() - frame.captured
        self.rolling.add(latency)
        self.stats.decided += 1
        self.stats.counts[verdict] += 1
        path, outcome = self._store(frame, outcome, key, verdict)
        message = self._message(frame, outcome, decision, verdict, latency, key, path)
        if self.log is not None:
            self.log.write(message)
        for out in self.outputs:
            out.offer(message)
        if self.on_verdict is not None:
            self.on_verdict(Verdict(frame, outcome, decision, message))

    def _store(self, frame: Frame, outcome: Outcome, key: Optional[FileKey], verdict: str):
        """(the image file the message names, or "", the outcome as stored)."""
        path = frame.path or ""
        if frame.path is None:
            keep = self.config.keep == "all" or verdict != "OK"
            if not keep or not self.config.capture_dir:
                self.stats.not_stored += 1
                return "", outcome
            path = os.path.join(self.config.capture_dir, frame.name)
            try:
                write_image(path, frame.image)
                key = file_key(path)
            except Exception as e:  # noqa: BLE001 - a full disk: counted, the line goes on
                self.stats.store_errors += 1
                self.stats.last_store_error = str(e)
                return "", outcome
            outcome = Outcome(path, result=outcome.result, error=outcome.error, timings=outcome.timings)
        if self.run is None:
            if key is not None and frame.path is not None:
                self._decided_here[frame.path] = key
            return path, outcome
        try:
            self.run.put(outcome, *key) if key is not None else self.run.put(outcome)
            self.stats.stored += 1
        except RunError as e:
            self.stats.store_errors += 1
            self.stats.last_store_error = str(e)
            if key is not None and frame.path is not None:
                self._decided_here[frame.path] = key
        return path, outcome

    def _message(self, frame: Frame, outcome: Outcome, decision: Optional[Decision], verdict: str,
                 latency: float, key: Optional[FileKey], path: str) -> Message:
        name = frame.name.replace(os.sep, "/")
        ident = f"{self.config.station_id}:{name}" + (f":{key[2][:16]}" if key is not None and frame.path else "")
        t = outcome.timings
        result = outcome.result
        kept = [d for d in decision.defects if d.kept] if decision is not None else []
        msg: Message = {
            "id": ident,
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(frame.wall))
            + f".{int(frame.wall * 1000) % 1000:03d}",
            "station": self.config.station_id,
            "file": name,
            "path": path,
            "verdict": verdict,
            "flagged": int(verdict != "OK"),
            "reasons": list(decision.reasons) if decision is not None else [],
            "defect_score": round(float(result.defect_score()), 6) if result is not None else None,
            "classes": sorted({d.class_name for d in kept}),
            "error": outcome.error or "",
            "latency_ms": round(latency * 1e3, 2),
            "read_ms": round(t.read * 1e3, 2), "preprocess_ms": round(t.preprocess * 1e3, 2),
            "inference_ms": round(t.inference * 1e3, 2), "postprocess_ms": round(t.postprocess * 1e3, 2),
            "dropped": self.queue.dropped,
        }
        return msg

    # -- figures ---------------------------------------------------------------------------
    def figures(self) -> Dict[str, Any]:
        p50, p99 = self.rolling.percentiles()
        out = {"decided": self.stats.decided, "skipped": self.stats.skipped, **self.stats.counts,
               "fps": round(self.rolling.fps(), 2), "p50_ms": round(p50, 1), "p99_ms": round(p99, 1),
               "dropped": self.queue.dropped, "queued": len(self.queue)}
        for o in self.outputs:
            out[o.name] = o.stats()
        return out

    def summary_line(self) -> str:
        f = self.figures()
        s = (f"{f['decided']} decided (OK {f['OK']}, REVIEW {f['REVIEW']}, NG {f['NG']}, errors "
             f"{f['ERROR']}), {f['skipped']} already decided, {f['fps']:.1f} img/s, latency p50 "
             f"{f['p50_ms']:.0f} ms p99 {f['p99_ms']:.0f} ms, dropped {f['dropped']} ({self.queue.policy})")
        outs: List[str] = [f"{o.name} sent {o.sent} pending {o.pending} lost {o.lost}" for o in self.outputs]
        return s + ("; " + ", ".join(outs) if outs else "")
