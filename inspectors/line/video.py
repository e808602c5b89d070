"""A camera, a stream or a video file as a source, through OpenCV's ``VideoCapture``.

``SRC`` is a device index (``0``), a stream URL (``rtsp://...``, ``http://...``) or a video
file; a file is played at its own frame rate (a frame is grabbed when its time comes, so
a slow model meets the backpressure policy as it would on a live camera) and the source
finishes at its end. GenICam cameras: :mod:`.genicam`.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Callable, Optional, Union

from .frames import Frame, LineError

Emit = Callable[[Frame], bool]


def parse_source(src: str) -> Union[int, str]:
    """A device index for digits, else the URL or file as given."""
    s = src.strip()
    return int(s) if s.isdigit() else s


class VideoSource:
    """Grab frames from ``src`` on a thread and emit them; :attr:`finished` is set at the
    end of a file, when the stream is lost, or after :meth:`stop`."""

    def __init__(self, src: str, realtime: Optional[bool] = None):
        import cv2

        self.src = parse_source(src)
        self.is_file = isinstance(self.src, str) and os.path.isfile(self.src)
        if isinstance(self.src, str) and "://" not in self.src and not self.is_file:
            raise LineError(f"--camera {src}: no such video file, and not a device index or URL")
        self._cap = cv2.VideoCapture(self.src)
        if not self._cap.isOpened():
            raise LineError(f"cannot open the camera or video {src}")
        fps = float(self._cap.get(cv2.CAP_PROP_FPS) or 0.0)
        self.fps = fps if 0 < fps < 1000 else 0.0
        #: pace a file at its frame rate (a live source paces itself)
        self.realtime = self.is_file if realtime is None else realtime
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self.finished = threading.Event()
        self.grabbed = 0
        self.error: Optional[str] = None

    def start(self, emit: Emit) -> None:
        self._thread = threading.Thread(target=self._run, args=(emit,), name="line-video", daemon=True)
        self._thread.start()

    def _run(self, emit: Emit) -> None:
        t0 = time.monotonic()
        stamp = time.strftime("%Y%m%d-%H%M%S")
        try:
            while not self._stop.is_set():
                if self.realtime and self.fps:
                    due = t0 + self.grabbed / self.fps
                    delay = due - time.monotonic()
                    if delay > 0 and self._stop.wait(delay):
                        break
                ok, image = self._cap.read()
                if not ok or image is None:
                    if not self.is_file:
                        self.error = "the camera or stream stopped sending frames"
                    break
                self.grabbed += 1
                emit(Frame(name=f"{stamp}-{self.grabbed:08d}.png", captured=time.monotonic(),
                           wall=time.time(), image=image, seq=self.grabbed))
        finally:
            self._cap.release()
            self.finished.set()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        self.finished.set()
