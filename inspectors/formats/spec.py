"""What the engine needs to know about an exported model, whatever tool wrote it."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Optional, Tuple, Type, Union

import yaml

from ..errors import ModelFormatError
from ..preprocess import Preprocessor

FORMATS = ("paddleseg", "paddledet", "paddleclas", "paddlex2", "paddlex1")

#: More classes than any real export has: a config asking for more is corrupt
#: (and naming each one would exhaust memory).
MAX_CLASSES = 100_000


@dataclass(frozen=True)
class ModelSpec:
    """A loadable model: files, task, classes and preprocessing.

    ``output_op`` (segmentation): "argmax" (int label map), "softmax"
    (probabilities) or "none" (logits). ``default_threshold`` comes from the
    export when it has one (ppdet ``draw_threshold``), else 0.5.
    """

    directory: Path
    format: str
    task: str
    architecture: str
    model_file: Path
    params_file: Path
    class_names: Tuple[str, ...]
    preprocessor: Preprocessor
    output_op: str = "none"
    default_threshold: float = 0.5
    fixed_batch: Optional[int] = None
    extra: Dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.architecture} ({self.directory.name})"

    def summary(self) -> Dict[str, Any]:
        return {
            "directory": str(self.directory),
            "format": self.format,
            "task": self.task,
            "architecture": self.architecture,
            "classes": list(self.class_names),
            "preprocess": list(self.preprocessor.describe()),
        }


class _ConfigLoader(yaml.SafeLoader):
    """SafeLoader plus ``!!python/tuple``, which PaddleX writes into model.yml.

    Tuples are plain data; every other python/* tag stays refused.
    """


_ConfigLoader.add_constructor(
    "tag:yaml.org,2002:python/tuple", lambda loader, node: tuple(loader.construct_sequence(node))
)


def _first_line(error: Exception) -> str:
    return " ".join(str(error).split())


def read_yaml(path: Path) -> Dict[str, Any]:
    """Safe YAML loading: model folders are untrusted input (no python/object tags)."""
    try:
        with open(path, encoding="utf-8") as f:
            data = yaml.load(f, Loader=_ConfigLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as e:
        raise ModelFormatError(f"{path.name} is not valid YAML: {_first_line(e)}") from None
    except UnicodeDecodeError as e:
        raise ModelFormatError(f"{path.name} is not a text file (byte {e.start} is not UTF-8); "
                               "is it the right file?") from None
    except (OSError, RecursionError) as e:
        raise ModelFormatError(f"cannot read {path}: {getattr(e, 'strerror', None) or e}") from None
    if not isinstance(data, dict):
        raise ModelFormatError(f"{path.name} does not hold a mapping of settings")
    return data


def section(
    cfg: Dict[str, Any], key: str, kind: Union[Type, Tuple[Type, ...]], config: Path
) -> Any:
    """``cfg[key]`` when it is a ``kind`` (a list or mapping of settings); an empty
    default when it is missing, null or empty; ModelFormatError naming the file otherwise."""
    value = cfg.get(key)
    default = (kind[0] if isinstance(kind, tuple) else kind)()
    if not value:
        return default
    if not isinstance(value, kind):
        what = "a list" if isinstance(default, list) else "a mapping"
        raise ModelFormatError(
            f"{config.name}: {key} must be {what}, not {type(value).__name__} {value!r:.60}"
        )
    return value


def number(value: Any, what: str, config: Path) -> float:
    """A setting that must be a number (a numeric string is accepted)."""
    try:
        if not isinstance(value, (int, float, str)) or not math.isfinite(float(value)):
            raise ValueError
        return float(value)
    except (ValueError, OverflowError):
        raise ModelFormatError(f"{config.name}: {what} {value!r:.60} is not a number") from None


def class_count(value: Any, what: str, config: Path) -> int:
    """A class count: 0 when absent, ModelFormatError when not a plausible count."""
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_CLASSES:
        raise ModelFormatError(
            f"{config.name}: {what} {value!r:.60} is not a class count (0..{MAX_CLASSES})"
        )
    return value


def require_file(directory: Path, name: Any, what: str) -> Path:
    if not isinstance(name, str) or not name.strip():
        raise ModelFormatError(f"{directory}: the {what} file name {name!r:.60} is not a file name")
    path = directory / name
    try:  # os.path.isfile: a name too long for the file system is "missing", not OSError
        size = os.stat(path).st_size if os.path.isfile(path) else None
    except (OSError, ValueError):
        size = None
    if size is None:
        raise ModelFormatError(f"{what} file {name!r:.200} is missing from {directory}")
    if size == 0:
        raise ModelFormatError(f"{what} file {name!r} in {directory} is empty")
    return path


def read_label_file(path: Path) -> Tuple[str, ...]:
    """labels.txt: one name per line, or "id name" lines (PaddleClas class_id_map_file)."""
    names = []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise ModelFormatError(f"{path} is not UTF-8 text (byte {e.start}); is it a class list?") from None
    except OSError as e:
        raise ModelFormatError(f"cannot read {path}: {e.strerror or e}") from None
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        head, _, rest = line.partition(" ")
        names.append(rest.strip() if head.isdigit() and rest.strip() else line)
    return tuple(names)


def generic_names(n: int) -> Tuple[str, ...]:
    return tuple(f"class_{i}" for i in range(n))
