"""Exporters write each suite's exact layout, and the programs match the networks.

Small inputs only; full seed resolutions are in the ``slow`` tests at the bottom.
"""

from __future__ import annotations

import ppdet  # noqa: F401  - before paddle

# isort: split

from pathlib import Path
from typing import Any, Dict, List

import numpy as np
import pytest
import yaml

from inspectors.tooling.exporters import dump_yaml, io_names
from inspectors.tooling.exporters import paddleclas_export as clsx
from inspectors.tooling.exporters import paddledet_export as detx
from inspectors.tooling.exporters import paddleseg_export as segx
from tests.helpers import paddlex_export as pdx

from .conftest import (
    ALU_LABELS,
    NEU_LABELS,
    STEEL_LABELS,
    ExportedModel,
    det_feeds,
    paddlex_seg_reference,
    randomized,
    run_predictor,
    seg_reference,
)


def load_yaml(path: Path) -> Dict[str, Any]:
    """PaddleX model.yml may carry python tags; the suites read with the full loader."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.Loader)


def names(folder: Path) -> List[str]:
    return sorted(p.name for p in folder.iterdir())


def assert_close(actual: np.ndarray, expected: np.ndarray, rel: float = 1e-4) -> None:
    assert actual.shape == expected.shape and actual.dtype == expected.dtype
    scale = max(float(np.abs(expected).max()), 1e-6)
    assert float(np.abs(actual - expected).max()) <= rel * scale + 1e-6


def assert_labels_agree(actual: np.ndarray, expected: np.ndarray) -> None:
    assert actual.shape == expected.shape and actual.dtype == expected.dtype
    assert float((actual == expected).mean()) >= 0.999  # argmax near-ties may flip


# --------------------------------------------------------------------------- PaddleSeg


def test_paddleseg_layout_and_argmax(seg_hrnet_export: ExportedModel) -> None:
    m = seg_hrnet_export
    assert names(m.dir) == ["deploy.yaml", "model.pdiparams", "model.pdiparams.info", "model.pdmodel"]
    deploy = load_yaml(m.dir / "deploy.yaml")
    assert list(deploy) == ["Deploy"]
    info = deploy["Deploy"]
    assert sorted(info) == ["input_shape", "model", "output_dtype", "output_op", "params", "transforms"]
    assert info["model"] == "model.pdmodel" and info["params"] == "model.pdiparams"
    assert info["output_op"] == "argmax" and info["output_dtype"] == "int32"
    assert info["input_shape"] == [-1, 3, -1, -1]
    assert info["transforms"] == [{"type": "Resize", "target_size": [128, 64]}, {"type": "Normalize"}]
    assert m.result.input_names == ("x",) and len(m.result.output_names) == 1
    x = m.sample_input()
    (out,) = run_predictor(m.result, x)
    assert out.shape == (1, *m.input_size) and out.dtype == np.int32
    assert len(np.unique(out)) > 1  # random weights, but not a constant map
    assert_labels_agree(out, m.reference(x)[0])


def test_paddleseg_softmax_dynamic_batch(seg_unet_export: ExportedModel) -> None:
    m = seg_unet_export
    info = load_yaml(m.dir / "deploy.yaml")["Deploy"]
    assert info["output_op"] == "softmax" and info["output_dtype"] == "float32"
    x = m.sample_input(batch=2)
    (out,) = run_predictor(m.result, x)
    assert out.shape == (2, len(STEEL_LABELS), *m.input_size)
    np.testing.assert_allclose(out.sum(axis=1), 1.0, atol=1e-5)
    assert_close(out, m.reference(x)[0])


def test_paddleseg_raw_logits_fixed_shape(tmp_path: Path) -> None:
    size = (32, 48)
    net = randomized(segx.build_unet(3), size, seed=5)
    res = segx.export_paddleseg(net, tmp_path, output_op="none", input_shape=[1, 3, *size])
    info = load_yaml(tmp_path / "deploy.yaml")["Deploy"]
    assert info["input_shape"] == [1, 3, *size] and info["output_op"] == "none"
    assert info["output_dtype"] == "float32" and info["transforms"] == [{"type": "Normalize"}]
    x = np.random.default_rng(1).normal(size=(1, 3, *size)).astype("float32")
    (out,) = run_predictor(res, x)
    assert_close(out, seg_reference(net, "none")(x)[0])
    with pytest.raises(ValueError, match="output_op"):
        segx.export_paddleseg(net, tmp_path / "bad", output_op="sigmoid")


def test_paddleseg_fastdeploy_names(tmp_path: Path) -> None:
    net = randomized(segx.build_unet(2), (32, 32))
    res = segx.export_paddleseg(net, tmp_path, for_fd=True)
    assert names(tmp_path) == ["inference.pdiparams", "inference.pdiparams.info", "inference.pdmodel", "inference.yml"]
    info = load_yaml(res.config_file)["Deploy"]
    assert info["model"] == "inference.pdmodel" and info["params"] == "inference.pdiparams"


# --------------------------------------------------------------------------- PaddleClas


def test_paddleclas_new_style(cls_resnet_export: ExportedModel) -> None:
    m = cls_resnet_export
    assert names(m.dir) == ["inference.pdiparams", "inference.pdiparams.info", "inference.pdmodel", "inference.yml"]
    text = (m.dir / "inference.yml").read_text(encoding="utf-8")
    assert text.startswith("Global:\n  model_name: ResNet50_vd\nPreProcess:")
    cfg = yaml.safe_load(text)
    assert list(cfg) == ["Global", "PreProcess", "PostProcess"]
    ops = cfg["PreProcess"]["transform_ops"]
    assert [next(iter(op)) for op in ops] == ["ResizeImage", "CropImage", "NormalizeImage", "ToCHWImage"]
    assert ops[0]["ResizeImage"] == {"resize_short": 73} and ops[1]["CropImage"] == {"size": 64}
    norm = ops[2]["NormalizeImage"]
    assert norm["scale"] == pytest.approx(1 / 255) and norm["order"] == "" and norm["channel_num"] == 3
    assert norm["mean"] == clsx.IMAGENET_MEAN and norm["std"] == clsx.IMAGENET_STD
    assert ops[3] == {"ToCHWImage": None}
    assert cfg["PostProcess"] == {"Topk": {"topk": 5, "label_list": list(NEU_LABELS)}}
    assert m.result.input_names == ("x",)
    x = m.sample_input(batch=2)
    (out,) = run_predictor(m.result, x)
    assert out.shape == (2, len(NEU_LABELS)) and out.dtype == np.float32
    np.testing.assert_allclose(out.sum(axis=1), 1.0, atol=1e-5)
    assert_close(out, m.reference(x)[0])


def test_paddleclas_old_style_mobilenet(tmp_path: Path) -> None:
    net = randomized(clsx.build_vision_classifier("mobilenet_v3_small", 3), (64, 64))
    res = clsx.export_paddleclas(net, tmp_path, ["ok", "scratch", "dent"], "MobileNetV3_small_x1_0", 64, style="old")
    assert names(tmp_path) == [
        "inference.pdiparams", "inference.pdiparams.info", "inference.pdmodel", "inference_cls.yaml", "label_list.txt",
    ]  # fmt: skip
    assert (tmp_path / "label_list.txt").read_text(encoding="utf-8") == "0 ok\n1 scratch\n2 dent\n"
    cfg = yaml.safe_load((tmp_path / "inference_cls.yaml").read_text(encoding="utf-8"))
    assert list(cfg) == ["Global", "PreProcess", "PostProcess"]
    assert cfg["Global"]["inference_model_dir"] == "."
    assert cfg["PostProcess"]["main_indicator"] == "Topk"
    assert cfg["PostProcess"]["Topk"] == {"topk": 3, "class_id_map_file": "label_list.txt"}
    assert cfg["PreProcess"]["transform_ops"][2]["NormalizeImage"]["scale"] == pytest.approx(1 / 255, rel=1e-5)
    x = np.random.default_rng(2).normal(size=(1, 3, 64, 64)).astype("float32")
    (out,) = run_predictor(res, x)
    import paddle

    ref = paddle.nn.functional.softmax(net(paddle.to_tensor(x)), axis=-1).numpy()
    assert_close(out, ref)
    with pytest.raises(ValueError, match="style"):
        clsx.export_paddleclas(net, tmp_path / "bad", ["a"], style="ancient")


# --------------------------------------------------------------------------- PaddleX


def test_paddlex2_seg_layout(paddlex2_seg_export: ExportedModel) -> None:
    m = paddlex2_seg_export
    assert names(m.dir) == [
        ".success", "model.pdiparams", "model.pdiparams.info", "model.pdmodel", "model.yml", "pipeline.yml",
    ]  # fmt: skip
    info = load_yaml(m.dir / "model.yml")
    assert sorted(info) == ["Model", "Transforms", "_Attributes", "_init_params", "completed_epochs", "status", "version"]
    assert info["Model"] == "UNet" and info["status"] == "Infer" and info["version"] == "2.1.0"
    attrs = info["_Attributes"]
    assert attrs == {
        "model_type": "segmenter", "num_classes": 5, "labels": list(STEEL_LABELS),
        "fixed_input_shape": [-1, 3, -1, -1],
    }  # fmt: skip
    assert info["_init_params"] == {
        "num_classes": 5, "use_mixed_loss": False, "align_corners": False, "use_deconv": False,
    }  # fmt: skip
    assert info["Transforms"] == pdx.seg_transforms_v2()
    pipe = load_yaml(m.dir / "pipeline.yml")
    assert pipe["pipeline_name"] == "segmenter" and pipe["version"] == "1.0.0"
    assert [next(iter(n)) for n in pipe["pipeline_nodes"]] == ["src0", "decode0", "predict0", "sink0"]
    assert m.result.input_names == ("image",) and len(m.result.output_names) == 2
    x = m.sample_input()
    label_map, score_map = run_predictor(m.result, x)
    ref_label, ref_score = m.reference(x)
    assert label_map.shape == (1, *m.input_size) and score_map.shape == (1, *m.input_size, 5)
    assert_labels_agree(label_map, ref_label)
    assert_close(score_map, ref_score)


def test_paddlex2_seg_fixed_shape_inserts_resize(tmp_path: Path) -> None:
    size = (32, 64)
    net = randomized(segx.build_unet(2), size)
    res = pdx.export_paddlex2_seg(net, tmp_path, ["bg", "scratch"], "UNet", fixed_input_shape=list(size))
    info = load_yaml(tmp_path / "model.yml")
    assert info["_Attributes"]["fixed_input_shape"] == [1, 3, *size]
    resize, norm = info["Transforms"]
    assert resize == {"Resize": {"target_size": list(size), "interp": "LINEAR", "keep_ratio": False}}
    assert "Normalize" in norm
    x = np.random.default_rng(3).normal(size=(1, 3, *size)).astype("float32")
    outs = run_predictor(res, x)
    assert_labels_agree(outs[0], paddlex_seg_reference(net, v1=False)(x)[0])


def test_paddlex1_seg_layout(paddlex1_seg_export: ExportedModel) -> None:
    m = paddlex1_seg_export
    assert names(m.dir) == [".success", "__model__", "__params__", "model.yml"]
    info = load_yaml(m.dir / "model.yml")
    assert sorted(info) == [
        "Model", "Transforms", "TransformsMode", "_Attributes", "_ModelInputsOutputs", "_init_params",
        "completed_epochs", "status", "version",
    ]  # fmt: skip
    assert info["Model"] == "UNet" and info["TransformsMode"] == "BGR" and info["version"].startswith("1.")
    assert info["_Attributes"] == {"model_type": "segmenter", "num_classes": 5, "labels": list(STEEL_LABELS)}
    assert info["Transforms"] == [
        {"Normalize": {"mean": [0.5] * 3, "std": [0.5] * 3, "min_val": [0, 0, 0], "max_val": [255.0] * 3}}
    ]
    program_in, program_out = io_names(m.dir / "__model__")
    io = info["_ModelInputsOutputs"]
    assert io["test_inputs"] == [["image", "image"]] and program_in == ["image"]
    assert [k for k, _ in io["test_outputs"]] == ["pred", "logit"]
    assert [v for _, v in io["test_outputs"]] == program_out
    x = m.sample_input(batch=2)
    pred, logit = run_predictor(m.result, x)
    ref_pred, ref_logit = m.reference(x)
    assert pred.shape == (2, *m.input_size, 1) and logit.shape == (2, 5, *m.input_size)
    assert_labels_agree(pred, ref_pred)
    assert_close(logit, ref_logit)


def test_yaml_dump_keeps_python_tuples_like_paddlex(tmp_path: Path) -> None:
    """PaddleX 2.x dumps tuples (Resize(target_size=int)) as !!python/tuple: engines must
    read model.yml with yaml.Loader / FullLoader, safe_load refuses it."""
    path = dump_yaml({"Transforms": [{"Resize": {"target_size": (512, 512)}}]}, tmp_path / "model.yml")
    assert "!!python/tuple" in path.read_text(encoding="utf-8")
    assert load_yaml(path)["Transforms"][0]["Resize"]["target_size"] == (512, 512)
    with pytest.raises(yaml.constructor.ConstructorError):
        yaml.safe_load(path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- PaddleDetection


def test_ppdet_frcnn_layout(det_frcnn_export: ExportedModel) -> None:
    m = det_frcnn_export
    assert names(m.dir) == ["infer_cfg.yml", "model.pdiparams", "model.pdiparams.info", "model.pdmodel"]
    text = (m.dir / "infer_cfg.yml").read_text(encoding="utf-8")
    cfg = yaml.safe_load(text)
    assert list(cfg) == [
        "mode", "draw_threshold", "metric", "use_dynamic_shape", "arch", "min_subgraph_size", "Preprocess",
        "label_list",
    ]  # fmt: skip
    assert cfg["arch"] == "RCNN" and cfg["metric"] == "VOC" and cfg["use_dynamic_shape"] is True
    assert cfg["label_list"] == list(ALU_LABELS)
    assert cfg["Preprocess"] == [
        {"type": "Resize", "interp": 2, "keep_ratio": True, "target_size": [800, 1333]},
        {"type": "NormalizeImage", "is_scale": True, "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]},
        {"type": "Permute"},
        {"type": "PadStride", "stride": 32},
    ]
    assert sorted(m.result.input_names) == ["im_shape", "image", "scale_factor"]
    feeds = det_feeds(np.random.default_rng(4).normal(size=(1, 3, 320, 320)).astype("float32"))
    boxes, counts = run_predictor(m.result, feeds)
    ref_boxes, ref_counts = m.reference(feeds)
    assert boxes.shape[1] == 6 and boxes.dtype == np.float32 and counts.dtype == np.int32
    assert counts.tolist() == ref_counts.tolist() == [len(boxes)]
    assert 0 < len(boxes) <= 100
    assert set(boxes[:, 0].astype(int)) <= set(range(len(ALU_LABELS))) | {-1}
    assert np.all((boxes[:, 2:] >= 0) & (boxes[:, 2:] <= 320))
    assert_close(boxes, ref_boxes, rel=1e-4)


def test_ppdet_scale_factor_maps_back_to_original(det_frcnn_export: ExportedModel) -> None:
    """Boxes come out in original-image pixels: halving scale_factor doubles them."""
    x = np.random.default_rng(4).normal(size=(1, 3, 320, 320)).astype("float32")
    full, _ = run_predictor(det_frcnn_export.result, det_feeds(x, (1.0, 1.0)))
    half, _ = run_predictor(det_frcnn_export.result, det_feeds(x, (0.5, 0.5)))
    np.testing.assert_allclose(half[:, 2:], full[:, 2:] * 2, rtol=1e-4, atol=1e-3)


def test_paddlex2_det_repackage(det_frcnn_export: ExportedModel, tmp_path: Path) -> None:
    config = detx.FASTER_RCNN_DCN  # only read for _init_params here
    res = pdx.export_paddlex2_det(det_frcnn_export.dir, tmp_path, ppdet_config=config)
    assert names(tmp_path) == [
        ".success", "model.pdiparams", "model.pdiparams.info", "model.pdmodel", "model.yml", "pipeline.yml",
    ]  # fmt: skip
    info = load_yaml(tmp_path / "model.yml")
    assert info["Model"] == "FasterRCNN" and info["_Attributes"]["model_type"] == "detector"
    assert info["_Attributes"]["labels"] == list(ALU_LABELS)
    assert [next(iter(op)) for op in info["Transforms"]] == ["ResizeByShort", "Normalize"]
    params = info["_init_params"]
    assert params["with_dcn"] is True and params["fpn_num_channels"] == 64
    assert (params["test_pre_nms_top_n"], params["test_post_nms_top_n"]) == (500, 300)
    assert sorted(res.input_names) == ["im_shape", "image", "scale_factor"]


def test_picodet_export(tmp_path: Path) -> None:
    res = detx.export_ppdet(detx.PICODET_S, tmp_path, ["scratch", "dent"], randomize_seed=1)
    cfg = yaml.safe_load((tmp_path / "infer_cfg.yml").read_text(encoding="utf-8"))
    assert cfg["arch"] == "GFL" and cfg["label_list"] == ["scratch", "dent"]
    assert cfg["Preprocess"][0] == {"type": "Resize", "interp": 2, "keep_ratio": False, "target_size": [320, 320]}
    assert sorted(res.input_names) == ["image", "scale_factor"]
    feeds = det_feeds(np.random.default_rng(5).normal(size=(1, 3, 320, 320)).astype("float32"))
    del feeds["im_shape"]
    boxes, counts = run_predictor(res, feeds)
    assert boxes.shape == (int(counts.sum()), 6) and counts.dtype == np.int32


def test_ppdet_config_scope_does_not_leak() -> None:
    from ppdet.core.workspace import global_config, load_config

    with detx.ppdet_config_scope():
        load_config(str(detx.FASTER_RCNN_DCN))
        assert global_config["ResNet"]["dcn_v2_stages"] == [1, 2, 3]
        assert global_config["FPN"]["out_channel"] == 64
    with detx.ppdet_config_scope():
        load_config(str(detx.FASTER_RCNN))
        assert global_config["ResNet"]["dcn_v2_stages"] == [-1]
        assert global_config["FPN"]["out_channel"] == 256
        assert global_config["RPNHead"]["test_proposal"]["post_nms_top_n"] == 1000


def test_ppdet_patches_are_restored() -> None:
    from ppdet.modeling.post_process import BBoxPostProcess
    from ppdet.modeling.proposal_generator.rpn_head import RPNHead

    before = (RPNHead._gen_proposal, BBoxPostProcess.get_pred)
    with detx.ppdet_export_patches():
        assert RPNHead._gen_proposal is not before[0]
    assert (RPNHead._gen_proposal, BBoxPostProcess.get_pred) == before


# --------------------------------------------------------------------------- full size (slow)


@pytest.mark.slow
@pytest.mark.parametrize("width, size", [(48, (128, 800))])
def test_seed_hrnet_w48_full_size(tmp_path: Path, width: int, size: Any) -> None:
    net = randomized(segx.build_hrnet_fcn(5, width=width), size)
    res = segx.export_paddleseg(net, tmp_path / "seg", output_op="softmax")
    x = np.random.default_rng(0).normal(size=(1, 3, *size)).astype("float32")
    (out,) = run_predictor(res, x, ir_optim=True)
    assert_close(out, seg_reference(net, "softmax")(x)[0], rel=1e-3)
    params = pdx.default_seg_init_params("HRNet", 5, width=width)
    px2 = pdx.export_paddlex2_seg(net, tmp_path / "px2", STEEL_LABELS, "HRNet", params, fixed_input_shape=list(size))
    assert load_yaml(px2.config_file)["_init_params"]["width"] == 48
    label_map, score_map = run_predictor(px2, x, ir_optim=True)
    assert label_map.shape == (1, *size) and score_map.shape == (1, *size, 5)


@pytest.mark.slow
def test_seed_unet_full_size(tmp_path: Path) -> None:
    size = (64, 400)
    net = randomized(segx.build_unet(5), size)
    res = pdx.export_paddlex1_seg(net, tmp_path, STEEL_LABELS, "UNet", fixed_input_shape=[400, 64])
    x = np.random.default_rng(0).normal(size=(1, 3, *size)).astype("float32")
    pred, logit = run_predictor(res, x, ir_optim=True)
    assert pred.shape == (1, *size, 1) and logit.shape == (1, 5, *size)
    assert_close(logit, paddlex_seg_reference(net, v1=True)(x)[1], rel=1e-3)


@pytest.mark.slow
def test_seed_resnet50_vd_224(tmp_path: Path) -> None:
    net = randomized(clsx.build_resnet50_vd_classifier(6), (224, 224))
    res = clsx.export_paddleclas(net, tmp_path, NEU_LABELS, image_size=224)
    cfg = yaml.safe_load((tmp_path / "inference.yml").read_text(encoding="utf-8"))
    assert cfg["PreProcess"]["transform_ops"][0] == {"ResizeImage": {"resize_short": 256}}
    x = np.random.default_rng(0).normal(size=(1, 3, 224, 224)).astype("float32")
    (out,) = run_predictor(res, x, ir_optim=True)
    import paddle

    assert_close(out, paddle.nn.functional.softmax(net(paddle.to_tensor(x)), axis=-1).numpy(), rel=1e-3)


@pytest.mark.slow
def test_seed_frcnn_dcn_full_size(tmp_path: Path) -> None:
    from paddle.base.proto import framework_pb2

    res = detx.export_ppdet(detx.FASTER_RCNN_DCN, tmp_path, ALU_LABELS, randomize_seed=0)
    program = framework_pb2.ProgramDesc.FromString(res.model_file.read_bytes())
    ops = [op.type for block in program.blocks for op in block.ops]
    assert ops.count("deformable_conv") >= 3 * 4  # res3-res5 bottlenecks (4 + 6 + 3 = 13)
    x = np.random.default_rng(0).normal(size=(1, 3, 800, 1344)).astype("float32")
    boxes, counts = run_predictor(res, det_feeds(x), ir_optim=True)
    assert boxes.shape == (int(counts[0]), 6) and 0 < counts[0] <= 100
