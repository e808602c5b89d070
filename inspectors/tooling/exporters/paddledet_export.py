"""PaddleDetection 2.6 export: ``Trainer(cfg, 'test').export()`` with run-time fixes.

Layout of ``out_dir``::

    model.pdmodel  model.pdiparams  model.pdiparams.info  infer_cfg.yml

``infer_cfg.yml`` (ppdet's ``_dump_infer_config``, insertion order): ``mode: paddle``,
``draw_threshold: 0.5``, ``metric``, ``use_dynamic_shape``, ``arch`` (``RCNN``, ``GFL`` for
PicoDet with post-processing ...), ``min_subgraph_size``, ``Preprocess`` (the TestReader
sample transforms after ``Decode`` as ``{type: ..., **args}``, e.g. ``Resize {interp: 2,
keep_ratio: true, target_size: [800, 1333]}``, ``NormalizeImage``, ``Permute``, then
``PadStride {stride: 32}`` from ``PadBatch``), ``label_list``. ppdet feeds RGB.

Program I/O: ``image`` float32 [N, 3, H, W], ``im_shape`` float32 [N, 2] (resized h, w),
``scale_factor`` float32 [N, 2] (scale_y, scale_x); PicoDet drops ``im_shape``. Outputs in
order: boxes float32 [M, 6] (class id, score, x1, y1, x2, y2 in original-image pixels) and
box counts int32 [N]. Rows whose box collapsed get class -1. An image without any
detection still yields one row, ``[0, 0, 0, 0, 1, 1]`` (class 0, score 0), so M >= N:
filter by score. FPN models need H and W padded to a multiple of 32 (``PadStride``).

ppdet 2.6 on paddle 2.6 needs ``ENABLE_FALL_BACK=False`` (AST dy2static) and three 0-D tensor
fixes (RPN roi counts, ``bbox_num[i]``, ``scale_factor[i][j]``); :func:`ppdet_export_patches`
applies them to the classes at run time and restores them afterwards.
"""

from __future__ import annotations

import contextlib
import copy
import shutil
import tempfile
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

import ppdet  # noqa: F401  - before paddle: zlib segfault otherwise (ENVIRONMENT.md)

from ...assets import configs_dir
from . import ExportResult, io_names, static_export_guard

CONFIG_DIR = configs_dir() / "det"
FASTER_RCNN = CONFIG_DIR / "faster_rcnn_r50_vd_fpn.yml"
FASTER_RCNN_DCN = CONFIG_DIR / "faster_rcnn_r50_vd_fpn_dcn.yml"
PICODET_S = CONFIG_DIR / "picodet_s_320_lcnet.yml"


def _gen_proposal(self: Any, scores: Any, bbox_deltas: Any, anchors: Any, inputs: Any) -> Any:
    """``RPNHead._gen_proposal`` whose per-image roi counts are 1-D ([n]), not 0-D."""
    import paddle

    if self.export_onnx:
        return _ORIGINALS["gen_proposal"](self, scores, bbox_deltas, anchors, inputs)
    prop_gen = self.train_proposal if self.training else self.test_proposal
    im_shape = inputs["im_shape"]
    rois_collect = []
    rois_num_collect = []
    batch_size = paddle.slice(paddle.shape(im_shape), [0], [0], [1])
    for i in range(batch_size):
        level_rois = []
        level_probs = []
        for score, delta, anchor in zip(scores, bbox_deltas, anchors):
            rois, probs, _, top_n = prop_gen(
                scores=score[i : i + 1],
                bbox_deltas=delta[i : i + 1],
                anchors=anchor,
                im_shape=im_shape[i : i + 1],
            )
            level_rois.append(rois)
            level_probs.append(probs)
        if len(scores) > 1:
            all_rois = paddle.concat(level_rois)
            all_probs = paddle.concat(level_probs).flatten()
            if paddle.shape(all_probs)[0].cast("int32") > top_n:
                _, keep = paddle.topk(all_probs, top_n)
                picked = paddle.gather(all_rois, keep)
            else:
                picked = all_rois
        else:
            picked = level_rois[0]
        rois_collect.append(picked)
        rois_num_collect.append(paddle.shape(picked)[0:1])
    return rois_collect, paddle.concat(rois_num_collect)


def _get_pred(self: Any, bboxes: Any, bbox_num: Any, im_shape: Any, scale_factor: Any) -> Any:
    """``BBoxPostProcess.get_pred`` with 1-D slices for counts and scale factors."""
    import numpy as np
    import paddle
    from ppdet.modeling.bbox_utils import nonempty_bbox

    if self.export_eb or self.export_onnx:
        return _ORIGINALS["get_pred"](self, bboxes, bbox_num, im_shape, scale_factor)
    fake_box = paddle.to_tensor(np.array([[0.0, 0.0, 0.0, 0.0, 1.0, 1.0]], dtype="float32"))
    fake_num = paddle.to_tensor(np.array([1], dtype="int32"))
    boxes_list = []
    num_list = []
    start = 0
    for i in range(bbox_num.shape[0]):
        if bbox_num[i] == 0:
            boxes_i = fake_box
            num_i = fake_num
        else:
            boxes_i = bboxes[start : start + bbox_num[i], :]
            num_i = bbox_num[i : i + 1]
            start += bbox_num[i]
        boxes_list.append(boxes_i)
        num_list.append(num_i)
    bboxes = paddle.concat(boxes_list)
    bbox_num = paddle.concat(num_list)
    origin_shape = paddle.floor(im_shape / scale_factor + 0.5)
    shape_list = []
    scale_list = []
    for i in range(bbox_num.shape[0]):
        shape_list.append(paddle.expand(origin_shape[i : i + 1, :], [bbox_num[i], 2]))
        sy = scale_factor[i, 0:1]
        sx = scale_factor[i, 1:2]
        scale_list.append(paddle.expand(paddle.concat([sx, sy, sx, sy]), [bbox_num[i], 4]))
    self.origin_shape_list = paddle.concat(shape_list)
    scales = paddle.concat(scale_list)
    boxes = bboxes[:, 2:] / scales
    height = self.origin_shape_list[:, 0]
    width = self.origin_shape_list[:, 1]
    zero = paddle.zeros_like(height)
    coords = [
        paddle.maximum(paddle.minimum(boxes[:, j], width if j % 2 == 0 else height), zero)
        for j in range(4)
    ]
    boxes = paddle.stack(coords, axis=-1)
    keep = paddle.unsqueeze(nonempty_bbox(boxes, return_mask=True), [1])
    labels = paddle.where(keep, bboxes[:, 0:1], paddle.ones_like(bboxes[:, 0:1]) * -1)
    return bboxes, paddle.concat([labels, bboxes[:, 1:2], boxes], axis=1), bbox_num


_ORIGINALS: Dict[str, Any] = {}


@contextlib.contextmanager
def ppdet_export_patches() -> Iterator[None]:
    """Apply the ENVIRONMENT.md fixes (AST dy2static, 0-D tensor fixes); undo on exit."""
    from ppdet.modeling.post_process import BBoxPostProcess
    from ppdet.modeling.proposal_generator.rpn_head import RPNHead

    _ORIGINALS.setdefault("gen_proposal", RPNHead._gen_proposal)
    _ORIGINALS.setdefault("get_pred", BBoxPostProcess.get_pred)
    RPNHead._gen_proposal = _gen_proposal
    BBoxPostProcess.get_pred = _get_pred
    try:
        with static_export_guard():
            yield
    finally:
        RPNHead._gen_proposal = _ORIGINALS["gen_proposal"]
        BBoxPostProcess.get_pred = _ORIGINALS["get_pred"]


def _snapshot(value: Any) -> Any:
    with contextlib.suppress(Exception):
        return copy.deepcopy(value)
    return value


def _init_defaults(entries: Iterable[Any]) -> List[Tuple[Any, Tuple]]:
    """Copies of the default arguments of every registered module's ``__init__``: some
    change theirs in place (LCPAN appends to its ``spatial_scales=[...]`` default, so a
    second PicoDet built in one process gets a neck with one scale too many)."""
    out = []
    for entry in entries:
        cls = getattr(getattr(entry, "pymodule", None), str(getattr(entry, "name", "")), None)
        init = getattr(cls, "__init__", None)
        if getattr(init, "__defaults__", None):
            out.append((init, _snapshot(init.__defaults__)))
    return out


@contextlib.contextmanager
def ppdet_config_scope() -> Iterator[None]:
    """Undo ``load_config``'s merge into ppdet's process-wide ``global_config`` on exit,
    and any change a build made to a module's default arguments.

    Without this, keys of one config (e.g. ``dcn_v2_stages``) leak into the next one.
    """
    from ppdet.core.config.schema import SchemaDict
    from ppdet.core.workspace import global_config

    saved = {}
    for key, value in global_config.items():
        items = {k: _snapshot(v) for k, v in dict.items(value)} if isinstance(value, SchemaDict) else None
        saved[key] = (value, items)
    defaults = _init_defaults(global_config.values())
    try:
        yield
    finally:
        for init, values in defaults:
            init.__defaults__ = values
        for key in [k for k in global_config if k not in saved]:
            del global_config[key]
        for key, (value, items) in saved.items():
            if items is not None:
                dict.clear(value)
                dict.update(value, items)
            dict.__setitem__(global_config, key, value)


def build_ppdet_model(config: Path, labels: Sequence[str], overrides: Optional[Dict[str, Any]] = None) -> Any:
    """Load ``config`` (inside the caller's :func:`ppdet_config_scope`) and build the
    ``Trainer(cfg, 'test')``; ``num_classes`` and the label list follow ``labels``."""
    from ppdet.core.workspace import load_config, merge_config
    from ppdet.data.source.dataset import ImageFolder
    from ppdet.engine import Trainer

    cfg = load_config(str(config))
    label_dir = Path(tempfile.mkdtemp(prefix="ppdet_labels_"))
    (label_dir / "label_list.txt").write_text("".join(f"{n}\n" for n in labels), encoding="utf-8")
    merge_config({"num_classes": len(labels), **(overrides or {})})
    cfg["TestDataset"] = ImageFolder(dataset_dir=str(label_dir), anno_path="label_list.txt")
    cfg["pretrain_weights"] = ""
    return Trainer(cfg, mode="test")


def _calibration_batch(config: Path, size: int = 320) -> Dict[str, Any]:
    """A random normalised image batch in ppdet's input dict form."""
    import numpy as np
    import paddle

    del config
    image = np.random.default_rng(0).normal(size=(1, 3, size, size)).astype("float32")
    return {
        "image": paddle.to_tensor(image),
        "im_shape": paddle.to_tensor([[size, size]], dtype="float32"),
        "scale_factor": paddle.to_tensor([[1.0, 1.0]], dtype="float32"),
    }


def _tame_box_regression(model: Any) -> None:
    """Small box-delta and class-score layers, so random-weight boxes stay near their
    anchors and scores spread over (0, 1) instead of saturating at 1.0."""
    import paddle

    for name, sub in model.named_sublayers():
        leaf = name.rsplit(".", 1)[-1]
        if not isinstance(sub, (paddle.nn.Conv2D, paddle.nn.Linear)):
            continue
        if "delta" in leaf or "reg" in leaf:
            sub.weight.set_value(paddle.normal(0.0, 1e-3, sub.weight.shape))
        elif "score" in leaf or "cls" in leaf:
            sub.weight.set_value(sub.weight * 0.1)
        else:
            continue
        if sub.bias is not None:
            sub.bias.set_value(paddle.zeros(sub.bias.shape))


def export_ppdet(
    config: Path,
    out_dir: Path,
    labels: Sequence[str],
    weights: Optional[Path] = None,
    overrides: Optional[Dict[str, Any]] = None,
    randomize_seed: Optional[int] = None,
) -> ExportResult:
    """Export ``config`` (random weights unless ``weights``) to ``out_dir`` (files directly).

    ``overrides`` are merged into the config (e.g. ``{"FPN": {"out_channel": 64}}``);
    ``randomize_seed`` re-draws all weights with :func:`randomize_weights`. The eval-mode
    ppdet model is in ``extra["model"]``; call it inside :func:`ppdet_export_patches` with
    ``{"image", "im_shape", "scale_factor"}`` to get ``{"bbox", "bbox_num"}``.
    """
    from . import randomize_weights

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="ppdet_export_", dir=out_dir.parent))
    try:
        with ppdet_config_scope(), ppdet_export_patches():
            trainer = build_ppdet_model(Path(config), labels, overrides)
            if weights is not None:
                trainer.load_weights(str(weights))
            if randomize_seed is not None:
                randomize_weights(trainer.model, randomize_seed, _calibration_batch(config))
                _tame_box_regression(trainer.model)
            trainer.export(str(work))
        (produced,) = [p for p in work.iterdir() if p.is_dir()]
        for item in produced.iterdir():
            shutil.move(str(item), str(out_dir / item.name))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    inputs, outputs = io_names(out_dir / "model.pdmodel")
    return ExportResult(
        dir=out_dir,
        model_file=out_dir / "model.pdmodel",
        params_file=out_dir / "model.pdiparams",
        config_file=out_dir / "infer_cfg.yml",
        input_names=tuple(inputs),
        output_names=tuple(outputs),
        extra={"config": str(config), "model": trainer.model},
    )


__all__ = [
    "CONFIG_DIR",
    "FASTER_RCNN",
    "FASTER_RCNN_DCN",
    "PICODET_S",
    "build_ppdet_model",
    "export_ppdet",
    "ppdet_config_scope",
    "ppdet_export_patches",
]
