"""Shared pieces of the line-mode tests: the model, real images, a simulated line."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path
from typing import List, Sequence

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CLS_MODEL = ROOT / "models" / "neu_cls_resnet_small"
NEU_CLS = ROOT.parent / "shared" / "datasets" / "neu-cls"
if not NEU_CLS.is_dir():
    NEU_CLS = Path("/work/shared/datasets/neu-cls")


def sample_images(folder: Path, n: int) -> List[Path]:
    """``n`` distinct images: NEU-CLS (real steel surfaces) spread over its classes, else
    synthetic textures (a fresh clone has no shared datasets; the line does not care)."""
    folder.mkdir(parents=True, exist_ok=True)
    out: List[Path] = []
    if NEU_CLS.is_dir():
        classes = sorted(p for p in NEU_CLS.iterdir() if p.is_dir())
        for i in range(n):
            files = sorted(classes[i % len(classes)].glob("*.bmp"))
            src = files[(i // len(classes)) % len(files)]
            dst = folder / f"{i:03d}_{src.name}"
            shutil.copyfile(src, dst)
            out.append(dst)
        return out
    rng = np.random.default_rng(0)
    for i in range(n):
        img = cv2.GaussianBlur(rng.integers(0, 255, (200, 200), np.uint8), (0, 0), 1 + i % 5)
        dst = folder / f"{i:03d}_synthetic.bmp"
        cv2.imwrite(str(dst), img)
        out.append(dst)
    return out


class SimulatedLine(threading.Thread):
    """Writes ``sources`` into ``folder`` at ``rate`` images/s: even ones written elsewhere
    (a hidden ``.part`` file) and renamed into place, odd ones written in place slowly, in
    ``chunks`` pieces ``gap`` seconds apart (a reader that takes them early reads half)."""

    def __init__(self, sources: Sequence[Path], folder: Path, rate: float = 20.0, chunks: int = 4,
                 gap: float = 0.04):
        super().__init__(daemon=True, name="simulated-line")
        self.sources, self.folder, self.rate, self.chunks, self.gap = list(sources), folder, rate, chunks, gap
        self.written: List[Path] = []

    def run(self) -> None:
        t0 = time.monotonic()
        for i, src in enumerate(self.sources):
            delay = t0 + i / self.rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            data = src.read_bytes()
            target = self.folder / src.name
            if i % 2 == 0:
                tmp = self.folder / f".{src.name}.part"
                tmp.write_bytes(data)
                os.replace(tmp, target)
            else:
                step = -(-len(data) // self.chunks)
                with open(target, "wb") as f:
                    for k in range(0, len(data), step):
                        f.write(data[k:k + step])
                        f.flush()
                        time.sleep(self.gap)
            self.written.append(target)


def wait_for(predicate, timeout: float, what: str, step: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(step)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
