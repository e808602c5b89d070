"""inspectors.perturb against independent implementations (scipy.ndimage, Pillow's JPEG,
numpy) and hand-computed cases; the training augmentation list parser."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image
from scipy import ndimage

from inspectors import perturb as P


def _image(h=41, w=53, seed=0) -> np.ndarray:
    """A smooth-ish BGR test image (gradients + blobs) so interpolation differences stay small."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    base = 120 + 60 * np.sin(x / 5.0) * np.cos(y / 7.0) + rng.normal(0, 20, (h, w))
    im = np.stack([base, base * 0.8 + 20, 255 - base], -1)
    return np.clip(np.rint(im), 0, 255).astype(np.uint8)


@pytest.mark.parametrize("sigma", [0.7, 1.5, 2.5])
def test_gaussian_blur_matches_scipy(sigma):
    im = _image()
    radius = int(np.ceil(3 * sigma))
    ref = np.stack([ndimage.gaussian_filter(im[..., c].astype(np.float64), sigma, mode="mirror",
                                            truncate=radius / sigma) for c in range(3)], -1)
    out = P.gaussian_blur(im, sigma)
    assert out.dtype == np.uint8 and out.shape == im.shape
    assert np.abs(out.astype(float) - ref).max() <= 1.0


@pytest.mark.parametrize("length,angle,axis", [(5, 0.0, 1), (7, 90.0, 0), (3, 0.0, 1)])
def test_motion_blur_is_a_line_mean(length, angle, axis):
    im = _image()
    ref = ndimage.uniform_filter1d(im.astype(np.float64), length, axis=axis, mode="mirror")
    out = P.motion_blur(im, length, angle=angle)
    assert np.abs(out.astype(float) - ref).max() <= 0.5 + 1e-4


def test_motion_kernel_even_length_hand():
    # 4 px: the centre three taps whole, the two end taps half covered -> [.5 1 1 1 .5] / 4
    k = P.motion_kernel(4)
    assert k.shape == (5, 5)
    np.testing.assert_allclose(k[2], np.array([0.5, 1, 1, 1, 0.5]) / 4, atol=1e-7)
    assert k.sum() == pytest.approx(1.0) and np.count_nonzero(k[[0, 1, 3, 4]]) == 0


def test_brightness_contrast_gamma_hand():
    im = np.array([[[100, 200, 0]]], np.uint8)
    assert P.brightness(im, 30).tolist() == [[[130, 255, 0]]]
    assert P.brightness(im, -20).tolist() == [[[80, 160, 0]]]
    # mean 100: (v - 100) * 1.3 + 100
    assert P.contrast(im, 30).tolist() == [[[100, 230, 0]]]
    assert P.contrast(im, -30).tolist() == [[[100, 170, 30]]]
    # 255 * (128/255)**2 = 64.25 -> 64; (200/255)**0.5 * 255 = 225.83 -> 226
    g = np.array([[128, 200, 255, 0]], np.uint8)
    assert P.gamma(g, 2.0).tolist() == [[64, 157, 255, 0]]
    assert P.gamma(g, 0.5)[0, 1] == 226


def test_vignette_hand():
    im = np.full((3, 3, 3), 100, np.uint8)
    out = P.vignette(im, 50)
    # centre unchanged, corners (r = R) 50 % darker, edge midpoints (r^2 = R^2 / 2) 25 % darker
    assert out[1, 1, 0] == 100 and out[0, 0, 0] == 50 and out[2, 2, 2] == 50
    assert out[0, 1, 0] == 75 and out[1, 2, 1] == 75


def test_noise_seeded_and_gaussian():
    im = np.full((200, 200, 3), 128, np.uint8)
    a = P.noise(im, 8, np.random.default_rng(5))
    b = P.noise(im, 8, np.random.default_rng(5))
    c = P.noise(im, 8, np.random.default_rng(6))
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    d = a.astype(float) - 128
    assert abs(d.mean()) < 0.1 and d.std() == pytest.approx(8.0, rel=0.03)
    ref = np.clip(np.rint(128 + np.random.default_rng(5).normal(0, 8, im.shape).astype(np.float32)), 0, 255)
    assert np.array_equal(a, ref.astype(np.uint8))


@pytest.mark.parametrize("quality", [90, 50, 15])
def test_jpeg_matches_pillow(quality):
    im = _image(64, 64)
    out = P.jpeg(im, quality)
    buf = io.BytesIO()
    Image.fromarray(im[..., ::-1]).save(buf, "JPEG", quality=quality)
    ref = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))[..., ::-1].astype(float)
    assert out.shape == im.shape
    own_error = np.abs(out.astype(float) - im).mean()
    assert own_error > 0.2  # it did compress
    assert np.abs(out.astype(float) - ref).mean() < 0.35 * own_error + 0.5


def test_shift_integer_is_an_edge_padded_translation():
    im = _image()
    out = P.shift(im, 3)
    ys = np.clip(np.arange(im.shape[0]) - 3, 0, None)
    xs = np.clip(np.arange(im.shape[1]) - 3, 0, None)
    assert np.array_equal(out, im[ys][:, xs])


def test_rotate_90_is_rot90_and_small_angles_match_scipy():
    im = _image(31, 31)
    assert np.array_equal(P.rotate(im, 90), np.rot90(im, 1))
    out = P.rotate(im, 5).astype(float)
    ref = np.stack([ndimage.rotate(im[..., c].astype(float), 5, reshape=False, order=1, mode="nearest")
                    for c in range(3)], -1)
    inner = (slice(3, -3), slice(3, -3))  # the borders differ by the padding convention only
    diff = np.abs(out[inner] - ref[inner])
    # OpenCV interpolates with 1/32-px weights: a few levels at steep edges, sub-level on average
    assert diff.max() <= 3.0 and diff.mean() < 0.4


@pytest.mark.parametrize("name", list(P.PERTURBATIONS))
def test_identity_gray_and_shape(name):
    p = P.PERTURBATIONS[name]
    im = _image()
    assert np.array_equal(p.apply(im, p.identity, np.random.default_rng(0)), im)
    gray = im[..., 0]
    out = p.apply(gray, p.sweep[-1], np.random.default_rng(0))
    assert out.shape == gray.shape and out.dtype == np.uint8
    assert not np.array_equal(out, gray)


def test_parse_augment():
    items = P.parse_augment("blur:0-2,noise:0-10,brightness:-30-30,contrast:20,jpeg:40-100")
    assert [(i.name, i.low, i.high) for i in items] == [
        ("blur", 0, 2), ("noise", 0, 10), ("brightness", -30, 30), ("contrast", -20, 20), ("jpeg", 40, 100)]
    assert P.parse_augment({"blur": [0.5, 1.5]}) == [P.AugmentItem("blur", 0.5, 1.5)]
    for bad in ("fog:0-1", "blur:2-1", "blur:a-b"):
        with pytest.raises(ValueError):
            P.parse_augment(bad)


def test_random_perturb_is_seeded_and_in_range():
    im = _image()
    items = P.parse_augment("brightness:-30-30")
    outs = [P.random_perturb(im, items, np.random.default_rng(s), p=1.0) for s in range(20)]
    assert np.array_equal(outs[0], P.random_perturb(im, items, np.random.default_rng(0), p=1.0))
    ratios = [o.astype(float)[im > 50].mean() / im[im > 50].mean() for o in outs]
    assert min(ratios) > 0.69 and max(ratios) < 1.31 and max(ratios) - min(ratios) > 0.2
