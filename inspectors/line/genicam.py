"""GenICam cameras through ``harvesters`` (the optional extra ``genicam``:
``pip install defect-inspector[genicam]`` plus the camera maker's GenTL producer, a
``.cti`` file). Not tested here (no camera); the source has the same shape as
:class:`.video.VideoSource`, so the station and outputs are the tested ones."""

from __future__ import annotations

import threading
import time
from typing import Callable, Optional

import numpy as np

from .frames import Frame, LineError

Emit = Callable[[Frame], bool]


class GenICamSource:
    """The ``index``-th device the GenTL producer ``cti`` finds; frames as BGR arrays."""

    def __init__(self, cti: str, index: int = 0):
        try:
            from harvesters.core import Harvester  # optional extra
        except ImportError:
            raise LineError("GenICam cameras need the optional package harvesters "
                            "(pip install defect-inspector[genicam])") from None
        self._h = Harvester()
        self._h.add_file(cti)
        self._h.update()
        if index >= len(self._h.device_info_list):
            raise LineError(f"GenICam: no camera {index} (found {len(self._h.device_info_list)})")
        self._ia = self._h.create(index)
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self.finished = threading.Event()
        self.error: Optional[str] = None

    def start(self, emit: Emit) -> None:
        self._thread = threading.Thread(target=self._run, args=(emit,), name="line-genicam", daemon=True)
        self._thread.start()

    def _run(self, emit: Emit) -> None:
        import cv2

        stamp, seq = time.strftime("%Y%m%d-%H%M%S"), 0
        try:
            self._ia.start()
            while not self._stop.is_set():
                with self._ia.fetch(timeout=1.0) as buffer:
                    comp = buffer.payload.components[0]
                    image = np.array(comp.data, copy=True).reshape(comp.height, comp.width, -1)
                captured = time.monotonic()
                if image.shape[2] == 1:
                    image = cv2.cvtColor(image[:, :, 0], cv2.COLOR_GRAY2BGR)
                seq += 1
                emit(Frame(name=f"{stamp}-{seq:08d}.png", captured=captured, wall=time.time(),
                           image=image, seq=seq))
        except Exception as e:  # noqa: BLE001 - the camera's error ends the source, told once
            self.error = f"GenICam: {e}"
        finally:
            self._ia.stop()
            self._ia.destroy()
            self._h.reset()
            self.finished.set()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        self.finished.set()
