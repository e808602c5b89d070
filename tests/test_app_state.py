"""The Qt-free state (app/state.py) and the worker base (app/workers.py): observers hear
of changes and only of changes; a worker hands over the exception object it raised,
honours cancel and is kept alive by its pool until it has finished."""

import gc
import threading
import weakref

import cv2  # noqa: F401 - imported before Qt so its plugin path can be undone
import pytest

from app.qt_env import prepare_qt_env
from app.state import Event, Evented, EventedModel, ModelStatus, RunState
from inspectors.errors import InspectorError


@pytest.fixture(scope="session", autouse=True)
def _offscreen():
    prepare_qt_env("offscreen")


class Model(EventedModel):
    opened = Event()
    count = Evented(0)
    row = Evented(-1, event="current_changed")


def test_event_calls_every_observer_in_order_with_the_arguments():
    m, seen = Model(), []
    m.opened.connect(lambda *a: seen.append(("first", a)))
    m.opened.connect(lambda *a: seen.append(("second", a)))
    m.opened.emit("folder", 3)
    assert seen == [("first", ("folder", 3)), ("second", ("folder", 3))]


def test_each_instance_has_its_own_events():
    a, b, seen = Model(), Model(), []
    a.opened.connect(seen.append)
    b.opened.emit("b")
    assert seen == [] and a.opened is not b.opened and a.opened is a.opened


def test_disconnect_stops_the_calls():
    m, seen = Model(), []
    m.opened.connect(seen.append)
    m.opened.disconnect(seen.append)
    m.opened.disconnect(seen.append)  # a second time: nothing to do, no error
    m.opened.emit(1)
    assert seen == [] and len(m.opened) == 0


def test_a_failing_observer_does_not_silence_the_others():
    m, seen = Model(), []

    def broken(_v):
        raise ValueError("observer bug")

    m.opened.connect(broken)
    m.opened.connect(seen.append)
    with pytest.raises(ValueError, match="observer bug"):
        m.opened.emit(7)
    assert seen == [7]


def test_evented_field_notifies_on_change_only():
    m, counts, rows = Model(), [], []
    m.count_changed.connect(counts.append)
    m.current_changed.connect(rows.append)
    m.count = 0  # the default: no change
    m.count = 2
    m.count = 2
    m.count = 5
    m.row = 4
    m.row = 4
    assert counts == [2, 5] and rows == [4]
    assert m.count == 5 and m.row == 4 and Model().count == 0


def test_evented_model_sets_fields_quietly_and_knows_them():
    seen = []
    m = Model(count=3)
    m.count_changed.connect(seen.append)
    assert m.count == 3 and seen == [] and Model.fields() == ["count", "row"]
    with pytest.raises(TypeError):
        Model(nothing=1)


def test_states_are_one_definition_that_reads_as_text():
    assert RunState.IDLE == "idle" and str(RunState.PAUSED) == "paused" and f"{ModelStatus.FAILED}" == "failed"


def test_bench_current_row_is_evented(tmp_path):
    from app.model_manager import ModelManager
    from app.workbench import Workbench

    bench, rows = Workbench(ModelManager(), tmp_path), []
    bench.current_changed.connect(rows.append)
    bench.set_current(0)  # no images: nothing changes
    assert rows == [] and bench.current_row == -1
    bench.store.set_images([str(tmp_path / "a.png"), str(tmp_path / "b.png")])
    bench.set_current(1)
    bench.set_current(1)
    assert rows == [1]
    bench.io_pool.wait(5000)


# -- the worker base ---------------------------------------------------------------------

class Boom(InspectorError):
    pass


def test_worker_hands_over_the_raised_exception_object(qtbot):
    from app.workers import FunctionWorker, WorkerPool, error_text

    pool, error = WorkerPool(1), Boom("the model file is truncated")

    def fail():
        raise error

    worker = FunctionWorker(fail)
    returned = []
    worker.signals.returned.connect(returned.append)
    with qtbot.waitSignal(worker.signals.errored, timeout=10000) as blocker:
        pool.start(worker)
    assert blocker.args[0] is error and returned == []
    assert error_text(blocker.args[0]) == "the model file is truncated"
    assert error_text(KeyError("x")) == "KeyError: 'x'"
    pool.wait(5000)


def test_worker_returns_and_reports_progress(qtbot):
    from app.workers import FunctionWorker, WorkerPool

    def job(progress, cancel):
        for i in range(3):
            progress(i + 1, 3)
        return "done"

    worker, steps = FunctionWorker(job, with_progress=True), []
    worker.signals.progress.connect(lambda d, t: steps.append((d, t)))
    with qtbot.waitSignal(worker.signals.returned, timeout=10000) as blocker:
        WorkerPool(1).start(worker)
    assert blocker.args == ["done"] and steps == [(1, 3), (2, 3), (3, 3)]


def test_worker_honours_cancel_while_running(qtbot):
    from app.workers import FunctionWorker, WorkerPool

    started, release = threading.Event(), threading.Event()

    def job(progress, cancel):
        started.set()
        release.wait(10)
        return "cancelled" if cancel() else "completed"

    worker = FunctionWorker(job, with_progress=True)
    pool = WorkerPool(1)
    pool.start(worker)
    assert started.wait(10)
    worker.cancel()
    # listen before letting the job finish: a signal emitted with nobody connected is lost
    with qtbot.waitSignal(worker.signals.returned, timeout=10000) as blocker:
        release.set()
    assert blocker.args == ["cancelled"]
    pool.wait(5000)


def test_a_worker_cancelled_before_it_runs_does_no_work(qtbot):
    from app.workers import FunctionWorker, WorkerPool

    calls = []
    worker = FunctionWorker(lambda: calls.append(1))
    worker.cancel()
    with qtbot.waitSignals([worker.signals.aborted, worker.signals.finished], timeout=10000, order="strict"):
        WorkerPool(1).start(worker)
    assert calls == []


def test_pool_keeps_a_running_worker_alive_until_finished(qtbot):
    from app.workers import FunctionWorker, WorkerPool

    gate = threading.Event()
    pool = WorkerPool(1)
    worker = FunctionWorker(lambda: gate.wait(10) and "value")
    finished = worker.signals.finished
    ref = weakref.ref(worker)
    pool.start(worker)
    del worker
    gc.collect()
    assert ref() is not None and pool.running() == 1  # held while it runs
    with qtbot.waitSignal(finished, timeout=10000):
        gate.set()
    qtbot.waitUntil(lambda: pool.running() == 0, timeout=5000)  # the pool let go of it


def test_a_model_that_cannot_load_hands_over_its_exception(qtbot, tmp_path):
    from app.model_manager import ModelManager

    error = Boom("not an exported model")

    def factory(path, settings):
        raise error

    models = ModelManager(factory=factory)
    with qtbot.waitSignal(models.changed, timeout=10000,
                          check_params_cb=lambda mid: models.models[mid].status is ModelStatus.FAILED):
        mid = models.add(str(tmp_path))
    handle = models.models[mid]
    assert handle.error is error and handle.message == "not an exported model"
    assert models.loadable_paths() == [] and models.state() is RunState.IDLE
    models.shutdown(5000)
