"""Line-mode outputs against real endpoints: a Mosquitto broker (started here, killed and
restarted mid-run) and a local HTTP server that fails the first attempts. Every message
arrives (by id) and inspection never waits for an endpoint."""

from __future__ import annotations

import getpass
import json
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from inspectors.engine import Inspector
from inspectors.line import Station, StationConfig
from inspectors.line.folder import FolderSource
from inspectors.line.outputs import LogOutput, MqttSender, QueuedOutput, webhook_sender
from inspectors.results import Thresholds
from inspectors.rules import Rules, bind
from inspectors.runtime import RuntimeSettings
from tests.line_helpers import CLS_MODEL, SimulatedLine, free_port, sample_images, wait_for

MOSQUITTO = shutil.which("mosquitto") or ("/usr/sbin/mosquitto" if Path("/usr/sbin/mosquitto").exists() else None)


@pytest.fixture(scope="module")
def inspector():
    return Inspector.from_path(CLS_MODEL, RuntimeSettings(engine="paddle"))


def _ids(log: Path):
    return [json.loads(x)["id"] for x in log.read_text().splitlines()]


class Broker:
    """``mosquitto`` on a free port, persisting sessions (written at SIGTERM) so a client's
    QoS 1 subscription and its queued messages outlive a restart."""

    def __init__(self, tmp: Path):
        self.port = free_port()
        (tmp / "db").mkdir()
        self.conf = tmp / "mosquitto.conf"
        self.conf.write_text(f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence true\n"
                             f"persistence_location {tmp / 'db'}/\n"
                             # started as root, mosquitto would drop to its own user, which cannot
                             # write the session file into this test's private folder
                             f"user {getpass.getuser()}\n")
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen([MOSQUITTO, "-c", str(self.conf)], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        import socket

        def up():
            with socket.socket() as s:
                return s.connect_ex(("127.0.0.1", self.port)) == 0
        wait_for(up, 10, "mosquitto to listen")

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


@pytest.mark.skipif(MOSQUITTO is None, reason="mosquitto is not installed (scripts/system-deps.sh)")
def test_mqtt_broker_killed_and_restarted_every_message_delivered(tmp_path, inspector):
    import paho.mqtt.client as mqtt

    broker = Broker(tmp_path)
    broker.start()
    got: dict = {}
    lock = threading.Lock()

    def on_message(c, u, msg):
        m = json.loads(msg.payload)
        with lock:
            got[m["id"]] = got.get(m["id"], 0) + 1

    sub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="line-test-sub", clean_session=False)
    sub.on_connect = lambda c, u, f, rc, p=None: c.subscribe("line/t", qos=1)
    sub.on_message = on_message
    sub.reconnect_delay_set(1, 2)
    sub.connect("127.0.0.1", broker.port, keepalive=5)
    sub.loop_start()
    sender = MqttSender("127.0.0.1", broker.port, "line/t", client_id="line-test-pub", ack_timeout=1.0)
    mqtt_out = QueuedOutput("mqtt", sender, backoff=(0.05, 1.0))
    folder, log = tmp_path / "line", tmp_path / "log.jsonl"
    folder.mkdir()
    sources = sample_images(tmp_path / "src", 40)
    station = Station(inspector, bind(Rules(), inspector.class_names, Thresholds(0.5)),
                      FolderSource(str(folder), settle=0.2), LogOutput(str(log)), [mqtt_out],
                      config=StationConfig(station_id="t"))
    try:
        station.start()
        line = SimulatedLine(sources, folder, rate=10)
        line.start()
        wait_for(lambda: len(got) >= 5, 20, "the first messages")
        broker.stop()  # the broker goes away mid-run
        down_at = station.stats.decided
        wait_for(lambda: station.stats.decided >= down_at + 10, 20, "inspection to go on while the broker is down")
        wait_for(lambda: mqtt_out.retries > 0, 20, "the sender to find the broker gone")
        assert mqtt_out.pending > 0  # waiting, not lost
        broker.start()  # back on the same port
        line.join(30)
        wait_for(lambda: station.stats.decided == 40, 30, "all 40 decided")
        expected = set(_ids(log))
        assert len(expected) == 40
        try:
            wait_for(lambda: expected <= set(got), 40, "every message delivered after the broker returned")
        except AssertionError:
            order = _ids(log)
            missing = sorted(order.index(i) for i in expected - set(got))
            raise AssertionError(f"missing rows {missing} of 40; broker down at row {down_at}; "
                                 f"output {mqtt_out.stats()}") from None
        assert mqtt_out.lost == 0
    finally:
        station.stop()
        station.wait(30)
        station.close_outputs(2)
        sender.close()
        sub.loop_stop()
        sub.disconnect()
        broker.stop()
    assert set(got) == expected  # nothing but the station's messages (duplicates share an id)


class _Hook(BaseHTTPRequestHandler):
    fail_first = 3
    attempts = 0
    received: dict = {}
    lock = threading.Lock()

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with _Hook.lock:
            _Hook.attempts += 1
            fail = _Hook.attempts <= _Hook.fail_first
            if not fail:
                _Hook.received[body["id"]] = body
        self.send_response(503 if fail else 200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_webhook_retries_until_delivered(tmp_path, inspector):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    hook = QueuedOutput("webhook", webhook_sender(url, timeout=2), backoff=(0.05, 0.2))
    folder, log = tmp_path / "line", tmp_path / "log.jsonl"
    images = sample_images(folder, 10)
    station = Station(inspector, bind(Rules(), inspector.class_names, Thresholds(0.5)),
                      FolderSource(str(folder), settle=0.0), LogOutput(str(log)), [hook],
                      config=StationConfig(station_id="t"))
    try:
        station.start()
        wait_for(lambda: station.stats.decided == 10, 30, "10 decided")
        wait_for(lambda: len(_Hook.received) == 10, 20, "10 delivered")
    finally:
        station.stop()
        station.wait(30)
        left = station.close_outputs(2)
        server.shutdown()
    assert left == {"webhook": 0}
    assert set(_Hook.received) == set(_ids(log))
    assert {m["file"] for m in _Hook.received.values()} == {p.name for p in images}
    assert _Hook.attempts == 13 and hook.retries == 3


def test_unreachable_webhook_never_stops_inspection(tmp_path, inspector):
    """Nothing listens: every delivery fails, the queue (size 4) keeps the newest, inspection
    decides every image meanwhile."""
    port = free_port()
    hook = QueuedOutput("webhook", webhook_sender(f"http://127.0.0.1:{port}/", timeout=0.5), size=4,
                        backoff=(0.05, 0.1))
    folder, log = tmp_path / "line", tmp_path / "log.jsonl"
    sample_images(folder, 12)
    station = Station(inspector, bind(Rules(), inspector.class_names, Thresholds(0.5)),
                      FolderSource(str(folder), settle=0.0), LogOutput(str(log)), [hook],
                      config=StationConfig(station_id="t"))
    station.start()
    wait_for(lambda: station.stats.decided == 12, 30, "12 decided with the endpoint away")
    station.stop()
    station.wait(30)
    left = station.close_outputs(0.2)
    assert hook.sent == 0 and left == {"webhook": 4} and hook.lost == 8
    assert len(_ids(log)) == 12


@pytest.mark.skipif(MOSQUITTO is None, reason="mosquitto is not installed (scripts/system-deps.sh)")
def test_watch_command_publishes_each_verdict(tmp_path):
    """The real command with --mqtt: one message per logged image, on the topic asked for."""
    import os
    import sys

    import paho.mqtt.client as mqtt

    from tests.line_helpers import ROOT

    broker = Broker(tmp_path)
    broker.start()
    got = {}
    sub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="watch-test-sub")
    subscribed = threading.Event()
    sub.on_connect = lambda c, u, f, rc, p=None: c.subscribe("plant/st1", qos=1)
    sub.on_subscribe = lambda *a: subscribed.set()
    sub.on_message = lambda c, u, m: got.__setitem__(json.loads(m.payload)["id"], m.topic)
    sub.connect("127.0.0.1", broker.port)
    sub.loop_start()
    try:
        assert subscribed.wait(10)
        folder, log = tmp_path / "line", tmp_path / "log.jsonl"
        sample_images(folder, 5)
        r = subprocess.run([sys.executable, str(ROOT / "main.py"), "watch", "--model", str(CLS_MODEL),
                            "--engine", "paddle", "--folder", str(folder), "--log", str(log),
                            "--mqtt", f"127.0.0.1:{broker.port}", "--topic", "plant/st1", "--station", "st1",
                            "--max-images", "5", "--status-every", "0", "--work-dir", str(tmp_path / "w")],
                           capture_output=True, text=True, timeout=120,
                           env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert r.returncode == 0, r.stderr
        ids = set(_ids(log))
        assert len(ids) == 5 and all(i.startswith("st1:") for i in ids)
        wait_for(lambda: set(got) == ids, 10, "the 5 messages")
        assert set(got.values()) == {"plant/st1"}
    finally:
        sub.loop_stop()
        sub.disconnect()
        broker.stop()
