"""Where the station's messages go.

- :class:`LogOutput`: one JSONL or CSV line per image, appended, flushed at each line and
  fsynced at most every second and at close (the durable record of the line).
- :class:`QueuedOutput`: a bounded queue and a sender thread around a ``deliver``
  function (:class:`MqttSender`, :func:`webhook_sender`, :class:`NgFolderSender`); a failed
  delivery is retried with exponential backoff, the message staying at the head; when the
  queue is full the oldest message is dropped and counted. So a slow or lost endpoint never
  stops inspection. Every message carries an ``id`` (station, image, content) that stays the
  same across retries, so a receiver drops duplicates.
"""

from __future__ import annotations

import collections
import json
import os
import shutil
import threading
import time
import urllib.error
import urllib.request
from typing import Any, Callable, Deque, Dict, Sequence

from ..csvfile import csv_text
from .frames import LineError

Message = Dict[str, Any]

LOG_FIELDS = ["id", "time", "station", "file", "verdict", "flagged", "reasons", "defect_score",
              "classes", "error", "latency_ms", "read_ms", "preprocess_ms", "inference_ms",
              "postprocess_ms", "dropped"]


class LogOutput:
    """Append one line per message to a ``.jsonl`` or ``.csv`` file."""

    def __init__(self, path: str, fsync_every: float = 1.0):
        self.path = os.path.abspath(path)
        ext = os.path.splitext(self.path)[1].lower()
        if ext not in (".jsonl", ".csv"):
            raise LineError(f"the log must be a .jsonl or .csv file, got {path}")
        self.csv = ext == ".csv"
        parent = os.path.dirname(self.path)
        if not os.path.isdir(parent):
            raise LineError(f"the log's folder does not exist: {parent}")
        try:
            self._f = open(self.path, "a", encoding="utf-8", newline="")  # noqa: SIM115 - held until close()
        except OSError as e:
            raise LineError(f"cannot open the log {path}: {e.strerror or e}") from None
        if self.csv and self._f.tell() == 0:
            self._f.write(csv_text(LOG_FIELDS, []))
        self._fsync_every = fsync_every
        self._synced = time.monotonic()
        self._lock = threading.Lock()
        self.lines = 0

    def _write_csv(self, row: Message) -> None:
        """One row through the project's CSV writer (formula cells made inert), its header
        line cut: the header is written once, when the file is new."""
        text = csv_text(LOG_FIELDS, [{k: "; ".join(v) if isinstance(v, list) else v for k, v in row.items()}])
        self._f.write(text.split("\n", 1)[1])

    def write(self, message: Message) -> None:
        with self._lock:
            if self.csv:
                self._write_csv(message)
            else:
                self._f.write(json.dumps(message, ensure_ascii=False) + "\n")
            self._f.flush()
            self.lines += 1
            if time.monotonic() - self._synced >= self._fsync_every:
                os.fsync(self._f.fileno())
                self._synced = time.monotonic()

    def close(self) -> None:
        with self._lock:
            if not self._f.closed:
                self._f.flush()
                os.fsync(self._f.fileno())
                self._f.close()


class QueuedOutput:
    """A bounded queue and a sender thread around ``deliver(message)`` (raises on failure)."""

    def __init__(self, name: str, deliver: Callable[[Message], None], size: int = 10_000,
                 backoff: Sequence[float] = (0.05, 5.0), accept: Callable[[Message], bool] = lambda m: True):
        self.name = name
        self._deliver = deliver
        self._accept = accept
        self.size = size
        self._first, self._cap = backoff
        self._q: Deque[Message] = collections.deque()
        self._cond = threading.Condition()
        self._closing = False
        self._stopped = threading.Event()
        self.sent = 0
        self.retries = 0
        self.lost = 0  # dropped when the queue was full
        self.last_error = ""
        self._thread = threading.Thread(target=self._run, name=f"line-out-{name}", daemon=True)
        self._thread.start()

    def offer(self, message: Message) -> None:
        """Queue a message (never blocks); the oldest goes when the queue is full."""
        if not self._accept(message):
            return
        with self._cond:
            if len(self._q) >= self.size:
                self._q.popleft()
                self.lost += 1
            self._q.append(message)
            self._cond.notify_all()

    @property
    def pending(self) -> int:
        with self._cond:
            return len(self._q)

    def _run(self) -> None:
        delay = self._first
        while True:
            with self._cond:
                while not self._q and not self._closing:
                    self._cond.wait()
                if not self._q:
                    return
                message = self._q[0]
            if self._stopped.is_set():
                return
            try:
                self._deliver(message)
            except Exception as e:  # noqa: BLE001 - any failure: retry later, never stop the line
                self.retries += 1
                self.last_error = " ".join(str(e).split()) or type(e).__name__
                if self._stopped.wait(delay):
                    return
                delay = min(delay * 2, self._cap)
                continue
            delay = self._first
            with self._cond:
                if self._q and self._q[0] is message:
                    self._q.popleft()
                self.sent += 1
                self._cond.notify_all()

    def close(self, timeout: float = 5.0) -> int:
        """Deliver what is queued for up to ``timeout`` seconds, then stop; returns the
        number of messages left undelivered."""
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        self._thread.join(timeout)
        self._stopped.set()
        self._thread.join(1.0)
        return self.pending

    def stats(self) -> Dict[str, Any]:
        return {"sent": self.sent, "pending": self.pending, "retries": self.retries, "lost": self.lost}


class MqttSender:
    """Publish each message as JSON on ``topic`` at QoS 1 (paho-mqtt); paho reconnects on
    its own loop thread; a message counts as delivered only once the broker acknowledged it
    (PUBACK), else it is published again with the same id."""

    def __init__(self, host: str, port: int, topic: str, client_id: str = "", ack_timeout: float = 2.0):
        import paho.mqtt.client as mqtt

        self.topic = topic
        self.ack_timeout = ack_timeout
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id)
        self.client.reconnect_delay_set(min_delay=1, max_delay=5)
        self.client.max_inflight_messages_set(100)
        self._connected = threading.Event()
        self.client.on_connect = lambda c, u, f, rc, p=None: self._connected.set() if not rc.is_failure else None
        self.client.on_disconnect = lambda c, u, f, rc, p=None: self._connected.clear()
        self.client.connect_async(host, port, keepalive=10)
        self.client.loop_start()

    def __call__(self, message: Message) -> None:
        if not self._connected.wait(self.ack_timeout):
            raise LineError("the MQTT broker is not connected")
        info = self.client.publish(self.topic, json.dumps(message, ensure_ascii=False), qos=1)
        try:
            info.wait_for_publish(self.ack_timeout)
        except (RuntimeError, ValueError) as e:  # not connected, queue full
            raise LineError(f"MQTT publish failed: {e}") from None
        if not info.is_published():
            raise LineError("the MQTT broker did not acknowledge the message in time")

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


def webhook_sender(url: str, timeout: float = 5.0) -> Callable[[Message], None]:
    """POST each message as JSON to ``url``; any status but 2xx is a failure (retried)."""

    def deliver(message: Message) -> None:
        body = json.dumps(message, ensure_ascii=False).encode("utf-8")
        req = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json",
                                              "Idempotency-Key": str(message.get("id", ""))})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                resp.read()
        except urllib.error.HTTPError as e:
            raise LineError(f"webhook answered {e.code}") from None
        except (urllib.error.URLError, OSError) as e:
            raise LineError(f"webhook unreachable: {getattr(e, 'reason', e)}") from None

    return deliver


class NgFolderSender:
    """Copy the image of each NG message into ``folder`` (a temporary name renamed into
    place: a program watching that folder never sees half a file)."""

    def __init__(self, folder: str):
        self.folder = os.path.abspath(folder)
        os.makedirs(self.folder, exist_ok=True)

    def __call__(self, message: Message) -> None:
        src = message.get("path") or ""
        if not src:
            return
        name = str(message["file"]).replace("/", "__").replace(os.sep, "__")
        target = os.path.join(self.folder, name)
        tmp = os.path.join(self.folder, f".{name}.part")
        shutil.copyfile(src, tmp)
        os.replace(tmp, target)


def is_ng(message: Message) -> bool:
    return message.get("verdict") == "NG"
