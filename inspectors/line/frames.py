"""What a source hands to the station: one frame (a complete file, or a grabbed image)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from ..errors import InspectorError


class LineError(InspectorError):
    """A source or output that cannot be used (a folder gone, a camera that does not open)."""


@dataclass
class Frame:
    """One image from the line.

    ``path``: a complete file (folder source; read by the station, never modified);
    ``image``: a decoded BGR frame (camera / video source), saved by the station only when
    the run keeps it. ``captured``: ``time.monotonic()`` when the file was found complete or
    the frame grabbed (the start of the latency to the verdict); ``wall``: ``time.time()``
    then."""

    name: str
    captured: float
    wall: float
    path: Optional[str] = None
    image: Optional[np.ndarray] = field(default=None, repr=False)
    seq: int = 0
