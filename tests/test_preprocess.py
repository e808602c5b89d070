"""Preprocessing against the suites' own transforms on random images of odd sizes."""

import ppdet.data.transform.operators as det_ops  # noqa: I001 - ppdet before paddle (zlib trap)
import cv2
import numpy as np
import paddleseg.transforms as seg_T
import pytest

from inspectors.formats import paddledet, paddleseg
from inspectors.formats.paddleclas import cls_op, parse_scale
from inspectors.formats.paddledet import det_op
from inspectors.formats.paddleseg import seg_op
from inspectors.preprocess import Preprocessor
from inspectors.errors import PreprocessError

ODD_SIZES = [(37, 53), (101, 67), (200, 200), (13, 301)]


def _rand_bgr(h, w, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)


def _paddleseg_reference(img_bgr, transforms):
    comp = seg_T.Compose(transforms)  # converts BGR->RGB, runs ops, returns CHW
    return comp({"img": img_bgr.astype("float32")})["img"]


SEG_CASES = [
    [{"type": "Resize", "target_size": [64, 48]}, {"type": "Normalize"}],
    [{"type": "Resize", "target_size": [800, 128], "keep_ratio": True, "interp": "CUBIC"},
     {"type": "Normalize", "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]}],
    [{"type": "ResizeByShort", "short_size": 50}, {"type": "Normalize"}],
    [{"type": "ResizeByLong", "long_size": 120},
     {"type": "Padding", "target_size": [120, 120]}, {"type": "Normalize"}],
    [{"type": "Resize", "target_size": [70, 30], "size_divisor": 32, "interp": "NEAREST"},
     {"type": "Normalize"}],
]


@pytest.mark.parametrize("case", range(len(SEG_CASES)))
@pytest.mark.parametrize("size", ODD_SIZES)
def test_paddleseg_pipeline_matches_paddleseg(case, size):
    cfg = SEG_CASES[case]
    img = _rand_bgr(*size, seed=case)
    ours, meta = paddleseg.preprocessor(cfg)(img)
    ref_ops = [getattr(seg_T, t["type"])(**{k: v for k, v in t.items() if k != "type"}) for t in cfg]
    ref = _paddleseg_reference(img, ref_ops)
    assert ours.shape == ref.shape
    np.testing.assert_allclose(ours, ref, atol=1e-5)
    assert meta.original_size == size


DET_CASES = [
    [{"type": "Resize", "target_size": [800, 1333], "keep_ratio": True, "interp": 2},
     {"type": "NormalizeImage", "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225], "is_scale": True},
     {"type": "Permute"}],
    [{"type": "Resize", "target_size": [320, 320], "keep_ratio": False, "interp": 1},
     {"type": "NormalizeImage", "mean": [0.0, 0.0, 0.0], "std": [1.0, 1.0, 1.0], "is_scale": True},
     {"type": "Permute"}],
]


@pytest.mark.parametrize("case", range(len(DET_CASES)))
@pytest.mark.parametrize("size", ODD_SIZES)
def test_paddledet_pipeline_matches_ppdet_operators(case, size):
    cfg = DET_CASES[case]
    img = _rand_bgr(*size, seed=10 + case)
    ours, meta = paddledet.preprocessor(cfg)(img)
    ok, buf = cv2.imencode(".png", img)
    sample = {"image": buf.tobytes()}
    sample = det_ops.Decode()(sample)  # cv2.imdecode + BGR->RGB, sets im_shape/scale_factor
    for t in cfg:
        args = {k: v for k, v in t.items() if k != "type"}
        sample = getattr(det_ops, t["type"])(**args)(sample)
    np.testing.assert_allclose(ours, sample["image"], atol=1e-5)
    np.testing.assert_allclose(meta.im_shape, sample["im_shape"], rtol=1e-6)
    np.testing.assert_allclose(meta.scale_factor, sample["scale_factor"], rtol=1e-6)


def test_pad_stride_pads_bottom_right_with_zeros():
    cfg = [{"type": "NormalizeImage", "mean": [0, 0, 0], "std": [1, 1, 1], "is_scale": False},
           {"type": "PadStride", "stride": 32}]
    img = _rand_bgr(33, 65)
    ours, _ = Preprocessor(tuple(op for op in (det_op(t) for t in cfg) if op))(img)
    assert ours.shape == (3, 64, 96)
    rgb = img[:, :, ::-1].astype(np.float32).transpose(2, 0, 1)
    np.testing.assert_array_equal(ours[:, :33, :65], rgb)
    assert not ours[:, 33:, :].any() and not ours[:, :, 65:].any()


@pytest.mark.parametrize("size", ODD_SIZES)
def test_paddleclas_pipeline_hand_computed(size):
    """ResizeImage(resize_short=256) -> CropImage(224) -> NormalizeImage, written out by hand."""
    cfg = [{"ResizeImage": {"resize_short": 256}}, {"CropImage": {"size": 224}},
           {"NormalizeImage": {"scale": "1.0/255.0", "mean": [0.485, 0.456, 0.406],
                               "std": [0.229, 0.224, 0.225], "order": ""}},
           {"ToCHWImage": None}]
    img = _rand_bgr(*size, seed=3)
    ours, _ = Preprocessor(tuple(op for op in (cls_op(e) for e in cfg) if op))(img)
    h, w = size
    s = 256 / min(h, w)
    rgb = img[:, :, ::-1]
    resized = cv2.resize(rgb, (int(round(w * s)), int(round(h * s))))
    y0, x0 = (resized.shape[0] - 224) // 2, (resized.shape[1] - 224) // 2
    crop = resized[y0:y0 + 224, x0:x0 + 224].astype(np.float32)
    mean = np.array([0.485, 0.456, 0.406], np.float32)
    std = np.array([0.229, 0.224, 0.225], np.float32)
    ref = ((crop / 255.0 - mean) / std).transpose(2, 0, 1)
    np.testing.assert_allclose(ours, ref, atol=1e-5)


def test_gray_input_is_replicated_like_imread_color():
    gray = np.random.default_rng(1).integers(0, 256, (20, 30), dtype=np.uint8)
    pre = Preprocessor((seg_op({"type": "Normalize"}),), rgb=True, float_first=True)
    a, _ = pre(gray)
    b, _ = pre(cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR))
    np.testing.assert_array_equal(a, b)


def test_scale_strings_are_parsed_not_evaluated():
    assert parse_scale("1.0/255.0") == pytest.approx(1 / 255)
    assert parse_scale(0.5) == 0.5
    with pytest.raises(PreprocessError):
        parse_scale("__import__('os').system('true')")


@pytest.mark.parametrize("bad", [
    {"type": "Resize", "target_size": [1, 2, 3]},
    {"type": "Normalize", "mean": [0.5], "std": [0.0]},
    {"type": "Frobnicate"},
])
def test_bad_seg_transform_says_what(bad):
    with pytest.raises(PreprocessError) as e:
        seg_op(bad)
    assert bad["type"] in str(e.value) or "std" in str(e.value) or "target_size" in str(e.value)
