"""Folder listing: natural order (checked against a plain list-of-str/int key sort),
hidden files skipped, 100,000 files listed (speed itself is not asserted here)."""

import os
import re

from inspectors.listing import list_image_paths, list_images

NAMES = ["img10.png", "img2.png", "IMG1.png", "img02.png", "img2a.png", "a/b.png", "a1.png", "a.png",
         "a/10.bmp", "a/9.bmp", "b/x.jpg", "z.txt", ".hidden.png", "铝材 1.jpg", "铝材 10.jpg", "铝材 2.jpg",
         "x123456789012345678901234567890.png", "x99.png", "c 1 2.png", "c 1 10.png", "c1.png", "C 01.png"]


def _reference_key(rel: str):
    def nat(text):
        parts = re.split(r"(\d+)", text.casefold())
        return [(0, int(p), "") if i % 2 else (1, 0, p) for i, p in enumerate(parts)]

    return [nat(c) for c in rel.split("/")], rel


def test_natural_order_matches_reference(tmp_path):
    for n in NAMES:
        p = tmp_path / n
        p.parent.mkdir(parents=True, exist_ok=True)
        p.touch()
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.png").touch()
    got = [os.path.relpath(p, tmp_path).replace(os.sep, "/") for p in list_image_paths(tmp_path)]
    expected = sorted((n for n in NAMES if not n.startswith(".") and not n.endswith(".txt")), key=_reference_key)
    assert got == expected
    assert [str(p) for p in list_images(tmp_path)] == list_image_paths(tmp_path)
    assert list_image_paths(tmp_path, recursive=False) == [
        str(tmp_path / n) for n in expected if "/" not in n]


def test_100000_files(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(100_000):
        (folder / f"frame_{i}.png").touch()
    paths = list_image_paths(folder)
    assert len(paths) == 100_000
    assert paths[2].endswith("frame_2.png") and paths[-1].endswith("frame_99999.png")
