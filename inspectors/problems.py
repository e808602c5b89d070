"""Problems of a run told in a few lines: one line per kind, with the count and the first files.

A folder of 10,000 images with 300 bad label maps should print three lines, not 300,
and not hide them in a JSON file either. Messages are grouped by their shape (numbers,
quoted names and paths blanked), so "line 3: image a.jpg not found" and "line 9:
image b.jpg not found" are one kind.
"""

from __future__ import annotations

import os
import re
from collections import OrderedDict
from typing import Iterable, List, Tuple

Problem = Tuple[str, str]  # (file, message)

_PREFIX = re.compile(r"^(?:line|row)\s+\d+(?:\s*\([^)]*\))?:\s*")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_PATHISH = re.compile(r"\S*[/\\]\S*|\S+\.[A-Za-z][A-Za-z0-9]{1,4}\b")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def kind_of(message: str) -> str:
    """The shape of a message: what is wrong, without which file or value."""
    text = _PREFIX.sub("", message.strip().splitlines()[0] if message.strip() else "")
    text = _QUOTED.sub("…", text)
    text = _PATHISH.sub("…", text)
    text = _NUMBER.sub("N", text)
    return re.sub(r"\s+", " ", text).strip(" :;,") or "problem"


def summarize(problems: Iterable[Problem], first: int = 3) -> List[str]:
    """One line per kind: ``"N x kind: file, file, file (+M more)"``, most frequent first."""
    groups: OrderedDict[str, List[str]] = OrderedDict()
    for path, message in problems:
        name = os.path.basename(path.rstrip("/\\")) or path
        line = re.match(r"^(?:line|row)\s+(\d+)", message.strip())
        groups.setdefault(kind_of(message), []).append(f"{name}:{line.group(1)}" if line else name)
    lines = []
    for kind, files in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        shown = ", ".join(files[:first])
        more = f" (+{len(files) - first} more)" if len(files) > first else ""
        lines.append(f"{len(files)} x {kind}: {shown}{more}")
    return lines
