"""``watch``: line mode without a screen. Inspect images as the line makes them (a watched
folder, a camera, a stream or a video file), decide each with the decision rules, store it
in the run, and tell the line (a JSONL / CSV log line per image, NG images copied to a
folder, MQTT, a webhook). SIGTERM / SIGINT stop it cleanly: the current image is finished,
the outputs flushed, exit 0. A restart decides nothing again: the run knows each file by
its key (size, mtime, digest)."""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sys
import threading
import time
from pathlib import Path
from typing import List, Optional, Tuple
from urllib.parse import urlparse

from ..argtypes import positive_int
from ..line import POLICIES, LineError, Station, StationConfig
from ..line.outputs import (
    LogOutput,
    MqttSender,
    NgFolderSender,
    QueuedOutput,
    is_ng,
    webhook_sender,
)
from ..results import Thresholds
from . import ruleuse, runuse
from .common import CliError, add_runtime_args, load_inspector, unit_interval


def _seconds(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from None
    if not 0 <= v <= 3600:
        raise argparse.ArgumentTypeError(f"expected 0 to 3600 seconds, got {text}")
    return v


def add_parser(sub) -> None:
    p = sub.add_parser("watch", help="line mode: inspect images as they come (folder or camera)",
                       description="Inspect images as the line makes them; log, store and send "
                       "each verdict. Stops cleanly on SIGTERM / Ctrl+C.")
    p.add_argument("--model", required=True, help="exported model folder (or its config file)")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--folder", metavar="IN", help="watch this folder: new images taken once complete")
    src.add_argument("--camera", metavar="SRC",
                     help="a camera index (0), a stream URL (rtsp://, http://), a video file (played "
                          "at its frame rate) or genicam:PRODUCER.cti[#INDEX] (optional extra)")
    p.add_argument("--log", required=True, metavar="OUT", help="append one line per image: .jsonl or .csv")
    p.add_argument("--threshold", type=unit_interval, default=None,
                   help="confidence threshold for flagging, 0-1 (default: the model's, else 0.5)")
    ruleuse.add_rules_args(p)
    o = p.add_argument_group("outputs")
    o.add_argument("--mqtt", metavar="HOST:PORT", help="publish each verdict (JSON, QoS 1) to this broker")
    o.add_argument("--topic", default=None, help="MQTT topic (default: defect-inspector/STATION)")
    o.add_argument("--webhook", metavar="URL", help="POST each verdict as JSON (retried with backoff)")
    o.add_argument("--ng-dir", metavar="DIR", help="copy NG images into this folder")
    o.add_argument("--send-queue", type=positive_int, default=10_000, metavar="N",
                   help="messages each output holds while its endpoint is away (oldest dropped "
                        "beyond; default 10000)")
    g = p.add_argument_group("line")
    g.add_argument("--station", default=None, help="station id in messages (default: the host name)")
    g.add_argument("--policy", choices=POLICIES, default=None,
                   help="when images come faster than inference: drop-oldest, drop-newest, or queue "
                        "(the source waits; default for a folder; drop-oldest for a camera)")
    g.add_argument("--queue", type=positive_int, default=16, metavar="N", help="frames waiting at most (16)")
    g.add_argument("--settle", type=_seconds, default=0.5, metavar="S",
                   help="a file written in place is complete once unchanged for S seconds (0.5)")
    g.add_argument("--keep", choices=("flagged", "all"), default="flagged",
                   help="camera frames saved in the run: flagged (NG, REVIEW, errors; default) or all")
    g.add_argument("--capture-dir", metavar="DIR", default=None,
                   help="camera: where kept frames are saved (default: WORK_DIR/line/STATION)")
    g.add_argument("--max-images", type=positive_int, default=None, metavar="N",
                   help="stop after N images decided (default: run until stopped)")
    g.add_argument("--status-every", type=_seconds, default=10.0, metavar="S",
                   help="print the figures every S seconds (0: only at the end; default 10)")
    add_runtime_args(p)
    runuse.add_store_args(p)
    p.set_defaults(func=run)


def _host_port(text: str) -> Tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise CliError(f"--mqtt must be HOST:PORT, got {text!r}")
    return host, int(port)


def _inside(child: str, parent: str) -> bool:
    c, p = os.path.realpath(child), os.path.realpath(parent)
    return c == p or c.startswith(p.rstrip(os.sep) + os.sep)


def _check(args: argparse.Namespace) -> None:
    """Every argument problem as one line (exit 2) before the model is loaded."""
    if args.topic is not None and not args.mqtt:
        raise CliError("--topic needs --mqtt")
    if args.mqtt:
        _host_port(args.mqtt)
    if args.webhook:
        u = urlparse(args.webhook)
        if u.scheme not in ("http", "https") or not u.netloc:
            raise CliError(f"--webhook must be an http:// or https:// URL, got {args.webhook!r}")
    if os.path.splitext(args.log)[1].lower() not in (".jsonl", ".csv"):
        raise CliError(f"--log must end in .jsonl or .csv, got {args.log}")
    if not os.path.isdir(os.path.dirname(os.path.abspath(args.log))):
        raise CliError(f"--log's folder does not exist: {os.path.dirname(os.path.abspath(args.log))}")
    if args.folder is not None:
        if not os.path.isdir(args.folder):
            raise CliError(f"--folder {args.folder} is not a folder")
        for name, value in (("--ng-dir", args.ng_dir), ("--capture-dir", args.capture_dir)):
            if value and _inside(value, args.folder):
                raise CliError(f"{name} {value} is inside the watched folder; choose a folder apart")


def _source(args: argparse.Namespace):
    from ..line.folder import FolderSource

    try:
        if args.folder is not None:
            return FolderSource(args.folder, settle=args.settle)
        if args.camera.startswith("genicam:"):
            from ..line.genicam import GenICamSource

            cti, _, index = args.camera[len("genicam:"):].partition("#")
            return GenICamSource(cti, int(index) if index.isdigit() else 0)
        from ..line.video import VideoSource

        return VideoSource(args.camera)
    except LineError as e:
        raise CliError(str(e)) from None


def _outputs(args: argparse.Namespace, station_id: str) -> Tuple[List[QueuedOutput], List[MqttSender]]:
    outs: List[QueuedOutput] = []
    clients: List[MqttSender] = []
    if args.ng_dir:
        outs.append(QueuedOutput("ng-dir", NgFolderSender(args.ng_dir), args.send_queue, accept=is_ng))
    if args.mqtt:
        host, port = _host_port(args.mqtt)
        sender = MqttSender(host, port, args.topic or f"defect-inspector/{station_id}",
                            client_id=f"defect-inspector-{station_id}-{os.getpid()}")
        clients.append(sender)
        outs.append(QueuedOutput("mqtt", sender, args.send_queue))
    if args.webhook:
        outs.append(QueuedOutput("webhook", webhook_sender(args.webhook), args.send_queue))
    return outs, clients


def run(args: argparse.Namespace) -> int:
    _check(args)
    decider = ruleuse.decider_for(args)  # bad rules: exit 2 before the model is loaded
    station_id = args.station or socket.gethostname() or "station"
    source = _source(args)  # a camera that does not open: exit 2 before the model is loaded
    samples = []
    if args.folder is not None:
        from ..imageio import list_images

        samples = list_images(Path(args.folder))[:8]
    inspector = load_inspector(args, samples)
    decider.base = Thresholds(args.threshold if args.threshold is not None else inspector.spec.default_threshold)
    bound = decider.bound(inspector.class_names)
    try:  # opened once the model loads: a model that does not leaves no log behind
        log = LogOutput(args.log)
    except LineError as e:
        raise CliError(str(e)) from None
    capture = None
    if args.folder is not None:
        run_folder = Path(os.path.abspath(args.folder))
    else:
        from ..runs.location import runs_root

        capture = args.capture_dir or os.path.join(os.path.dirname(runs_root(args.work_dir)), "line", station_id)
        os.makedirs(capture, exist_ok=True)
        run_folder = Path(os.path.abspath(capture))
    store = runuse.open_run(args, run_folder, [], inspector.settings)
    if store is not None:
        ruleuse.save(decider, store)
    outs, clients = _outputs(args, station_id)
    config = StationConfig(station_id=station_id,
                           policy=args.policy or ("queue" if args.folder is not None else "drop-oldest"),
                           queue_size=args.queue, keep=args.keep, capture_dir=capture,
                           max_images=args.max_images or 0)
    station = Station(inspector, bound, source, log, outs, store, config)
    stop = threading.Event()
    signum: List[int] = []

    def on_signal(sig, frame) -> None:
        signum.append(sig)
        stop.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        print(f"watching {args.folder or args.camera} as station {station_id}: policy {config.policy}, "
              f"queue {config.queue_size}; log {log.path}", file=sys.stderr, flush=True)
        station.start()
        last = time.monotonic()
        while not stop.is_set() and not station.done.is_set():
            stop.wait(0.2)
            if args.status_every and time.monotonic() - last >= args.status_every:
                print(station.summary_line(), file=sys.stderr, flush=True)
                last = time.monotonic()
        station.stop()
        station.wait(60)
        left = station.close_outputs(5.0)
    finally:
        for s, h in previous.items():
            signal.signal(s, h)
        for c in clients:
            c.close()
        if store is not None:
            store.close()
    why = "stopped by signal" if signum else "done"
    print(f"{why}: {station.summary_line()}", file=sys.stderr)
    if any(left.values()):
        print("undelivered at exit: " + ", ".join(f"{k} {v}" for k, v in left.items() if v), file=sys.stderr)
    if station.stats.store_errors:
        print(f"note: {station.stats.store_errors} results not stored ({station.stats.last_store_error})",
              file=sys.stderr)
    if station.error is not None:
        raise station.error
    src_error: Optional[str] = getattr(source, "error", None)
    if src_error:
        print(f"error: {src_error}", file=sys.stderr)
        return 1
    return 0
