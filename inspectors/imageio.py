"""Image files in and out, the way the Paddle suites read them.

PaddleSeg / PaddleDetection / PaddleClas read images with
``cv2.imread(path, cv2.IMREAD_COLOR)``: gray is replicated to 3 channels, 16-bit
is scaled down to 8-bit, alpha is dropped and the EXIF orientation is applied.
:func:`read_image` gives the same array but goes through ``cv2.imdecode`` on the
file's bytes, because ``cv2.imread`` cannot open non-ASCII paths on Windows.
"""

from __future__ import annotations

import io
import os
import struct
from pathlib import Path
from typing import BinaryIO, Optional, Sequence, Tuple, Union

import cv2
import numpy as np

from .atomic import atomic_write_bytes
from .errors import ImageReadError, InspectorError
from .listing import IMAGE_EXTENSIONS, list_images, natural_key  # noqa: F401 - re-exported

PathLike = Union[str, "os.PathLike[str]"]

_JPEG_EXTS = (".jpg", ".jpeg", ".jpe")

#: Default limit on the pixels of an image to decode (RuntimeSettings.max_pixels).
MAX_PIXELS = 100_000_000


def is_image_file(path: PathLike) -> bool:
    return os.path.splitext(str(path))[1].lower() in IMAGE_EXTENSIONS


def _read_bytes(path: PathLike) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        raise ImageReadError(f"image file not found: {path}") from None
    except IsADirectoryError:
        raise ImageReadError(f"not an image file but a folder: {path}") from None
    except OSError as e:
        raise ImageReadError(f"cannot read image file {path}: {e.strerror or e}") from None


def _jpeg_has_end(data: bytes) -> bool:
    """True unless the JPEG stops before its end-of-image marker (a truncated file).

    libjpeg decodes a truncated file without error and fills the missing rows with
    gray, which would silently corrupt inspection results. The segments before the
    first scan are skipped by their lengths so an EXIF thumbnail's EOI is not taken
    for the main image's; entropy-coded data cannot contain FF D9.
    """
    i, n = 2, len(data)
    while i + 4 <= n:
        if data[i] != 0xFF:
            return True  # not a marker where one should be: let the decoder judge
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker == 0xD9:
            return True
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        length = (data[i + 2] << 8) | data[i + 3]
        if marker == 0xDA:
            return data.find(b"\xff\xd9", i + 2 + length) != -1
        i += 2 + length
    return False


def read_image(path: PathLike, allow_truncated: bool = False,
               max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """Decode an image file to an HxWx3 uint8 BGR array (as ``cv2.imread`` would).

    Raises ImageReadError naming the file when it is missing, empty, corrupt,
    truncated or in a format OpenCV cannot decode. A JPEG without its end marker
    is refused unless ``allow_truncated`` (OpenCV would return it gray-padded). An image
    declaring more than ``max_pixels`` pixels in its header is refused before decoding.
    """
    data = _read_bytes(path)
    if not data:
        raise ImageReadError(f"image file is empty (0 bytes): {path}")
    check_pixels(data, path, max_pixels)
    is_jpeg = data[:3] == b"\xff\xd8\xff"
    if is_jpeg and not allow_truncated and not _jpeg_has_end(data):
        raise ImageReadError(f"JPEG file is truncated (no end-of-image marker): {path}")
    try:
        img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    except cv2.error as e:
        raise ImageReadError(f"cannot decode image {path}: {e.err or e}") from None
    if img is None:
        kind = os.path.splitext(str(path))[1].lower()
        hint = "unsupported format" if kind not in IMAGE_EXTENSIONS else "corrupt or truncated"
        raise ImageReadError(f"cannot decode image {path} ({hint}, {len(data)} bytes)")
    return img


# ---------------------------------------------------------------- header sizes


def _exif_orientation(tiff: bytes) -> int:
    """Orientation tag (1..8) from a TIFF-structured EXIF block; 1 when absent."""
    if len(tiff) < 8 or tiff[:2] not in (b"II", b"MM"):
        return 1
    e = "<" if tiff[:2] == b"II" else ">"
    (ifd,) = struct.unpack(e + "I", tiff[4:8])
    if ifd + 2 > len(tiff):
        return 1
    (count,) = struct.unpack(e + "H", tiff[ifd : ifd + 2])
    for k in range(count):
        off = ifd + 2 + 12 * k
        if off + 12 > len(tiff):
            break
        tag, _typ, _cnt = struct.unpack(e + "HHI", tiff[off : off + 8])
        if tag == 0x0112:
            (value,) = struct.unpack(e + "H", tiff[off + 8 : off + 10])
            return value if 1 <= value <= 8 else 1
    return 1


def _jpeg_size(f: BinaryIO) -> Optional[Tuple[int, int, int]]:
    f.seek(2)
    orientation = 1
    while True:
        b = f.read(1)
        while b == b"\xff":
            b = f.read(1)
        if not b:
            return None
        marker = b[0]
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:
            continue
        if marker in (0xD9, 0xDA):
            return None
        head = f.read(2)
        if len(head) < 2:
            return None
        length = struct.unpack(">H", head)[0] - 2
        if marker == 0xE1 and orientation == 1:
            body = f.read(length)
            if body[:6] == b"Exif\x00\x00":
                orientation = _exif_orientation(body[6:])
        elif 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            body = f.read(5)
            if len(body) < 5:
                return None
            h, w = struct.unpack(">HH", body[1:5])
            return h, w, orientation
        else:
            f.seek(length, os.SEEK_CUR)
        if f.read(1) != b"\xff":
            return None


def _png_size(f: BinaryIO) -> Optional[Tuple[int, int, int]]:
    f.seek(8)
    head = f.read(8 + 8)
    if len(head) < 16 or head[4:8] != b"IHDR":
        return None
    w, h = struct.unpack(">II", head[8:16])
    f.seek(8 + 8 + 13 + 4)  # signature, IHDR header + body + crc
    orientation = 1
    while True:  # OpenCV applies an eXIf chunk that comes before the image data
        head = f.read(8)
        if len(head) < 8 or head[4:8] == b"IDAT":
            break
        (length,) = struct.unpack(">I", head[:4])
        if head[4:8] == b"eXIf":
            orientation = _exif_orientation(f.read(length))
            break
        f.seek(length + 4, os.SEEK_CUR)
    return h, w, orientation


def _bmp_size(f: BinaryIO) -> Optional[Tuple[int, int, int]]:
    head = f.read(26)
    if len(head) < 26:
        return None
    (hsize,) = struct.unpack("<I", head[14:18])
    if hsize == 12:
        w, h = struct.unpack("<HH", head[18:22])
    else:
        w, h = struct.unpack("<ii", head[18:26])
    return abs(h), abs(w), 1


def _header_size(f: BinaryIO) -> Optional[Tuple[int, int, int]]:
    """(h, w, EXIF orientation) from a JPEG, PNG or BMP header; None for other formats."""
    sig = f.read(8)
    f.seek(0)
    if sig[:3] == b"\xff\xd8\xff":
        return _jpeg_size(f)
    if sig == b"\x89PNG\r\n\x1a\n":
        return _png_size(f)
    if sig[:2] == b"BM":
        return _bmp_size(f)
    return None


def _oriented(found: Tuple[int, int, int]) -> Tuple[int, int]:
    h, w, orientation = found
    return (w, h) if orientation >= 5 else (h, w)


def image_size(path: PathLike) -> Tuple[int, int]:
    """(height, width) of the image as :func:`read_image` would return it.

    Read from the header for JPEG, PNG and BMP (EXIF rotation included), decoded
    otherwise. The file is not validated beyond its header.
    """
    try:
        with open(path, "rb") as f:
            found = _header_size(f)
    except FileNotFoundError:
        raise ImageReadError(f"image file not found: {path}") from None
    except OSError as e:
        raise ImageReadError(f"cannot read image file {path}: {e.strerror or e}") from None
    if found is None or found[0] <= 0 or found[1] <= 0:
        h, w = read_image(path).shape[:2]
        return int(h), int(w)
    return _oriented(found)


def _tiff_dims(data: bytes) -> Optional[Tuple[int, int, int]]:
    """(h, w, 1) from the first IFD of a TIFF (tags 256/257), for the pixel limit only."""
    if len(data) < 8 or data[:4] not in (b"II*\x00", b"MM\x00*"):
        return None
    e = "<" if data[:2] == b"II" else ">"
    (ifd,) = struct.unpack(e + "I", data[4:8])
    if ifd + 2 > len(data):
        return None
    (count,) = struct.unpack(e + "H", data[ifd : ifd + 2])
    dims = {}
    for k in range(min(count, 4096)):
        off = ifd + 2 + 12 * k
        if off + 12 > len(data):
            break
        tag, typ = struct.unpack(e + "HH", data[off : off + 4])
        if tag in (256, 257):  # ImageWidth, ImageLength: SHORT (3) or LONG (4)
            fmt = e + ("H" if typ == 3 else "I")
            dims[tag] = struct.unpack(fmt, data[off + 8 : off + 8 + struct.calcsize(fmt)])[0]
    if 256 in dims and 257 in dims:
        return dims[257], dims[256], 1
    return None


def check_pixels(data: bytes, path: PathLike, max_pixels: int) -> None:
    """Refuse an image whose header declares more than ``max_pixels`` pixels, before
    decoding it: a 256-byte PNG can declare 60,000 x 60,000 and decode to gigabytes.
    JPEG, PNG, BMP and TIFF headers are read; other formats go to the decoder."""
    try:
        found = _header_size(io.BytesIO(data)) or _tiff_dims(data)
    except (struct.error, ValueError, IndexError):
        return  # a header too short to read: the decoder gives the error
    if found is None:
        return
    h, w = _oriented(found)
    if h * w > max_pixels:
        raise ImageReadError(f"image {path} is {w}x{h} ({h * w / 1e6:.0f} megapixels), above the "
                             f"limit of {max_pixels / 1e6:g} megapixels (setting max_pixels)")


# ---------------------------------------------------------------- writing


def write_image(path: PathLike, image: np.ndarray, params: Sequence[int] = ()) -> Path:
    """Encode ``image`` (BGR/gray) in the format named by the extension and write it
    atomically: a temp file in the same folder is renamed over the target, so a
    reader never sees half a file. Works with non-ASCII paths. Returns the path.
    """
    target = Path(path)
    ext = target.suffix.lower()
    if ext not in IMAGE_EXTENSIONS:
        raise InspectorError(f"cannot write {target}: unknown image extension {ext!r}")
    img = np.asarray(image)
    if img.ndim not in (2, 3) or (img.ndim == 3 and img.shape[2] not in (1, 3, 4)) or not img.size:
        raise InspectorError(f"cannot write {target}: image shape {img.shape} is not HxW[xC]")
    try:
        ok, buf = cv2.imencode(ext, img, list(params))
    except cv2.error as e:
        raise InspectorError(f"cannot encode {target} as {ext}: {e.err or e}") from None
    if not ok:
        raise InspectorError(f"cannot encode {target} as {ext} (dtype {img.dtype})")
    try:
        atomic_write_bytes(target, buf.tobytes())
    except OSError as e:
        raise InspectorError(f"cannot write {target}: {e.strerror or e}") from None
    return target
