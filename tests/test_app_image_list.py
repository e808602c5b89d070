"""The image list's search (substring / glob) and sort orders, checked against fnmatch and
sorted() on the store's own per-row values."""

import fnmatch
from pathlib import Path

import cv2  # noqa: F401 - imported before Qt so its plugin path can be undone
import pytest

from app.list_order import STATE_ORDER, name_filter, search
from app.qt_env import prepare_qt_env

from .app_helpers import export_seg_model, make_images, tree_hashes, wait_runs_read

RUN_TIMEOUT = 120_000
NAMES = ["img_00.png", "IMG_01.bmp", "sub/img_12.png", "scratch_a.jpg", "crazing [1].png", "x.PNG", "a?b.png"]


@pytest.fixture(scope="session", autouse=True)
def _offscreen():
    prepare_qt_env("offscreen")


@pytest.mark.parametrize("pattern", ["*.png", "img_?[0-9].*", "*[!0-9].jpg", "sub/*", "*1*", "*.PNG", "x.png"])
def test_glob_matches_fnmatch(pattern):
    expected = [n for n in NAMES if fnmatch.fnmatchcase(n.lower(), pattern.lower())]
    assert [n for n in NAMES if name_filter(pattern)(n)] == expected


@pytest.mark.parametrize("text", ["img", "IMG_0", "png", " scratch ", "zzz", ""])
def test_substring_search(text):
    expected = [i for i, n in enumerate(NAMES) if text.strip().lower() in n.lower()]
    assert search(range(len(NAMES)), NAMES, text) == expected


def test_list_search_and_sorts_in_the_window(qtbot, make_window, tmp_path):
    model_dir = export_seg_model(tmp_path / "model")
    src = tmp_path / "src"
    make_images(src, n=10)
    before = tree_hashes(src)
    w = make_window()
    with qtbot.waitSignal(w.models.changed, timeout=RUN_TIMEOUT,
                          check_params_cb=lambda mid: w.models.models[mid].status != "loading"):
        w.add_model(str(model_dir))
    with qtbot.waitSignal(w.bench.folder_opened, timeout=RUN_TIMEOUT):
        assert w.open_folder(str(src))
    wait_runs_read(qtbot, w)
    with qtbot.waitSignal(w.run_finished, timeout=RUN_TIMEOUT):
        assert w.run_all() > 0
    panel, store = w.list_panel, w.bench.store
    model = w.bench.active_model
    names = [Path(p).name for p in store.images]
    n = len(names)

    def sort_by(key):
        panel.sort_box.setCurrentIndex(panel.sort_box.findData(key))

    sort_by("name")
    qtbot.waitUntil(lambda: panel.model.rows == sorted(range(n), key=lambda r: names[r].lower()), timeout=5000)
    sort_by("score")
    qtbot.waitUntil(lambda: [store.defect_score(r) for r in panel.model.rows]
                    == sorted((store.defect_score(r) for r in range(n)), reverse=True), timeout=5000)
    sort_by("state")
    rank = [STATE_ORDER.index(store.state(r)) for r in range(n)]
    qtbot.waitUntil(lambda: [rank[r] for r in panel.model.rows] == sorted(rank), timeout=5000)
    sort_by("area")

    def area(r):  # the single-image decision (not the batch one the sort uses)
        d = store.decision(r, model)
        return sum(x.area_px for x in d.defects if x.kept and x.area_px) if d is not None else 0.0

    areas = [area(r) for r in range(n)]
    qtbot.waitUntil(lambda: [areas[r] for r in panel.model.rows] == sorted(areas, reverse=True), timeout=5000)
    # search narrows whatever the order: glob and substring
    panel.search.setText("*.bmp")
    qtbot.waitUntil(lambda: sorted(names[r] for r in panel.model.rows)
                    == sorted(fnmatch.filter(names, "*.bmp")), timeout=5000)
    panel.search.setText("_0")
    qtbot.waitUntil(lambda: sorted(names[r] for r in panel.model.rows)
                    == sorted(x for x in names if "_0" in x), timeout=5000)
    # the score and verdict columns are never cut: each fits its widest text
    view, fm = panel.view, panel.view.fontMetrics()
    assert view.columnWidth(1) >= fm.horizontalAdvance("0.00") and view.columnWidth(2) >= fm.horizontalAdvance("✔")
    assert tree_hashes(src) == before


def test_grid_decodes_only_visible_thumbnails_outside_the_folder(qtbot, make_window, tmp_path):
    import cv2 as cv
    import numpy as np

    from app.thumbnails import thumbnail_file

    src = tmp_path / "big"
    src.mkdir()
    ok, png = cv.imencode(".png", np.full((12, 16, 3), 90, np.uint8))
    data = png.tobytes()
    n = 20_000
    for i in range(n):
        (src / f"im_{i:05d}.png").write_bytes(data)
    before = tree_hashes(src)
    w = make_window()
    with qtbot.waitSignal(w.bench.folder_opened, timeout=RUN_TIMEOUT):
        assert w.open_folder(str(src))
    wait_runs_read(qtbot, w)
    panel = w.list_panel
    thumbs = panel.model.thumbs
    qtbot.waitUntil(lambda: panel.model.rowCount() == n, timeout=10_000)
    assert thumbs.requested == 0  # the list alone decodes nothing
    panel.grid_button.click()
    grid = panel.grid
    qtbot.waitUntil(lambda: thumbs.requested > 0 and not thumbs._pending, timeout=20_000)
    gw, gh = grid.gridSize().width(), grid.gridSize().height()
    vw, vh = grid.viewport().width(), grid.viewport().height()
    visible = (vw // gw + 1) * (vh // gh + 2)
    assert 0 < thumbs.requested <= visible, (thumbs.requested, visible)
    first = thumbs.requested
    grid.scrollToBottom()
    qtbot.waitUntil(lambda: thumbs.requested > first and not thumbs._pending, timeout=20_000)
    assert thumbs.requested <= 2 * visible + 4  # the bottom screen, not the 20,000 in between
    root = thumbs.root
    made = [p for p in root.rglob("*.png")]
    assert made and all(src not in p.parents for p in made) and len(made) == thumbs.requested
    assert tree_hashes(src) == before  # nothing written into the image folder
    # an edited image gets a new cache file (path, size and mtime are the key)
    edited = src / f"im_{n - 1:05d}.png"
    old = thumbnail_file(root, str(edited))
    assert old.exists()
    edited.write_bytes(cv.imencode(".png", np.zeros((20, 30, 3), np.uint8))[1].tobytes())
    assert thumbnail_file(root, str(edited)) != old
