"""A run from before defect tables were stored, reopened in the app: the tables are
computed in the background a chunk at a time, written back to the run, and the list's
rule measures use them (app.model_runs: the chunked filling)."""

import sqlite3
from pathlib import Path

import cv2  # noqa: F401  - imported before Qt so its plugin path can be undone
import numpy as np
import pytest

from app.qt_env import prepare_qt_env
from inspectors.rules import DefectTables, Rules, bind, decide_many
from inspectors.runs import RunStore
from inspectors.runs.types import INDEX

from .app_helpers import export_seg_model, make_images, wait_runs_read

RUN_TIMEOUT = 120_000


@pytest.fixture(scope="session", autouse=True)
def _offscreen():
    prepare_qt_env("offscreen")


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("DEFECT_INSPECTOR_HOME", str(tmp_path / "home"))


def _load_and_open(qtbot, w, model: Path, folder: Path) -> str:
    with qtbot.waitSignal(w.models.changed, timeout=RUN_TIMEOUT,
                          check_params_cb=lambda mid: w.models.models[mid].status != "loading"):
        model_id = w.add_model(str(model))
    assert w.models.ready(), w.model_panel.message.text()
    with qtbot.waitSignal(w.bench.folder_opened, timeout=RUN_TIMEOUT):
        assert w.open_folder(str(folder))
    wait_runs_read(qtbot, w)
    return model_id


def _stored_tables(run_dir: Path):
    """The run's defect tables as a fresh reader finds them (none computed: as stored)."""
    with RunStore(run_dir.parent).open_id(run_dir.name) as reader:
        s = reader.summaries(defects=True, compute_missing=False)
        return {s.rels[i]: s.defects.table(i) for i in range(len(s.rels)) if s.defects.ok[i]}, s.class_names


def test_tables_of_a_run_from_before_tables_are_filled_in_chunks(qtbot, make_window, tmp_path, monkeypatch):
    monkeypatch.setattr("app.model_runs.FILL_CHUNK", 2)  # 5 images: three chunks
    model = export_seg_model(tmp_path / "seg_model")
    make_images(tmp_path / "src", n=5)
    w = make_window()
    model_id = _load_and_open(qtbot, w, model, tmp_path / "src")
    with qtbot.waitSignal(w.run_finished, timeout=RUN_TIMEOUT):
        assert w.run_all() > 0
    run_dir = Path(w.bench.runs[model_id].path)
    w.close()
    first, _names = _stored_tables(run_dir)
    assert len(first) == 5  # the corrupt image has no table
    with sqlite3.connect(run_dir / INDEX) as con:  # rows as a version before the column wrote them
        con.execute("UPDATE images SET defects = NULL")
    assert _stored_tables(run_dir)[0] == {}

    again = make_window()
    _load_and_open(qtbot, again, model, tmp_path / "src")
    qtbot.waitUntil(lambda: len(_stored_tables(run_dir)[0]) == 5, timeout=30_000)  # written back
    refilled, names = _stored_tables(run_dir)
    for rel, ref in first.items():  # from the stored results: label maps exact, scores at 8 bits
        t = refilled[rel]
        assert np.array_equal(t.runs, ref.runs) and np.array_equal(t.run_offsets, ref.run_offsets)
        assert np.array_equal(t.defects["area"], ref.defects["area"])
        assert np.allclose(t.defects["score"], ref.defects["score"], atol=1 / 255)

    # the list's measures come from the filled tables (decided at the run's own settings)
    store = again.bench.store
    row_of = {Path(p).name: i for i, p in enumerate(store.images)}
    rels = sorted(refilled)
    rows = [row_of[Path(rel).name] for rel in rels]
    tables = DefectTables.stack([refilled[rel] for rel in rels])
    kept = decide_many(tables, bind(Rules(), names, store.thresholds, store.review_from)).kept_area.sum(axis=1)
    qtbot.waitUntil(lambda: np.allclose(store.defect_areas()[rows], kept), timeout=30_000)
