"""Two models on one folder in the app (issue 14): the list, the counts, the status bar and
the class table belong to the model shown; the compare view draws each model with its own
rules; the "models disagree" filter is image_disagreement on the stored results. The
compare panes draw their tags as the viewer does: Qt items of one screen size."""

import shutil
from pathlib import Path

import cv2  # noqa: F401  imported before Qt so its plugin path can be undone
import pytest
from PySide6.QtCore import QPoint, Qt

from app.qt_env import prepare_qt_env
from app.widgets.image_list import NAME_COL, SCORE_COL
from inspectors.metrics.compare import image_disagreement
from inspectors.render.screen import render_factor
from inspectors.rules import ImageVerdict, Rules, bind, decide_result
from inspectors.session import Filter, ImageState

from .app_helpers import (
    export_cls_model,
    make_images,
    tag_screen_height,
    tag_text_rows,
    wait_runs_read,
)

RUN_TIMEOUT = 120_000
ROOT = Path(__file__).resolve().parents[1]
DET_MODEL = ROOT / "models" / "neu_det_picodet_s"
DEMO_DET = ROOT / "resources" / "demo" / "neu_det" / "JPEGImages"
STATE_OF = {ImageVerdict.NG: ImageState.NG, ImageVerdict.REVIEW: ImageState.REVIEW, ImageVerdict.OK: ImageState.OK}


@pytest.fixture(scope="session", autouse=True)
def _offscreen():
    prepare_qt_env("offscreen")


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("DEFECT_INSPECTOR_HOME", str(tmp_path / "home"))


@pytest.fixture(scope="module")
def two_models(tmp_path_factory):
    root = tmp_path_factory.mktemp("ab_models")
    # different class counts: different weights, so different scores on the same image
    return (export_cls_model(root / "tiles", names=("Break", "Crack", "Free")),
            export_cls_model(root / "neu", names=("crazing", "patches")))


def _load(qtbot, w, path):
    with qtbot.waitSignal(w.models.changed, timeout=RUN_TIMEOUT,
                          check_params_cb=lambda mid: w.models.models[mid].status != "loading"):
        mid = w.add_model(str(path))
    return mid


@pytest.fixture()
def ab_window(qtbot, make_window, two_models, tmp_path):
    """A window with both models run over one folder (one corrupt image), A at NG 0.9 and
    B at NG 0.2 with a review band from 0.1."""
    make_images(tmp_path / "src", n=6)
    w = make_window()
    a, b = (_load(qtbot, w, p) for p in two_models)
    with qtbot.waitSignal(w.bench.folder_opened, timeout=RUN_TIMEOUT):
        assert w.open_folder(str(tmp_path / "src"))
    wait_runs_read(qtbot, w)
    with qtbot.waitSignal(w.run_finished, timeout=RUN_TIMEOUT):
        assert w.run_all() > 0
    w.bench.set_active_model(a)
    w.threshold_panel.slider.setValue(90)
    w.bench.set_active_model(b)
    w.threshold_panel.slider.setValue(20)
    w.threshold_panel.review.setValue(0.1)
    w.threshold_panel.review_on.setChecked(True)
    return w, a, b


def _expected(w, model):
    """Per row (state, score or None) from the model's stored results decided by
    inspectors.rules at the settings its run saved (not the store's arrays)."""
    settings = w.bench.runs[model].decision_settings
    out = []
    for row in range(len(w.bench.store)):
        result = w.bench.store.result(row, model)
        if result is None:
            out.append((ImageState.ERROR if w.bench.store.error(row, model) else ImageState.NO_RESULT, None))
            continue
        names = tuple(result.class_names)
        assert not w.bench.runs[model].rules_text  # no rules file: the thresholds alone decide
        bound = bind(Rules(), names, settings.thresholds(), settings.review)
        out.append((STATE_OF[ImageVerdict(int(decide_result(result, bound).verdict))], result.defect_score()))
    return out


def test_list_counts_status_and_class_table_belong_to_the_model_shown(qtbot, ab_window):
    w, a, b = ab_window
    seen = {}
    for model, names in ((a, ["Break", "Crack", "Free"]), (b, ["crazing", "patches"]), (a, None)):
        w.bench.set_active_model(model)
        w.list_panel.set_filter(w.list_panel.filter_box.itemData(0))
        expected = _expected(w, model)
        lm = w.list_panel.model
        n = len(expected)
        qtbot.waitUntil(lambda lm=lm, n=n: lm.rowCount() == n)
        for pos in range(lm.rowCount()):
            row = lm.rows[pos]
            state, score = expected[row]
            text = lm.data(lm.index(pos, SCORE_COL))
            tip = lm.data(lm.index(pos, NAME_COL), Qt.ItemDataRole.ToolTipRole)
            assert tip.splitlines()[1].split(":")[0] == state.value, (model, row, tip)
            assert text == (f"{score:.2f}" if score is not None else ""), (model, row, text)
        want = {s: sum(1 for st, _ in expected if st is s) for s in
                (ImageState.NG, ImageState.REVIEW, ImageState.OK, ImageState.ERROR)}
        counts = w.bench.store.counts()
        assert {s: counts[s] for s in want} == want
        status = w.status.counts.text()
        assert status.startswith(f"{Path(model).name}: "), status  # whose counts these are
        assert (f"{want[ImageState.NG]} NG · {want[ImageState.REVIEW]} to review · {want[ImageState.OK]} OK · "
                f"{want[ImageState.ERROR]} errors") in status, status
        # the class table: the shown model's classes with its own thresholds, no other model's rows
        table = [w.threshold_panel.table.item(r, 0).text() for r in range(w.threshold_panel.table.rowCount())]
        if names is not None:
            assert table == names
        assert w.threshold_panel.thresholds().default == pytest.approx(
            w.bench.runs[model].decision_settings.default)
        seen.setdefault(model, []).append(expected)
    assert seen[a][0] == seen[a][1]  # showing B in between changed nothing of A's
    # the two models really differ here (otherwise the test could not catch a mix-up)
    assert [e[0] for e in seen[a][0]] != [e[0] for e in seen[b][0]]
    assert [e[1] for e in seen[a][0]] != [e[1] for e in seen[b][0]]


def _own_decision(w, model, result):
    """``result`` decided by inspectors.rules at the settings ``model``'s run saved."""
    settings = w.bench.runs[model].decision_settings
    names = tuple(result.class_names)
    return decide_result(result, bind(Rules(), names, settings.thresholds(), settings.review))


def _both_rows(w, a, b):
    store = w.bench.store
    return [r for r in range(len(store)) if store.has_result(r, a) and store.has_result(r, b)]


def test_compare_view_panes_follow_their_own_rules_and_move_together(qtbot, ab_window):
    w, a, b = ab_window
    assert w.compare.action.isEnabled()
    cv = w.compare.open()
    qtbot.waitExposed(cv)
    cv.pair.set_pair(b, a)  # B left, A right: the choice is the user's, not the shown model's
    assert (cv.a_box.currentData(), cv.b_box.currentData()) == (b, a)
    differ = 0
    for row in _both_rows(w, a, b):
        if row != w.bench.current_row:
            with qtbot.waitSignal(w.bench.image_ready, timeout=10_000):
                w.bench.set_current(row)
        cv.refresh()
        for model in (a, b):
            want = _own_decision(w, model, w.bench.store.result(row, model))
            got = cv.decisions[model]
            assert got.verdict == want.verdict
            assert [(d.class_name, d.kept, d.level) for d in got.defects] == \
                [(d.class_name, d.kept, d.level) for d in want.defects]
        assert f">{cv.decisions[b].verdict.name}</b>" in cv.a_pane.caption.text()
        assert f">{cv.decisions[a].verdict.name}</b>" in cv.b_pane.caption.text()
        differ += cv.decisions[a].verdict != cv.decisions[b].verdict
    assert differ > 0  # A at 0.9 and B at 0.2 disagree somewhere: the panes really differ

    views = cv.views()
    assert len(views) == 2  # no ground truth in this folder: A | B only
    left, right = views
    left.set_zoom(4.0)  # zoom one pane: the other follows
    assert right.zoom() == pytest.approx(4.0)
    left.horizontalScrollBar().setValue(left.horizontalScrollBar().maximum() // 2)
    left.verticalScrollBar().setValue(left.verticalScrollBar().maximum())
    assert right.mapToScene(0, 0).x() == pytest.approx(left.mapToScene(0, 0).x(), abs=1.0)
    assert right.mapToScene(0, 0).y() == pytest.approx(left.mapToScene(0, 0).y(), abs=1.0)
    right.set_zoom(2.0)  # and the other way round
    right.horizontalScrollBar().setValue(0)
    assert left.zoom() == pytest.approx(2.0)
    assert left.mapToScene(0, 0).x() == pytest.approx(right.mapToScene(0, 0).x(), abs=1.0)
    left.fit()
    assert right.fit_mode


def test_models_disagree_filter_is_image_disagreement_on_the_stored_results(qtbot, ab_window):
    w, a, b = ab_window
    pair = w.compare.pair
    pair.set_pair(a, b)
    assert not pair.is_wanted()  # nobody shows the scores yet: nothing is compared
    panel = w.list_panel
    panel.sort_box.setCurrentIndex(panel.sort_box.findData("folder"))
    panel.set_filter(Filter.MODELS_DISAGREE)
    qtbot.waitUntil(pair.is_current, timeout=20_000)
    store = w.bench.store
    expected = {}
    for row in _both_rows(w, a, b):
        ra, rb = store.result(row, a), store.result(row, b)
        da, db = _own_decision(w, a, ra), _own_decision(w, b, rb)
        kept = [tuple(dict.fromkeys(x.class_name for x in d.defects if x.kept)) for d in (da, db)]
        thr = [w.bench.runs[m].decision_settings.thresholds() for m in (a, b)]
        d = image_disagreement(ra, rb, int(da.verdict), int(db.verdict), kept[0], kept[1], thr[0], thr[1], None)
        expected[row] = d.score
    want = [r for r in sorted(expected) if expected[r] > 0]
    assert want, "the two models should disagree on some image here"
    qtbot.waitUntil(lambda: panel.model.rows == want, timeout=10_000)
    # by disagreement, strongest first (ties in folder order)
    panel.sort_box.setCurrentIndex(panel.sort_box.findData("disagreement"))
    by_score = sorted(want, key=lambda r: -expected[r])
    qtbot.waitUntil(lambda: panel.model.rows == by_score, timeout=10_000)
    for model in (b, a):  # the filter is about the pair, whichever model the list shows
        w.bench.set_active_model(model)
        qtbot.waitUntil(pair.is_current, timeout=20_000)
        assert [r for r in range(len(store)) if (store.disagreement(r) or 0) > 0] == want


@pytest.fixture()
def det_window(qtbot, make_window, tmp_path):
    """The bundled detector as A (NG 0.25) and a copy of it as B (its own fingerprint, so its
    own run; NG 0.35, review from 0.25), both run over three demo images."""
    if not DET_MODEL.is_dir() or not DEMO_DET.is_dir():
        pytest.skip("no bundled detector / demo set")
    src = tmp_path / "line"
    src.mkdir()
    for name in ("inclusion_1.jpg", "patches_1.jpg", "scratches_1.jpg"):
        shutil.copy(DEMO_DET / name, src / name)
    other = shutil.copytree(DET_MODEL, tmp_path / "detector_b")
    cfg = other / "infer_cfg.yml"
    text = cfg.read_text(encoding="utf-8")
    assert "draw_threshold: 0.25" in text
    cfg.write_text(text.replace("draw_threshold: 0.25", "draw_threshold: 0.3"), encoding="utf-8")
    w = make_window()
    a, b = _load(qtbot, w, DET_MODEL), _load(qtbot, w, other)
    assert a != b
    with qtbot.waitSignal(w.bench.folder_opened, timeout=RUN_TIMEOUT):
        assert w.open_folder(str(src))
    wait_runs_read(qtbot, w)
    with qtbot.waitSignal(w.run_finished, timeout=RUN_TIMEOUT):
        assert w.run_all() > 0
    w.bench.set_active_model(a)
    w.threshold_panel.slider.setValue(25)
    w.bench.set_active_model(b)
    w.threshold_panel.slider.setValue(35)
    w.threshold_panel.review.setValue(0.25)
    w.threshold_panel.review_on.setChecked(True)
    return w, a, b


def _texts(labels):
    """The texts of the tags a pane shows (Qt items), sorted."""
    return sorted(item.childItems()[0].text() for item in labels.tag_items)


def _tags_of(decision):
    """The tags a decision should show, written out from its kept defects (the project's
    tag: ``class score``, `` ?`` for REVIEW), sorted."""
    return sorted(f"{d.class_name} {d.score:.2f}" + (" ?" if d.level == "REVIEW" else "")
                  for d in decision.defects if d.kept)


def _drawn_at(qtbot, cv, views, zoom):
    qtbot.waitUntil(lambda: all(abs(cv.overlay.rendered.get(v, 0) - zoom) < 0.01 * zoom
                                and not cv.overlay.busy.get(v) for v in views), timeout=20_000)


def test_compare_panes_tags_are_screen_items_of_their_own_decision_at_one_size(qtbot, det_window):
    w, a, b = det_window
    cv = w.compare.open()
    qtbot.waitExposed(cv)
    cv.pair.set_pair(a, b)
    left, right = cv.views()
    # one width, one top (a long caption wraps): the linked panes show the same rows
    qtbot.waitUntil(lambda: abs(left.width() - right.width()) <= 2
                    and left.mapTo(cv, QPoint(0, 0)).y() == right.mapTo(cv, QPoint(0, 0)).y())
    chosen = None
    for row in _both_rows(w, a, b):
        if row != w.bench.current_row:
            with qtbot.waitSignal(w.bench.image_ready, timeout=10_000):
                w.bench.set_current(row)
        want = [_tags_of(_own_decision(w, m, w.bench.store.result(row, m))) for m in (a, b)]
        assert [_texts(cv.overlay.labels[v]) for v in (left, right)] == want, row
        if want[0] and want[1] and want[0] != want[1]:
            chosen = row
    assert chosen is not None, "A at 0.25 and B at 0.35 with a review band should tag some image differently"
    if chosen != w.bench.current_row:
        with qtbot.waitSignal(w.bench.image_ready, timeout=10_000):
            w.bench.set_current(chosen)
    want = [_tags_of(_own_decision(w, m, w.bench.store.result(chosen, m))) for m in (a, b)]
    assert any(t.endswith(" ?") for t in want[1])  # B's REVIEW band shows in its own pane only
    assert not any(t.endswith(" ?") for t in want[0])
    # nothing burned in: the legend is the strip below the panes, the tags are Qt items
    assert cv.legend.isVisible() and any("REVIEW" in n for n in cv.legend.names())

    heights, rows = {v: [] for v in (left, right)}, []
    for zoom in (1.0, 6.0):
        left.set_zoom(zoom)  # the right pane follows (and draws for its own zoom)
        _drawn_at(qtbot, cv, (left, right), zoom)
        labels = cv.overlay.labels[left]
        left.centerOn(labels.tag_items[0].pos())
        qtbot.wait(50)
        for v, texts in zip((left, right), want):
            assert v.zoom() == pytest.approx(zoom)
            assert cv.overlay.labels[v].zoom == pytest.approx(zoom)
            assert _texts(cv.overlay.labels[v]) == texts
            heights[v].append(tag_screen_height(v, cv.overlay.labels[v].tag_items[0]))
        rows.append(tag_text_rows(left, labels.tag_items[0]))
    for h1, h6 in heights.values():
        assert h1 >= 8 and abs(h6 - h1) <= 0.1 * h1, heights
    assert rows[0] >= 6 and abs(rows[1] - rows[0]) <= 1, rows  # the text, measured in pixels
    for v in (left, right):  # the picture redrawn at the view's scale, thin lines
        assert round(1 / v._item.scale()) == render_factor(6.0, w.bench.current_image.shape) > 1
