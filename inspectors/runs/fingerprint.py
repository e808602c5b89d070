"""Which model a run belongs to: a fingerprint of the files that decide its outputs.

The fingerprint is a sha256 over the model's program, weights and the small text files
beside them (configs and label lists: ``*.yml``, ``*.yaml``, ``*.txt``), each entered
with its name and length, so renaming, editing or replacing any of them gives a new
fingerprint, while notes beside the model (``MODEL_CARD.md``, ``metrics.json``) do not.
Which folder is the model and which program / weights it loads comes from
:func:`inspectors.formats.load_model_spec` (the one model-folder rule).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import List, Tuple, Union

from ..formats import ModelSpec, load_model_spec

PathLike = Union[str, "os.PathLike[str]"]

#: Text files beside the program that can change what the model outputs (configs, labels).
CONFIG_SUFFIXES = (".yml", ".yaml", ".txt")
_CHUNK = 1 << 20


def model_files(spec: ModelSpec) -> List[Path]:
    """The files the fingerprint covers, sorted by name: program, weights, configs, labels."""
    files = {spec.model_file.resolve(), spec.params_file.resolve()}
    try:
        for entry in os.scandir(spec.directory):
            if entry.is_file() and entry.name.lower().endswith(CONFIG_SUFFIXES):
                files.add(Path(entry.path).resolve())
    except OSError:
        pass
    return sorted(files, key=lambda p: p.name)


def fingerprint_spec(spec: ModelSpec) -> str:
    """sha256 (hex) over :func:`model_files`: name, length and bytes of each."""
    h = hashlib.sha256(b"defect-inspector model v1\0")
    for path in model_files(spec):
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            h.update(f"{path.name}\0{size}\0".encode())
            while chunk := f.read(_CHUNK):
                h.update(chunk)
    return h.hexdigest()


def model_fingerprint(model_dir: PathLike) -> Tuple[ModelSpec, str]:
    """The model's spec (ModelFormatError when it is not one) and its fingerprint."""
    spec = load_model_spec(model_dir)
    return spec, fingerprint_spec(spec)


def run_id(folder: PathLike, fingerprint: str) -> str:
    """A run's id: 16 hex digits of sha256 over the folder's real path and the fingerprint."""
    real = os.path.realpath(os.fspath(folder))
    return hashlib.sha256(f"{real}\0{fingerprint}".encode("utf-8", "surrogateescape")).hexdigest()[:16]


#: (size, mtime_ns, content digest) of an image file as a run records it.
FileKey = Tuple[int, int, str]


def file_digest(path: PathLike) -> str:
    """blake2b-128 of the file's bytes (hex): a few ms for a strip, against the tens of ms
    of inferring it; lets a file whose mtime moved but whose bytes did not keep its result."""
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(_CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def file_key(path: PathLike) -> FileKey:
    """Size, mtime and digest, taken before the image is read for inference (an edit after
    this reads as stale at the next open: conservative, never a wrong result kept)."""
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns, file_digest(path)
