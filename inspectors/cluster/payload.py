"""The model as bytes: what the workers load, without a path to the model on their nodes.

The files shipped are the ones the loader reads (:func:`inspectors.formats.load_model_spec`
through the fingerprint's own list: program, weights, configs and label files,
:func:`inspectors.runs.fingerprint.model_files`), under the names they have in the model
folder, so a rebuilt folder loads exactly as the original does.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Optional, Tuple, Union

from ..errors import ModelFormatError
from ..formats import ModelSpec, load_model_spec
from ..runs.fingerprint import CONFIG_SUFFIXES, fingerprint_spec


@dataclass(frozen=True)
class ModelPayload:
    """A model folder's files (name -> bytes) and what it must load to on a worker."""

    files: Dict[str, bytes]
    entry: str  # "" to load the folder, else the config file the command was given
    fingerprint: str  # of the driver's model: the run the outcomes go into
    task: str
    class_names: Tuple[str, ...]

    @property
    def nbytes(self) -> int:
        return sum(len(b) for b in self.files.values())


def _name_in(directory: Path, path: Path) -> str:
    """``path``'s name inside the model folder (its name as the loader looks it up)."""
    rel = os.path.relpath(path, directory)
    return Path(rel).as_posix() if not rel.startswith("..") else path.name


def model_payload(model_path: Union[str, Path], spec: Optional[ModelSpec] = None) -> ModelPayload:
    """Read the model's files into a payload (ModelFormatError when it is not a model)."""
    spec = spec or load_model_spec(model_path)
    directory = spec.directory
    paths = {_name_in(directory, spec.model_file): spec.model_file,
             _name_in(directory, spec.params_file): spec.params_file}
    try:
        for entry in os.scandir(directory):
            if entry.is_file() and entry.name.lower().endswith(CONFIG_SUFFIXES):
                paths.setdefault(entry.name, Path(entry.path))
        files = {name: Path(p).read_bytes() for name, p in sorted(paths.items())}
    except OSError as e:
        raise ModelFormatError(f"cannot read the model files in {directory}: {e.strerror or e}") from None
    given = Path(model_path)
    entry = given.name if given.is_file() and given.name in files else ""
    return ModelPayload(files, entry, fingerprint_spec(spec), spec.task, tuple(spec.class_names))


def rebuild(payload: ModelPayload, into: Path) -> ModelSpec:
    """Write the files into ``into`` and load them; ModelFormatError when they do not load
    to the driver's model (same task and classes), whose run the outcomes go into."""
    for name, data in payload.files.items():
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    spec = load_model_spec(into / payload.entry if payload.entry else into)
    if spec.task != payload.task or tuple(spec.class_names) != payload.class_names:
        raise ModelFormatError(
            f"the model files shipped to the worker load as a {spec.task} model with classes "
            f"{list(spec.class_names)}, not the driver's {payload.task} model with "
            f"{list(payload.class_names)} (does its config name files outside the model folder?)")
    return spec


class ModelFolder:
    """A temporary folder holding a rebuilt model; removed by :meth:`close` (a killed
    worker leaves it in the node's temp folder)."""

    def __init__(self, payload: ModelPayload):
        self._tmp = tempfile.TemporaryDirectory(prefix="defect-inspector-model-")
        self.path = Path(self._tmp.name)
        try:
            self.spec = rebuild(payload, self.path)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        self._tmp.cleanup()
