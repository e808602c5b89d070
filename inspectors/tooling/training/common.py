"""Shared pieces of the trainers: errors, YAML configs, checkpoints, progress and logs."""

from __future__ import annotations

import json
import math
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, Optional, TextIO

import yaml

from ...errors import InspectorError
from ...formats.detect import recognize
from ...outdir import StagedFolder


class TrainingError(InspectorError):
    """A training run cannot start or continue; the message says why."""


class TrainingDataError(TrainingError):
    """The dataset is unusable (missing files, labels out of range, empty lists)."""


def read_config(path: os.PathLike | str) -> Dict[str, Any]:
    """A YAML mapping (safe loader); ``_base_`` files are merged underneath, recursively."""
    path = Path(path)
    if not path.is_file():
        raise TrainingError(f"config {path} not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise TrainingError(f"config {path} is not valid YAML: {' '.join(str(e).split())}") from None
    except UnicodeDecodeError as e:
        raise TrainingError(f"config {path} is not a text file (byte {e.start} is not UTF-8)") from None
    except OSError as e:
        raise TrainingError(f"cannot read config {path}: {e.strerror or e}") from None
    if not isinstance(data, dict):
        raise TrainingError(f"config {path} must be a mapping")
    base = data.pop("_base_", None)
    if base:
        merged = read_config(path.parent / str(base))
        return deep_merge(merged, data)
    return data


def deep_merge(base: Dict[str, Any], over: Dict[str, Any]) -> Dict[str, Any]:
    """``over`` on top of ``base``; nested mappings are merged, everything else replaced."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def resolve(base: Path, value: Optional[str]) -> Optional[Path]:
    """A config path: absolute as given, else relative to ``base`` (the config's folder
    or the working directory, whichever holds it)."""
    if value is None:
        return None
    p = Path(os.path.expanduser(str(value)))
    if p.is_absolute():
        return p
    for root in (Path.cwd(), base):
        if (root / p).exists():
            return (root / p).absolute()
    return (Path.cwd() / p).absolute()


def cosine_lr(base_lr: float, step: int, total: int, warmup: int, min_lr: float = 0.0) -> float:
    """Linear warm-up then cosine decay to ``min_lr``."""
    if warmup > 0 and step < warmup:
        return base_lr * (step + 1) / warmup
    t = (step - warmup) / max(1, total - warmup)
    return min_lr + 0.5 * (base_lr - min_lr) * (1 + math.cos(math.pi * min(1.0, t)))


class RunLog:
    """Progress lines on stdout, a JSON-lines log file and (optionally) VisualDL scalars."""

    def __init__(self, out_dir: Path, vdl: bool = False, stream: TextIO = sys.stdout) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        self.path = out_dir / "train_log.jsonl"
        self.stream = stream
        self.writer = None
        if vdl:
            try:
                from visualdl import LogWriter
            except ImportError:
                raise TrainingError("--vdl needs the visualdl package (pip install visualdl)") from None
            self.writer = LogWriter(logdir=str(out_dir / "vdl"))

    def scalar(self, tag: str, value: float, step: int) -> None:
        if self.writer is not None:
            self.writer.add_scalar(tag=tag, value=float(value), step=int(step))

    def record(self, **fields: Any) -> None:
        fields.setdefault("time", round(time.time(), 1))
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps(fields) + "\n")

    def say(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def save_state(out_dir: Path, state: Dict[str, Any]) -> None:
    """Write ``state.json`` atomically (the resume point)."""
    tmp = out_dir / "state.json.tmp"
    tmp.write_text(json.dumps(state, indent=1), encoding="utf-8")
    os.replace(tmp, out_dir / "state.json")


def load_state(out_dir: Path) -> Optional[Dict[str, Any]]:
    p = out_dir / "state.json"
    if not p.is_file():
        return None
    return json.loads(p.read_text(encoding="utf-8"))


def save_atomic(obj: Any, path: Path) -> None:
    """paddle.save to a temporary name, then rename, so a killed run never leaves half a file."""
    import paddle

    tmp = path.with_name(path.name + ".tmp")
    paddle.save(obj, str(tmp))
    os.replace(tmp, path)


def load_matching_weights(model, path: Path) -> int:
    """Load the tensors of ``path`` whose names and shapes match ``model`` (a checkpoint of
    the same network, or a classifier whose ``backbone.*`` a detector shares); raise when
    none match. Returns how many were loaded."""
    import paddle

    if not Path(path).is_file():
        raise TrainingError(f"pretrained weights {path} not found")
    state = paddle.load(str(path))
    own = model.state_dict()
    usable = {k: v for k, v in state.items() if k in own and list(v.shape) == list(own[k].shape)}
    if not usable:
        raise TrainingError(f"{path} has no weights matching this model's parameter names")
    model.set_state_dict(usable)
    print(f"pretrained: loaded {len(usable)}/{len(own)} tensors from {path}", flush=True)
    return len(usable)


def portable_opt_state(model, opt_state: Dict[str, Any], to_portable: bool) -> Dict[str, Any]:
    """Optimizer state keys use process-wide parameter names (``conv2d_12.w_0_velocity_0``);
    rename them to/from structural names so a checkpoint resumes in any process."""
    pairs = [(p.name, "@" + n) for n, p in model.named_parameters()]
    if not to_portable:
        pairs = [(b, a) for a, b in pairs]
    pairs.sort(key=lambda ab: -len(ab[0]))
    out: Dict[str, Any] = {}
    for key, value in opt_state.items():
        for src, dst in pairs:
            if key.startswith(src + "_"):
                key = dst + key[len(src):]
                break
        out[key] = value
    return out


def set_threads() -> None:
    """Paddle trains on one thread unless OMP_NUM_THREADS is set; default to all cores."""
    os.environ.setdefault("OMP_NUM_THREADS", str(os.cpu_count() or 1))


def is_model_export(folder: Path) -> bool:
    """A folder holding one exported model and nothing else: files only, and the folder
    itself is what the engine recognizes as a model (:func:`inspectors.formats.recognize`)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return False
    found = recognize(folder)
    return all(e.is_file() for e in entries) and found is not None and found.directory == Path(folder).resolve()


def publish_export(best: Path, dest: Path, finish: Optional[Callable[[Path], None]] = None) -> Path:
    """Copy the best export to ``dest`` (``--export-dir``), built aside and renamed into
    place. An existing ``dest`` is replaced only when it is an earlier model export: a
    user's folder given by mistake is refused, never emptied."""
    with StagedFolder(dest, "model", accept=is_model_export) as work:
        shutil.copytree(best, work, dirs_exist_ok=True)
        if finish is not None:
            finish(work)
    return Path(dest)
