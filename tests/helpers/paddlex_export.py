"""PaddleX 2.x and 1.x inference-model layouts (paddlex itself does not install here).

PaddleX 2.x (``model.export_inference_model`` / ``paddlex --export_inference``)::

    model.pdmodel  model.pdiparams  model.pdiparams.info  model.yml  pipeline.yml  .success

``model.yml`` is ``yaml.dump`` (sorted keys, default Dumper, so tuples appear as
``!!python/tuple`` and need ``yaml.Loader``/``FullLoader``, not ``safe_load``): ``Model``
(class name), ``Transforms`` (list of ``{OpName: op.__dict__}``, e.g. ``Resize: {interp:
LINEAR, keep_ratio: false, target_size: [h, w]}``, ``Normalize: {is_scale, max_val, mean,
min_val, std}``, ``ResizeByShort: {interp, max_size, short_size}``), ``_Attributes``
(``model_type``, ``num_classes``, ``labels``, ``fixed_input_shape`` -- ``[-1, 3, -1, -1]``
when dynamic, ``[1, 3, H, W]`` when fixed --, optional ``eval_metrics``), ``_init_params``, ``completed_epochs``, ``status: Infer``, ``version``.
PaddleX 2.x feeds RGB (``Decode(to_rgb=True)``). I/O:

* segmenter: in ``image`` float32 [N, 3, H, W] (fixed shape -> [1, 3, H, W] and a
  ``Resize`` put before ``Normalize``); out ``label_map`` int32 [N, H, W] then
  ``score_map`` float32 [N, H, W, C] (softmax, NHWC).
* detector (FasterRCNN ...): in ``image`` [N, 3, H, W], ``im_shape`` [N, 2],
  ``scale_factor`` [N, 2] (float32; h, w order); out ``bbox`` float32 [M, 6]
  (class, score, x1, y1, x2, y2 in original-image pixels) and ``bbox_num`` int32 [N].
  With FPN the batch is padded to a multiple of 32 (PaddleX adds that padding itself; it is
  not in ``Transforms``).

PaddleX 1.x (``paddlex --export_inference``, fluid ``save_inference_model`` with
``params_filename='__params__'``)::

    __model__  __params__  model.yml  .success

``model.yml`` adds ``TransformsMode`` (``BGR`` for segmenters, ``RGB`` for classifiers and
detectors) and ``_ModelInputsOutputs: {test_inputs: [[key, var]], test_outputs: [[key,
var]]}``; the 1.x segmentation ``Resize.target_size`` is (w, h). I/O (fetch order):

* segmenter: in ``image`` float32 [N, 3, H, W] (BGR, normalised); out ``pred`` int64
  [N, H, W, 1] then ``logit`` float32 [N, C, H, W] (softmax over C, NCHW).
* classifier: in ``image``; out ``predict`` float32 [N, C] softmax.
* FasterRCNN / MaskRCNN: in ``image`` [N, 3, H, W], ``im_info`` [N, 3] (resized h, w,
  scale), ``im_shape`` [N, 3] (original h, w, 1); out ``bbox`` LoD float32 [M, 6]
  (label, score, x1, y1, x2, y2; labels count from 1, 0 is background, ``num_classes``
  includes it). YOLOv3: in ``image``, ``im_size`` int32 [N, 2]; out ``bbox``.

The 1.x program here is written by ``paddle.jit.save`` (which calls the static
``save_inference_model`` path) and renamed: the combined-params format is identical.
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import yaml

from inspectors.tooling.exporters import ExportResult, dump_yaml, io_names, static_export_guard  # isort: split

import paddle
import paddle.nn.functional as F

PADDLEX2_VERSION = "2.1.0"
PADDLEX1_VERSION = "1.3.11"
SEG_MODELS = ("HRNet", "UNet", "DeepLabV3P", "FastSCNN", "BiSeNetV2")


def default_seg_init_params(model_name: str, num_classes: int, width: int = 48) -> Dict[str, Any]:
    """``_init_params`` as the 2.x segmenter constructors record them."""
    params: Dict[str, Any] = {"num_classes": num_classes, "use_mixed_loss": False, "align_corners": False}
    if model_name == "HRNet":
        params["width"] = width
    if model_name == "UNet":
        params["use_deconv"] = False
    return params


def seg_transforms_v2(
    mean: Sequence[float] = (0.5, 0.5, 0.5), std: Sequence[float] = (0.5, 0.5, 0.5)
) -> List[Dict[str, Any]]:
    """A 2.x segmenter's usual eval transforms: just ``Normalize``."""
    norm = {
        "mean": list(mean),
        "std": list(std),
        "min_val": [0, 0, 0],
        "max_val": [255.0, 255.0, 255.0],
        "is_scale": True,
    }
    return [{"Normalize": norm}]


def _fix_transforms_shape(transforms: List[Dict[str, Any]], hw: List[int]) -> List[Dict[str, Any]]:
    """What 2.x export does for a fixed shape: put/replace a ``Resize`` before ``Normalize``."""
    out = copy.deepcopy(transforms)
    resize = {"Resize": {"target_size": list(hw), "interp": "LINEAR", "keep_ratio": False}}
    for i, op in enumerate(out):
        if any("Resize" in k for k in op):
            out[i] = resize
            return out
    idx = next((i for i, op in enumerate(out) if "Normalize" in op), len(out))
    out.insert(idx, resize)
    return out


def pipeline_info(model_type: str, save_dir: Path) -> Dict[str, Any]:
    """``pipeline.yml``: the fixed Source -> Decode -> Predict -> Sink graph of PaddleX 2.x."""
    predict = {"use_gpu": False, "gpu_id": 0, "use_trt": False, "model_dir": str(save_dir)}
    nodes = [
        {"src0": {"type": "Source", "next": "decode0"}},
        {"decode0": {"type": "Decode", "next": "predict0"}},
        {"predict0": {"type": "Predict", "init_params": predict, "next": "sink0"}},
        {"sink0": {"type": "Sink"}},
    ]
    return {"pipeline_name": model_type, "pipeline_nodes": nodes, "version": "1.0.0"}


def model_info(
    model: str,
    model_type: str,
    labels: Sequence[str],
    init_params: Dict[str, Any],
    transforms: Optional[List[Dict[str, Any]]],
    version: str,
    fixed_input_shape: Any = "absent",
    eval_metrics: Optional[Dict[str, float]] = None,
    completed_epochs: int = 0,
) -> Dict[str, Any]:
    """The ``model.yml`` mapping of ``BaseModel.get_model_info()`` with ``status: Infer``."""
    attrs: Dict[str, Any] = {"model_type": model_type, "num_classes": len(labels), "labels": list(labels)}
    if fixed_input_shape != "absent":
        attrs["fixed_input_shape"] = fixed_input_shape
    if eval_metrics:
        attrs["eval_metrics"] = {k: float(v) for k, v in eval_metrics.items()}
    info: Dict[str, Any] = {"version": version, "Model": model, "_Attributes": attrs}
    info["_init_params"] = dict(init_params)
    if transforms is not None:
        info["Transforms"] = transforms
    info["completed_epochs"] = completed_epochs
    info["status"] = "Infer"
    return info


class InferSegNet(paddle.nn.Layer):
    """2.x: (label_map int32 NHW, score_map NHWC); 1.x: (pred int64 NHW1, logit NCHW)."""

    def __init__(self, net: Any, v1: bool) -> None:
        super().__init__()
        self.net = net
        self.v1 = v1

    def forward(self, image: Any) -> Any:
        logit = self.net(image)[0]
        if self.v1:
            pred = paddle.unsqueeze(paddle.argmax(logit.transpose([0, 2, 3, 1]), axis=3), [3])
            return pred, F.softmax(logit, axis=1)
        label_map = paddle.argmax(logit, axis=1, keepdim=False, dtype="int32")
        return label_map, F.softmax(logit, axis=1).transpose([0, 2, 3, 1])


def _save_seg(model: Any, prefix: Path, shape: List[Optional[int]], v1: bool) -> None:
    net = InferSegNet(model, v1)
    net.eval()
    with static_export_guard():
        spec = [paddle.static.InputSpec(shape=shape, dtype="float32", name="image")]
        paddle.jit.save(paddle.jit.to_static(net, input_spec=spec), str(prefix))


def export_paddlex2_seg(
    model: Any,
    out_dir: Path,
    labels: Sequence[str],
    model_name: str = "HRNet",
    init_params: Optional[Dict[str, Any]] = None,
    transforms: Optional[List[Dict[str, Any]]] = None,
    fixed_input_shape: Optional[Sequence[int]] = None,
    eval_metrics: Optional[Dict[str, float]] = None,
) -> ExportResult:
    """A PaddleSeg-style layer (list of logits) as a PaddleX 2.x segmenter inference model."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    transforms = seg_transforms_v2() if transforms is None else copy.deepcopy(transforms)
    shape: List[Any] = [None, 3, -1, -1]
    if fixed_input_shape is not None:
        shape = [int(v) for v in fixed_input_shape]
        shape = [1, 3, *shape] if len(shape) == 2 else shape
        transforms = _fix_transforms_shape(transforms, shape[-2:])
    _save_seg(model, out_dir / "model", shape, v1=False)
    params = init_params or default_seg_init_params(model_name, len(labels))
    info = model_info(
        model_name, "segmenter", labels, params, transforms, PADDLEX2_VERSION, shape, eval_metrics
    )
    dump_yaml(info, out_dir / "model.yml")
    dump_yaml(pipeline_info("segmenter", out_dir), out_dir / "pipeline.yml")
    (out_dir / ".success").touch()
    inputs, outputs = io_names(out_dir / "model.pdmodel")
    return ExportResult(
        out_dir, out_dir / "model.pdmodel", out_dir / "model.pdiparams", out_dir / "model.yml",
        tuple(inputs), tuple(outputs), {"layout": "paddlex2", "input_shape": shape},
    )  # fmt: skip


def faster_rcnn_init_params(num_classes: int, ppdet_config: Optional[Path] = None) -> Dict[str, Any]:
    """2.x ``FasterRCNN`` constructor arguments, read from a ppdet config when given."""

    class _Loader(yaml.SafeLoader):
        """Safe loader that reads ppdet's ``!Tag`` nodes as plain mappings."""

    _Loader.add_multi_constructor("!", lambda loader, _tag, node: loader.construct_mapping(node))
    cfg = yaml.load(Path(ppdet_config).read_text(encoding="utf-8"), Loader=_Loader) if ppdet_config else {}
    dcn = cfg.get("ResNet", {}).get("dcn_v2_stages", [-1])
    anchors = cfg.get("RPNHead", {}).get("anchor_generator", {})
    test = cfg.get("RPNHead", {}).get("test_proposal", {})
    nms = cfg.get("BBoxPostProcess", {}).get("nms", {})
    return {
        "num_classes": num_classes, "backbone": "ResNet50_vd", "with_fpn": "FPN" in cfg or not cfg,
        "with_dcn": dcn != [-1], "aspect_ratios": anchors.get("aspect_ratios", [0.5, 1.0, 2.0]),
        "anchor_sizes": anchors.get("anchor_sizes", [[32], [64], [128], [256], [512]]),
        "keep_top_k": nms.get("keep_top_k", 100), "nms_threshold": nms.get("nms_threshold", 0.5),
        "score_threshold": nms.get("score_threshold", 0.05),
        "fpn_num_channels": cfg.get("FPN", {}).get("out_channel", 256),
        "rpn_batch_size_per_im": 256, "rpn_fg_fraction": 0.5,
        "test_pre_nms_top_n": test.get("pre_nms_top_n"), "test_post_nms_top_n": test.get("post_nms_top_n", 1000),
    }  # fmt: skip


def export_paddlex2_det(
    ppdet_dir: Path,
    out_dir: Path,
    model_name: str = "FasterRCNN",
    init_params: Optional[Dict[str, Any]] = None,
    transforms: Optional[List[Dict[str, Any]]] = None,
    ppdet_config: Optional[Path] = None,
) -> ExportResult:
    """Re-package a ppdet export (``model.pdmodel`` + ``infer_cfg.yml``) as PaddleX 2.x.

    The program is the same (PaddleX 2.x detectors are ppdet architectures); the label list
    comes from ``infer_cfg.yml``, ``_init_params`` from ``ppdet_config`` when given.
    """
    ppdet_dir, out_dir = Path(ppdet_dir), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    infer_cfg = yaml.safe_load((ppdet_dir / "infer_cfg.yml").read_text(encoding="utf-8"))
    labels = [str(n) for n in infer_cfg["label_list"]]
    for name in ("model.pdmodel", "model.pdiparams", "model.pdiparams.info"):
        if (ppdet_dir / name).exists():
            shutil.copyfile(ppdet_dir / name, out_dir / name)
    if transforms is None:
        transforms = [
            {"ResizeByShort": {"short_size": 800, "max_size": 1333, "interp": "CUBIC"}},
            seg_transforms_v2((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))[0],
        ]
    params = init_params or faster_rcnn_init_params(len(labels), ppdet_config)
    info = model_info(
        model_name, "detector", labels, params, transforms, PADDLEX2_VERSION, [None, 3, -1, -1]
    )
    dump_yaml(info, out_dir / "model.yml")
    dump_yaml(pipeline_info("detector", out_dir), out_dir / "pipeline.yml")
    (out_dir / ".success").touch()
    inputs, outputs = io_names(out_dir / "model.pdmodel")
    return ExportResult(
        out_dir, out_dir / "model.pdmodel", out_dir / "model.pdiparams", out_dir / "model.yml",
        tuple(inputs), tuple(outputs), {"layout": "paddlex2"},
    )  # fmt: skip


def export_paddlex1_seg(
    model: Any,
    out_dir: Path,
    labels: Sequence[str],
    model_name: str = "HRNet",
    init_params: Optional[Dict[str, Any]] = None,
    transforms: Optional[List[Dict[str, Any]]] = None,
    fixed_input_shape: Optional[Sequence[int]] = None,
) -> ExportResult:
    """A PaddleSeg-style layer as a PaddleX 1.x segmenter (``__model__`` + ``__params__``).

    ``fixed_input_shape`` is 1.x's ``--fixed_input_shape=[w,h]``: feed [N, 3, h, w].
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    shape: List[Any] = [None, 3, None, None]
    if fixed_input_shape is not None:
        w, h = (int(v) for v in fixed_input_shape)
        shape = [None, 3, h, w]
    _save_seg(model, out_dir / "inference", shape, v1=True)
    (out_dir / "inference.pdmodel").replace(out_dir / "__model__")
    (out_dir / "inference.pdiparams").replace(out_dir / "__params__")
    (out_dir / "inference.pdiparams.info").unlink(missing_ok=True)
    inputs, outputs = io_names(out_dir / "__model__")
    if transforms is None:
        norm = seg_transforms_v2()[0]["Normalize"]
        norm.pop("is_scale")
        transforms = [{"Normalize": norm}]
    params = init_params or {
        "num_classes": len(labels),
        "use_bce_loss": False,
        "use_dice_loss": False,
        "class_weight": None,
        "ignore_index": 255,
        "input_channel": 3,
    }
    if init_params is None:
        params.update({"width": 18} if model_name == "HRNet" else {"upsample_mode": "bilinear"})
    info = model_info(model_name, "segmenter", labels, params, transforms, PADDLEX1_VERSION)
    info["TransformsMode"] = "BGR"
    info["_ModelInputsOutputs"] = {
        "test_inputs": [["image", inputs[0]]],
        "test_outputs": [["pred", outputs[0]], ["logit", outputs[1]]],
    }
    dump_yaml(info, out_dir / "model.yml")
    (out_dir / ".success").touch()
    return ExportResult(
        out_dir, out_dir / "__model__", out_dir / "__params__", out_dir / "model.yml",
        tuple(inputs), tuple(outputs), {"layout": "paddlex1", "input_shape": shape},
    )  # fmt: skip


__all__ = [
    "PADDLEX1_VERSION",
    "PADDLEX2_VERSION",
    "default_seg_init_params",
    "export_paddlex1_seg",
    "export_paddlex2_det",
    "export_paddlex2_seg",
    "faster_rcnn_init_params",
    "model_info",
    "pipeline_info",
    "seg_transforms_v2",
]
