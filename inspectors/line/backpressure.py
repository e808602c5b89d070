"""The bounded hand-over between a source and inference, with a policy for when frames
come faster than the model decides them."""

from __future__ import annotations

import collections
import threading
from typing import Deque, Optional

from .frames import Frame

#: drop-oldest: keep the newest N (a camera: the verdict is about what the line shows now);
#: drop-newest: keep the first N, refuse later ones; queue: up to N wait and the source waits
#: for room (nothing dropped: a folder's files wait on disk).
POLICIES = ("drop-oldest", "drop-newest", "queue")


class FrameQueue:
    """A bounded queue of frames under one of :data:`POLICIES`; counts what it drops."""

    def __init__(self, policy: str = "queue", size: int = 16):
        if policy not in POLICIES:
            raise ValueError(f"policy must be one of {', '.join(POLICIES)}, got {policy!r}")
        if size < 1:
            raise ValueError(f"queue size must be at least 1, got {size}")
        self.policy = policy
        self.size = size
        self._items: Deque[Frame] = collections.deque()
        self._cond = threading.Condition()
        self._closed = False
        self.dropped = 0
        self.accepted = 0
        self.max_depth = 0

    def put(self, frame: Frame) -> bool:
        """Offer a frame; False when it was dropped (drop-newest) or the queue is closed."""
        with self._cond:
            while (self.policy == "queue" and len(self._items) >= self.size and not self._closed):
                self._cond.wait(0.1)
            if self._closed:
                return False
            if len(self._items) >= self.size:
                self.dropped += 1
                if self.policy == "drop-newest":
                    return False
                self._items.popleft()  # drop-oldest
            self._items.append(frame)
            self.accepted += 1
            self.max_depth = max(self.max_depth, len(self._items))
            self._cond.notify_all()
            return True

    def get(self, timeout: Optional[float] = None) -> Optional[Frame]:
        """The next frame, or None after ``timeout`` / once closed and empty."""
        with self._cond:
            if not self._items and not self._closed:
                self._cond.wait(timeout)
            if not self._items:
                return None
            frame = self._items.popleft()
            self._cond.notify_all()
            return frame

    def __len__(self) -> int:
        with self._cond:
            return len(self._items)

    def close(self) -> None:
        """Wake every waiter; frames still queued stay for :meth:`get` until taken."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    @property
    def closed(self) -> bool:
        return self._closed
