"""What the engine needs to know about an exported model, whatever tool wrote it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Optional, Tuple

import yaml

from ..errors import ModelFormatError
from ..preprocess import Preprocessor

FORMATS = ("paddleseg", "paddledet", "paddleclas", "paddlex2", "paddlex1")


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


def require_file(directory: Path, name: str, what: str) -> Path:
    path = directory / name
    if not path.is_file():
        raise ModelFormatError(f"{what} file {name!r} is missing from {directory}")
    if path.stat().st_size == 0:
        raise ModelFormatError(f"{what} file {name!r} in {directory} is empty")
    return path


def read_label_file(path: Path) -> Tuple[str, ...]:
    """labels.txt: one name per line, or "id name" lines (PaddleClas class_id_map_file)."""
    names = []
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        line = line.strip()
        if not line:
            continue
        head, _, rest = line.partition(" ")
        names.append(rest.strip() if head.isdigit() and rest.strip() else line)
    return tuple(names)


def generic_names(n: int) -> Tuple[str, ...]:
    return tuple(f"class_{i}" for i in range(n))
