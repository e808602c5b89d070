"""Output folders that never touch the source and never mix old and new files.

Every command that writes a folder (``predict``, ``evaluate``, ``fetch``, the app's
export) goes through :func:`check_apart` and :class:`StagedFolder`:

- the output may not be a source folder, lie inside one or hold one (symlinks and
  relative paths resolved), so a source image is never overwritten or deleted;
- the run writes into a hidden sibling folder and only a finished run is renamed
  into place, so a reader never finds this run's files beside an older run's, and
  an interrupted run leaves nothing behind;
- an existing output is replaced only when a marker file says this project wrote
  it (and, where a ``kind`` is given, the same kind of output): a user's own
  folder is refused, never emptied.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, Iterable, Iterator, Optional, Union

from .errors import InspectorError

PathLike = Union[str, "os.PathLike[str]"]

#: Written into every folder this project creates as a whole; says it may be replaced.
MARKER = ".defect-inspector.json"
_PARTIAL = ".partial-"
_OLD = ".old-"


class OutputError(InspectorError):
    """An output location that cannot or must not be written (a usage error)."""


def _real(path: PathLike) -> Path:
    return Path(os.path.realpath(os.path.expanduser(os.fspath(path))))


def _within(inner: Path, outer: Path) -> bool:
    return inner == outer or outer in inner.parents


def check_apart(out: PathLike, sources: Iterable[PathLike], what: str = "--out") -> None:
    """Refuse an output that is, lies inside, or contains any source folder or file.

    A source file stands for its folder: results written beside an image would
    land in the folder the plant's images live in.
    """
    target = _real(out)
    for source in sources:
        src = _real(source)
        folder = src if src.is_dir() else src.parent
        if _within(target, folder):
            raise OutputError(f"{what} {out} is inside the source folder {folder}; "
                              "choose a folder outside it (source images are never touched)")
        if _within(folder, target):
            raise OutputError(f"{what} {out} contains the source folder {folder}; "
                              "choose a folder outside it (source images are never touched)")


def read_marker(folder: PathLike) -> Optional[Dict[str, object]]:
    """The marker of a folder this project wrote, or None."""
    try:
        with open(Path(folder) / MARKER, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("tool") == "defect-inspector" else None


def _usable(out: Path, kind: str, same: Dict[str, object],
            accept: Optional[Callable[[Path], bool]] = None) -> None:
    """Raise unless ``out`` is absent, an empty folder, an earlier output of this kind, or a
    folder ``accept`` recognises (an output written before markers existed)."""
    if not out.exists() and not out.is_symlink():
        return
    if not out.is_dir():
        raise OutputError(f"{out} exists and is not a folder")
    try:
        empty = next(os.scandir(out), None) is None
    except OSError as e:
        raise OutputError(f"cannot read {out}: {e.strerror or e}") from None
    if empty:
        return
    marker = read_marker(out)
    if marker is None and accept is not None and accept(out):
        return
    if marker is None:
        raise OutputError(f"{out} already holds files that Defect Inspector did not write; "
                          "choose a new or empty folder (nothing was deleted)")
    if marker.get("kind") != kind or any(marker.get(k) != v for k, v in same.items()):
        found = marker.get("kind"), *(marker.get(k) for k in same)
        raise OutputError(f"{out} holds another output ({', '.join(map(str, found))}); "
                          "choose a new or empty folder (nothing was deleted)")


def _read_umask() -> int:
    mask = os.umask(0)  # the only way to read it; done once, at import, not while threads write
    os.umask(mask)
    return mask


_UMASK = _read_umask()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _sweep_stale(parent: Path, name: str) -> None:
    """Remove staging folders of runs that were killed (their process is gone)."""
    prefix = f".{name}{_PARTIAL}"
    with contextlib.suppress(OSError):
        for entry in os.scandir(parent):
            if not entry.name.startswith(prefix):
                continue
            pid = entry.name[len(prefix):].split("-", 1)[0]
            if pid.isdigit() and not _pid_alive(int(pid)):
                shutil.rmtree(entry.path, ignore_errors=True)


class StagedFolder:
    """Build an output folder beside its destination and rename it into place.

    ``with StagedFolder(out, "predict") as work: ...`` writes into ``work``; on a
    clean exit the marker is added and ``work`` replaces ``out``; on any exception
    (Ctrl+C included) ``work`` is removed and ``out`` is left as it was.
    ``same`` are marker fields an existing output must match to be replaced.
    """

    def __init__(self, out: PathLike, kind: str, same: Optional[Dict[str, object]] = None,
                 info: Optional[Dict[str, object]] = None,
                 accept: Optional[Callable[[Path], bool]] = None):
        self.out = Path(os.path.abspath(os.path.expanduser(os.fspath(out))))
        self.kind, self.same, self.info = kind, dict(same or {}), dict(info or {})
        self.accept = accept
        self.work: Optional[Path] = None
        _usable(self.out, kind, self.same, accept)

    def __enter__(self) -> Path:
        parent = self.out.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
            _sweep_stale(parent, self.out.name)
            self.work = Path(tempfile.mkdtemp(prefix=f".{self.out.name}{_PARTIAL}{os.getpid()}-",
                                              dir=parent))
            os.chmod(self.work, 0o777 & ~_UMASK)  # mkdtemp's 0700 would hide it from colleagues
        except OSError as e:
            raise OutputError(f"cannot write in {parent}: {e.strerror or e}") from None
        return self.work

    def __exit__(self, exc_type, exc, tb) -> None:
        assert self.work is not None
        if exc_type is not None:
            shutil.rmtree(self.work, ignore_errors=True)
            return
        try:
            self._commit()
        except BaseException:
            shutil.rmtree(self.work, ignore_errors=True)
            raise

    def _commit(self) -> None:
        assert self.work is not None
        marker = {"tool": "defect-inspector", "kind": self.kind, **self.same, **self.info,
                  "written": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        (self.work / MARKER).write_text(json.dumps(marker, ensure_ascii=False, indent=1),
                                        encoding="utf-8")
        _usable(self.out, self.kind, self.same, self.accept)  # nobody filled it in the meantime
        old = None
        if self.out.is_symlink() or self.out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{self.out.name}{_OLD}", dir=self.out.parent))
            os.replace(self.out, old / "previous")
        try:
            os.replace(self.work, self.out)
        except OSError:
            if old is not None:  # put the previous output back
                os.replace(old / "previous", self.out)
                old.rmdir()
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def staged(out: PathLike, kind: str, **same: object) -> Iterator[Path]:
    """Shorthand for :class:`StagedFolder` with marker fields as keywords."""
    with StagedFolder(out, kind, same) as work:
        yield work
