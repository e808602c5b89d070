"""inspectors.imageio against OpenCV's own cv2.imread on an ASCII copy of each file."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from inspectors.errors import ImageReadError, InspectorError
from inspectors.imageio import IMAGE_EXTENSIONS, image_size, list_images, read_image, write_image

UNICODE_DIR = "检测 图像"  # Chinese characters and a space
RNG = np.random.default_rng(7)


def _noise(h: int, w: int, c: int = 0, dtype=np.uint8) -> np.ndarray:
    top = 65535 if dtype == np.uint16 else 255
    shape = (h, w, c) if c else (h, w)
    return RNG.integers(0, top + 1, shape, dtype=np.int64).astype(dtype)


def _write_cv(path: Path, img: np.ndarray) -> Path:
    assert cv2.imwrite(str(path), img), path
    return path


def _make(kind: str, folder: Path) -> Path:
    """A test image written by an independent writer (cv2.imwrite or PIL)."""
    if kind == "gray.bmp":
        return _write_cv(folder / kind, _noise(31, 47))
    if kind == "bgr.bmp":
        return _write_cv(folder / kind, _noise(31, 47, 3))
    if kind == "gray16.png":
        return _write_cv(folder / kind, _noise(29, 33, dtype=np.uint16))
    if kind == "bgr16.png":
        return _write_cv(folder / kind, _noise(29, 33, 3, dtype=np.uint16))
    if kind == "rgba.png":
        return _write_cv(folder / kind, _noise(20, 24, 4))
    if kind == "palette.png":
        Image.fromarray(_noise(20, 24) % 5).convert("P").save(folder / kind)
        img = Image.open(folder / kind)
        img.putpalette([int(v) for v in _noise(256, 3).ravel()])
        img.save(folder / kind)
        return folder / kind
    if kind == "gray.jpg":
        return _write_cv(folder / kind, _noise(40, 52))
    if kind == "bgr.jpg":
        return _write_cv(folder / kind, _noise(40, 52, 3))
    if kind == "gray16.tif":
        return _write_cv(folder / kind, _noise(17, 23, dtype=np.uint16))
    if kind == "rgba.tif":
        return _write_cv(folder / kind, _noise(17, 23, 4))
    if kind == "exif6.jpg":  # EXIF orientation "rotate 90 CW": OpenCV applies it
        img = Image.fromarray(_noise(30, 50, 3))
        exif = img.getexif()
        exif[0x0112] = 6
        img.save(folder / kind, exif=exif.tobytes())
        return folder / kind
    raise AssertionError(kind)


KINDS = [
    "gray.bmp",
    "bgr.bmp",
    "gray16.png",
    "bgr16.png",
    "rgba.png",
    "palette.png",
    "gray.jpg",
    "bgr.jpg",
    "gray16.tif",
    "rgba.tif",
    "exif6.jpg",
]


@pytest.mark.parametrize("kind", KINDS)
def test_read_image_matches_cv2_imread_on_unicode_path(tmp_path: Path, kind: str) -> None:
    ascii_path = _make(kind, tmp_path)
    expected = cv2.imread(str(ascii_path), cv2.IMREAD_COLOR)
    assert expected is not None
    udir = tmp_path / UNICODE_DIR
    udir.mkdir()
    upath = udir / f"样本 {kind}"
    shutil.copyfile(ascii_path, upath)

    got = read_image(upath)
    assert got.dtype == np.uint8 and got.ndim == 3 and got.shape[2] == 3
    np.testing.assert_array_equal(got, expected)
    assert read_image(str(upath)).shape == expected.shape  # str paths too
    assert image_size(upath) == expected.shape[:2]


def test_exif_rotation_changes_the_shape(tmp_path: Path) -> None:
    path = _make("exif6.jpg", tmp_path)
    assert read_image(path).shape[:2] == (50, 30)  # saved as 30 high x 50 wide
    assert image_size(path) == (50, 30)


def test_missing_empty_and_folder_raise_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(ImageReadError, match="not found.*nothere.png"):
        read_image(tmp_path / "nothere.png")
    empty = tmp_path / "空 文件.jpg"
    empty.write_bytes(b"")
    with pytest.raises(ImageReadError, match="empty.*空 文件.jpg"):
        read_image(empty)
    with pytest.raises(ImageReadError, match="folder"):
        read_image(tmp_path)
    with pytest.raises(ImageReadError, match="not found"):
        image_size(tmp_path / "nothere.png")


def test_garbage_and_unsupported_raise(tmp_path: Path) -> None:
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"this is not an image at all" * 10)
    with pytest.raises(ImageReadError, match="junk.png"):
        read_image(junk)
    with pytest.raises(ImageReadError):
        image_size(tmp_path / "junk.png")


def _truncate(src: Path, dst: Path, fraction: float) -> Path:
    data = src.read_bytes()
    dst.write_bytes(data[: int(len(data) * fraction)])
    return dst


def test_truncated_jpeg_is_refused_though_opencv_decodes_it(tmp_path: Path) -> None:
    src = _write_cv(tmp_path / "full.jpg", _noise(120, 160, 3))
    cut = _truncate(src, tmp_path / "half.jpg", 0.5)
    # OpenCV returns a gray-padded full-size image for a half file ...
    assert cv2.imread(str(cut), cv2.IMREAD_COLOR) is not None
    # ... which must not reach an inspection as if it were the real picture
    with pytest.raises(ImageReadError, match="truncated.*half.jpg"):
        read_image(cut)
    partial = read_image(cut, allow_truncated=True)
    assert partial.shape == (120, 160, 3)


def test_truncated_jpeg_with_eoi_inside_exif_is_still_refused(tmp_path: Path) -> None:
    # An APP1 segment whose payload contains FF D9 (as an EXIF thumbnail does)
    data = _write_cv(tmp_path / "full.jpg", _noise(120, 160, 3)).read_bytes()
    payload = b"Exif\x00\x00" + b"\xff\xd8\xff\xd9" * 8
    app1 = b"\xff\xe1" + (len(payload) + 2).to_bytes(2, "big") + payload
    with_thumb = data[:2] + app1 + data[2:]
    (tmp_path / "thumb.jpg").write_bytes(with_thumb)
    np.testing.assert_array_equal(
        read_image(tmp_path / "thumb.jpg"), cv2.imread(str(tmp_path / "thumb.jpg"))
    )
    (tmp_path / "thumb_cut.jpg").write_bytes(with_thumb[: len(with_thumb) * 2 // 3])
    with pytest.raises(ImageReadError, match="truncated"):
        read_image(tmp_path / "thumb_cut.jpg")


def test_jpeg_with_bytes_after_the_end_marker_is_fine(tmp_path: Path) -> None:
    src = _write_cv(tmp_path / "a.jpg", _noise(30, 40, 3))
    padded = tmp_path / "padded.jpg"
    padded.write_bytes(src.read_bytes() + b"\x00" * 100)
    np.testing.assert_array_equal(read_image(padded), cv2.imread(str(src)))


@pytest.mark.parametrize("kind", ["bgr16.png", "gray.bmp", "rgba.tif"])
def test_truncated_png_bmp_tiff_raise(tmp_path: Path, kind: str) -> None:
    src = _make(kind, tmp_path)
    cut = _truncate(src, tmp_path / f"cut_{kind}", 0.6)
    with pytest.raises(ImageReadError, match=f"cut_{kind}"):
        read_image(cut)


def test_write_image_round_trip_unicode_and_atomic(tmp_path: Path) -> None:
    folder = tmp_path / UNICODE_DIR
    img = _noise(21, 34, 3)
    out = write_image(folder / "结果 1.png", img)
    assert out.is_file()
    ascii_copy = tmp_path / "copy.png"
    shutil.copyfile(out, ascii_copy)
    np.testing.assert_array_equal(cv2.imread(str(ascii_copy), cv2.IMREAD_UNCHANGED), img)
    # overwrite, JPEG with a quality parameter, 16-bit PNG
    write_image(folder / "结果 1.png", img[:, :, 0])
    shutil.copyfile(out, ascii_copy)
    np.testing.assert_array_equal(cv2.imread(str(ascii_copy), cv2.IMREAD_UNCHANGED), img[:, :, 0])
    write_image(folder / "q.jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 95])
    assert read_image(folder / "q.jpg").shape == img.shape
    deep = _noise(5, 6, dtype=np.uint16)
    write_image(folder / "d.png", deep)
    shutil.copyfile(folder / "d.png", ascii_copy)
    np.testing.assert_array_equal(cv2.imread(str(ascii_copy), cv2.IMREAD_UNCHANGED), deep)
    assert sorted(p.name for p in folder.iterdir()) == [
        "d.png",
        "q.jpg",
        "结果 1.png",
    ]  # no temp files


def test_write_image_failures_leave_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "keep.png"
    write_image(target, _noise(4, 4, 3))
    before = target.read_bytes()
    with pytest.raises(InspectorError, match="extension"):
        write_image(tmp_path / "x.txt", _noise(4, 4, 3))
    with pytest.raises(InspectorError, match="shape"):
        write_image(tmp_path / "x.png", np.zeros((4, 4, 2), np.uint8))

    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(InspectorError, match="No space left"):
        write_image(target, _noise(8, 8, 3))
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["keep.png"]


def test_list_images_natural_order_hidden_and_recursion(tmp_path: Path) -> None:
    names = [
        "img10.png",
        "img2.png",
        "img1.png",
        "IMG3.JPG",
        "b 图.bmp",
        "a.tiff",
        "notes.txt",
        ".hidden.png",
    ]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "sub10").mkdir()
    (tmp_path / "sub2").mkdir()
    (tmp_path / "sub10" / "z.jpg").write_bytes(b"x")
    (tmp_path / "sub2" / "y.jpg").write_bytes(b"x")
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "c.png").write_bytes(b"x")
    (tmp_path / "dir.png").mkdir()  # a folder with an image-like name

    rel = [p.relative_to(tmp_path).as_posix() for p in list_images(tmp_path)]
    assert rel == [
        "a.tiff",
        "b 图.bmp",
        "img1.png",
        "img2.png",
        "IMG3.JPG",
        "img10.png",
        "sub2/y.jpg",
        "sub10/z.jpg",
    ]
    flat = [p.name for p in list_images(tmp_path, recursive=False)]
    assert flat == ["a.tiff", "b 图.bmp", "img1.png", "img2.png", "IMG3.JPG", "img10.png"]
    with pytest.raises(ImageReadError):
        list_images(tmp_path / "missing")


def test_list_images_is_fast(tmp_path: Path) -> None:
    for i in range(5000):
        (tmp_path / f"f{i}.jpg").touch()
    start = time.perf_counter()
    found = list_images(tmp_path)
    elapsed = time.perf_counter() - start
    assert len(found) == 5000 and found[9].name == "f9.jpg" and found[10].name == "f10.jpg"
    assert elapsed < 1.0  # about 20 ms here; 100,000 files scale linearly


def test_extensions_are_lowercase_with_dot() -> None:
    assert {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff"} <= IMAGE_EXTENSIONS
    assert all(e.startswith(".") and e == e.lower() for e in IMAGE_EXTENSIONS)
