"""Validate an exported program and its weights before Paddle's C++ loader sees them.

Paddle Inference dereferences a corrupt ``.pdmodel`` or truncated ``.pdiparams``
and the whole process dies with SIGSEGV, which in a GUI means losing the
session. Parsing the ProgramDesc protobuf and walking the combined-params file
in Python turns those cases into a :class:`ModelFormatError` with a message.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import List, Set, Tuple

from .errors import ModelFormatError
from .paddle_env import import_paddle

# framework.proto VarType.Type -> bytes per element
_DTYPE_SIZE = {0: 1, 1: 2, 2: 4, 3: 8, 4: 2, 5: 4, 6: 8, 19: 8, 20: 1, 21: 1, 22: 2, 23: 8, 24: 16}
_LOD_TENSOR = 7


def _framework_pb2():

    import_paddle()
    from paddle.base.proto import framework_pb2

    return framework_pb2


def check_program(model_file: Path, params_file: Path) -> List[str]:
    """Return the program's op types; raise ModelFormatError if the files are unusable."""
    pb2 = _framework_pb2()
    data = Path(model_file).read_bytes()
    program = pb2.ProgramDesc()
    try:
        program.ParseFromString(data)
    except Exception:  # noqa: BLE001 - protobuf raises DecodeError and friends
        raise ModelFormatError(f"{Path(model_file).name} is not a Paddle program (corrupt or wrong file)") from None
    if not program.blocks or not program.blocks[0].ops:
        raise ModelFormatError(f"{Path(model_file).name} holds an empty Paddle program")
    ops = sorted({op.type for block in program.blocks for op in block.ops})
    _check_ops_registered(ops, model_file)
    names = {v.name for b in program.blocks for v in b.vars
             if v.persistable and v.type.type == _LOD_TENSOR and v.name not in ("feed", "fetch")}
    _check_params(Path(params_file), names)
    return ops


def _check_ops_registered(ops: List[str], model_file: Path) -> None:
    paddle = import_paddle()

    try:
        known: Set[str] = set(paddle.base.core.get_all_op_names())
    except Exception:  # noqa: BLE001 - an old build without the query: skip the check
        return
    missing = [op for op in ops if op not in known]
    if missing:
        raise ModelFormatError(
            f"{Path(model_file).name} uses operators this Paddle {paddle.__version__} does not have: "
            f"{', '.join(missing)}. Export it with PaddlePaddle 2.6, or install the Paddle build it needs."
        )


def _check_params(params_file: Path, names: Set[str]) -> None:
    pb2 = _framework_pb2()
    data = params_file.read_bytes()
    pos, count, size = 0, 0, len(data)

    def take(n: int) -> bytes:
        nonlocal pos
        if pos + n > size:
            raise ModelFormatError(
                f"{params_file.name} is truncated or not the weights of this model "
                f"(tensor {count + 1} of {len(names)} ends past the file's {size} bytes)"
            )
        chunk = data[pos : pos + n]
        pos += n
        return chunk

    while pos < size:
        take(4)  # tensor version
        (lod_levels,) = struct.unpack("<Q", take(8))
        if lod_levels > 16:
            raise ModelFormatError(f"{params_file.name} is not a Paddle combined-params file")
        for _ in range(lod_levels):
            (nbytes,) = struct.unpack("<Q", take(8))
            take(nbytes)
        take(4)  # desc version
        (desc_size,) = struct.unpack("<i", take(4))
        if desc_size <= 0 or desc_size > 4096:
            raise ModelFormatError(f"{params_file.name} is not a Paddle combined-params file")
        desc = pb2.VarType.TensorDesc()
        try:
            desc.ParseFromString(take(desc_size))
        except Exception:  # noqa: BLE001
            raise ModelFormatError(f"{params_file.name} is corrupt (bad tensor header)") from None
        itemsize = _DTYPE_SIZE.get(desc.data_type)
        if itemsize is None or any(d < 0 for d in desc.dims):
            raise ModelFormatError(f"{params_file.name} is corrupt (bad tensor type or shape)")
        nbytes = itemsize
        for d in desc.dims:  # in Python ints: np.prod wraps around int64 (2**32 x 2**32 -> 0)
            nbytes *= d
        take(nbytes)
        count += 1
    if count != len(names):
        raise ModelFormatError(
            f"{params_file.name} holds {count} tensors but the program needs {len(names)}: "
            "the weights do not belong to this model file"
        )


def program_io(model_file: Path) -> Tuple[List[str], List[str]]:
    """The program's feed and fetch variable names, in feed / fetch column order: the order
    Paddle Inference gives them in, which the other backends follow."""
    program = _framework_pb2().ProgramDesc()
    try:
        program.ParseFromString(Path(model_file).read_bytes())
    except Exception:  # noqa: BLE001
        raise ModelFormatError(f"{Path(model_file).name} is not a Paddle program (corrupt or wrong file)") from None
    feeds: List[Tuple[int, str]] = []
    fetches: List[Tuple[int, str]] = []
    for op in program.blocks[0].ops if program.blocks else []:
        if op.type not in ("feed", "fetch"):
            continue
        col = next((a.i for a in op.attrs if a.name == "col"), 0)
        slots = op.outputs if op.type == "feed" else op.inputs
        name = next((v.arguments[0] for v in slots if v.arguments), None)
        if name is not None:
            (feeds if op.type == "feed" else fetches).append((col, name))
    return [n for _, n in sorted(feeds)], [n for _, n in sorted(fetches)]
