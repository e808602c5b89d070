"""Exporters: write paddle layers / ppdet configs in each suite's exact on-disk layout.

Used by tests (real architectures with random weights) and by the training commands.
No Qt here. Import order matters: ``import ppdet`` (or ``pycocotools.coco``) must run
before ``import paddle`` in a process that will also use ppdet, or zlib segfaults; this
package does the cheap ``pycocotools.coco`` import first for that reason.

Modules: :mod:`.paddleseg_export`, :mod:`.paddledet_export`, :mod:`.paddleclas_export`,
:mod:`.paddlex_export`.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

with contextlib.suppress(ImportError):  # must precede paddle (see module docstring)
    import pycocotools.coco  # noqa: F401


@dataclass(frozen=True)
class ExportResult:
    """What an exporter wrote: the folder, the program/params files and the I/O names."""

    dir: Path
    model_file: Path
    params_file: Path
    config_file: Optional[Path]
    input_names: Tuple[str, ...]
    output_names: Tuple[str, ...]
    extra: Dict[str, Any] = field(default_factory=dict)


@contextlib.contextmanager
def static_export_guard() -> Iterator[None]:
    """AST dy2static (no SOT fall-back) plus PaddleSeg's export flag, restored afterwards."""
    from paddle.jit.api import sot_mode_guard

    old = os.environ.get("PADDLESEG_EXPORT_STAGE")
    os.environ["PADDLESEG_EXPORT_STAGE"] = "True"
    try:
        with sot_mode_guard(False):
            yield
    finally:
        if old is None:
            os.environ.pop("PADDLESEG_EXPORT_STAGE", None)
        else:
            os.environ["PADDLESEG_EXPORT_STAGE"] = old


def io_names(model_file: Path) -> Tuple[List[str], List[str]]:
    """Feed (input) and fetch (output) variable names of a saved program, in column order."""
    from paddle.base.proto import framework_pb2

    desc = framework_pb2.ProgramDesc.FromString(Path(model_file).read_bytes())
    feeds: Dict[int, str] = {}
    fetches: Dict[int, str] = {}
    for op in desc.blocks[0].ops:
        if op.type not in ("feed", "fetch"):
            continue
        col = next(a.i for a in op.attrs if a.name == "col")
        slot = "Out" if op.type == "feed" else "X"
        name = next(v.arguments[0] for v in (*op.inputs, *op.outputs) if v.parameter == slot)
        (feeds if op.type == "feed" else fetches)[col] = name
    return [feeds[k] for k in sorted(feeds)], [fetches[k] for k in sorted(fetches)]


__all__ = ["ExportResult", "io_names", "static_export_guard"]
