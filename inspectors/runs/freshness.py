"""Which images of a folder a run already holds as they are now: done, missing or stale
(by size and mtime, and by the stored digest when only the mtime moved). A mixin of
:class:`~.run.Run`, which provides the index (``_tx``, ``writable``) and names
(``rel_of``, ``path_of``)."""

from __future__ import annotations

import os
from typing import Iterable, List, Tuple

from .fingerprint import file_digest
from .types import PathLike, RunStatus


class RunFreshness:
    """A run's view of the folder's files now (see the module)."""

    def status_of(self, listing: Iterable[PathLike]) -> RunStatus:
        """Split image paths into done / missing / stale by size and mtime; a file whose
        mtime moved but whose bytes match the stored digest is done (a writer records
        its new mtime, so the next open does not hash it again)."""
        with self._tx() as con:
            known = {r: (s, m, d) for r, s, m, d in con.execute("SELECT rel, size, mtime_ns, digest FROM images")}
        done: List[str] = []
        missing: List[str] = []
        stale: List[str] = []
        moved: List[Tuple[int, str]] = []
        for item in listing:
            p = os.fspath(item)
            rel = self.rel_of(p)
            have = known.get(rel)
            if have is None:
                missing.append(p)
                continue
            try:
                st = os.stat(self.path_of(rel))
            except OSError:
                stale.append(p)
                continue
            if have[:2] == (st.st_size, st.st_mtime_ns):
                done.append(p)
            elif have[2] and have[0] == st.st_size and self._same_bytes(rel, have[2]):
                done.append(p)
                moved.append((st.st_mtime_ns, rel))
            else:
                stale.append(p)
        if moved and self.writable:
            with self._tx() as con:
                con.execute("BEGIN IMMEDIATE")
                con.executemany("UPDATE images SET mtime_ns = ? WHERE rel = ?", moved)
                con.execute("COMMIT")
        return RunStatus(done, missing, stale)

    def _same_bytes(self, rel: str, digest: str) -> bool:
        try:
            return file_digest(self.path_of(rel)) == digest
        except OSError:
            return False
