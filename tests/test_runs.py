"""The run store (inspectors.runs): round trips, crash safety, staleness, fingerprints,
one writer per run, refused bad input. Synthetic results; one test runs the bundled classifier."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from inspectors.assets import models_dir
from inspectors.errors import InspectorError
from inspectors.results import (
    ClassificationResult,
    DetectionResult,
    Outcome,
    SegmentationResult,
    StageTimings,
    defect_class_scores,
)
from inspectors.runs import (
    SCHEMA_VERSION,
    DecisionSettings,
    RunBusyError,
    RunCorruptError,
    RunSchemaError,
    RunStore,
)
from inspectors.runs.fingerprint import file_key

ROOT = Path(__file__).resolve().parents[1]
BUNDLED_CLS = ROOT / "models" / "neu_cls_resnet_small"
SEG_NAMES = ("background", "scratch", "pit", "stain")
DET_NAMES = ("crack", "dent")
CLS_NAMES = ("ok", "Cr", "In")


def fake_model(path: Path, weights: bytes = b"weights-v1") -> Path:
    """A PaddleClas-shaped folder (config from the bundled model, tiny program / weights)."""
    path.mkdir(parents=True, exist_ok=True)
    shutil.copy(BUNDLED_CLS / "inference.yml", path / "inference.yml")
    (path / "inference.pdmodel").write_bytes(b"program")
    (path / "inference.pdiparams").write_bytes(weights)
    return path


def make_images(folder: Path, n: int) -> list:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        p = folder / f"img_{i:03d}.png"
        p.write_bytes(b"\x89PNG fake image %d" % i)
        paths.append(p)
    return paths


def seg_result(seed: int, h: int = 64, w: int = 160) -> SegmentationResult:
    rng = np.random.default_rng(seed)
    lm = np.zeros((h, w), np.uint8)
    for cid in (1, 2, 3):
        y, x = rng.integers(0, h - 10), rng.integers(0, w - 20)
        lm[y:y + rng.integers(2, 10), x:x + rng.integers(2, 20)] = cid
    lm[0, 0] = 255  # an ignore pixel survives too
    conf = rng.random((h, w), dtype=np.float32) * 0.6 + 0.4
    return SegmentationResult(lm, SEG_NAMES, conf)


def det_result(seed: int) -> DetectionResult:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 6))
    xy = rng.random((n, 2), dtype=np.float32) * 100
    wh = rng.random((n, 2), dtype=np.float32) * 50
    return DetectionResult(np.concatenate([xy, xy + wh], 1), rng.random(n, dtype=np.float32),
                           rng.integers(0, 2, n), DET_NAMES, (200, 300))


def cls_result(seed: int) -> ClassificationResult:
    p = np.random.default_rng(seed).random(3).astype(np.float32)
    return ClassificationResult(p / p.sum(), CLS_NAMES, (64, 64))


@pytest.fixture
def setup(tmp_path):
    images = make_images(tmp_path / "images", 6)
    model = fake_model(tmp_path / "model")
    return RunStore(tmp_path / "store"), tmp_path / "images", model, images


def test_round_trip_all_kinds(setup):
    store, folder, model, images = setup
    timings = StageTimings(0.01, 0.02, 0.3, 0.04)
    makers = {"seg": seg_result, "det": det_result, "cls": cls_result}
    for kind, make in makers.items():
        with store.open(folder, model, {"threads": 2}) as run:
            originals = {}
            for i, p in enumerate(images):
                res = make(i + 10)
                originals[p] = res
                run.put(Outcome(str(p), result=res, timings=timings))
            run.put(Outcome(str(images[0]), error="cannot decode"))
            for p, res in originals.items():
                got = run.get(str(p))
                if p == images[0]:
                    assert not got.ok and got.error == "cannot decode"
                    continue
                assert got.path == str(p) and got.timings == timings
                r = got.result
                assert type(r) is type(res) and r.class_names == res.class_names
                if kind == "seg":
                    np.testing.assert_array_equal(r.label_map, res.label_map)
                    assert np.abs(r.confidence - res.confidence).max() <= 1 / 255 / 2 + 1e-6
                elif kind == "det":
                    np.testing.assert_array_equal(r.boxes, res.boxes)
                    np.testing.assert_array_equal(r.scores, res.scores)
                    np.testing.assert_array_equal(r.class_ids, res.class_ids)
                    assert r.image_size == res.image_size
                else:
                    np.testing.assert_array_equal(r.probabilities, res.probabilities)
                    assert r.clean_ids == res.clean_ids == (0,)
            s = run.summaries(histograms=kind == "seg")
            assert len(s) == len(images) and not s.ok[0] and s.ok[1:].all()
            assert s.errors == {images[0].name: "cannot decode"}
            for i, rel in enumerate(s.rels[1:], 1):
                ref = defect_class_scores(originals[folder / rel])
                np.testing.assert_array_equal(s.scores[i], ref)
            if kind == "seg":
                res = originals[images[2]]
                hist = s.histograms[s.rels.index(images[2].name)]
                for cid in range(4):  # pixels of class cid at confidence >= 0.7, counted directly
                    want = int(((res.label_map == cid) & (res.confidence >= np.float32(0.7))).sum())
                    assert int(hist[cid, 70:].sum()) == want
                    assert int(hist[cid].sum()) == int((res.label_map == cid).sum())
        shutil.rmtree(store.root)  # each kind in a fresh store (one class list per run)


def test_missing_mask_file_is_a_message(setup):
    store, folder, model, images = setup
    with store.open(folder, model) as run:
        run.put(Outcome(str(images[1]), result=seg_result(1)))
        run.put(Outcome(str(images[2]), result=seg_result(2)))
        for f in (run.path / "masks").iterdir():
            if f.name.endswith(".conf.png"):
                f.unlink()
                break
        failed = []
        for p in images[1:3]:
            try:
                run.get(p.name)
            except RunCorruptError as e:
                failed.append(str(e))
        assert len(failed) == 1 and "is missing" in failed[0] and "\n" not in failed[0]
        assert len(run.summaries()) == 2  # the summaries do not need the masks


def test_stale_and_missing(setup):
    store, folder, model, images = setup
    with store.open(folder, model) as run:
        for i, p in enumerate(images[:4]):
            run.put(Outcome(str(p), result=cls_result(i)))
        images[1].write_bytes(b"edited, another size")
        st = os.stat(images[2])
        os.utime(images[2], ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
        status = run.status_of(str(p) for p in images)
    assert status.done == [str(images[0]), str(images[3])]
    assert status.stale == [str(images[1]), str(images[2])]
    assert status.missing == [str(images[4]), str(images[5])]


def test_a_touched_file_with_the_same_bytes_keeps_its_result(setup):
    """The digest taken before reading: a new mtime with the same bytes is done (and its
    new mtime recorded by the writer); the same size with other bytes is stale."""
    store, folder, model, images = setup
    with store.open(folder, model) as run:
        for i, p in enumerate(images[:3]):
            run.put(Outcome(str(p), result=cls_result(i)), *file_key(p))
        for p in images[:2]:
            st = os.stat(p)
            os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns + 7_000_000_000))
        data = bytearray(images[1].read_bytes())
        data[-1] ^= 0xFF  # same size, one byte changed
        images[1].write_bytes(bytes(data))
        os.utime(images[1], ns=(0, os.stat(images[0]).st_mtime_ns))
        status = run.status_of(str(p) for p in images[:3])
        assert status.done == [str(images[0]), str(images[2])] and status.stale == [str(images[1])]
    assert hashlib.blake2b(images[0].read_bytes(), digest_size=16).hexdigest() == file_key(images[0])[2]
    with store.open(folder, model, write=False) as reader:  # the writer recorded the new mtime
        assert reader.status_of([str(images[0])]).done == [str(images[0])]
        with reader._tx() as con:
            (m,) = con.execute("SELECT mtime_ns FROM images WHERE rel = ?", (images[0].name,)).fetchone()
        assert m == os.stat(images[0]).st_mtime_ns


def test_reopen_keeps_results_and_decision_settings(setup):
    store, folder, model, images = setup
    with store.open(folder, model, {"threads": 2}) as run:
        rid = run.run_id
        run.put(Outcome(str(images[0]), result=det_result(3)))
        run.decision_settings = DecisionSettings(0.3, {"dent": 0.8}, ("crack",))
    with store.open(folder, model, {"threads": 4}) as run:
        assert run.run_id == rid and len(run) == 1
        assert run.decision_settings == DecisionSettings(0.3, {"dent": 0.8}, ("crack",))
        assert run.decision_settings.thresholds().for_class(1, DET_NAMES) == pytest.approx(0.8)
        assert run.meta["settings"] == {"threads": 4}
    [info] = store.runs(folder)
    assert info.run_id == rid and info.images_done == 1 and info.folder == os.path.realpath(folder)
    assert store.runs(folder / "..") == []
    store.delete(rid)
    assert store.runs() == []


def test_changed_weights_make_a_new_run(setup):
    store, folder, model, images = setup
    with store.open(folder, model) as a:
        a.put(Outcome(str(images[0]), result=cls_result(0)))
        first = a.run_id
    (model / "inference.pdiparams").write_bytes(b"weights-v2")
    with store.open(folder, model) as b:
        assert b.run_id != first and len(b) == 0
    (model / "inference.pdiparams").write_bytes(b"weights-v1")
    with store.open(folder, model) as c:
        assert c.run_id == first and len(c) == 1
    (model / "MODEL_CARD.md").write_text("notes do not change the model")
    with store.open(folder, model) as d:
        assert d.run_id == first
    assert {i.run_id for i in store.runs(folder)} == {first, b.run_id}


def test_store_inside_image_folder_refused(setup):
    _, folder, model, _ = setup
    with pytest.raises(InspectorError, match="inside the source folder"):
        RunStore(folder / "runs").open(folder, model)


def test_newer_schema_refused_other_runs_fine(setup, tmp_path):
    store, folder, model, images = setup
    other = make_images(tmp_path / "other", 1)
    with store.open(folder, model) as run:
        run.put(Outcome(str(images[0]), result=cls_result(0)))
        path = run.path
    with store.open(tmp_path / "other", model) as ok_run:
        ok_run.put(Outcome(str(other[0]), result=cls_result(1)))
    con = sqlite3.connect(path / "index.sqlite")
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.close()
    for write in (True, False):
        with pytest.raises(RunSchemaError, match=r"newer Defect Inspector \(schema 2"):
            store.open(folder, model, write=write)
    with store.open(tmp_path / "other", model, write=False) as ok_run:
        assert len(ok_run) == 1
    infos = {i.run_id: i for i in store.runs()}
    assert "newer" in infos[path.name].problem and infos[ok_run.run_id].problem is None


def test_corrupt_index_is_a_message_other_runs_fine(setup, tmp_path):
    store, folder, model, images = setup
    other = make_images(tmp_path / "other", 1)
    with store.open(folder, model) as run:
        run.put(Outcome(str(images[0]), result=cls_result(0)))
        path = run.path
    with store.open(tmp_path / "other", model) as ok_run:
        ok_run.put(Outcome(str(other[0]), result=cls_result(1)))
    for f in path.glob("index.sqlite*"):
        f.unlink()
    (path / "index.sqlite").write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(RunCorruptError, match="not a readable run index") as e:
        store.open(folder, model)
    assert "\n" not in str(e.value)
    with store.open(tmp_path / "other", model) as again:
        assert again.get(other[0].name).ok
    broken = [i for i in store.runs() if i.problem]
    assert [b.run_id for b in broken] == [path.name]
    store.delete(path.name)
    with store.open(folder, model) as fresh:
        assert len(fresh) == 0


# ------------------------------------------------------------------ other processes
WRITER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {root!r})
    sys.path.insert(0, {tests!r})
    from test_runs import seg_result
    from inspectors.results import Outcome
    from inspectors.runs import RunStore
    store, folder, model, mode = RunStore(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    import os
    names = sorted(os.listdir(folder))
    with store.open(folder, model, {{"who": "child"}}) as run:
        if mode == "hold":
            print("ready", flush=True)
            time.sleep(60)
        for i, name in enumerate(names):
            run.put(Outcome(os.path.join(folder, name), result=seg_result(i, 256, 400)))
            print(i, flush=True)
""")


def _writer(tmp_path, store, folder, model, mode):
    script = tmp_path / "writer.py"
    script.write_text(WRITER.format(root=str(ROOT), tests=str(ROOT / "tests")))
    return subprocess.Popen([sys.executable, str(script), str(store.root), str(folder), str(model), mode],
                            stdout=subprocess.PIPE, text=True)


def test_sigkill_mid_run_leaves_a_consistent_run(tmp_path):
    folder = tmp_path / "images"
    images = make_images(folder, 40)
    model = fake_model(tmp_path / "model")
    store = RunStore(tmp_path / "store")
    rng = np.random.default_rng(0)
    for attempt in range(3):
        proc = _writer(tmp_path, store, folder, model, "run")
        seen = 0
        stop_after = int(rng.integers(2, 12))
        while seen < stop_after:
            line = proc.stdout.readline()
            if not line:
                break
            seen += 1
        time.sleep(float(rng.random()) * 0.02)  # somewhere inside the next put
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        with store.open(folder, model) as run:  # the writer's open sweeps orphans
            rels = run.rels()
            assert len(rels) >= seen if attempt == 0 else len(rels) > 0
            names = sorted(p.name for p in images)
            referenced = set()
            for rel in rels:
                got = run.get(rel).result
                ref = seg_result(names.index(rel), 256, 400)
                np.testing.assert_array_equal(got.label_map, ref.label_map)
                assert np.abs(got.confidence - ref.confidence).max() <= 0.5 / 255 + 1e-6
                referenced.add(rel)
            files = {f.name for f in (run.path / "masks").iterdir()}
            assert len(files) == 2 * len(rels)  # no orphans, no row without its files
            s = run.summaries()
            for i, rel in enumerate(s.rels):
                ref = seg_result(names.index(rel), 256, 400)
                np.testing.assert_array_equal(s.scores[i], defect_class_scores(ref))
    # finishing the run gives what an uninterrupted run stores
    proc = _writer(tmp_path, store, folder, model, "run")
    proc.communicate(timeout=120)
    with store.open(folder, model, write=False) as run:
        assert len(run) == 40


def test_second_writer_is_told_who_writes(tmp_path):
    folder = tmp_path / "images"
    make_images(folder, 2)
    model = fake_model(tmp_path / "model")
    store = RunStore(tmp_path / "store")
    proc = _writer(tmp_path, store, folder, model, "hold")
    try:
        assert proc.stdout.readline().strip() == "ready"
        with pytest.raises(RunBusyError, match=rf"process {proc.pid} \(writer.py"):
            store.open(folder, model)
        with pytest.raises(RunBusyError):
            store.delete(store.runs()[0].run_id)
        with store.open(folder, model, write=False) as reader:  # readers never block
            assert reader.meta["settings"] == {"who": "child"}
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
    with store.open(folder, model) as run:  # the lock went with the process
        assert run.writable


def test_reader_cannot_write(setup):
    store, folder, model, images = setup
    store.open(folder, model).close()
    with store.open(folder, model, write=False) as run, pytest.raises(InspectorError, match="reading"):
        run.put(Outcome(str(images[0]), result=cls_result(0)))


def test_bundled_classifier_through_the_engine(tmp_path):
    pytest.importorskip("paddle")
    from inspectors.engine import Inspector
    from inspectors.formats import load_model_spec
    from inspectors.imageio import write_image

    folder = tmp_path / "images"
    folder.mkdir()
    rng = np.random.default_rng(1)
    for i in range(3):
        write_image(folder / f"s{i}.png", rng.integers(0, 255, (128, 128, 3), dtype=np.uint8))
    (folder / "broken.png").write_bytes(b"not an image")
    model = models_dir() / "neu_cls_resnet_small"
    spec = load_model_spec(model)
    paths = sorted(str(p) for p in folder.iterdir())
    outcomes = list(Inspector(spec).run(paths))
    store = RunStore(tmp_path / "store")
    with store.open(folder, model, {"device": "cpu"}) as run:
        for o in outcomes:
            run.put(o)
    with store.open(folder, model, write=False) as run:
        assert run.meta["task"] == "classification" and run.class_names == spec.class_names
        for o in outcomes:
            got = run.get(o.path)
            assert got.ok == o.ok and got.error == o.error
            if o.ok:
                np.testing.assert_array_equal(got.result.probabilities, o.result.probabilities)
                assert got.result.class_id == o.result.class_id
        st = run.status_of(paths)
        assert st.done == paths and not st.missing and not st.stale
    json.dumps(store.runs()[0].settings)


def test_full_disk_is_a_message_and_leaves_nothing(setup, monkeypatch):
    store, folder, model, images = setup
    with store.open(folder, model) as run:
        run.put(Outcome(str(images[0]), result=seg_result(0)))
        before = sorted(f.name for f in (run.path / "masks").iterdir())
        import inspectors.runs.codec as store_module  # where the mask files are written

        calls = []

        def full(path, data):
            if calls:
                raise OSError(28, "No space left on device")
            calls.append(path)
            return real(path, data)

        real = store_module.atomic_write_bytes
        monkeypatch.setattr(store_module, "atomic_write_bytes", full)
        with pytest.raises(InspectorError, match="cannot store img_001.png: No space left on device"):
            run.put(Outcome(str(images[1]), result=seg_result(1)))
        monkeypatch.undo()
        assert sorted(f.name for f in (run.path / "masks").iterdir()) == before  # label file removed
        assert run.rels() == [images[0].name]
        np.testing.assert_array_equal(run.get(images[0].name).result.label_map, seg_result(0).label_map)
