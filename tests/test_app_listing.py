"""The app's fast folder listing gives exactly the engine's list_images order."""

import time

from app.listing import list_image_paths
from inspectors.imageio import list_images

NAMES = ["img10.png", "img2.png", "IMG1.png", "img02.png", "img2a.png", "a/b.png", "a1.png", "a.png",
         "a/10.bmp", "a/9.bmp", "b/x.jpg", "z.txt", ".hidden.png", "铝材 1.jpg", "铝材 10.jpg", "铝材 2.jpg",
         "x123456789012345678901234567890.png", "x99.png", "c 1 2.png", "c 1 10.png", "c1.png", "C 01.png"]


def test_same_order_as_list_images(tmp_path):
    for n in NAMES:
        p = tmp_path / n
        p.parent.mkdir(parents=True, exist_ok=True)
        p.touch()
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.png").touch()
    assert list_image_paths(str(tmp_path)) == [str(p) for p in list_images(tmp_path)]


def test_100000_names_sort_fast(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(100_000):
        (folder / f"frame_{i}.png").touch()
    t0 = time.perf_counter()
    paths = list_image_paths(str(folder))
    assert time.perf_counter() - t0 < 2.0
    assert len(paths) == 100_000 and paths[2].endswith("frame_2.png") and paths[-1].endswith("frame_99999.png")
