"""Exporters: write paddle layers / ppdet configs in each suite's exact on-disk layout.

Used by tests (real architectures with random weights) and by the training commands.
No Qt here. Import order matters: ``import ppdet`` (or ``pycocotools.coco``) must run
before ``import paddle`` in a process that will also use ppdet, or zlib segfaults; this
package does the cheap ``pycocotools.coco`` import first for that reason.

Modules: :mod:`.paddleseg_export`, :mod:`.paddledet_export`, :mod:`.paddleclas_export`
(the PaddleX layouts, which only tests write, are in ``tests/helpers/paddlex_export.py``).
"""

from __future__ import annotations

import contextlib
import os
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import yaml

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


class OrderedDumper(yaml.Dumper):
    """``yaml.Dumper`` that writes ``OrderedDict`` as a plain mapping in insertion order
    (what the suites get from their global ``setup_orderdict`` representer)."""


OrderedDumper.add_representer(
    OrderedDict,
    lambda dumper, data: dumper.represent_mapping("tag:yaml.org,2002:map", data.items()),
)


def dump_yaml(data: Any, path: Path, sort_keys: bool = True) -> Path:
    """Write ``data`` like the suites do: block style, plain dicts sorted unless told not."""
    with open(path, "w", encoding="utf-8") as f:
        yaml.dump(data, f, Dumper=OrderedDumper, sort_keys=sort_keys, allow_unicode=True)
    return Path(path)


def randomize_weights(layer: Any, seed: int = 0, sample: Any = None) -> Any:
    """Give every parameter and BatchNorm statistic non-trivial random values, in place.

    Freshly initialised networks often output near-constant maps (HRNet+FCN logits of
    ~1e-12, ppdet boxes that collapse to the image corners), which makes output comparisons
    meaningless. Weights get He-normal values, BatchNorm scale/shift random values; with
    ``sample`` (what ``layer`` is called with) every BatchNorm's running mean/variance is
    then set from the activations it sees, so activations stay O(1) through the network.
    The layer is left in eval mode.
    """
    import numpy as np
    import paddle

    rng = np.random.default_rng(seed)
    bn_types = (paddle.nn.layer.norm._BatchNormBase, paddle.nn.BatchNorm)
    for sub in layer.sublayers(include_self=True):
        if isinstance(sub, bn_types):
            c = sub.weight.shape[0]
            sub.weight.set_value(rng.uniform(0.5, 1.5, c).astype("float32"))
            sub.bias.set_value(rng.normal(0, 0.1, c).astype("float32"))
            continue
        for p in sub.parameters(include_sublayers=False):
            shape = list(p.shape)
            if len(shape) >= 2:
                fan_in = shape[0] if isinstance(sub, paddle.nn.Linear) else int(np.prod(shape[1:]))
                value = rng.normal(0, (2.0 / max(fan_in, 1)) ** 0.5, shape)
            else:
                value = rng.normal(0, 0.1, shape)
            p.set_value(value.astype(str(p.dtype).replace("paddle.", "")))
    layer.eval()
    if sample is not None:
        calibrate_batchnorm(layer, sample)
    return layer


def calibrate_batchnorm(layer: Any, sample: Any) -> None:
    """One eval forward pass of ``sample`` in which each BatchNorm first takes the mean and
    variance of its own input as running statistics (data-dependent initialisation)."""
    import paddle

    def hook(bn: Any, inputs: Any) -> None:
        x = inputs[0]
        axes = [0] + list(range(2, len(x.shape)))
        bn._mean.set_value(paddle.mean(x, axis=axes))
        bn._variance.set_value(paddle.var(x, axis=axes, unbiased=False) + 1e-3)

    bn_types = (paddle.nn.layer.norm._BatchNormBase, paddle.nn.BatchNorm)
    handles = [
        sub.register_forward_pre_hook(hook)
        for sub in layer.sublayers(include_self=True)
        if isinstance(sub, bn_types)
    ]
    try:
        with paddle.no_grad():
            layer(sample)
    finally:
        for h in handles:
            h.remove()


__all__ = [
    "ExportResult",
    "OrderedDumper",
    "dump_yaml",
    "io_names",
    "calibrate_batchnorm",
    "randomize_weights",
    "static_export_guard",
]
