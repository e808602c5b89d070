"""Line mode: a simulated line writing into a watched folder, the station deciding each image
exactly once and never half-written, restart without deciding again, backpressure, a video
file as a camera, and the ``watch`` command stopped by SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from inspectors.engine import Inspector
from inspectors.line import Frame, FrameQueue, Station, StationConfig
from inspectors.line.folder import FolderSource
from inspectors.line.outputs import LogOutput
from inspectors.line.video import VideoSource
from inspectors.results import Thresholds
from inspectors.rules import Rules, bind, decide, defect_table
from inspectors.runs import RunStore
from inspectors.runs.fingerprint import file_key
from inspectors.runtime import RuntimeSettings
from tests.line_helpers import CLS_MODEL, ROOT, SimulatedLine, sample_images, wait_for


@pytest.fixture(scope="module")
def inspector():
    return Inspector.from_path(CLS_MODEL, RuntimeSettings(engine="paddle"))


@pytest.fixture(scope="module")
def bound(inspector):
    return bind(Rules(), inspector.class_names, Thresholds(inspector.spec.default_threshold))


def _lines(path: Path):
    return [json.loads(x) for x in path.read_text().splitlines()]


def _station(inspector, bound, folder, log, store, **config):
    run = store.open(folder, CLS_MODEL, inspector.settings)
    station = Station(inspector, bound, FolderSource(str(folder), settle=0.3), LogOutput(str(log)),
                      run=run, config=StationConfig(station_id="t", **config))
    station.start()
    return station, run


def _stop(station, run):
    station.stop()
    assert station.wait(30)
    station.close_outputs()
    run.close()
    assert station.error is None


# ------------------------------------------------------------------ the simulated line
def test_simulated_line_decides_each_image_once_never_half_written(tmp_path, inspector, bound):
    sources = sample_images(tmp_path / "src", 30)
    folder, log = tmp_path / "line", tmp_path / "log.jsonl"
    folder.mkdir()
    # two images already there before the station starts (the initial scan takes them)
    pre = [sources.pop(), sources.pop()]
    for p in pre:
        (folder / p.name).write_bytes(p.read_bytes())
    store = RunStore(tmp_path / "runs")
    station, run = _station(inspector, bound, folder, log, store)
    line = SimulatedLine(sources, folder, rate=20, chunks=4, gap=0.04)
    line.start()
    line.join(30)
    names = sorted(p.name for p in [*sources, *pre])
    wait_for(lambda: station.stats.decided >= len(names), 30, "every image decided")
    time.sleep(0.6)  # two settle intervals more: a late second decision of any file would show
    _stop(station, run)

    rows = _lines(log)
    assert sorted(r["file"] for r in rows) == names  # one line per image, each image once
    assert station.stats.decided == len(names) and station.stats.counts["ERROR"] == 0
    assert len({r["id"] for r in rows}) == len(rows)
    # what was decided is what a fresh inspection of the final file gives: nothing was read half-written
    for r in rows:
        fresh = inspector.predict_path(folder / r["file"])
        assert fresh.ok
        assert r["defect_score"] == pytest.approx(round(float(fresh.result.defect_score()), 6), abs=1e-6)
        assert r["verdict"] == decide(defect_table(fresh.result), bound).verdict.name
        assert r["latency_ms"] > 0
    with store.open(folder, CLS_MODEL, write=False) as reader:
        assert sorted(reader.rels()) == names
        for name in names:
            assert reader.key_of(name) == file_key(folder / name)


def test_restart_decides_nothing_again(tmp_path, inspector, bound):
    folder, log = tmp_path / "line", tmp_path / "log.csv"
    images = sample_images(folder, 8)
    old = time.time() - 10
    for p in images:
        os.utime(p, (old, old))  # complete long ago: taken at once by the initial scan
    store = RunStore(tmp_path / "runs")
    station, run = _station(inspector, bound, folder, log, store)
    wait_for(lambda: station.stats.decided == 8, 30, "the first start to decide all")
    _stop(station, run)

    station, run = _station(inspector, bound, folder, log, store)
    wait_for(lambda: station.stats.skipped == 8, 30, "the restart to see all as decided")
    new = sample_images(tmp_path / "more", 9)[-1]
    os.replace(new, folder / "new.bmp")
    wait_for(lambda: station.stats.decided == 1, 30, "the new image")
    _stop(station, run)
    import csv

    with open(log, newline="") as f:
        rows = list(csv.DictReader(f))
    assert sorted(r["file"] for r in rows) == sorted([p.name for p in images] + ["new.bmp"])
    assert station.stats.skipped == 8


def test_file_rewritten_with_new_bytes_is_decided_again(tmp_path, inspector, bound):
    """The run knows a file by its bytes: the same name with another image is a new image."""
    folder, log = tmp_path / "line", tmp_path / "log.jsonl"
    a, b = sample_images(tmp_path / "src", 2)
    folder.mkdir()
    store = RunStore(tmp_path / "runs")
    station, run = _station(inspector, bound, folder, log, store)
    os.replace(Path(a), folder / "x.bmp")
    wait_for(lambda: station.stats.decided == 1, 30, "the first image")
    os.replace(Path(b), folder / "x.bmp")
    wait_for(lambda: station.stats.decided == 2, 30, "the replaced image")
    _stop(station, run)
    rows = _lines(log)
    assert [r["file"] for r in rows] == ["x.bmp", "x.bmp"] and rows[0]["id"] != rows[1]["id"]


# ------------------------------------------------------------------ backpressure
def _frames(n):
    return [Frame(name=str(i), captured=time.monotonic(), wall=time.time(), seq=i) for i in range(n)]


@pytest.mark.parametrize("policy, kept, dropped", [("drop-oldest", ["3", "4"], 3),
                                                   ("drop-newest", ["0", "1"], 3)])
def test_drop_policies(policy, kept, dropped):
    q = FrameQueue(policy, 2)
    accepted = [q.put(f) for f in _frames(5)]
    assert accepted == ([True] * 5 if policy == "drop-oldest" else [True, True, False, False, False])
    assert [q.get(0).name for _ in range(2)] == kept and q.get(0) is None
    assert q.dropped == dropped


def test_queue_policy_makes_the_source_wait():
    q = FrameQueue("queue", 2)
    frames = _frames(3)
    q.put(frames[0])
    q.put(frames[1])
    done = threading.Event()
    threading.Thread(target=lambda: (q.put(frames[2]), done.set()), daemon=True).start()
    assert not done.wait(0.3)  # full: the third waits
    assert q.get(1).name == "0"
    assert done.wait(5)
    assert [q.get(0).name, q.get(0).name] == ["1", "2"] and q.dropped == 0


def test_slow_inference_drops_oldest_and_counts(tmp_path, inspector, bound):
    """A video played at 50 fps into a model slowed to ~10 img/s under drop-oldest with a
    queue of 2: frames are dropped and counted, every frame either decided or dropped."""
    video = _video(tmp_path, 40, fps=50)

    class Slow:
        def __init__(self, insp):
            self._i = insp
            self.class_names = insp.class_names

        def prepare(self, image, path=""):
            time.sleep(0.1)
            return self._i.prepare(image, path)

        def run_prepared(self, items):
            return self._i.run_prepared(items)

    source = VideoSource(str(video))
    station = Station(Slow(inspector), bound, source, LogOutput(str(tmp_path / "log.jsonl")),
                      config=StationConfig(policy="drop-oldest", queue_size=2))
    station.start()
    assert station.wait(60)
    station.close_outputs()
    assert source.grabbed == 40
    assert station.queue.dropped > 0
    assert station.stats.decided + station.queue.dropped == 40
    assert _lines(tmp_path / "log.jsonl")[-1]["dropped"] == station.queue.dropped


# ------------------------------------------------------------------ a video file as the camera
def _video(tmp_path: Path, n: int, fps: float = 25.0) -> Path:
    sources = sample_images(tmp_path / "frames", n)
    path = tmp_path / "line.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (200, 200))
    for p in sources:
        writer.write(cv2.imread(str(p)))
    writer.release()
    return path


def test_video_file_frames_decided_and_flagged_ones_kept(tmp_path, inspector, bound):
    video = _video(tmp_path, 24)
    capture = tmp_path / "capture"
    log = tmp_path / "log.jsonl"
    store = RunStore(tmp_path / "runs")
    capture.mkdir()
    run = store.open(capture, CLS_MODEL, inspector.settings)
    # the frames as OpenCV reads the file back, inspected apart: the reference
    cap = cv2.VideoCapture(str(video))
    fresh = [inspector.predict(cap.read()[1]) for _ in range(24)]
    # a threshold between the scores, so that some frames are OK and some are kept
    threshold = float(np.median([r.defect_score() for r in fresh]))
    rules = bind(Rules(), inspector.class_names, Thresholds(threshold))
    source = VideoSource(str(video))
    assert source.fps == pytest.approx(25.0)
    t0 = time.monotonic()
    station = Station(inspector, rules, source, LogOutput(str(log)), run=run,
                      config=StationConfig(station_id="cam", policy="queue", keep="flagged",
                                           capture_dir=str(capture)))
    station.start()
    assert station.wait(60)
    elapsed = time.monotonic() - t0
    station.close_outputs()
    run.close()
    assert elapsed >= 23 / 25 * 0.9  # played at the file's frame rate, not as fast as it decodes
    rows = _lines(log)
    assert len(rows) == 24 and station.queue.dropped == 0
    for r, ref in zip(rows, fresh):  # each verdict equals the fresh inspection of its frame
        assert r["defect_score"] == pytest.approx(round(float(ref.defect_score()), 6), abs=1e-6)
        assert r["verdict"] == decide(defect_table(ref), rules).verdict.name
    flagged = [r for r in rows if r["verdict"] != "OK"]
    assert 0 < len(flagged) < len(rows), "the threshold should split the frames"
    assert sorted(os.listdir(capture)) == sorted(os.path.basename(r["path"]) for r in flagged)
    assert all(r["path"] == "" for r in rows if r["verdict"] == "OK")
    with store.open(capture, CLS_MODEL, write=False) as reader:
        assert len(reader) == len(flagged)


# ------------------------------------------------------------------ the watch command
def _watch(args, **kw):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, str(ROOT / "main.py"), "watch", "--model", str(CLS_MODEL),
                             "--engine", "paddle", "--status-every", "0", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, **kw)


def test_watch_sigterm_stops_cleanly_and_restart_decides_nothing_again(tmp_path):
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    received = {}

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):
            m = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received[m["id"]] = m
            self.send_response(204)
            self.end_headers()

        def log_message(self, *a):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    folder, log, ng = tmp_path / "line", tmp_path / "log.jsonl", tmp_path / "ng"
    images = sample_images(folder, 6)
    args = ["--folder", str(folder), "--log", str(log), "--ng-dir", str(ng), "--settle", "0.2",
            "--work-dir", str(tmp_path / "work"), "--webhook", f"http://127.0.0.1:{server.server_address[1]}/"]
    p = _watch(args)
    try:
        wait_for(lambda: log.exists() and len(log.read_text().splitlines()) >= 6, 60, "6 log lines")
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=30)
    finally:
        p.kill()
    assert p.returncode == 0, err
    assert "stopped by signal: 6 decided" in err
    rows = _lines(log)
    assert sorted(r["file"] for r in rows) == sorted(x.name for x in images)
    assert sorted(os.listdir(ng)) == sorted(r["file"] for r in rows if r["verdict"] == "NG")
    assert set(received) == {r["id"] for r in rows}  # delivered before the clean exit

    p = _watch(args)
    try:
        wait_for(lambda: "watching" in (p.stderr.readline() or "watching"), 60, "the restart")
        new = sample_images(tmp_path / "more", 7)[-1]
        os.replace(new, folder / "late.bmp")
        wait_for(lambda: len(log.read_text().splitlines()) >= 7, 60, "the late image's line")
        time.sleep(0.5)
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=30)
    finally:
        p.kill()
    assert p.returncode == 0, err
    assert "1 decided" in err and "6 already decided" in err
    server.shutdown()
    assert len(received) == 7
    assert sorted(r["file"] for r in _lines(log)) == sorted([x.name for x in images] + ["late.bmp"])


@pytest.mark.parametrize("extra, message", [
    (["--folder", "/nonexistent/in", "--log", "LOG"], "is not a folder"),
    (["--folder", "IN", "--log", "OUT.txt"], "--log must end in .jsonl or .csv"),
    (["--folder", "IN", "--log", "LOG", "--mqtt", "localhost"], "--mqtt must be HOST:PORT"),
    (["--folder", "IN", "--log", "LOG", "--webhook", "ftp://x"], "--webhook must be an http"),
    (["--folder", "IN", "--log", "LOG", "--ng-dir", "IN/ng"], "inside the watched folder"),
    (["--camera", "/nonexistent/video.avi", "--log", "LOG"], "no such video file"),
])
def test_watch_bad_input_one_line_exit_2(tmp_path, extra, message):
    (tmp_path / "in").mkdir()
    args = [a.replace("IN", str(tmp_path / "in")).replace("LOG", str(tmp_path / "log.jsonl"))
            .replace("OUT.txt", str(tmp_path / "out.txt")) for a in extra]
    from inspectors.cli import main

    r = subprocess.run([sys.executable, "-c", "import sys; from inspectors.cli import main; "
                        "sys.exit(main(sys.argv[1:]))", "watch", "--model", str(CLS_MODEL), *args],
                       capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert main is not None
    assert r.returncode == 2, r.stderr
    assert message in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "log.jsonl").exists()


def test_watch_video_file_ends_by_itself_and_keeps_all(tmp_path):
    video = _video(tmp_path, 10, fps=50)
    capture, log = tmp_path / "capture", tmp_path / "log.csv"
    p = _watch(["--camera", str(video), "--log", str(log), "--keep", "all", "--capture-dir", str(capture),
                "--policy", "queue", "--work-dir", str(tmp_path / "work")])
    out, err = p.communicate(timeout=120)
    assert p.returncode == 0, err
    assert "done: 10 decided" in err
    import csv

    with open(log, newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 10
    saved = sorted(os.listdir(capture))
    assert len(saved) == 10
    # the saved frames are the frames OpenCV reads from the file (PNG: lossless)
    cap = cv2.VideoCapture(str(video))
    for name in saved:
        ok, frame = cap.read()
        assert ok and np.array_equal(cv2.imread(str(capture / name)), frame)
