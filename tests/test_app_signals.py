"""SIGINT (Ctrl+C in the app's terminal) and SIGTERM close the real app cleanly, in the
middle of a run: the window's close path runs (settings saved), the queued work is
dropped (the process ends long before the run would have), and the exit status is
128 + the signal's number (130 / 143, see app/os_signals.py)."""

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from .app_helpers import export_seg_model, make_images

ROOT = Path(__file__).resolve().parent.parent
N_IMAGES = 200  # about 130 ms each with the tiny UNet: a run of 25 s or more
UP_TIMEOUT = 90.0  # until the window is up (imports)
EXIT_TIMEOUT = 10.0  # from the signal to the end of the process

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


@pytest.fixture(scope="module")
def model_and_images(tmp_path_factory):
    base = tmp_path_factory.mktemp("signals")
    model = export_seg_model(base / "model")
    make_images(base / "images", n=N_IMAGES, corrupt=False)
    return model, base / "images"


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _start(model: Path, images: Path, tmp: Path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--folder", str(images), "--model", str(model),
         "--settings", str(tmp / "settings.ini"), "--work-dir", str(tmp / "work")],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()
    log: list = []

    def pump() -> None:
        for line in proc.stderr:
            log.append(line)
            lines.put(line)
        lines.put("")

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + UP_TIMEOUT
    while True:
        try:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            proc.kill()
            pytest.fail("the app did not come up:\n" + "".join(log))
        if "is running" in line:
            return proc, log
        if line == "":
            pytest.fail(f"the app ended ({proc.wait()}) before it came up:\n" + "".join(log))


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_closes_the_app_cleanly_mid_run(model_and_images, tmp_path, signum):
    model, images = model_and_images
    proc, log = _start(model, images, tmp_path)
    try:
        # let the model load (paddle imported, which swaps SIGTERM's C handler) and the
        # run start: wait for the process to have worked 2 CPU seconds more
        cpu0, deadline = _cpu_seconds(proc.pid), time.monotonic() + UP_TIMEOUT
        while _cpu_seconds(proc.pid) < cpu0 + 2.0 and proc.poll() is None:
            assert time.monotonic() < deadline, "the app did not start working"
            time.sleep(0.1)
        assert proc.poll() is None, "".join(log)
        sent = time.monotonic()
        proc.send_signal(signum)
        try:
            code = proc.wait(timeout=EXIT_TIMEOUT)
        except subprocess.TimeoutExpired:
            pytest.fail(f"still running {EXIT_TIMEOUT:.0f} s after {signum.name}:\n" + "".join(log))
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text = "".join(log)
    assert code == 128 + signum, (code, text)
    assert took < EXIT_TIMEOUT
    assert f"{signum.name} received, closing" in text
    assert "Aborted at" not in text and "Fatal Python error" not in text, text  # no glog / abort
    # the window's own close ran: it saves geometry and state last thing before stopping work
    settings = (tmp_path / "settings.ini").read_text(encoding="utf-8")
    # kept per screen size: [window] geometry\<w>x<h>=..., state\<w>x<h>=...
    for key in ("geometry", "state"):
        assert re.search(rf"^{key}\\\d+x\d+=", settings, re.M), settings
