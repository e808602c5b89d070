"""Decision rules in the app: the states of a run equal `predict`'s verdicts on it (the
rules travel with the run), a drawn region re-decides and is kept with the run, the
review band and the review queue."""

import csv
import shutil
from collections import Counter
from pathlib import Path

import cv2  # noqa: F401 - imported before Qt so its plugin path can be undone
import pytest

from app.qt_env import prepare_qt_env
from inspectors.cli import main as cli_main
from inspectors.session import Filter, ImageState

from .app_helpers import wait_runs_read

ROOT = Path(__file__).resolve().parents[1]
DET_MODEL = ROOT / "models" / "neu_det_picodet_s"
DEMO_DET = ROOT / "resources" / "demo" / "neu_det"
RUN_TIMEOUT = 120_000
RULES = """version: 1
default:
  review: [0.15, 0.35]
  min_area: 300
"""


@pytest.fixture(scope="session", autouse=True)
def _offscreen():
    prepare_qt_env("offscreen")


@pytest.fixture
def line(tmp_path) -> Path:
    if not DET_MODEL.is_dir() or not DEMO_DET.is_dir():
        pytest.skip("no bundled detector / demo set")
    src = tmp_path / "line"
    src.mkdir()
    for p in sorted((DEMO_DET / "JPEGImages").glob("*.jpg"))[:12]:
        shutil.copy(p, src / p.name)
    return src


def _open(qtbot, w, folder):
    with qtbot.waitSignal(w.models.changed, timeout=RUN_TIMEOUT,
                          check_params_cb=lambda mid: w.models.models[mid].status != "loading"):
        w.add_model(str(DET_MODEL))
    with qtbot.waitSignal(w.bench.folder_opened, timeout=RUN_TIMEOUT):
        assert w.open_folder(str(folder))
    wait_runs_read(qtbot, w)


def _predict_with_rules(line: Path, tmp_path: Path, capsys) -> dict:
    """`predict --rules` into a run under tmp_path/work: file -> verdict from summary.csv."""
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES, encoding="utf-8")
    code = cli_main(["predict", "--model", str(DET_MODEL), "--input", str(line), "--out", str(tmp_path / "out"),
                     "-q", "--rules", str(rules), "--work-dir", str(tmp_path / "work")])
    assert code == 0, capsys.readouterr().err
    return {r["file"]: r["verdict"] for r in csv.DictReader((tmp_path / "out" / "summary.csv").open())}


def _states(w):
    store = w.bench.store
    return {Path(store.images[r]).name: store.state(r).value for r in range(len(store))}


def test_the_apps_states_equal_predicts_verdicts_on_the_same_run(qtbot, make_window, line, tmp_path, capsys):
    verdicts = _predict_with_rules(line, tmp_path, capsys)
    assert len(verdicts) == 12 and len(set(verdicts.values())) >= 2, verdicts  # a case worth comparing

    w = make_window()
    _open(qtbot, w, line)
    assert w.bench.rules.default.min_area == 300  # the run brought predict's rules
    assert _states(w) == verdicts
    counts = w.bench.store.counts()
    assert {k: counts[ImageState(k)] for k in ("OK", "REVIEW", "NG")} == \
        {k: Counter(verdicts.values())[k] for k in ("OK", "REVIEW", "NG")}
    assert f"{counts[ImageState.REVIEW]} to review" in w.status.counts.text()

    # the review queue steps through REVIEW images only, in list order, and stops at the end
    expected = [r for r in w.bench.store.rows(Filter.REVIEW) if r > 0]
    w.list_panel.select(0)
    seen = []
    for _ in range(len(expected) + 1):
        w.actions_["next_review"].trigger()
        seen.append(w.bench.current_row)
    assert expected and seen == expected + expected[-1:]

    # an exclude region over everything: nothing counts, every image OK; kept with the run
    h, wd = w.bench.result(0).image_size
    assert w.bench.add_region("exclude", [(0, 0), (wd, 0), (wd, h), (0, h)])
    assert set(_states(w).values()) == {"OK"}
    w.close()
    again = make_window()
    _open(qtbot, again, line)
    assert len(again.bench.rules.regions.exclude) == 1
    assert set(_states(again).values()) == {"OK"}


def test_a_run_from_before_defect_tables_is_filled_in_and_decided_by_size(qtbot, make_window, line, tmp_path,
                                                                          capsys):
    """Rows an older version stored without defect tables: shown at once (scores only),
    their tables computed in the background and written back; then the size rule applies."""
    import sqlite3

    verdicts = _predict_with_rules(line, tmp_path, capsys)
    index = next((tmp_path / "work" / "runs").glob("*/index.sqlite"))
    con = sqlite3.connect(index)
    con.execute("UPDATE images SET defects = NULL")  # as an older version wrote them
    con.commit()

    def tables_stored() -> int:
        return con.execute("SELECT count(*) FROM images WHERE defects IS NOT NULL").fetchone()[0]

    try:
        assert tables_stored() == 0
        w = make_window()
        _open(qtbot, w, line)
        qtbot.waitUntil(lambda: tables_stored() == len(verdicts), timeout=RUN_TIMEOUT)
        qtbot.waitUntil(lambda: _states(w) == verdicts, timeout=10_000)
    finally:
        con.close()
