"""Shared helpers for the app / render / session / export tests: tiny real exported
models (random weights) and small image folders."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Dict, Sequence

import numpy as np
import yaml

CLS_NAMES = ("crazing", "inclusion", "scratches")


def export_cls_model(out_dir: Path, names: Sequence[str] = CLS_NAMES, size: int = 64) -> Path:
    """paddle.vision mobilenet_v3_small saved in PaddleClas' export layout."""
    from inspectors.paddle_env import import_paddle

    paddle = import_paddle()
    out_dir.mkdir(parents=True, exist_ok=True)
    paddle.seed(7)
    net = paddle.vision.models.mobilenet_v3_small(num_classes=len(names))
    rng = np.random.default_rng(7)
    for param in net.parameters():  # default init gives uniform probabilities: spread them
        if len(param.shape) == 2:  # the Linear layers only (BatchNorm stays valid)
            param.set_value(rng.normal(0, 0.5, param.shape).astype("float32"))
    net.eval()
    spec = [paddle.static.InputSpec([None, 3, size, size], "float32", name="x")]
    paddle.jit.save(paddle.jit.to_static(net, input_spec=spec), str(out_dir / "inference"))
    cfg = {
        "Global": {"model_name": "MobileNetV3_small"},
        "PreProcess": {"transform_ops": [
            {"ResizeImage": {"size": [size, size]}},
            {"NormalizeImage": {"scale": "1.0/255.0", "mean": [0.485, 0.456, 0.406],
                                "std": [0.229, 0.224, 0.225], "order": ""}},
            {"ToCHWImage": None},
        ]},
        "PostProcess": {"name": "Topk", "topk": 3, "label_list": list(names)},
    }
    (out_dir / "inference.yml").write_text(yaml.safe_dump(cfg), encoding="utf-8")
    return out_dir


def export_seg_model(out_dir: Path, num_classes: int = 3, size: int = 64) -> Path:
    """PaddleSeg UNet (random weights), softmax output, through the project's exporter."""
    from inspectors.paddle_env import import_paddle
    from inspectors.tooling.exporters.paddleseg_export import build_unet, export_paddleseg

    paddle = import_paddle()
    paddle.seed(3)
    transforms = [{"type": "Resize", "target_size": [size, size]}, {"type": "Normalize"}]
    export_paddleseg(build_unet(num_classes), out_dir, transforms, output_op="softmax")
    names = ["background"] + [f"defect_{i}" for i in range(1, num_classes)]
    (out_dir / "labels.txt").write_text("\n".join(names) + "\n", encoding="utf-8")
    return out_dir


def make_images(folder: Path, n: int = 6, size=(64, 80), corrupt: bool = True) -> Dict[str, Path]:
    """Gray-ish BMP / PNG images with different content, plus one corrupt JPEG."""
    import cv2

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    out = {}
    for i in range(n):
        img = np.full((*size, 3), 40 + 30 * i, np.uint8)
        img = (img + rng.integers(0, 40, img.shape)).clip(0, 255).astype(np.uint8)
        cv2.rectangle(img, (5 + i * 3, 10), (30 + i * 4, 40), (220, 220, 220), -1)
        path = folder / (f"img_{i:02d}.bmp" if i % 2 else f"img_{i:02d}.png")
        cv2.imwrite(str(path), img)
        out[path.name] = path
    if corrupt:
        bad = folder / "broken.jpg"
        bad.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
        out[bad.name] = bad
    return out


def tree_hashes(folder: Path) -> Dict[str, str]:
    """sha1 of every file under ``folder`` (to prove a folder was left untouched)."""
    hashes = {}
    for root, _dirs, files in os.walk(folder):
        for f in files:
            p = Path(root) / f
            hashes[str(p.relative_to(folder))] = hashlib.sha1(p.read_bytes()).hexdigest()
    return hashes


def export_unet_softmax(out_dir: Path, names: Sequence[str], size: int = 64) -> Path:
    """A PaddleSeg UNet (random weights, seed 3) exported with softmax output and labels.txt."""
    from inspectors.paddle_env import import_paddle
    from inspectors.tooling.exporters.paddleseg_export import build_unet, export_paddleseg

    import_paddle().seed(3)
    tf = [{"type": "Resize", "target_size": [size, size]}, {"type": "Normalize"}]
    export_paddleseg(build_unet(num_classes=len(names)), out_dir, tf, output_op="softmax")
    (out_dir / "labels.txt").write_text("".join(f"{n}\n" for n in names))
    return out_dir


def wait_runs_read(qtbot, w, timeout: int = 120_000) -> None:
    """Until every ready model's run over the open folder is read (runs open in the
    background; Run queues a model only once its stored results are known)."""
    qtbot.waitUntil(lambda: not any(w.bench.is_opening(h.id) for h in w.models.ready()), timeout=timeout)


def tag_screen_height(view, item) -> float:
    """A screen tag's height on screen, from its transform (view pixels)."""
    return item.deviceTransform(view.viewportTransform()).mapRect(item.boundingRect()).height()


def _grab_rgb(view) -> np.ndarray:
    from PySide6.QtGui import QImage

    img = view.viewport().grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    arr = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine())
    return arr[:, : img.width() * 3].reshape(img.height(), img.width(), 3).astype(int)


def tag_text_rows(view, item) -> int:
    """The height of a screen tag's text in the grabbed viewport's pixels: the rows around
    the tag's middle holding a pixel of the text's colour between its paddings (tags of one
    colour stacked edge to edge stay apart: their texts have a padding between them)."""
    arr = _grab_rgb(view)
    text = item.childItems()[0].brush().color()
    c = np.array([text.red(), text.green(), text.blue()])
    box = item.deviceTransform(view.viewportTransform()).mapRect(item.boundingRect())
    x0, x1 = max(0, int(box.left()) + 3), min(arr.shape[1], int(box.right()) - 3)
    has = (np.abs(arr[:, x0:x1] - c).sum(2) <= 60).any(1)
    y = int(box.center().y())
    top, bottom = y, y
    while top > 0 and has[top - 1]:
        top -= 1
    while bottom < len(has) - 1 and has[bottom + 1]:
        bottom += 1
    return bottom - top + 1 if has[y] else 0


def tag_screen_rows(view, item) -> int:
    """A screen tag's height in the grabbed viewport's pixels: the run of rows, through the
    tag's middle, whose pixels in both its left and its right padding have its fill colour
    (a box line of the same colour runs down one side only)."""
    arr = _grab_rgb(view)
    c = np.array([item.brush().color().red(), item.brush().color().green(), item.brush().color().blue()])
    box = item.deviceTransform(view.viewportTransform()).mapRect(item.boundingRect())
    y = int(box.center().y())
    left, right = int(box.left()) + 1, int(box.right()) - 1  # in the padding, beside the text
    col = (np.abs(arr[:, left] - c).sum(1) <= 6) & (np.abs(arr[:, right] - c).sum(1) <= 6)
    top, bottom = y, y
    while top > 0 and col[top - 1]:
        top -= 1
    while bottom < len(col) - 1 and col[bottom + 1]:
        bottom += 1
    return bottom - top + 1 if col[y] else 0
