"""Write the demo sets into ``resources/demo``:

- ``neu_cls/<class>/<class>_<n>.bmp`` + ``labels.txt`` + ``val_list.txt`` (PaddleClas list,
  the NEU-CLS layout) for the bundled classifier;
- ``magnetic_tile/images/*.jpg`` + ``labels/*.png`` + ``labels.txt`` + ``val.txt``
  (PaddleSeg list, the magnetic-tile layout) for the bundled segmenter;
- ``neu_det/JPEGImages/*.jpg`` + ``Annotations/*.xml`` + ``labels.txt`` + ``val_list.txt``
  (Pascal VOC with a PaddleDetection list, the NEU-DET layout) for the bundled detector;
- ``MANIFEST.sha256`` (``sha256  relative/path`` per file) so a check can tell a stale or
  edited copy.
"""

from __future__ import annotations

import hashlib
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Dict, List, Optional

import cv2
import numpy as np

from ...assets import demo_dir
from . import textures, tiles

DEMO_DIR = demo_dir()
NEU_PER_CLASS = 5
TILE_PER_CLASS = 3
TILE_FREE = 5


def _write(path: Path, image: np.ndarray, params: Optional[List[int]] = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    ok, buf = cv2.imencode(path.suffix, image, params or [])
    if not ok:
        raise OSError(f"cannot encode {path}")
    path.write_bytes(buf.tobytes())


def write_neu(root: Path, seed: int = 2024, per_class: int = NEU_PER_CLASS) -> int:
    rng = np.random.default_rng(seed)
    lines = []
    for cid, (name, gen) in enumerate(textures.GENERATORS.items()):
        for i in range(1, per_class + 1):
            rel = f"{name}/{name}_{i}.bmp"
            _write(root / rel, gen(rng))
            lines.append(f"{rel} {cid}\n")
    (root / "labels.txt").write_text("\n".join(textures.GENERATORS) + "\n", encoding="utf-8")
    (root / "val_list.txt").write_text("".join(lines), encoding="utf-8")
    return len(lines)


#: NEU-DET class names (labels.txt of neu-det), in the NEU-CLS generators' order.
NEU_DET_NAMES = ("crazing", "inclusion", "patches", "pitted_surface", "rolled-in_scale", "scratches")


def voc_xml(filename: str, width: int, height: int, objects) -> bytes:
    """A Pascal VOC annotation; ``objects`` are ``(name, (x1, y1, x2, y2))``."""
    root = ET.Element("annotation")
    ET.SubElement(root, "folder").text = "JPEGImages"
    ET.SubElement(root, "filename").text = filename
    size = ET.SubElement(root, "size")
    for tag, value in (("width", width), ("height", height), ("depth", 3)):
        ET.SubElement(size, tag).text = str(value)
    for name, box in objects:
        obj = ET.SubElement(root, "object")
        ET.SubElement(obj, "name").text = name
        ET.SubElement(obj, "difficult").text = "0"
        bnd = ET.SubElement(obj, "bndbox")
        for tag, value in zip(("xmin", "ymin", "xmax", "ymax"), box):
            ET.SubElement(bnd, tag).text = str(int(value))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8") + b"\n"


def write_neu_det(root: Path, seed: int = 2026, per_class: int = NEU_PER_CLASS) -> int:
    """NEU-DET-like images (3 equal channels, as NEU-DET's JPEGs) with boxes drawn around
    the generated defects (:func:`textures.defect_boxes`)."""
    rng = np.random.default_rng(seed)
    lines = []
    for (code, gen), name in zip(textures.GENERATORS.items(), NEU_DET_NAMES):
        for i in range(1, per_class + 1):
            defect = np.zeros((textures.SIZE, textures.SIZE), np.float32)
            im = gen(rng, defect)
            boxes = textures.defect_boxes(defect, textures.MERGE[code])
            stem = f"{name}_{i}"
            _write(root / "JPEGImages" / f"{stem}.jpg", cv2.merge([im] * 3), [cv2.IMWRITE_JPEG_QUALITY, 92])
            xml = voc_xml(f"{stem}.jpg", textures.SIZE, textures.SIZE, [(name, b) for b in boxes])
            (root / "Annotations").mkdir(parents=True, exist_ok=True)
            (root / "Annotations" / f"{stem}.xml").write_bytes(xml)
            lines.append(f"JPEGImages/{stem}.jpg Annotations/{stem}.xml\n")
    (root / "labels.txt").write_text("\n".join(NEU_DET_NAMES) + "\n", encoding="utf-8")
    (root / "val_list.txt").write_text("".join(lines), encoding="utf-8")
    return len(lines)


def write_tiles(root: Path, seed: int = 2025, per_class: int = TILE_PER_CLASS,
                free: int = TILE_FREE) -> int:
    rng = np.random.default_rng(seed)
    lines = []
    for name, gen in tiles.GENERATORS.items():
        for i in range(1, (free if name == "Free" else per_class) + 1):
            im, lab = tiles.render(gen(rng))
            stem = f"{name}_{i}"
            _write(root / "images" / f"{stem}.jpg", im, [cv2.IMWRITE_JPEG_QUALITY, 92])
            _write(root / "labels" / f"{stem}.png", lab)
            lines.append(f"images/{stem}.jpg labels/{stem}.png\n")
    (root / "labels.txt").write_text("\n".join(tiles.CLASS_NAMES) + "\n", encoding="utf-8")
    (root / "val.txt").write_text("".join(lines), encoding="utf-8")
    return len(lines)


def manifest(root: Path) -> Dict[str, str]:
    """sha256 of every file under ``root`` except the manifest and the README."""
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file() and p.name not in ("MANIFEST.sha256", "README.md", "RESULTS.md"):
            out[p.relative_to(root).as_posix()] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def generate_demo(out: Path = DEMO_DIR) -> Dict[str, int]:
    """Regenerate the demo sets (deterministic); returns image counts."""
    out = Path(out)
    for sub in ("neu_cls", "neu_det", "magnetic_tile"):
        shutil.rmtree(out / sub, ignore_errors=True)
    counts = {"neu_cls": write_neu(out / "neu_cls"), "neu_det": write_neu_det(out / "neu_det"),
              "magnetic_tile": write_tiles(out / "magnetic_tile")}
    lines = [f"{h}  {p}\n" for p, h in manifest(out).items()]
    (out / "MANIFEST.sha256").write_text("".join(lines), encoding="utf-8")
    return counts


def check_demo(out: Path = DEMO_DIR) -> List[str]:
    """Files whose content differs from MANIFEST.sha256 (empty when the demo is intact)."""
    listed = {}
    for line in (Path(out) / "MANIFEST.sha256").read_text(encoding="utf-8").splitlines():
        digest, rel = line.split(None, 1)
        listed[rel] = digest
    actual = manifest(Path(out))
    return sorted(k for k in set(listed) | set(actual) if listed.get(k) != actual.get(k))
