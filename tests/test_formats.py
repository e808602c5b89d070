"""Anything that is not a loadable export gets a precise message, not a traceback."""

import shutil

import pytest
import yaml

from inspectors.errors import ModelFormatError, PreprocessError
from inspectors.formats import load_model_spec


def _deploy(path, **deploy):
    base = {"model": "model.pdmodel", "params": "model.pdiparams",
            "transforms": [{"type": "Normalize"}], "output_op": "argmax"}
    base.update(deploy)
    (path / "deploy.yaml").write_text(yaml.safe_dump({"Deploy": base}))


def _touch(path, *names):
    for n in names:
        (path / n).write_bytes(b"\x08\x01")


def test_missing_path(tmp_path):
    with pytest.raises(ModelFormatError, match="does not exist"):
        load_model_spec(tmp_path / "nope")


def test_empty_folder(tmp_path):
    with pytest.raises(ModelFormatError, match="not an exported Paddle model"):
        load_model_spec(tmp_path)


def test_training_checkpoint_is_told_how_to_export(tmp_path):
    _touch(tmp_path, "model.pdparams", "model.pdopt")
    with pytest.raises(ModelFormatError) as e:
        load_model_spec(tmp_path)
    msg = str(e.value)
    assert "training checkpoint" in msg and "tools/export.py" in msg and "export_model.py" in msg


def test_missing_params(tmp_path):
    _deploy(tmp_path)
    _touch(tmp_path, "model.pdmodel")
    with pytest.raises(ModelFormatError, match="params file 'model.pdiparams' is missing"):
        load_model_spec(tmp_path)


def test_two_models_in_one_folder(tmp_path):
    _deploy(tmp_path)
    (tmp_path / "infer_cfg.yml").write_text(yaml.safe_dump({"Preprocess": [], "label_list": ["a"]}))
    with pytest.raises(ModelFormatError, match="more than one model"):
        load_model_spec(tmp_path)


def test_two_model_subfolders(tmp_path):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        _deploy(tmp_path / name)
    with pytest.raises(ModelFormatError, match="holds 2 models"):
        load_model_spec(tmp_path)


def test_single_model_subfolder_is_used(tmp_path):
    sub = tmp_path / "export"
    sub.mkdir()
    _deploy(sub)
    _touch(sub, "model.pdmodel", "model.pdiparams")
    spec = load_model_spec(tmp_path)
    assert spec.directory == sub.resolve() and spec.task == "segmentation"


def test_paddle3_export_is_explained(tmp_path):
    _touch(tmp_path, "inference.json", "model.json", "inference.pdiparams")
    with pytest.raises(ModelFormatError, match="PaddlePaddle 3"):
        load_model_spec(tmp_path)


def test_unknown_preprocess_op_names_it(tmp_path):
    _deploy(tmp_path, transforms=[{"type": "Sharpen", "amount": 2}])
    _touch(tmp_path, "model.pdmodel", "model.pdiparams")
    with pytest.raises(PreprocessError, match="Sharpen"):
        load_model_spec(tmp_path)


def test_yaml_with_python_tags_is_refused(tmp_path):
    (tmp_path / "deploy.yaml").write_text("Deploy: !!python/object/apply:os.system ['touch pwned']\n")
    _touch(tmp_path, "model.pdmodel", "model.pdiparams")
    with pytest.raises(ModelFormatError, match="not valid YAML"):
        load_model_spec(tmp_path)
    assert not (tmp_path / "pwned").exists()


def test_corrupt_program_file_gives_message(tmp_path):
    from inspectors.engine import Inspector

    _deploy(tmp_path)
    (tmp_path / "model.pdmodel").write_bytes(b"this is not a protobuf program" * 10)
    (tmp_path / "model.pdiparams").write_bytes(b"\x00" * 64)
    with pytest.raises(ModelFormatError) as e:
        Inspector.from_path(tmp_path)
    assert "model.pdmodel" in str(e.value)


def test_paddlex_checkpoint_status(tmp_path):
    (tmp_path / "model.yml").write_text(yaml.safe_dump(
        {"Model": "HRNet", "status": "Normal", "_Attributes": {"model_type": "segmenter"}}))
    _touch(tmp_path, "model.pdparams")
    with pytest.raises(ModelFormatError, match="training checkpoint"):
        load_model_spec(tmp_path)


def test_config_file_path_is_accepted(tmp_path):
    _deploy(tmp_path)
    _touch(tmp_path, "model.pdmodel", "model.pdiparams")
    spec = load_model_spec(tmp_path / "deploy.yaml")
    assert spec.format == "paddleseg"


def test_paths_with_spaces_and_chinese(tmp_path):
    d = tmp_path / "铝材 缺陷 模型"
    d.mkdir()
    _deploy(d)
    _touch(d, "model.pdmodel", "model.pdiparams")
    assert load_model_spec(d).directory.name == "铝材 缺陷 模型"
    shutil.rmtree(d)
