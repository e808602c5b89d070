"""Reading the text files the Paddle suites keep next to a dataset: list files
("image label" per line, paths relative to the dataset root) and labels.txt."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Callable, Iterator, List, Optional, Sequence, Tuple

from ..errors import GroundTruthError
from .types import PathLike

_WS = re.compile(r"\s+")

#: Names of class-list files, in the order they are looked for.
LABEL_FILES = ("labels.txt", "label_list.txt", "label.txt", "classes.txt")


def read_text(path: PathLike) -> str:
    """A text file as str: UTF-8 (with or without BOM), else GBK (Chinese Windows)."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        raise GroundTruthError(f"file not found: {path}") from None
    except OSError as e:
        raise GroundTruthError(f"cannot read {path}: {e.strerror or e}") from None
    for encoding in ("utf-8-sig", "gbk"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def is_file(path: PathLike) -> bool:
    """``Path.is_file`` for paths read from a file: False, not OSError, for a name too
    long for the file system (and False for one holding NUL)."""
    return os.path.isfile(path)


def require_file(path: Path, what: str = "list file") -> None:
    if not is_file(path):
        raise GroundTruthError(f"{what} not found: {path}")


_CLASS_ID = re.compile(r"-?\d{1,18}")


def parse_class_id(text: str) -> Optional[int]:
    """A class id written in a file ("3", "-1"); None for anything else, including
    "²" (a digit to str.isdigit, not to int()) and numbers too long for int()."""
    return int(text) if _CLASS_ID.fullmatch(text) else None


def list_lines(path: PathLike) -> Iterator[Tuple[int, str]]:
    """(line number, stripped text) of the non-empty, non-comment lines."""
    for number, line in enumerate(read_text(path).splitlines(), 1):
        line = line.strip()
        if line and not line.startswith("#"):
            yield number, line


def find_label_file(folder: PathLike) -> Optional[Path]:
    for name in LABEL_FILES:
        candidate = Path(folder) / name
        if candidate.is_file():
            return candidate
    return None


def read_label_names(path: PathLike) -> Tuple[str, ...]:
    """Class names from a labels file.

    Either one name per line (PaddleSeg / PaddleDetection / PaddleX), or
    "id name" per line (PaddleClas ``label_list``); ids need not be in order.
    """
    lines = [line for _, line in list_lines(path)]
    if not lines:
        raise GroundTruthError(f"class-name file is empty: {path}")
    pairs = [line.split(None, 1) for line in lines]
    if all(len(p) == 2 and p[0][0] != "-" and parse_class_id(p[0]) is not None for p in pairs):
        ids = [int(p[0]) for p in pairs]
        if sorted(ids) != list(range(len(ids))):
            raise GroundTruthError(
                f"{path}: class ids must be 0..{len(ids) - 1} without gaps or repeats"
            )
        by_id = {int(p[0]): p[1].strip() for p in pairs}
        return tuple(by_id[i] for i in range(len(ids)))
    if len(set(lines)) != len(lines):
        dup = next(n for n in lines if lines.count(n) > 1)
        raise GroundTruthError(f"{path}: class name {dup!r} is listed twice")
    return tuple(lines)


def list_path(root: Path, text: str) -> Path:
    """A path written in a list file, relative to the dataset root (or absolute)."""
    if os.sep != "\\":
        text = text.replace("\\", "/")  # lists written on Windows
    return root / text


def split_pair(
    line: str, root: Path, exists: Callable[[Path], bool] = os.path.isfile
) -> Optional[Tuple[Path, Path]]:
    """Split "image label" into two paths.

    The suites split on single spaces, so a path with a space breaks them; here
    every whitespace gap is tried and the split whose two files exist wins.
    """
    parts = _WS.split(line)
    if len(parts) == 2:
        return list_path(root, parts[0]), list_path(root, parts[1])
    if len(parts) < 2:
        return None
    for gap in _WS.finditer(line):
        first = list_path(root, line[: gap.start()])
        second = list_path(root, line[gap.end() :])
        if exists(first) and exists(second):
            return first, second
    return None


def classify_list(path: PathLike) -> Optional[str]:
    """Guess a list file's format from its first lines.

    Returns "voc" (image + .xml), "seg" (image + image), "cls" (image + int id),
    "images" (image only) or None.
    """
    from ..imageio import IMAGE_EXTENSIONS

    try:
        lines = [text for _, (_, text) in zip(range(5), list_lines(path))]
    except GroundTruthError:
        return None
    kinds = set()
    for line in lines:
        parts = _WS.split(line)
        last = parts[-1].lower()
        whole_ext = os.path.splitext(line)[1].lower()
        if len(parts) == 1 or (
            whole_ext in IMAGE_EXTENSIONS and is_file(list_path(Path(path).parent, line))
        ):
            kinds.add("images" if whole_ext in IMAGE_EXTENSIONS else None)
        elif last.endswith(".xml"):
            kinds.add("voc")
        elif os.path.splitext(last)[1] in IMAGE_EXTENSIONS:
            kinds.add("seg")
        elif parse_class_id(last) is not None:
            kinds.add("cls")
        else:
            kinds.add(None)
    return kinds.pop() if len(kinds) == 1 else None


def is_val_name(stem: str) -> bool:
    """True for "val", "val_list", "eval", "instances_val2017", "valid-set"..."""
    return (
        re.search(r"(^|[_\-. ])(val|valid|validation|eval)\d*([_\-. ]|$)", stem.lower()) is not None
    )


def split_lists(folder: Path, kinds: Sequence[str]) -> Tuple[List[Path], List[Path]]:
    """(validation lists, other lists) among the .txt files in ``folder`` whose
    format is one of ``kinds``."""
    val: List[Path] = []
    other: List[Path] = []
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return val, other
    for name in names:
        path = folder / name
        if not name.lower().endswith(".txt") or name.lower() in LABEL_FILES or not path.is_file():
            continue
        if classify_list(path) not in kinds:
            continue
        (val if is_val_name(name[:-4]) else other).append(path)
    return val, other
