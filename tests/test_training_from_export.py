"""A bundled export read back into the dygraph network that made it (``train --pretrained
MODEL_FOLDER``): the network then computes what the export computes, with the engine running
the export on the same image as the reference."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SEG = ROOT / "models" / "magnetic_tile_fastscnn"
DET = ROOT / "models" / "neu_det_picodet_s"
DEMO = ROOT / "resources" / "demo"


def _first(folder: Path, pattern: str) -> np.ndarray:
    return cv2.imread(str(sorted(folder.rglob(pattern))[0]), cv2.IMREAD_COLOR)


def test_segmenter_from_export_computes_what_the_export_computes():
    pytest.importorskip("paddleseg")
    import paddle
    import paddle.nn.functional as F
    from paddleseg.models import FastSCNN

    from inspectors.engine import Inspector
    from inspectors.tooling.training.from_export import export_weights

    build = lambda: FastSCNN(num_classes=6, enable_auxiliary_loss=True)  # noqa: E731 - the recipe's network
    net = build()
    net.set_state_dict(export_weights(SEG, build, "a FastSCNN"))
    net.eval()
    inspector = Inspector.from_path(SEG)
    im = cv2.resize(_first(DEMO / "magnetic_tile" / "images", "*.jpg"), (256, 256))  # the export's size
    x, _ = inspector.spec.preprocessor(im)
    with paddle.no_grad():
        mine = F.softmax(net(paddle.to_tensor(x[None]))[0], axis=1).numpy()[0]
    ref = inspector.predict(im)
    np.testing.assert_allclose(mine.max(0), ref.confidence, atol=2e-4)
    sure = np.sort(mine, 0)[-1] - np.sort(mine, 0)[-2] > 1e-3  # not a near-tie between two classes
    np.testing.assert_array_equal(mine.argmax(0)[sure], ref.label_map[sure])
    assert sure.mean() > 0.99


def test_detector_from_export_finds_the_boxes_the_export_finds():
    pytest.importorskip("ppdet")  # first: before paddle (ENVIRONMENT.md)
    import paddle
    from ppdet.core.workspace import create, load_config

    from inspectors.engine import Inspector
    from inspectors.tooling.exporters.paddledet_export import ppdet_config_scope
    from inspectors.tooling.training.from_export import export_weights

    with ppdet_config_scope():
        cfg = load_config(str(ROOT / "resources" / "configs" / "det" / "neu_det_picodet_s.yml"))
        with ppdet_config_scope():  # create() writes into the config it reads: build each in a scope
            weights = export_weights(DET, lambda: create(cfg.architecture), "a PicoDet")
        net = create(cfg.architecture)
        net.set_state_dict(weights)
    net.eval()
    inspector = Inspector.from_path(DET)
    im = _first(DEMO / "neu_det" / "JPEGImages", "*.jpg")
    x, meta = inspector.spec.preprocessor(im)
    feed = {"image": paddle.to_tensor(x[None]),
            "im_shape": paddle.to_tensor([meta.im_shape], dtype="float32"),
            "scale_factor": paddle.to_tensor([meta.scale_factor], dtype="float32")}
    with paddle.no_grad():
        out = net(feed)
    n = int(out["bbox_num"].numpy()[0])
    mine = out["bbox"].numpy()[:n]
    mine = mine[mine[:, 1] >= 0.05]
    ref = inspector.predict(im)
    keep = ref.scores >= 0.05
    assert len(mine) == int(keep.sum()) > 0
    h, w = im.shape[:2]
    mine[:, 2:] = np.clip(mine[:, 2:], 0, [w, h, w, h])  # the engine clips boxes to the image
    order = np.lexsort((mine[:, 3], mine[:, 2], -np.round(mine[:, 1], 4)))
    rb, rs = ref.boxes[keep], ref.scores[keep]
    ref_order = np.lexsort((rb[:, 1], rb[:, 0], -np.round(rs, 4)))
    np.testing.assert_allclose(mine[order, 1], ref.scores[keep][ref_order], atol=1e-4)
    np.testing.assert_allclose(mine[order, 2:], ref.boxes[keep][ref_order], atol=0.05)
    np.testing.assert_array_equal(mine[order, 0].astype(int), ref.class_ids[keep][ref_order])


def test_another_networks_export_is_refused_with_the_reason(tmp_path):
    pytest.importorskip("paddleseg")
    from paddleseg.models import FastSCNN

    from inspectors.tooling.training.common import TrainingError
    from inspectors.tooling.training.from_export import export_weights

    with pytest.raises(TrainingError, match="is not an export of a 5-class FastSCNN"):
        export_weights(SEG, lambda: FastSCNN(num_classes=5), "a 5-class FastSCNN")
    with pytest.raises(TrainingError, match="--pretrained"):
        export_weights(tmp_path, lambda: FastSCNN(num_classes=6), "a FastSCNN")
