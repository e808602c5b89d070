"""An exported model (static program + params) back into the dygraph network that made it,
so a bundled model becomes the start of a fine-tune (``train --pretrained MODEL_FOLDER``).

An export keeps Paddle's creation-order names (``conv2d_3.w_0``); the same network built
afresh under a clean name scope gets the same names, which map each exported tensor back to
its structural key. Every tensor of the export must find its place with its shape, else the
export is of another network; a tensor of the network the program never uses (so not in the
export) keeps its initial value."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Dict

import numpy as np

from ...errors import InspectorError
from ...formats.detect import load_model_spec
from .common import TrainingError


def is_export(path: Path | str | None) -> bool:
    """A folder (an exported model) rather than a ``.pdparams`` checkpoint file."""
    return path is not None and Path(path).is_dir()


def _exported_tensors(model_dir: Path) -> Dict[str, np.ndarray]:
    import paddle

    try:
        spec = load_model_spec(model_dir)  # the one home of model-folder recognition
    except InspectorError as e:
        raise TrainingError(f"--pretrained {model_dir}: {e}") from None
    if spec.model_file.with_suffix("") != spec.params_file.with_suffix(""):
        raise TrainingError(f"{model_dir}: program and parameters have different names")
    paddle.enable_static()  # the static program keeps the export's own variable names
    try:
        scope = paddle.static.Scope()
        with paddle.static.scope_guard(scope):
            prog, _, _ = paddle.static.load_inference_model(
                str(spec.model_file.with_suffix("")), paddle.static.Executor(paddle.CPUPlace()))
            return {v.name: np.array(scope.find_var(v.name).get_tensor()) for v in prog.list_vars()
                    if v.persistable and v.name not in ("feed", "fetch") and scope.find_var(v.name) is not None}
    except Exception as e:  # noqa: BLE001 - any unreadable export is the user's input
        raise TrainingError(f"{model_dir}: not a loadable Paddle export ({' '.join(str(e).split())[:200]})") from None
    finally:
        paddle.disable_static()


def export_weights(model_dir: Path | str, build: Callable[[], Any], what: str) -> Dict[str, np.ndarray]:
    """The state dict (structural keys) of the network ``build()`` makes, read from the
    export in ``model_dir``; ``what`` names the network in the error message."""
    import paddle

    model_dir = Path(model_dir)
    exported = _exported_tensors(model_dir)
    with paddle.utils.unique_name.guard():
        ref = build()
    out: Dict[str, np.ndarray] = {}
    fresh = []
    for key, v in ref.state_dict().items():
        src = exported.get(v.name)
        if src is None:  # not in the program, so unused at inference (e.g. PicoHeadV2's scale_reg)
            fresh.append(key)
            continue
        if list(src.shape) != list(v.shape):
            raise TrainingError(f"{model_dir} is not an export of {what} ({key} / {v.name} has "
                                f"shape {list(src.shape)} there, {list(v.shape)} here)")
        out[key] = src
    used = {v.name for v in ref.state_dict().values()}
    # eager_tmp_*: constants made while the graph was traced (a DFL projection), rebuilt alike
    unused = sorted(n for n in set(exported) - used if not n.startswith("eager_tmp_"))
    if unused or not out:
        raise TrainingError(f"{model_dir} is not an export of {what}: {len(unused)} of its tensors "
                            f"have no place in it (e.g. {(unused or sorted(exported) or ['none'])[0]})")
    if fresh:
        print(f"pretrained: {len(out)} tensors from {model_dir}; {len(fresh)} the export does not "
              f"use keep their initial values ({', '.join(fresh[:4])}{', ...' if len(fresh) > 4 else ''})",
              flush=True)
    return out
