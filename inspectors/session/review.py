"""Operator verdicts (confirm / reject a flag) in a review file that survives restarts.

The file lives in a work folder for the image folder, never inside the image
folder itself, and is rewritten atomically on every change.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from enum import Enum
from pathlib import Path
from typing import Dict, List, Optional, Union

from ..atomic import atomic_write_text
from ..errors import InspectorError

PathLike = Union[str, "os.PathLike[str]"]
REVIEW_FILE = "review.json"
FORMAT_VERSION = 1


class Verdict(str, Enum):
    CONFIRMED = "confirmed"  # the flag is a real defect
    REJECTED = "rejected"  # the flag is a false alarm / the image is fine


def is_inside(path: PathLike, folder: PathLike) -> bool:
    p, f = os.path.realpath(os.fspath(path)), os.path.realpath(os.fspath(folder))
    return p == f or p.startswith(f.rstrip(os.sep) + os.sep)


def work_dir_for(source: PathLike, base: PathLike) -> Path:
    """A stable work folder under ``base`` for the image folder ``source``."""
    src = os.path.realpath(os.fspath(source))
    digest = hashlib.sha1(src.encode("utf-8")).hexdigest()[:10]
    name = "".join(c if c.isalnum() or c in "-_" else "_" for c in Path(src).name)[:40] or "root"
    return Path(base) / f"{name}-{digest}"


class ReviewBook:
    """Verdicts keyed by image path relative to the source folder."""

    def __init__(self, work_dir: PathLike, source: PathLike):
        if is_inside(work_dir, source):
            raise InspectorError(
                f"the review file must not be written into the image folder {source}; "
                "choose a work folder outside it"
            )
        self.source = Path(os.path.realpath(os.fspath(source)))
        self.path = Path(work_dir) / REVIEW_FILE
        self.problem: Optional[str] = None
        self._verdicts: Dict[str, dict] = {}
        self._load()

    def _key(self, image: PathLike) -> str:
        real = os.path.realpath(os.fspath(image))
        try:
            return Path(real).relative_to(self.source).as_posix()
        except ValueError:
            return Path(real).as_posix()

    def _load(self) -> None:
        if not self.path.is_file():
            return
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            verdicts = data["verdicts"]
            self._verdicts = {str(k): v for k, v in verdicts.items() if Verdict(v["verdict"])}
        except (OSError, ValueError, KeyError, TypeError) as e:
            backup = self.path.with_name(f"{REVIEW_FILE}.unreadable-{int(time.time())}")
            os.replace(self.path, backup)
            self.problem = f"review file {self.path} was unreadable ({e}); kept as {backup.name}"
            self._verdicts = {}

    def get(self, image: PathLike) -> Optional[Verdict]:
        v = self._verdicts.get(self._key(image))
        return Verdict(v["verdict"]) if v else None

    def set(self, image: PathLike, verdict: Optional[Verdict]) -> None:
        """Record (or clear, with None) the verdict and save the file atomically."""
        key = self._key(image)
        if verdict is None:
            if self._verdicts.pop(key, None) is None:
                return
        else:
            self._verdicts[key] = {"verdict": Verdict(verdict).value,
                                   "time": time.strftime("%Y-%m-%dT%H:%M:%S")}
        self.save()

    def save(self) -> None:
        data = {"version": FORMAT_VERSION, "source": str(self.source), "verdicts": self._verdicts}
        atomic_write_text(self.path, json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True))

    def images(self, verdict: Optional[Verdict] = None) -> List[Path]:
        return [self.source / k for k, v in sorted(self._verdicts.items())
                if verdict is None or v["verdict"] == verdict.value]

    def counts(self) -> Dict[Verdict, int]:
        out = {v: 0 for v in Verdict}
        for v in self._verdicts.values():
            out[Verdict(v["verdict"])] += 1
        return out
