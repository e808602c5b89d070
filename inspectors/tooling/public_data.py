"""Fetch the public NEU surface-defect data for the demo: download (or take a file the user
downloaded), verify its SHA-256, cache it, extract it safely and lay it out as the suites
keep it (NEU-DET: Pascal VOC + PaddleDetection lists; NEU-CLS: class folders + PaddleClas
lists), so the app, ``evaluate`` and ``train`` read it like any user's data.

The NEU database has no single official archive with a published checksum (the authors'
page, Kaggle mirrors and others repackage it), so a checksum is pinned by the user:
``--sha256`` verifies against a known digest; ``--trust-first-use`` records the digest of
the first download in the cache and verifies every later one against it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tarfile
import tempfile
import urllib.request
import zipfile
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

from ..errors import InspectorError
from ..outdir import StagedFolder

NEU_DET_NAMES = ("crazing", "inclusion", "patches", "pitted_surface", "rolled-in_scale", "scratches")
#: NEU-CLS file-name prefixes, in the class order of NEU-DET's names.
NEU_CLS_CODES = ("Cr", "In", "Pa", "PS", "RS", "Sc")
DATASETS = ("neu-det", "neu-cls")
CHUNK = 1 << 20


class FetchError(InspectorError):
    """A download, checksum, archive or layout problem; the message says which."""


def cache_root() -> Path:
    """``$DEFECT_INSPECTOR_CACHE`` or ``~/.cache/defect-inspector``."""
    env = os.environ.get("DEFECT_INSPECTOR_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "defect-inspector"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def download(url: str, dest: Path, progress: Optional[Callable[[int, int], None]] = None,
             timeout: float = 60.0) -> Path:
    """Stream ``url`` to ``dest`` through a temporary file renamed at the end."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=dest.name + ".", suffix=".part", dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as resp:
            total = int(resp.headers.get("Content-Length") or 0)
            done = 0
            for block in iter(lambda: resp.read(CHUNK), b""):
                out.write(block)
                done += len(block)
                if progress:
                    progress(done, total)
        os.replace(tmp, dest)
    except OSError as e:  # URLError and HTTPError are OSErrors
        Path(tmp).unlink(missing_ok=True)
        raise FetchError(f"download of {url} failed: {e}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return dest


def _pins_file() -> Path:
    return cache_root() / "pins.json"


def _pins() -> Dict[str, str]:
    p = _pins_file()
    return json.loads(p.read_text(encoding="utf-8")) if p.is_file() else {}


def _pin(source: str, digest: str) -> None:
    pins = _pins()
    pins[source] = digest
    path = _pins_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(pins, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def obtain_archive(source: str, sha256: Optional[str] = None, trust_first_use: bool = False,
                   progress: Optional[Callable[[int, int], None]] = None) -> Tuple[Path, str]:
    """The verified archive for ``source`` (a URL or a local file) in the cache, and its
    digest. A cached archive with the expected digest is reused without downloading."""
    expected = (sha256 or "").lower() or _pins().get(source)
    if expected and not re.fullmatch(r"[0-9a-f]{64}", expected):
        raise FetchError(f"--sha256 must be 64 hex digits, got {expected!r}")
    if not expected and not trust_first_use:
        raise FetchError("no checksum to verify against: pass --sha256 HEX (the digest published "
                         "with the archive), or --trust-first-use to pin this download's digest")
    archives = cache_root() / "archives"
    name = Path(urllib.request.url2pathname(source.split("?")[0])).name or "archive"
    if expected:
        cached = archives / expected / name
        if cached.is_file() and sha256_file(cached) == expected:
            return cached, expected
    local = Path(os.path.expanduser(source))
    tmp_dir = Path(tempfile.mkdtemp(prefix="fetch_", dir=_ensure(archives)))
    try:
        got = tmp_dir / name
        if "://" not in source:
            if not local.is_file():
                raise FetchError(f"{source} is neither a URL nor a file")
            shutil.copyfile(local, got)
        else:
            download(source, got, progress)
        digest = sha256_file(got)
        if expected and digest != expected:
            raise FetchError(f"checksum mismatch for {source}: expected {expected}, got {digest}; "
                             "nothing was cached")
        final = archives / digest / name
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(got, final)
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)
    if not expected:
        _pin(source, digest)
    return final, digest


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def safe_extract(archive: Path, dest: Path) -> Path:
    """Extract a .zip / .tar(.gz|.bz2|.xz) into ``dest``; members that would land outside
    it (absolute paths, ``..``, links) are refused before anything is written."""
    dest.mkdir(parents=True, exist_ok=True)
    root = dest.resolve()

    def inside(name: str) -> bool:
        target = (root / name).resolve()
        return target == root or root in target.parents

    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as z:
            bad = [n for n in z.namelist() if not inside(n)]
            if bad:
                raise FetchError(f"{archive.name}: unsafe member {bad[0]!r}; not extracted")
            z.extractall(root)
        return root
    try:
        with tarfile.open(archive) as t:
            members = t.getmembers()
            bad = [m.name for m in members if not inside(m.name) or m.issym() or m.islnk()
                   or not (m.isfile() or m.isdir())]
            if bad:
                raise FetchError(f"{archive.name}: unsafe member {bad[0]!r}; not extracted")
            t.extractall(root, members=members)
    except tarfile.TarError as e:
        raise FetchError(f"{archive.name} is not a zip or tar archive: {e}") from None
    return root


def _index(tree: Path, suffixes: Tuple[str, ...]) -> Dict[str, Path]:
    """Files by lower-case stem (the NEU ids are unique across the set)."""
    out: Dict[str, Path] = {}
    for p in sorted(tree.rglob("*")):
        if p.is_file() and p.suffix.lower() in suffixes and not p.name.startswith("._"):
            out.setdefault(p.stem.lower(), p)
    return out


def _neu_id(stem: str) -> Optional[Tuple[int, int]]:
    """(class index, number) of a NEU-DET or NEU-CLS file stem, else None."""
    m = re.fullmatch(r"(.+?)_(\d+)", stem)
    if not m:
        return None
    head = m.group(1).lower()
    for i, (name, code) in enumerate(zip(NEU_DET_NAMES, NEU_CLS_CODES)):
        if head in (name, code.lower()):
            return i, int(m.group(2))
    return None


def _split(ids: List[Tuple[int, int]], val_fraction: float) -> set:
    """Validation ids: the highest-numbered ``val_fraction`` of each class, at least one
    (deterministic; 50 of NEU's 300 per class at the default 1/6)."""
    val = set()
    for c in range(len(NEU_DET_NAMES)):
        nums = sorted(n for k, n in ids if k == c)
        if nums:
            take = max(1, round(len(nums) * val_fraction))
            val.update((c, n) for n in nums[-take:])
    return val


def layout_neu_det(tree: Path, out: Path, val_fraction: float = 1 / 6) -> int:
    """NEU-DET in any of its published layouts (``IMAGES/`` + ``ANNOTATIONS/``, Kaggle's
    ``train|validation/images/<class>/`` + ``annotations/``, or ``JPEGImages/`` +
    ``Annotations/``) -> ``out/JPEGImages``, ``out/Annotations``, lists and labels.txt.
    XMLs are matched to images by file name; an XML's own ``<filename>`` is not trusted
    (174 patches files omit the extension)."""
    images, xmls = _index(tree, (".jpg", ".jpeg", ".bmp", ".png")), _index(tree, (".xml",))
    pairs = sorted((_neu_id(k), k) for k in xmls if k in images and _neu_id(k) is not None)
    if not pairs:
        raise FetchError(f"no NEU-DET image/annotation pairs found in {tree.name}")
    val = _split([i for i, _ in pairs], val_fraction)
    _reset(out)
    (out / "JPEGImages").mkdir()
    (out / "Annotations").mkdir()
    rows: Dict[bool, List[str]] = {True: [], False: []}
    for ident, key in pairs:
        img, xml = images[key], xmls[key]
        name = f"{NEU_DET_NAMES[ident[0]]}_{ident[1]}"
        shutil.copyfile(img, out / "JPEGImages" / f"{name}{img.suffix.lower()}")
        shutil.copyfile(xml, out / "Annotations" / f"{name}.xml")
        rows[ident in val].append(f"JPEGImages/{name}{img.suffix.lower()} Annotations/{name}.xml\n")
    (out / "train_list.txt").write_text("".join(rows[False]), encoding="utf-8")
    (out / "val_list.txt").write_text("".join(rows[True]), encoding="utf-8")
    (out / "labels.txt").write_text("\n".join(NEU_DET_NAMES) + "\n", encoding="utf-8")
    return len(pairs)


def layout_neu_cls(tree: Path, out: Path, val_fraction: float = 1 / 6) -> int:
    """NEU-CLS (``Cr_1.bmp`` ... flat or in folders) -> ``out/<code>/<code>_<n>.bmp``,
    PaddleClas ``train_list.txt`` / ``val_list.txt`` and ``labels.txt``."""
    found = [(ident, p) for k, p in _index(tree, (".bmp", ".jpg", ".png")).items()
             if (ident := _neu_id(k)) is not None]
    if not found:
        raise FetchError(f"no NEU-CLS images (Cr_1.bmp ...) found in {tree.name}")
    val = _split([i for i, _ in found], val_fraction)
    _reset(out)
    rows: Dict[bool, List[str]] = {True: [], False: []}
    for ident, path in sorted(found):
        code = NEU_CLS_CODES[ident[0]]
        rel = f"{code}/{code}_{ident[1]}{path.suffix.lower()}"
        (out / code).mkdir(exist_ok=True)
        shutil.copyfile(path, out / rel)
        rows[ident in val].append(f"{rel} {ident[0]}\n")
    (out / "train_list.txt").write_text("".join(rows[False]), encoding="utf-8")
    (out / "val_list.txt").write_text("".join(rows[True]), encoding="utf-8")
    (out / "labels.txt").write_text("\n".join(NEU_CLS_CODES) + "\n", encoding="utf-8")
    return len(found)


def _reset(out: Path) -> None:
    """Start a layout in ``out``: a new or empty folder (nothing is deleted here)."""
    out.mkdir(parents=True, exist_ok=True)
    if any(out.iterdir()):
        raise FetchError(f"{out} is not empty; lay the data out in a new folder")


def fetch(dataset: str, source: str, sha256: Optional[str] = None, trust_first_use: bool = False,
          out: Optional[Path] = None, progress: Optional[Callable[[int, int], None]] = None) -> Dict[str, object]:
    """Obtain, verify, extract and lay out ``dataset``; returns where it went.

    The folder is built beside its destination and renamed into place at the end. An
    existing destination is replaced only when it is an earlier fetch of the same
    dataset; any other non-empty folder is refused before anything is downloaded.
    """
    if dataset not in DATASETS:
        raise FetchError(f"unknown dataset {dataset!r}; known: {', '.join(DATASETS)}")
    dest = Path(out).expanduser().absolute() if out else cache_root() / dataset
    staged = StagedFolder(dest, "fetch", same={"dataset": dataset})
    archive, digest = obtain_archive(source, sha256, trust_first_use, progress)
    staged.info = {"source": source, "sha256": digest}
    scratch = Path(tempfile.mkdtemp(prefix=f".{dataset}.extract-", dir=_ensure(dest.parent)))
    try:
        with staged as work:
            tree = safe_extract(archive, scratch)
            layout = layout_neu_det if dataset == "neu-det" else layout_neu_cls
            count = layout(tree, work)
            (work / "SOURCE.json").write_text(json.dumps(
                {"source": source, "sha256": digest, "images": count}, indent=1), encoding="utf-8")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return {"dataset": dataset, "folder": dest, "images": count, "sha256": digest, "archive": archive}
