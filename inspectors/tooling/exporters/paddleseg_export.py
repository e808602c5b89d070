"""PaddleSeg 2.8 export layout (what ``tools/export.py`` writes), plus seed architectures.

Layout of ``out_dir``::

    model.pdmodel  model.pdiparams  model.pdiparams.info  deploy.yaml

``deploy.yaml`` (``yaml.dump`` with sorted keys, as the tool does; the tool's
``[None, 3, None, None]`` comes out as -1s because ``InputSpec`` rewrites that list)::

    Deploy:
      input_shape: [-1, 3, -1, -1]            # or the fixed [N, 3, H, W]
      model: model.pdmodel
      output_dtype: int32                     # float32 for softmax / none
      output_op: argmax                       # argmax | softmax | none
      params: model.pdiparams
      transforms: [{type: Normalize, mean: [...], std: [...]}, ...]   # val_dataset transforms

Program I/O: input ``x`` float32 [N, 3, H, W] (PaddleSeg's ``Compose`` decodes with cv2 and
converts to RGB by default, then applies ``transforms``, then HWC->CHW). Output by
``output_op``: ``argmax`` -> int32 [N, H, W] label map; ``softmax`` -> float32 [N, C, H, W];
``none`` -> float32 [N, C, H, W] logits. PaddleSeg's ``Resize.target_size`` is (w, h).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import yaml

from . import ExportResult, io_names, static_export_guard  # isort: split

import paddle

OUTPUT_OPS = ("argmax", "softmax", "none")

#: The val transforms PaddleSeg configs usually carry (Normalize defaults mean/std 0.5).
DEFAULT_TRANSFORMS: List[Dict[str, Any]] = [{"type": "Normalize"}]


def build_hrnet_fcn(num_classes: int, width: int = 18, align_corners: bool = False) -> Any:
    """PaddleSeg's HRNet segmentation model: ``FCN`` head on an ``HRNet_W{width}`` backbone."""
    from paddleseg import models
    from paddleseg.models import backbones

    backbone = getattr(backbones, f"HRNet_W{width}")(align_corners=align_corners)
    return models.FCN(
        num_classes=num_classes, backbone=backbone, backbone_indices=(-1,), align_corners=align_corners
    )


def build_unet(num_classes: int, align_corners: bool = False, use_deconv: bool = False) -> Any:
    """PaddleSeg's ``UNet`` (the 400x64 steel-strip seed)."""
    from paddleseg import models

    return models.UNet(num_classes=num_classes, align_corners=align_corners, use_deconv=use_deconv)


class Logits(paddle.nn.Layer):
    """Identity wrapper (``output_op='none'``), so ``to_static`` never rewrites the
    caller's layer in place."""

    def __init__(self, model: Any) -> None:
        super().__init__()
        self.model = model

    def forward(self, x: Any) -> Any:
        return self.model(x)


def deploy_info(
    transforms: Sequence[Dict[str, Any]],
    input_shape: Sequence[Optional[int]],
    output_op: str,
    save_name: str = "model",
) -> Dict[str, Any]:
    """The ``deploy.yaml`` mapping, key for key as PaddleSeg's export tool builds it."""
    return {
        "Deploy": {
            "model": save_name + ".pdmodel",
            "params": save_name + ".pdiparams",
            "transforms": [dict(t) for t in transforms],
            "input_shape": list(input_shape),
            "output_op": output_op,
            "output_dtype": "int32" if output_op == "argmax" else "float32",
        }
    }


def export_paddleseg(
    model: Any,
    out_dir: Path,
    transforms: Optional[Sequence[Dict[str, Any]]] = None,
    input_shape: Optional[Sequence[int]] = None,
    output_op: str = "argmax",
    for_fd: bool = False,
) -> ExportResult:
    """Export a PaddleSeg ``nn.Layer`` (returns a list of logits) to ``out_dir``.

    ``for_fd`` writes ``inference.pdmodel/.pdiparams`` + ``inference.yml`` instead (the
    FastDeploy variant of the same tool; same yaml content).
    """
    from paddleseg.deploy.export import WrappedModel

    if output_op not in OUTPUT_OPS:
        raise ValueError(f"output_op must be one of {OUTPUT_OPS}, not {output_op!r}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    shape = [None, 3, None, None] if input_shape is None else [int(v) for v in input_shape]
    net = Logits(model) if output_op == "none" else WrappedModel(model, output_op)
    net.eval()
    save_name, yaml_name = ("inference", "inference.yml") if for_fd else ("model", "deploy.yaml")
    with static_export_guard():
        spec = [paddle.static.InputSpec(shape=shape, dtype="float32")]
        static = paddle.jit.to_static(net, input_spec=spec)
        paddle.jit.save(static, str(out_dir / save_name))
    info = deploy_info(DEFAULT_TRANSFORMS if transforms is None else transforms, shape, output_op, save_name)
    with open(out_dir / yaml_name, "w", encoding="utf-8") as f:
        yaml.dump(info, f)
    model_file = out_dir / f"{save_name}.pdmodel"
    inputs, outputs = io_names(model_file)
    return ExportResult(
        dir=out_dir,
        model_file=model_file,
        params_file=out_dir / f"{save_name}.pdiparams",
        config_file=out_dir / yaml_name,
        input_names=tuple(inputs),
        output_names=tuple(outputs),
        extra={"output_op": output_op, "input_shape": shape},
    )


__all__ = ["build_hrnet_fcn", "build_unet", "deploy_info", "export_paddleseg", "OUTPUT_OPS"]
