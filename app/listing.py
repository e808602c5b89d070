"""Listing a big image folder without stalling the window.

:func:`inspectors.imageio.list_images` sorts with list-valued natural keys; one
``list.sort`` over 100,000 of those holds the GIL for over a second, which freezes
the GUI thread even though the listing runs in a worker. Here each natural key is
encoded as one string that sorts the same way (text casefolded, numbers as
length-prefixed digits, separators below every printable character), so the
sort is a fast C string sort. Same files, same order, as ``list_images``.
"""

from __future__ import annotations

import heapq
import os
import re
from typing import List, Tuple

from inspectors.imageio import IMAGE_EXTENSIONS, list_images

_DIGITS = re.compile(r"(\d+)")
_PART, _COMPONENT = "\x01", "\x00"


def _encode(name: str) -> str:
    parts = _DIGITS.split(name.casefold())
    for i in range(1, len(parts), 2):
        digits = parts[i].lstrip("0") or "0"
        parts[i] = chr(0x100 + len(digits)) + digits  # longer numbers are larger
    return _PART.join(parts)


def sort_key(relative: str) -> Tuple[str, str]:
    return _COMPONENT.join(_encode(c) for c in relative.split("/")), relative


def list_image_paths(folder: str) -> List[str]:
    """Image files under ``folder`` (recursive), as ``list_images`` orders them."""
    root = os.fspath(folder)
    if not os.path.isdir(root):
        return [str(p) for p in list_images(root)]  # raises the engine's readable error
    found: List[Tuple[Tuple[str, str], str]] = []
    seen = set()
    stack = [("", root)]
    while stack:
        rel, path = stack.pop()
        try:
            st = os.stat(path)
            if (st.st_dev, st.st_ino) in seen:
                continue
            seen.add((st.st_dev, st.st_ino))
            entries = list(os.scandir(path))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            sub = f"{rel}/{entry.name}" if rel else entry.name
            try:
                if entry.is_file():
                    if os.path.splitext(entry.name)[1].lower() in IMAGE_EXTENSIONS:
                        found.append((sort_key(sub), entry.path))
                elif entry.is_dir():
                    stack.append((sub, entry.path))
            except OSError:
                continue
    return [p for _, p in _sorted_in_slices(found)]


def _sorted_in_slices(items: list, size: int = 8192) -> list:
    """``sorted(items)``, but no single C call holds the GIL for long (the GUI thread
    keeps running): slices are sorted one by one, then merged in Python."""
    if len(items) <= size:
        return sorted(items)
    runs = [sorted(items[i:i + size]) for i in range(0, len(items), size)]
    return list(heapq.merge(*runs))
