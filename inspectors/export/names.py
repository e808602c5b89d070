"""Readable names for files written beside a report: ``x.jpg`` -> ``x_overlay.png``,
``x_compare.png``; never two images on one name.

Names that would collide (``x.jpg`` + ``x.png``; with ``flat``, ``a/x.jpg`` + ``b/x.jpg``)
get the extension, then the folders, then a counter, until each is unique; characters a
Windows folder refuses become "_". Case is
ignored when comparing: Windows and macOS folders would merge ``X_overlay.png`` and
``x_overlay.png``.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Callable, Dict, List, Sequence

#: characters Windows refuses in a file name (and control characters): replaced by "_"
_UNSAFE = re.compile(r'[<>:"\\|?*\x00-\x1f]')


def _pick(rels: Sequence[str], name_of: Callable[[PurePosixPath], str]) -> Dict[str, str]:
    out: Dict[str, str] = {}
    groups: Dict[str, List[str]] = {}
    for rel in rels:
        groups.setdefault(name_of(PurePosixPath(rel)).lower(), []).append(rel)
    for group in groups.values():
        for rel in group:
            out[rel] = name_of(PurePosixPath(rel))
    return out


def readable_names(rels: Sequence[str], suffix: str, flat: bool = False, ext: str = ".png") -> Dict[str, str]:
    """``{rel: name}``: each relative image path's output name, ``<stem>_<suffix><ext>``
    (``flat``: without the folders, else under the image's own folders), unique."""
    rels = list(dict.fromkeys(rels))
    safe = {rel: "/".join(_UNSAFE.sub("_", part) for part in rel.split("/")) for rel in rels}

    def folder(p: PurePosixPath) -> str:
        return "" if flat or str(p.parent) == "." else f"{p.parent}/"

    def plain(p: PurePosixPath) -> str:
        return f"{folder(p)}{p.stem}_{suffix}{ext}"

    def with_ext(p: PurePosixPath) -> str:
        e = p.suffix.lstrip(".")
        return f"{folder(p)}{p.stem}{'_' + e if e else ''}_{suffix}{ext}"

    def with_dirs(p: PurePosixPath) -> str:
        e = p.suffix.lstrip(".")
        dirs = "_".join(p.parent.parts) if str(p.parent) != "." else ""
        return f"{folder(p)}{dirs + '_' if dirs and flat else ''}{p.stem}{'_' + e if e else ''}_{suffix}{ext}"

    names: Dict[str, str] = {}
    pending = [safe[r] for r in rels]
    for rule in (plain, with_ext, with_dirs):
        chosen = _pick(pending, rule)
        counts: Dict[str, int] = {}
        for n in chosen.values():
            counts[n.lower()] = counts.get(n.lower(), 0) + 1
        taken = {n.lower() for n in names.values()}
        pending = []
        for rel, n in chosen.items():
            if counts[n.lower()] == 1 and n.lower() not in taken:
                names[rel] = n
            else:
                pending.append(rel)
        if not pending:
            break
    taken = {n.lower() for n in names.values()}
    for rel in pending:  # still the same: a counter
        p, k = PurePosixPath(with_dirs(PurePosixPath(rel))), 2
        while (n := f"{p.parent}/{p.stem}-{k}{p.suffix}".lstrip("./")).lower() in taken:
            k += 1
        names[rel] = n
        taken.add(n.lower())
    return {rel: names[safe[rel]] for rel in rels}
