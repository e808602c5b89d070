"""Property-based tests of the model readers: model configs (deploy.yaml, infer_cfg.yml,
inference.yml, model.yml, labels.txt) and the program check. See tests/property_helpers.py."""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any, Optional

import numpy as np
import pytest
import yaml
from hypothesis import example, given
from hypothesis import strategies as st

from inspectors.errors import InspectorError, ModelFormatError
from inspectors.formats import load_model_spec

from .property_helpers import FEW, FUZZ, MANY, clean, folder, mutate, write

# ================================================================= model configs

NORMALIZE = {"mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5]}
CONFIGS = {
    "deploy.yaml": (
        {"Deploy": {"model": "model.pdmodel", "params": "model.pdiparams",
                    "transforms": [{"type": "Resize", "target_size": [64, 64], "keep_ratio": False},
                                   {"type": "ResizeByShort", "short_size": 32, "max_size": 64},
                                   {"type": "Padding", "target_size": [64, 64]},
                                   {"type": "Normalize", **NORMALIZE}],
                    "output_op": "argmax", "input_shape": [-1, 3, -1, -1]},
         "num_classes": 3, "Model": {"type": "PPLiteSeg"}},
        ("model.pdmodel", "model.pdiparams"),
    ),
    "infer_cfg.yml": (
        {"mode": "paddle", "arch": "PicoDet", "metric": "VOC", "draw_threshold": 0.5,
         "Preprocess": [{"type": "Resize", "interp": 2, "keep_ratio": False, "target_size": [32, 32]},
                        {"type": "NormalizeImage", "is_scale": True, "norm_type": "mean_std", **NORMALIZE},
                        {"type": "Permute"}, {"type": "PadStride", "stride": 32}],
         "label_list": ["a", "b"], "NMS": {"keep_top_k": 100}},
        ("model.pdmodel", "model.pdiparams"),
    ),
    "inference.yml": (
        {"Global": {"model_name": "ResNet18"},
         "PreProcess": {"transform_ops": [
             {"DecodeImage": {"to_rgb": True, "channel_first": False}},
             {"ResizeImage": {"resize_short": 36}}, {"CropImage": {"size": 32}},
             {"NormalizeImage": {"scale": "1.0/255.0", "order": "", **NORMALIZE}},
             {"ToCHWImage": None}]},
         "PostProcess": {"Topk": {"topk": 2, "label_list": ["a", "b"],
                                  "class_id_map_file": "labels.txt"}}},
        ("inference.pdmodel", "inference.pdiparams"),
    ),
    "model.yml": (
        {"Model": "DeepLabV3P", "status": "Infer", "version": "2.1.0", "TransformsMode": "RGB",
         "_Attributes": {"model_type": "segmenter", "num_classes": 3, "labels": ["a", "b"],
                         "fixed_input_shape": None},
         "Transforms": [{"Resize": {"target_size": [32, 32], "interp": "LINEAR", "keep_ratio": False}},
                        {"ResizeByShort": {"short_size": 32, "max_size": -1}},
                        {"ResizeByLong": {"long_size": 32}},
                        {"CenterCrop": {"crop_size": 16}},
                        {"Normalize": {"min_val": [0, 0, 0], "max_val": [255, 255, 255],
                                       "is_scale": True, **NORMALIZE}},
                        {"Padding": {"target_size": [32, 32], "im_padding_value": [0, 0, 0]}}]},
        ("model.pdmodel", "model.pdiparams"),
    ),
}


def _model_folder(d: Path, name: str, text: bytes) -> Path:
    files = CONFIGS[name][1]
    for f in files:
        write(d / f, b"\x08\x01")  # placeholders: the program is not parsed here
    write(d / "labels.txt", b"a\nb\n")
    return write(d / name, text)


def _check_spec(d: Path) -> Any:
    spec = clean(load_model_spec, d)
    if not isinstance(spec, InspectorError):
        assert spec.task in ("segmentation", "detection", "classification")
        assert all(isinstance(n, str) for n in spec.class_names)
        spec.summary()
    return spec


@MANY
@given(name=st.sampled_from(sorted(CONFIGS)), data=st.data())
def test_model_configs_mutated(name, data):
    doc = mutate(data, CONFIGS[name][0])
    text = yaml.safe_dump(doc, allow_unicode=data.draw(st.booleans())).encode("utf-8", "surrogatepass")
    with folder() as d:
        _model_folder(d, name, text)
        if data.draw(st.booleans(), label="without labels.txt"):
            (d / "labels.txt").unlink()
        _check_spec(d)


def _with(doc: dict, path: str, value: Any) -> dict:
    """A deep copy of ``doc`` with the setting at "a.b.0.c" replaced by ``value``."""
    out = json.loads(json.dumps(doc))
    *parents, last = path.split(".")
    node = out
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return out


CONFIG_BUGS = [
    # (config, setting, value): each raised TypeError / ValueError / AttributeError /
    # OSError / OverflowError before, or never returned (num_classes)
    ("deploy.yaml", "Deploy.transforms", "Resize"),
    ("deploy.yaml", "Deploy.transforms", 5),
    ("deploy.yaml", "Deploy.transforms.0.target_size", ["a", 2]),
    ("deploy.yaml", "Deploy.transforms.3.mean", "abc"),
    ("deploy.yaml", "Deploy.model", 5),
    ("deploy.yaml", "Deploy.model", "a" * 300),
    ("deploy.yaml", "num_classes", 10**12),
    ("deploy.yaml", "Deploy.transforms.0.type", []),  # unhashable: `kind in TRAINING_ONLY`
    ("infer_cfg.yml", "label_list", 5),
    ("infer_cfg.yml", "draw_threshold", "high"),
    ("infer_cfg.yml", "draw_threshold", None),
    ("infer_cfg.yml", "Preprocess", {"type": "Resize"}),
    ("infer_cfg.yml", "Preprocess.0", "Resize"),
    ("infer_cfg.yml", "Preprocess.0.target_size", ["a", "b"]),
    ("inference.yml", "PreProcess.transform_ops", 5),
    ("inference.yml", "PreProcess.transform_ops.0.DecodeImage", [1]),
    ("inference.yml", "PreProcess.transform_ops.1.ResizeImage", [1, 2]),
    ("inference.yml", "PreProcess.transform_ops.3.NormalizeImage.scale", "1e400"),
    ("inference.yml", "PreProcess.transform_ops.3.NormalizeImage.scale", 10**400),
    ("inference.yml", "Global", [1]),
    ("inference.yml", "PostProcess.Topk.topk", "five"),
    ("inference.yml", "PostProcess.Topk.label_list", 5),
    ("inference.yml", "PostProcess.Topk.label_list", None),  # then class_id_map_file:
    ("inference.yml", "PostProcess.Topk.class_id_map_file", "a" * 300),
    ("model.yml", "_Attributes", [1]),
    ("model.yml", "_Attributes.labels", 5),
    ("model.yml", "_Attributes.num_classes", "three"),
    ("model.yml", "Transforms", 5),
    ("model.yml", "Transforms.0", {"Resize": [1]}),
    ("model.yml", "Transforms.4.Normalize.mean", "abc"),
]


@pytest.mark.parametrize("name, setting, value", CONFIG_BUGS)
def test_model_config_regressions(tmp_path, name, setting, value):
    doc = CONFIGS[name][0]
    if setting == "PostProcess.Topk.class_id_map_file":
        doc = _with(doc, "PostProcess.Topk.label_list", None)
    text = yaml.safe_dump(_with(doc, setting, value)).encode()
    _model_folder(tmp_path, name, text)
    if setting == "num_classes":
        (tmp_path / "labels.txt").unlink()
    spec = _check_spec(tmp_path)
    # the exceptions became messages; a null (or unusable file name) falls back to the default
    assert isinstance(spec, InspectorError) == (value is not None and "class_id_map" not in setting)


def test_label_file_not_utf8_is_a_clean_error(tmp_path):
    """Regression: a labels.txt beside a model that is not UTF-8 raised UnicodeDecodeError."""
    _model_folder(tmp_path, "deploy.yaml", yaml.safe_dump(CONFIGS["deploy.yaml"][0]).encode())
    (tmp_path / "labels.txt").write_bytes(b"\xff\xfeback\x00ground\n")
    with pytest.raises(ModelFormatError, match="labels.txt"):
        load_model_spec(tmp_path)


@FEW
@given(
    name=st.sampled_from(sorted(CONFIGS)),
    text=st.binary(max_size=200),
    labels=st.one_of(st.none(), st.binary(max_size=60)),
)
@example(name="deploy.yaml", text=b"\xff\xfe", labels=None)
@example(name="model.yml", text=b"\x00", labels=None)
@example(name="deploy.yaml", text=yaml.safe_dump(CONFIGS["deploy.yaml"][0]).encode(), labels=b"\xff")
@example(name="inference.yml", text=b"[" * 600 + b"]" * 600, labels=None)
def test_model_configs_random_bytes(name, text, labels):
    with folder() as d:
        _model_folder(d, name, text)
        if labels is not None:
            write(d / "labels.txt", labels)
        _check_spec(d)


# ============================================================= program check


def _pb2():
    from inspectors.program_check import _framework_pb2

    return _framework_pb2()


def _tensor(pb2, dims, dtype: int = 5, lod: tuple = (), desc_size: Optional[int] = None,
            data_len: Optional[int] = None) -> bytes:
    desc = pb2.VarType.TensorDesc(data_type=dtype, dims=list(dims)).SerializeToString()
    out = struct.pack("<I", 0) + struct.pack("<Q", len(lod))
    for level in lod:
        out += struct.pack("<Q", len(level)) + level
    out += struct.pack("<I", 0) + struct.pack("<i", len(desc) if desc_size is None else desc_size) + desc
    n = int(np.prod(dims, dtype=object)) * 4 if all(v >= 0 for v in dims) else 0
    n = n if data_len is None else data_len
    return out + b"\x00" * min(n, 4096)


def _program(pb2, op_types, n_params: int) -> bytes:
    prog = pb2.ProgramDesc()
    block = prog.blocks.add(idx=0, parent_idx=-1)
    for k in range(n_params):
        var = block.vars.add(name=f"w{k}", persistable=True)
        var.type.type = 7
    for op in op_types:
        block.ops.add(type=op)
    return prog.SerializeToString()


@st.composite
def programs(draw) -> tuple:
    pb2 = _pb2()
    n = draw(st.integers(0, 3))
    model = _program(pb2, draw(st.lists(st.sampled_from(["conv2d", "relu", "feed", "fetch", "bogus_op"]),
                                        max_size=3)), n)
    if draw(st.integers(0, 4)) == 0:
        model = bytearray(model)
        for _ in range(draw(st.integers(1, 3))):
            if model:
                model[draw(st.integers(0, len(model) - 1))] = draw(st.integers(0, 255))
        model = bytes(model)
    dims = st.lists(st.one_of(st.integers(-2, 4), st.integers(0, 2**63 - 1)), max_size=4)
    tensors = []
    for _ in range(draw(st.integers(0, 4))):
        tensors.append(_tensor(
            pb2,
            draw(dims),
            draw(st.sampled_from([5, 2, 0, 7, 20, 24, 8])),
            tuple(draw(st.lists(st.binary(max_size=8), max_size=2))),
            draw(st.one_of(st.none(), st.integers(-5, 5000))),
            draw(st.one_of(st.none(), st.integers(0, 64))),
        ))
    params = b"".join(tensors)
    if draw(st.integers(0, 4)) == 0:
        params = params[: draw(st.integers(0, len(params)))]
    return model, params


def _check_program(model: bytes, params: bytes) -> None:
    from inspectors.program_check import check_program

    with folder() as d:
        m, p = write(d / "model.pdmodel", model), write(d / "model.pdiparams", params)
        ops = clean(check_program, m, p)
        if not isinstance(ops, InspectorError):
            assert isinstance(ops, list) and ops


@FEW
@given(model=st.binary(max_size=200), params=st.binary(max_size=200))
def test_program_check_random_bytes(model, params):
    # check_program validates in Python and never hands the files to Paddle's C++ loader
    _check_program(model, params)


@FUZZ
@given(programs())
def test_program_check_structured(case):
    _check_program(*case)


def test_program_check_overflowing_dims_is_refused(tmp_path):
    """Regression: dims whose product wraps around int64 were taken as 0 bytes (accepted)
    or as a negative size (the walk went backwards and struct.error escaped)."""
    from inspectors.program_check import check_program

    pb2 = _pb2()
    model = _program(pb2, ["conv2d"], 1)
    for dims in ([2**62, 4], [2**32, 2**32], [2**63 - 1, 3], [2**62 + 1, 2]):
        # [2**32, 2**32] "needed" 0 bytes and passed; [2**62 + 1, 2] raised struct.error
        params = _tensor(pb2, dims, data_len=0)
        m, p = write(tmp_path / "model.pdmodel", model), write(tmp_path / "model.pdiparams", params)
        with pytest.raises(ModelFormatError, match="model.pdiparams"):
            check_program(m, p)
