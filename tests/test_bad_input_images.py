"""The bad-input matrix, images: bad image files, pixel limits (TIFF included), listing
problems, CSV formula escaping and errors in the engine's stages. Every case checks the
one-line message, the exit code, that the good inputs still completed and that the source
folder's bytes are unchanged.
"""

import os
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.app_helpers import tree_hashes
from tests.bad_input_helpers import CLS_MODEL, predict, summary

# ----------------------------------------------------------------------------- images

BAD_IMAGES = {
    "empty.jpg": lambda p: p.write_bytes(b""),
    "garbage.png": lambda p: p.write_bytes(os.urandom(300)),
    "truncated.jpg": lambda p: p.write_bytes(cv2.imencode(".jpg", np.full((80, 80, 3), 90, np.uint8))[1]
                                             .tobytes()[:400]),
    "folder.jpg": lambda p: p.mkdir(),
    # 1 x 60000 pixels: the classifier's short-side resize would ask for gigabytes
    "strip.png": lambda p: cv2.imwrite(str(p), np.full((1, 60000), 120, np.uint8)),
}


@pytest.mark.parametrize("name", sorted(BAD_IMAGES))
def test_bad_image_is_that_image_s_error_and_the_run_goes_on(capsys, images, tmp_path, name):
    BAD_IMAGES[name](images / name)
    before = tree_hashes(images)
    out = tmp_path / "out"
    code, err = predict(capsys, images, out)
    rows = {r["file"]: r for r in summary(out)}
    good = {k: v for k, v in rows.items() if k in ("a.png", "b.bmp", "sub/c.jpg")}
    assert code == 0, err
    assert [r["status"] for r in good.values()] == ["ok"] * 3
    if name != "folder.jpg":  # a folder named like an image is not listed as one
        assert rows[name]["status"] == "error" and rows[name]["error"]
        assert "\n" not in rows[name]["error"]
        assert "images that could not be inspected (1)" in err
    assert tree_hashes(images) == before


def test_pixel_limit_refuses_from_the_header(capsys, images, tmp_path):
    cv2.imwrite(str(images / "big.png"), np.zeros((1000, 2000), np.uint8))
    code, err = predict(capsys, images, tmp_path / "out", "--max-megapixels", "1.5")
    rows = {r["file"]: r for r in summary(tmp_path / "out")}
    assert code == 0
    assert "2000x1000" in rows["big.png"]["error"] and "limit of 1.5 megapixels" in rows["big.png"]["error"]
    assert sum(r["status"] == "ok" for r in rows.values()) == 3


def test_header_check_needs_no_decoding():
    """A valid 1x1 PNG whose header is patched to 60000 x 60000: refused from the header
    alone (decoding it would fail or, for a real one, take gigabytes)."""
    import struct
    import zlib

    from inspectors.errors import ImageReadError
    from inspectors.imageio import check_pixels

    png = bytearray(cv2.imencode(".png", np.zeros((1, 1), np.uint8))[1].tobytes())
    png[16:24] = struct.pack(">II", 60000, 60000)
    png[29:33] = struct.pack(">I", zlib.crc32(bytes(png[12:29])) & 0xFFFFFFFF)
    with pytest.raises(ImageReadError, match="60000x60000"):
        check_pixels(bytes(png), "x.png", 100_000_000)
    check_pixels(bytes(png), "x.png", 60000 * 60000)  # at the limit: allowed


def test_every_image_failing_exits_non_zero(capsys, tmp_path):
    src = tmp_path / "bad"
    src.mkdir()
    for name in ("x.jpg", "y.png"):
        (src / name).write_bytes(b"not an image")
    code, err = predict(capsys, src, tmp_path / "out")
    assert code == 1 and "no image could be inspected" in err


def test_dangling_link_and_unreadable_folder_are_reported(capsys, images, tmp_path, monkeypatch):
    (images / "gone.jpg").symlink_to(tmp_path / "nowhere.jpg")
    (images / "locked").mkdir()
    locked = str(images / "locked")
    real_scandir = os.scandir

    def scandir(path="."):  # root reads every folder: make one unreadable the way EACCES does
        if os.fspath(path) == locked:
            raise PermissionError(13, "Permission denied", locked)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code, err = predict(capsys, images, tmp_path / "out")
    assert code == 0
    assert "skipped while listing the input (2)" in err
    assert "symbolic link points to nothing" in err and "gone.jpg" in err
    assert "folder cannot be read (Permission denied)" in err and "locked" in err
    assert len(summary(tmp_path / "out")) == 3


def test_csv_formula_names_are_escaped(capsys, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    names = ["=HYPERLINK(1).png", "+1.png", "-2.png", "@x.png", "plain.png"]
    for n in names:
        cv2.imwrite(str(src / n), np.full((64, 64, 3), 100, np.uint8))
    code, _ = predict(capsys, src, tmp_path / "out")
    assert code == 0
    files = sorted(r["file"] for r in summary(tmp_path / "out"))
    assert files == sorted("'" + n if n[0] in "=+-@" else n for n in names)


# ----------------------------------------------------------------------------- the engine's stages


def test_any_stage_error_stays_with_its_image(tmp_path):
    """A MemoryError or cv2.error in the prefetch thread is that image's error; the others run."""
    from inspectors.engine import Inspector

    class Flaky(Inspector):
        def prepare(self, image, path=""):
            if path.endswith("oom.png"):
                raise MemoryError()
            if path.endswith("cv.png"):
                cv2.resize(image, (0, 0))  # the real cv2.error a degenerate target size gives
            return super().prepare(image, path)

    names = ["a.png", "oom.png", "b.png", "cv.png", "c.png"]
    for n in names:
        cv2.imwrite(str(tmp_path / n), np.full((64, 64, 3), 90, np.uint8))
    insp = Flaky.from_path(CLS_MODEL)
    outcomes = {Path(o.path).name: o for o in insp.run([tmp_path / n for n in names])}
    assert sorted(outcomes) == sorted(names)
    assert [outcomes[n].ok for n in names] == [True, False, True, False, True]
    assert "MemoryError" in outcomes["oom.png"].error
    assert outcomes["cv.png"].error.startswith("preprocess failed: error")


def test_a_failing_listing_stops_the_run_with_an_error(tmp_path):
    from inspectors.engine import Inspector
    from inspectors.errors import InspectorError

    cv2.imwrite(str(tmp_path / "a.png"), np.full((64, 64, 3), 90, np.uint8))

    def paths():
        yield tmp_path / "a.png"
        raise OSError(5, "Input/output error")

    insp = Inspector.from_path(CLS_MODEL)
    seen = []
    with pytest.raises(InspectorError, match="Input/output error"):
        for o in insp.run(paths()):
            seen.append(o)
    assert [Path(o.path).name for o in seen] == ["a.png"]  # what was read still came out


def test_tiff_header_over_the_limit_is_refused_before_decoding(tmp_path):
    """A TIFF written by OpenCV: its size is read from the first IFD, so one above the limit
    is refused before the decoder allocates anything (TIFF is not in OpenCV's JPEG/PNG/BMP
    header path)."""
    from inspectors.errors import ImageReadError
    from inspectors.imageio import read_image

    ok, buf = cv2.imencode(".tif", np.zeros((300, 200), np.uint8))
    assert ok
    path = tmp_path / "big.tif"
    path.write_bytes(buf.tobytes())
    assert read_image(path).shape == (300, 200, 3)
    with pytest.raises(ImageReadError, match="200x300"):
        read_image(path, max_pixels=200 * 300 - 1)
