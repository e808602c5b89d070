"""Live speed of a run: images/s and per-stage latency over a sliding window."""

from __future__ import annotations

import collections
import time
from typing import Deque, Dict, Optional, Tuple

from inspectors.results import StageTimings

STAGES = ("read", "preprocess", "inference", "postprocess")


class RunStats:
    """Arrival times and stage timings of recent outcomes (GUI thread only)."""

    def __init__(self, window_s: float = 3.0, clock=time.perf_counter):
        self.window_s = window_s
        self.clock = clock
        self._events: Deque[Tuple[float, StageTimings]] = collections.deque()
        self.total = 0
        self.started: Optional[float] = None

    def reset(self) -> None:
        self._events.clear()
        self.total = 0
        self.started = self.clock()

    def add(self, timings: StageTimings) -> None:
        if self.started is None:
            self.started = self.clock()
        self._events.append((self.clock(), timings))
        self.total += 1
        self._trim()

    def _trim(self) -> None:
        cutoff = self.clock() - self.window_s
        while self._events and self._events[0][0] < cutoff:
            self._events.popleft()

    def fps(self) -> float:
        """Images per second over the window (or since the run started, if shorter)."""
        self._trim()
        if not self._events:
            return 0.0
        now = self.clock()
        span = min(self.window_s, now - (self.started if self.started is not None else now))
        span = max(span, now - self._events[0][0], 1e-3)
        return len(self._events) / span

    def latency_ms(self) -> Dict[str, float]:
        """Mean milliseconds per stage over the window."""
        self._trim()
        n = len(self._events)
        if not n:
            return {s: 0.0 for s in STAGES}
        return {s: 1e3 * sum(getattr(t, s) for _, t in self._events) / n for s in STAGES}
