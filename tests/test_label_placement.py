"""Label placement (inspectors/render/placement.py): hand-computed spots, and on crowded
random cases the layout checked by an occupancy grid (covered pixels == sum of areas)."""

import numpy as np
import pytest

from inspectors.render import text
from inspectors.render.placement import Placement, intersects, leader_points, place_labels


def test_a_lone_label_sits_just_above_its_anchor():
    assert place_labels([(10, 30)], [(20, 10)], (100, 100)) == [Placement((10, 20, 20, 10), False)]


def test_no_room_above_puts_it_below_the_anchor():
    assert place_labels([(10, 5)], [(20, 10)], (100, 100)) == [Placement((10, 5, 20, 10), False)]


def test_the_right_and_bottom_edges_push_it_inside():
    assert place_labels([(95, 50)], [(20, 10)], (100, 100)) == [Placement((80, 40, 20, 10), False)]
    assert place_labels([(0, 100)], [(20, 10)], (100, 100)) == [Placement((0, 90, 20, 10), False)]


def test_a_second_label_at_the_same_anchor_goes_one_row_down():
    got = place_labels([(10, 30), (10, 30)], [(20, 10), (30, 10)], (100, 100))
    assert got == [Placement((10, 20, 20, 10), False), Placement((10, 30, 30, 10), False)]


def test_far_from_its_anchor_it_gets_a_leader_line():
    # rows 20..30 and 30..40 taken by the obstacle: the label goes up to row 10 (2 rows away)
    got = place_labels([(10, 30)], [(20, 10)], (100, 100), obstacles=[(0, 20, 100, 20)])
    assert got == [Placement((10, 10, 20, 10), True)]
    assert leader_points((10, 30), (10, 10, 20, 10)) == ((10, 30), (10, 19))


def test_no_free_spot_means_not_placed():
    assert place_labels([(0, 0)], [(120, 10)], (100, 100)) == [None]
    full = [(0, 0, 100, 100)]
    assert place_labels([(10, 30)], [(20, 10)], (100, 100), obstacles=full) == [None]


def test_intersects_is_strict_on_edges():
    assert not intersects((0, 0, 10, 10), (10, 0, 10, 10))
    assert intersects((0, 0, 10, 10), (9, 9, 10, 10))


@pytest.mark.parametrize("seed", range(5))
def test_crowded_labels_never_overlap_and_stay_inside(seed):
    rng = np.random.default_rng(seed)
    W, H, n = 200, 160, 40
    anchors = [(int(x), int(y)) for x, y in zip(rng.integers(-20, W + 20, n), rng.integers(-20, H + 20, n))]
    sizes = [(int(w), int(h)) for w, h in zip(rng.integers(15, 70, n), rng.integers(8, 16, n))]
    legend = (150, 0, 50, 40)
    spots = place_labels(anchors, sizes, (W, H), obstacles=[legend])
    grid = np.zeros((H, W), np.int32)
    x, y, w, h = legend
    grid[y:y + h, x:x + w] += 1
    placed = [s for s in spots if s is not None]
    assert len(placed) >= n // 2  # a crowded image still gets most of its tags
    for s, size in zip(spots, sizes):
        if s is None:
            continue
        x, y, w, h = s.rect
        assert (w, h) == size and x >= 0 and y >= 0 and x + w <= W and y + h <= H
        grid[y:y + h, x:x + w] += 1
    assert grid.max() == 1  # no pixel covered twice: no overlap with each other or the legend


def test_drawn_tags_are_all_whole_on_the_image():
    """The tags the renderer draws on a black image: each one's returned rectangle is filled
    with its own colour at all four corners (nothing drawn over it), inside the image."""
    img = np.zeros((120, 160, 3), np.uint8)
    m = text.metrics(img.shape)
    tags = text.Labels()
    colours = [(200, 40, 40), (40, 200, 40), (40, 40, 200), (200, 200, 40), (40, 200, 200)]
    for i, c in enumerate(colours):  # all at nearly the same corner, one at the edge
        tags.add(f"defect {i} 0.9{i}", 150 if i == 4 else 5 + i, 8 + i, c)
    rects = tags.draw(img, m)
    for r, c in zip(rects, colours):
        assert r is not None
        x, y, w, h = r
        assert x >= 0 and y >= 0 and x + w <= 160 and y + h <= 120
        for px, py in ((x, y), (x + w - 1, y), (x, y + h - 1), (x + w - 1, y + h - 1)):
            assert tuple(int(v) for v in img[py, px]) == c


def test_tag_text_grows_with_the_image():
    small = text.tag_size("pit 0.93", text.metrics((200, 200)))
    large = text.tag_size("pit 0.93", text.metrics((1000, 1600)))
    assert large[1] > 2 * small[1]
