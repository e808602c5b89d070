"""main.py on a real X server (Xvfb, xcb platform): the window renders, results arrive,
and a screenshot of it is not blank. Skipped where Xvfb is not installed."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from .app_helpers import export_seg_model, make_images

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb is not installed")


def read_xwd(path: Path) -> np.ndarray:
    """The Xvfb -fbdir screen (XWD: big-endian header, colour map, 32-bit BGRX pixels) as RGB."""
    data = path.read_bytes()
    head = np.frombuffer(data[:100], ">u4")
    header_size, width, height = int(head[0]), int(head[4]), int(head[5])
    bytes_per_line, ncolors = int(head[12]), int(head[19])
    start = header_size + 12 * ncolors
    rows = np.frombuffer(data[start:start + bytes_per_line * height], np.uint8).reshape(height, bytes_per_line)
    return rows[:, : width * 4].reshape(height, width, 4)[:, :, 2::-1]


@pytest.fixture
def xserver(tmp_path):
    fbdir = tmp_path / "fb"
    fbdir.mkdir()
    read_fd, write_fd = os.pipe()  # Xvfb picks a free display and writes its number here
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1600x1000x24",
                             "-fbdir", str(fbdir), "-nolisten", "tcp"], pass_fds=(write_fd,),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as f:
        number = f.readline().strip()  # empty when Xvfb exits without a display
    deadline = time.time() + 10
    while number and not (fbdir / "Xvfb_screen0").exists() and time.time() < deadline:
        time.sleep(0.1)
    if not number or proc.poll() is not None:
        pytest.skip("Xvfb did not start")
    yield f":{number}", fbdir / "Xvfb_screen0"
    proc.terminate()
    proc.wait(10)


def test_main_window_on_a_real_x_server(xserver, tmp_path):
    display, screen_file = xserver
    model = export_seg_model(tmp_path / "model")
    make_images(tmp_path / "images", n=4)
    shot = tmp_path / "window.png"
    env = {k: v for k, v in os.environ.items() if not k.startswith("QT_")}
    env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb")
    cmd = [sys.executable, str(ROOT / "main.py"), "gui", "--folder", str(tmp_path / "images"),
           "--model", str(model), "--settings", str(tmp_path / "s.ini"), "--work-dir", str(tmp_path / "work"),
           "--screenshot", str(shot), "--screenshot-timeout", "120"]
    run = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stderr[-3000:]
    import cv2

    img = cv2.imread(str(shot))
    assert img is not None and img.shape[0] > 500 and img.shape[1] > 800
    assert img.std() > 10 and len(np.unique(img.reshape(-1, 3), axis=0)) > 200  # not blank
    screen = read_xwd(screen_file)
    assert screen.shape == (1000, 1600, 3)


def test_readme_first_command_opens_the_demo_with_results(xserver, tmp_path):
    """``python main.py --demo`` (what scripts/run.sh ends in) on a real X server: the
    detection demo with the bundled detector, every image inspected, defects flagged."""
    from app.launch import demo_choice

    folder, models = demo_choice("auto")
    if not models:
        pytest.skip("no bundled model")
    display, _ = xserver
    shot = tmp_path / "demo.png"
    env = {k: v for k, v in os.environ.items() if not k.startswith("QT_")}
    env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb")
    cmd = [sys.executable, str(ROOT / "main.py"), "--demo", "--settings", str(tmp_path / "s.ini"),
           "--work-dir", str(tmp_path / "work"), "--screenshot", str(shot), "--screenshot-timeout", "180"]
    run = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    import json

    seen = json.loads(shot.with_suffix(".json").read_text())
    assert seen["folder"] == folder and sorted(seen["models"]) == sorted(models)
    assert seen["images"] >= 20 and seen["no result"] == 0 and seen["error"] == 0
    assert seen["NG"] >= seen["images"] // 2  # the demo shows findings, not an empty run
