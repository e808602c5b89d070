"""The writer's OS lock on a run: one writer per run, released when its holder closes the
file or dies (flock on POSIX, msvcrt.locking on Windows). The lock file holds the holder's
pid and command, so a second writer is told who writes."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from pathlib import Path
from typing import IO, Optional

from .types import RunBusyError

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt

_WIN_LOCK_AT = 1 << 20  # Windows locks are mandatory: lock a byte past the holder's text


def _try_lock(f) -> bool:
    """An exclusive, non-blocking OS lock on the open file ``f``, released when it is
    closed (also when the process dies): flock on POSIX, msvcrt.locking on Windows."""
    try:
        if fcntl is not None:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            f.seek(_WIN_LOCK_AT)
            msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
        return True
    except OSError:
        return False


def _command() -> str:
    cmd = " ".join([os.path.basename(sys.argv[0] or "python"), *sys.argv[1:]])
    return cmd[:200]


def acquire(lock_path: Path, run_id: str) -> IO[str]:
    """Take the lock (the open file is the lock: keep it until :func:`release`);
    RunBusyError naming the holder when another process has it."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    f = open(lock_path, "a+", encoding="utf-8")  # noqa: SIM115 - held until release()
    if not _try_lock(f):
        f.seek(0)
        holder = f.read().strip()
        f.close()
        try:
            who = json.loads(holder)
            desc = f"process {who.get('pid')} ({who.get('command')})"
        except ValueError:
            desc = "another process"
        raise RunBusyError(f"run {run_id} is being written by {desc}; "
                           "wait for it to finish or stop it") from None
    f.seek(0)
    f.truncate()
    f.write(json.dumps({"pid": os.getpid(), "command": _command(), "since": time.time()}))
    f.flush()
    return f


def release(f: Optional[IO[str]]) -> None:
    """Empty the holder's text and close the file (which releases the lock)."""
    if f is not None:
        with contextlib.suppress(OSError):
            f.seek(0)
            f.truncate()
        f.close()
