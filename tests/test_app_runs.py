"""Runs in the app (issue 11): results persist across a close and reopen without
inference, decision settings belong to each model's run, the Runs view deletes a run,
a run another process writes is read-only, and the results store holds summaries only."""

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import cv2  # imported before Qt so its plugin path can be undone
import numpy as np
import pytest

from app.qt_env import prepare_qt_env
from inspectors.engine import Inspector
from inspectors.results import Outcome, SegmentationResult
from inspectors.runs import RunStore
from inspectors.runs.location import runs_root
from inspectors.session import Filter, ImageState, ResultsStore

from .app_helpers import export_cls_model, export_seg_model, make_images, wait_runs_read

RUN_TIMEOUT = 120_000
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session", autouse=True)
def _offscreen():
    prepare_qt_env("offscreen")


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("DEFECT_INSPECTOR_HOME", str(tmp_path / "home"))


@pytest.fixture(scope="module")
def seg_model(tmp_path_factory):
    return export_seg_model(tmp_path_factory.mktemp("seg_model"))


def counting_factory(calls):
    """The real Inspector, counting the images its predictor is given."""

    def make(path, settings):
        inspector = Inspector.from_path(path, settings)
        real = inspector.infer

        def infer(tensors, metas):
            calls.append(len(metas))
            return real(tensors, metas)

        inspector.infer = infer
        return inspector

    return make


def _load(qtbot, w, path):
    with qtbot.waitSignal(w.models.changed, timeout=RUN_TIMEOUT,
                          check_params_cb=lambda mid: w.models.models[mid].status != "loading"):
        mid = w.add_model(str(path))
    assert w.models.ready(), w.model_panel.message.text()
    return mid


def _open(qtbot, w, folder):
    with qtbot.waitSignal(w.bench.folder_opened, timeout=RUN_TIMEOUT):
        assert w.open_folder(str(folder))
    wait_runs_read(qtbot, w)


def test_results_persist_across_close_and_reopen_without_inference(qtbot, make_window, seg_model, tmp_path):
    make_images(tmp_path / "src", n=5)
    calls = []
    w = make_window(counting_factory(calls))
    model = _load(qtbot, w, seg_model)
    _open(qtbot, w, tmp_path / "src")
    with qtbot.waitSignal(w.run_finished, timeout=RUN_TIMEOUT):
        assert w.run_all() > 0
    store = w.bench.store
    assert sum(calls) == 5  # the corrupt image never reaches the predictor
    states = [store.state(r) for r in range(len(store))]
    assert states.count(ImageState.ERROR) == 1 and ImageState.NO_RESULT not in states
    maps = {r: store.result(r, model).label_map.copy() for r in range(len(store)) if store.has_result(r, model)}
    assert len(maps) == 5
    assert "Results saved in run" in w.model_panel.message.text()
    w.close()

    calls.clear()
    again = make_window(counting_factory(calls))
    model2 = _load(qtbot, again, seg_model)
    assert model2 == model
    again.bench.folder_opened.connect(lambda _f: again.run_all())  # as `--folder --model` starts
    _open(qtbot, again, tmp_path / "src")
    s2 = again.bench.store
    qtbot.waitUntil(lambda: s2.counts()[ImageState.NO_RESULT] == 0, timeout=10_000)
    assert [s2.state(r) for r in range(len(s2))] == states
    assert again.run_all() == 0  # nothing missing, nothing stale
    for r, lm in maps.items():  # full results read back from the run on demand
        assert np.array_equal(s2.result(r, model).label_map, lm)
    assert len(s2.held_outcomes()) <= s2.cache_size
    qtbot.wait(200)
    assert sum(calls) == 0, "a reopened run must not run the model again"

    # the Runs view: the run in use cannot be deleted; once its model is removed it can
    dialog = again.open_runs()
    assert dialog.table.rowCount() == 1 and "(in use)" in dialog.table.item(0, 0).text()
    assert dialog.table.item(0, 2).text().startswith("6")
    dialog.table.selectRow(0)
    assert not dialog.delete_btn.isEnabled() and not dialog.delete_selected()
    again.models.remove(model)
    assert "(in use)" not in dialog.table.item(0, 0).text()
    dialog.table.selectRow(0)
    assert dialog.delete_btn.isEnabled() and dialog.delete_selected()
    assert dialog.table.rowCount() == 0
    assert RunStore(runs_root(tmp_path / "work")).runs() == []


def test_an_edited_image_is_stale_until_inspected_again(qtbot, make_window, seg_model, tmp_path):
    images = make_images(tmp_path / "src", n=3, corrupt=False)
    w = make_window()
    model = _load(qtbot, w, seg_model)
    _open(qtbot, w, tmp_path / "src")
    with qtbot.waitSignal(w.run_finished, timeout=RUN_TIMEOUT):
        assert w.run_all() > 0  # the current image may be queued already
    assert all(w.bench.store.has_result(r, model) for r in range(3))
    w.close()
    edited = images["img_01.bmp"]
    before = os.stat(edited).st_mtime_ns
    cv2.imwrite(str(edited), 255 - cv2.imread(str(edited)))  # another image, a later mtime
    os.utime(edited, ns=(before + 2 * 10**9, before + 2 * 10**9))

    calls = []
    again = make_window(counting_factory(calls))
    _load(qtbot, again, seg_model)
    _open(qtbot, again, tmp_path / "src")
    store = again.bench.store
    row = store.row_of(str(edited))
    assert store.state(row) is ImageState.STALE and store.result(row, model) is None
    assert [store.state(r) for r in range(3) if r != row].count(ImageState.STALE) == 0
    assert "1 changed since inspected" in again.status.counts.text()
    assert row in store.rows(Filter.NO_RESULT)
    with qtbot.waitSignal(again.run_finished, timeout=RUN_TIMEOUT):
        assert again.run_all() == 1  # only the edited image runs again
    assert sum(calls) == 1 and store.state(row) in (ImageState.DEFECT, ImageState.CLEAN)
    fresh = Inspector.from_path(seg_model).predict_path(edited).result  # the model on the new file
    assert np.array_equal(store.result(row, model).label_map, fresh.label_map)


def test_a_run_another_process_writes_is_read_only(qtbot, make_window, seg_model, tmp_path):
    make_images(tmp_path / "src", n=2, corrupt=False)
    holder = RunStore(runs_root(tmp_path / "work")).open(tmp_path / "src", seg_model)  # e.g. predict
    try:
        w = make_window()
        model = _load(qtbot, w, seg_model)
        _open(qtbot, w, tmp_path / "src")
        qtbot.waitUntil(lambda: bool(w.bench.run_note(model)), timeout=10_000)
        assert "Read-only" in w.bench.run_note(model) and "being written" in w.bench.run_note(model)
        w.model_panel.select(model)
        assert "Read-only" in w.model_panel.message.text()
        assert w.status.run_note.text() and not w.status.run_note.isHidden()
        w.run_all()  # it keeps working (the current image may be queued already)
        qtbot.waitUntil(lambda: all(w.bench.store.has_result(r, model) for r in range(2)), timeout=RUN_TIMEOUT)
        assert all(w.bench.store.result(r, model) is not None for r in range(2))
        assert len(holder) == 0  # nothing written into the other process's run
    finally:
        holder.close()


def _rows(work):
    indexes = list((work / "runs").glob("*/index.sqlite"))
    if not indexes:
        return 0
    con = sqlite3.connect(f"file:{indexes[0]}?mode=ro", uri=True)
    try:
        return con.execute("SELECT count(*) FROM images").fetchone()[0]
    except sqlite3.Error:
        return 0
    finally:
        con.close()


def test_the_app_and_predict_on_the_same_folder_at_once(qtbot, make_window, seg_model, tmp_path):
    """One writer per run: a predict started while the app holds the run is told who
    writes it (one line, exit 2); an app opened while predict writes reads it read-only
    and keeps working; predict then completes the run, which stays consistent."""
    src, work = tmp_path / "src", tmp_path / "work"
    make_images(src, n=6, corrupt=False)
    cmd = [sys.executable, str(ROOT / "main.py"), "predict", "--model", str(seg_model), "--input", str(src),
           "-q", "--work-dir", str(work)]
    w = make_window()
    _load(qtbot, w, seg_model)
    _open(qtbot, w, src)
    r = subprocess.run([*cmd, "--out", str(tmp_path / "o1")], cwd=ROOT, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 2, r.stderr
    lines = [x for x in r.stderr.splitlines() if x.startswith("error")]
    assert len(lines) == 1 and f"is being written by process {os.getpid()}" in lines[0], r.stderr
    assert not (tmp_path / "o1").exists()
    w.close()

    for i in range(6, 150):  # enough for predict to be stopped half-way
        cv2.imwrite(str(src / f"more_{i:03d}.png"), np.full((64, 80, 3), i % 250, np.uint8))
    proc = subprocess.Popen([*cmd, "--out", str(tmp_path / "o2")], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        qtbot.waitUntil(lambda: proc.poll() is not None or _rows(work) >= 20, timeout=RUN_TIMEOUT)
        proc.send_signal(signal.SIGSTOP)  # holding the run's lock, mid-way (frozen, then asked)
        assert proc.poll() is None, "predict ended before it could be stopped: " + proc.communicate()[1]
        again = make_window()
        model = _load(qtbot, again, seg_model)
        _open(qtbot, again, src)
        note = again.bench.run_note(model)
        assert "Read-only" in note and f"process {proc.pid}" in note, note
        rows_before = _rows(work)
        with qtbot.waitSignal(again.run_finished, timeout=RUN_TIMEOUT):
            assert again.run_all() > 0
        store = again.bench.store
        assert all(store.has_result(r, model) for r in range(len(store)))  # it kept working
        assert _rows(work) == rows_before  # and wrote nothing into predict's run
        app_maps = {store.images[r]: store.result(r, model).label_map.copy() for r in range(len(store))}
        again.close()
    finally:
        proc.send_signal(signal.SIGCONT)
    _out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    with RunStore(runs_root(work)).open(src, seg_model, write=False) as run:
        assert len(run) == len(app_maps) == 150
        for path, lm in app_maps.items():  # the same results by either writer
            assert np.array_equal(run.get(path).result.label_map, lm)
    con = sqlite3.connect(next((work / "runs").glob("*/index.sqlite")))
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()


def test_sigkill_of_the_app_mid_run_then_reopen(qtbot, make_window, seg_model, tmp_path):
    """The real app killed with SIGKILL while it inspects: the store stays consistent, the
    reopened folder shows what was stored without inference, Run infers only the rest,
    and every result equals an uninterrupted run's."""
    src, work, n = tmp_path / "src", tmp_path / "work", 120
    src.mkdir()
    for i in range(n):
        img = np.full((64, 80, 3), 30 + (i * 7) % 200, np.uint8)
        cv2.rectangle(img, (5 + i % 40, 10), (30 + i % 40, 40), (230, 230, 230), -1)
        cv2.imwrite(str(src / f"strip_{i:03d}.png"), img)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--folder", str(src), "--model", str(seg_model),
                             "--settings", str(tmp_path / "killed.ini"), "--work-dir", str(work)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        qtbot.waitUntil(lambda: proc.poll() is not None or _rows(work) >= 20, timeout=RUN_TIMEOUT)
        assert proc.poll() is None, "the app ended before it could be killed"
    finally:
        proc.kill()
        proc.wait(60)
    stored = _rows(work)
    assert 20 <= stored < n
    con = sqlite3.connect(next((work / "runs").glob("*/index.sqlite")))
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()

    calls = []
    w = make_window(counting_factory(calls))
    model = _load(qtbot, w, seg_model)
    _open(qtbot, w, src)
    store = w.bench.store
    assert sum(store.has_result(r, model) for r in range(n)) == stored
    with qtbot.waitSignal(w.run_finished, timeout=RUN_TIMEOUT):
        assert w.run_all() > 0
    assert sum(calls) == n - stored, "only the images not stored are inferred again"
    reference = {o.path: o.result.label_map for o in Inspector.from_path(seg_model).run(sorted(src.iterdir()))}
    for r in range(n):
        assert np.array_equal(store.result(r, model).label_map, reference[store.images[r]])


def test_decision_settings_belong_to_each_models_run(qtbot, make_window, tmp_path):
    tiles = export_cls_model(tmp_path / "tiles", names=("Break", "Crack", "Free"))
    neu = export_cls_model(tmp_path / "neu")
    make_images(tmp_path / "src", n=2, corrupt=False)
    w = make_window()
    a = _load(qtbot, w, tiles)
    b = _load(qtbot, w, neu)
    _open(qtbot, w, tmp_path / "src")
    qtbot.waitUntil(lambda: a in w.bench.runs and b in w.bench.runs, timeout=10_000)
    w.bench.set_active_model(a)
    w.threshold_panel.set_class_threshold("Break", 0.9)
    assert w.bench.store.thresholds.per_class == {"Break": 0.9}
    assert dict(w.bench.runs[a].decision_settings.per_class) == {"Break": 0.9}

    w.bench.set_active_model(b)  # a classifier with other classes: the override must not show
    assert "Break" not in w.bench.store.thresholds.per_class
    assert "Break" not in w.threshold_panel.thresholds().per_class
    # The class table is the shown model's (issue 14): a QA engineer setting B's thresholds
    # must not see A's "Break" row, whose value would not apply to B anyway.
    assert "Break" not in w.threshold_panel._spins
    assert sorted(w.threshold_panel._spins) == ["crazing", "inclusion", "scratches"]
    w.threshold_panel.slider.setValue(26)
    assert w.bench.runs[b].decision_settings.default == pytest.approx(0.26)

    w.bench.set_active_model(a)  # restored from its own run, the 0.26 did not leak
    assert w.bench.store.thresholds.per_class == {"Break": 0.9}
    assert w.bench.store.thresholds.default == pytest.approx(0.5)

    make_images(tmp_path / "other", n=1, corrupt=False)  # new runs: nothing carried over
    _open(qtbot, w, tmp_path / "other")
    qtbot.waitUntil(lambda: len(w.bench.runs) == 2, timeout=10_000)
    assert w.bench.store.thresholds.default == pytest.approx(0.5)
    assert w.bench.store.thresholds.per_class == {}
    _open(qtbot, w, tmp_path / "src")
    qtbot.waitUntil(lambda: len(w.bench.runs) == 2, timeout=10_000)
    assert w.bench.store.thresholds.per_class == {"Break": 0.9}
    w.close()

    again = make_window()  # the settings are in the runs: a new window finds them
    a2 = _load(qtbot, again, tiles)
    _open(qtbot, again, tmp_path / "src")
    qtbot.waitUntil(lambda: a2 in again.bench.runs, timeout=10_000)
    again.bench.set_active_model(a2)
    assert again.bench.store.thresholds.per_class == {"Break": 0.9}


def _seg(i, size=(256, 1600)):
    lm = np.zeros(size, np.uint8)
    lm[10:20, 10 + i:40 + i] = 1
    return SegmentationResult(lm, ("background", "scratch"), np.full(size, 0.8, np.float32))


def test_results_store_holds_summaries_not_masks(tmp_path):
    paths = [str(tmp_path / f"{i:03d}.png") for i in range(60)]
    disk = {}  # stands in for the run: the loader reads back what was "stored"
    store = ResultsStore(paths)
    store.set_loader("m", lambda p: disk.get(p))
    for i, p in enumerate(paths):
        o = Outcome(p, result=_seg(i))
        disk[p] = o
        store.add("m", o)
    held = store.held_outcomes()
    assert len(held) <= store.cache_size < len(paths)
    assert all(e.summaries["m"].scores.nbytes <= 16 for e in store._entries.values())
    assert not any(isinstance(v, np.ndarray) and v.size > 2 for e in store._entries.values()
                   for v in vars(e).values())
    assert store.counts()[ImageState.DEFECT] == 60
    assert store.result(0, "m") is disk[paths[0]].result  # read back on demand
    assert len(store.held_outcomes()) <= store.cache_size
    from inspectors.results import Thresholds

    store.set_thresholds(Thresholds(0.9))  # re-flags from the summaries alone
    assert store.counts()[ImageState.CLEAN] == 60


def test_stored_errors_are_told_again_when_the_run_is_reopened(qtbot, make_window, seg_model, tmp_path):
    """Images that could not be read are listed in the Errors panel when their run is
    reopened (nothing inspected again), as when they were inspected: the panel's count and
    the list's error count agree. The current image is a readable one, so showing it tells
    nothing."""
    make_images(tmp_path / "src", n=3, corrupt=False)
    (tmp_path / "src" / "z_cut.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    (tmp_path / "src" / "z_empty.png").write_bytes(b"")

    def image_errors(w):
        t = w.errors_panel.table
        return sorted((t.item(r, 1).text(), t.item(r, 2).toolTip()) for r in range(t.rowCount())
                      if t.item(r, 0).toolTip() == "image")

    w = make_window()
    _load(qtbot, w, seg_model)
    _open(qtbot, w, tmp_path / "src")
    with qtbot.waitSignal(w.run_finished, timeout=RUN_TIMEOUT):
        assert w.run_all() > 0
    told = image_errors(w)
    assert [Path(p).name for p, _ in told] == ["z_cut.jpg", "z_empty.png"]
    w.close()

    calls = []
    again = make_window(counting_factory(calls))
    _load(qtbot, again, seg_model)
    _open(qtbot, again, tmp_path / "src")
    assert again.bench.store.counts()[ImageState.ERROR] == 2
    assert image_errors(again) == told
    assert sum(calls) == 0
    again.close()
