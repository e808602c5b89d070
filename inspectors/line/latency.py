"""Rolling figures of a line: latency from capture to verdict (p50 / p99) and frame rate."""

from __future__ import annotations

import collections
import threading
import time
from typing import Deque, Optional, Tuple

import numpy as np


class Rolling:
    """The last ``window`` latencies (seconds) and the decision times of the last
    ``fps_span`` seconds; memory stays bounded however long the line runs."""

    def __init__(self, window: int = 2048, fps_span: float = 5.0):
        self._lat: Deque[float] = collections.deque(maxlen=window)
        self._times: Deque[float] = collections.deque()
        self._span = fps_span
        self._lock = threading.Lock()

    def add(self, latency_s: float, now: Optional[float] = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            self._lat.append(latency_s)
            self._times.append(now)
            while self._times and now - self._times[0] > self._span:
                self._times.popleft()

    def percentiles(self) -> Tuple[float, float]:
        """(p50, p99) in milliseconds; NaN before the first frame."""
        with self._lock:
            values = np.asarray(self._lat, dtype=np.float64)
        if not len(values):
            return float("nan"), float("nan")
        p50, p99 = np.percentile(values, [50, 99])
        return float(p50 * 1e3), float(p99 * 1e3)

    def fps(self, now: Optional[float] = None) -> float:
        now = time.monotonic() if now is None else now
        with self._lock:
            times = [t for t in self._times if now - t <= self._span]
        if len(times) < 2:
            return 0.0
        return (len(times) - 1) / max(times[-1] - times[0], 1e-9)
