"""Line mode (Qt-free): inspect images as the line makes them, and tell the line.

A source (:mod:`.folder`: a watched folder, files taken once complete; :mod:`.video`: a
camera, stream or video file through OpenCV; :mod:`.genicam`: GenICam cameras through the
optional ``harvesters`` package) hands :class:`.frames.Frame` objects to a bounded
:class:`.backpressure.FrameQueue` (drop-oldest, drop-newest or queue); the
:class:`.station.Station` thread infers each frame, decides it with the decision rules
(:func:`inspectors.rules.decide`), stores it in the run and hands a message to the outputs
(:mod:`.outputs`: a JSONL / CSV log line, NG images copied to a folder, MQTT, a webhook;
every remote output on its own bounded queue and sender thread, so a slow or lost
endpoint never stops inspection).
"""

from .backpressure import POLICIES, FrameQueue
from .frames import Frame, LineError
from .station import Station, StationConfig, StationStats

__all__ = ["POLICIES", "Frame", "FrameQueue", "LineError", "Station", "StationConfig", "StationStats"]
