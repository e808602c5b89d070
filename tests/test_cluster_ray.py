"""``predict`` / ``evaluate --cluster ray`` (issue 16).

The cluster tests start a real two-node Ray cluster on this machine (``ray start --head``,
then a second ``ray start --address``, one CPU and one temp folder each), run ``predict``
over a few hundred images with the bundled classifier, SIGKILL the actor on the second node
in the middle, and check the run: every image exactly once, equal to a local run's, and a
second run infers nothing. They skip when the cluster extra (ray) is not installed; the
nodes are killed (their whole process trees) at the end, whatever happened.

The model-payload and worker tests need no Ray: they call the actor's code directly.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List

import cv2
import numpy as np
import pytest

from inspectors.cli import main as cli_main
from inspectors.cluster.payload import ModelFolder, model_payload, rebuild
from inspectors.cluster.worker import InspectWorker
from inspectors.errors import ModelFormatError
from inspectors.runs import RunStore
from inspectors.runs.fingerprint import file_key, model_fingerprint, run_id
from inspectors.runs.location import runs_root
from inspectors.runtime import RuntimeSettings

ROOT = Path(__file__).resolve().parents[1]
CLS_MODEL = ROOT / "models" / "neu_cls_resnet_small"
DEMO_CLS = ROOT / "resources" / "demo" / "neu_cls"
HAS_RAY = importlib.util.find_spec("ray") is not None
needs_ray = pytest.mark.skipif(not HAS_RAY, reason="the cluster extra is not installed (pip install -e '.[cluster]')")
on_linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="node processes are found through /proc")
REUSE = re.compile(r"(\d+) images already in run ([0-9a-f]+) \(reused\), (\d+) stale re-run, (\d+) new"
                   r"(?:, (\d+) that failed before retried)?")
N_IMAGES = 600


def wait_for(condition: Callable[[], object], timeout: float, what: str, interval: float = 0.05):
    """Poll ``condition`` until it returns something true; fail the test after ``timeout``."""
    end = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > end:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


# ---------------------------------------------------------------- processes (/proc)
def _children() -> Dict[int, List[int]]:
    kids: Dict[int, List[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", encoding="utf-8", errors="replace") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        kids.setdefault(ppid, []).append(int(d))
    return kids


def process_tree(root: int) -> List[int]:
    kids, out, stack = _children(), [], [root]
    while stack:
        pid = stack.pop()
        out.append(pid)
        stack += kids.get(pid, [])
    return out


def cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def actors_under(root: int) -> List[int]:
    """The Ray Data actor processes (ours: MapWorker of InspectWorker) of a node."""
    return [p for p in process_tree(root) if cmdline(p).startswith("ray::MapWorker(MapBatches(InspectWorker))")]


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8", errors="replace") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


# ---------------------------------------------------------------- the cluster
def free_port() -> int:
    """A free TCP port outside Ray's default worker port range (10002-19999)."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if not 10002 <= port <= 19999:
            return port


class TwoNodeCluster:
    """A head and a second node started with ``ray start --block`` on this machine."""

    def __init__(self) -> None:
        # short: Ray's unix sockets live under the temp dir (a 107-character limit)
        self.dir = Path(tempfile.mkdtemp(prefix="di-ray-", dir="/tmp"))
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.procs: Dict[str, subprocess.Popen] = {}
        self.ray = str(Path(sys.executable).with_name("ray"))
        # token authentication with this cluster's own token: every node and every driver
        # (the commands under test) gets it through the environment, whatever ~/.ray holds
        token = self.dir / "auth_token"
        token.write_text(secrets.token_hex(32))
        self.env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "token",
                    "RAY_AUTH_TOKEN_PATH": str(token)}

    def log(self, name: str) -> str:
        path = self.dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def _start(self, name: str, *args: str) -> None:
        with open(self.dir / f"{name}.log", "wb") as log:
            self.procs[name] = subprocess.Popen(
                [self.ray, "start", "--block", "--num-cpus", "1", "--temp-dir", str(self.dir / name),
                 "--disable-usage-stats", "--dashboard-agent-listen-port", str(free_port()), *args],
                stdout=log, stderr=subprocess.STDOUT, env=self.env, start_new_session=True, cwd=self.dir)

    def _started(self, name: str) -> bool:
        if self.procs[name].poll() is not None:
            pytest.fail(f"ray start ({name}) exited with {self.procs[name].returncode}:\n{self.log(name)[-3000:]}")
        return "Ray runtime started" in self.log(name)

    def start(self) -> None:
        self._start("head", "--head", "--port", str(self.port), "--include-dashboard=false",
                    "--dashboard-port", str(free_port()))
        wait_for(lambda: self._started("head"), 120, "the Ray head", 0.2)
        self._start("node2", "--address", self.address)
        wait_for(lambda: self._started("node2"), 120, "the second Ray node", 0.2)

        def two_nodes() -> bool:
            out = subprocess.run([self.ray, "status", "--address", self.address], capture_output=True,
                                 text=True, timeout=60, env=self.env).stdout
            return len(re.findall(r"^\s*1 node_[0-9a-f]+", out, re.M)) == 2

        wait_for(two_nodes, 60, "two active nodes in `ray status`", 1.0)

    def node_root(self, name: str) -> int:
        return self.procs[name].pid

    def stop(self) -> None:
        """SIGKILL both nodes' process trees (actors included), then remove the temp folder."""
        pids = [p for proc in self.procs.values() for p in process_tree(proc.pid)]
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        for proc in self.procs.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=30)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def cluster():
    c = TwoNodeCluster()
    try:
        c.start()
        yield c
    finally:
        c.stop()


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    """A few hundred small gray strips (and one file that is not an image)."""
    src = tmp_path_factory.mktemp("archive") / "line 7"
    (src / "b").mkdir(parents=True)
    rng = np.random.default_rng(16)
    for i in range(N_IMAGES - 1):
        img = cv2.GaussianBlur(rng.integers(0, 255, (240, 320), dtype=np.uint8), (0, 0), 1 + i % 5)
        cv2.imwrite(str(src / ("b" if i % 3 else ".") / f"strip_{i:04d}.png"), img)
    (src / "b" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    return src


def cli(cluster: TwoNodeCluster, *args, timeout: float = 300) -> subprocess.CompletedProcess:
    """``python main.py ...`` as a driver of the cluster, in its own process."""
    return subprocess.run([sys.executable, "main.py", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, env=cluster.env)


def stored(work_dir: Path, rid: str) -> Dict[str, tuple]:
    """rel -> (status, error, result or None, written) of every row of a run."""
    out = {}
    with RunStore(runs_root(work_dir)).open_id(rid) as run:
        with sqlite3.connect(f"file:{run.path / 'index.sqlite'}?mode=ro", uri=True) as con:
            written = dict(con.execute("SELECT rel, written FROM images"))
        for rel in run.rels():
            o = run.get(rel)
            out[rel] = (o.ok, o.error, o.result, written[rel])
    return out


def row_count(index: Path) -> int:
    if not index.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{index}?mode=ro", uri=True, timeout=1) as con:
            return con.execute("SELECT count(*) FROM images").fetchone()[0]
    except sqlite3.Error:
        return 0


def assert_same_results(local: Dict[str, tuple], remote: Dict[str, tuple]) -> None:
    assert sorted(remote) == sorted(local)
    for rel, (ok, error, result, _w) in local.items():
        r_ok, r_error, r_result, _rw = remote[rel]
        assert r_ok == ok, (rel, error, r_error)
        if not ok:
            continue
        assert r_result.class_names == result.class_names
        assert r_result.class_id == result.class_id, rel
        np.testing.assert_allclose(r_result.probabilities, result.probabilities, atol=1e-5, err_msg=rel)


# ---------------------------------------------------------------- without Ray
def test_payload_rebuilds_the_same_model(tmp_path):
    payload = model_payload(CLS_MODEL)
    spec, fingerprint = model_fingerprint(CLS_MODEL)
    assert payload.fingerprint == fingerprint
    assert {"inference.pdmodel", "inference.pdiparams", "inference.yml"} <= set(payload.files)
    assert "MODEL_CARD.md" not in payload.files  # notes do not travel
    rebuilt = rebuild(payload, tmp_path / "m")
    assert model_fingerprint(tmp_path / "m")[1] == fingerprint
    assert (rebuilt.task, rebuilt.class_names) == (spec.task, spec.class_names)
    # the model given as its config file loads the same way
    assert model_payload(CLS_MODEL / "inference.yml").entry == "inference.yml"


def test_payload_that_loads_to_another_model_is_refused(tmp_path):
    payload = model_payload(CLS_MODEL)
    files = dict(payload.files)
    files["inference.yml"] = files["inference.yml"].replace(b"- Sc", b"- scratch")
    other = type(payload)(files, payload.entry, payload.fingerprint, payload.task, payload.class_names)
    with pytest.raises(ModelFormatError, match="not the driver's classification model"):
        rebuild(other, tmp_path / "m")
    folder = ModelFolder(payload)
    assert folder.spec.class_names == payload.class_names
    folder.close()
    assert not folder.path.exists()


def test_worker_keys_each_image_and_tells_an_unreadable_one(tmp_path):
    good, broken = tmp_path / "good.png", tmp_path / "broken.png"
    cv2.imwrite(str(good), np.full((64, 64), 90, np.uint8))
    broken.write_bytes(b"not an image")
    missing = tmp_path / "not mounted here" / "gone.png"
    worker = InspectWorker(model_payload(CLS_MODEL), RuntimeSettings(threads=1))
    try:
        records = worker.inspect([str(good), str(missing), str(broken)])
        assert [o.path for o, _k in records] == [str(good), str(missing), str(broken)]
        (ok, ok_key), (gone, gone_key), (bad, bad_key) = records
        assert ok.ok and ok_key == file_key(good)
        assert not gone.ok and gone_key is None
        assert "cannot open" in gone.error and "gone.png" in gone.error
        assert "filesystem every node" in gone.error and "\n" not in gone.error
        assert not bad.ok and bad_key == file_key(broken)  # read, failed: stored as its error
        # a batch as Ray Data gives it
        out = worker({"path": np.array([str(good), str(broken)], dtype=object)})
        assert list(out["path"]) == [str(good), str(broken)] and len(out["record"]) == 2
    finally:
        worker.folder.close()


@pytest.mark.parametrize("extra, message", [
    (["--address", "127.0.0.1:1"], "--address needs --cluster ray"),
    (["--actors", "2", "--cpus-per-actor", "1"], "--actors, --cpus-per-actor need --cluster ray"),
    (["--cluster", "ray", "--actors", "0"], "argument --actors: must be 1 or more, got 0"),
    (["--cluster", "ray", "--cpus-per-actor", "0"], "--cpus-per-actor must be a number above 0, got 0"),
    (["--cluster", "ray", "--gpus-per-actor", "-1"], "--gpus-per-actor must be 0 or more, got -1"),
    (["--cluster", "ray", "--address", "nohost"], "--address must be HOST:PORT"),
])
def test_bad_cluster_arguments_are_one_line_exit_2(capsys, tmp_path, extra, message):
    argv = ["predict", "--model", str(CLS_MODEL), "--input", str(DEMO_CLS), "--out", str(tmp_path / "o"),
            "--work-dir", str(tmp_path / "w"), "-q", *extra]
    try:
        code = cli_main(argv)
    except SystemExit as e:  # argparse's own refusal
        code = e.code
    err = capsys.readouterr().err
    if not HAS_RAY and "needs Ray" in err:
        pytest.skip("without ray the cluster extra is asked for first")
    assert code == 2, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0], err
    assert not (tmp_path / "o").exists()


def test_without_ray_the_cli_imports_and_cluster_asks_for_the_extra(tmp_path):
    """The base install: nothing imports ray until --cluster ray, which then says what to install."""
    block = "import sys; sys.modules['ray'] = None; "  # `import ray` raises ImportError
    code = block + ("import inspectors.cli, inspectors.cli.predict, inspectors.cluster.driver, "
                    "inspectors.cluster.worker; assert 'ray' not in [m for m in sys.modules if sys.modules[m]]")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=120)
    argv = ["predict", "--cluster", "ray", "--model", str(CLS_MODEL), "--input", str(DEMO_CLS),
            "--out", str(tmp_path / "o"), "--work-dir", str(tmp_path / "w")]
    run = subprocess.run([sys.executable, "-c", block + f"from inspectors.cli import main; sys.exit(main({argv!r}))"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 2, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "needs Ray" in lines[0] and ".[cluster]" in lines[0], run.stderr
    assert not (tmp_path / "o").exists()


@needs_ray
def test_unreachable_address_is_one_line(capsys, tmp_path):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    t0 = time.monotonic()
    code = cli_main(["predict", "--cluster", "ray", "--address", f"127.0.0.1:{port}", "--model", str(CLS_MODEL),
                     "--input", str(DEMO_CLS), "--out", str(tmp_path / "o"), "--work-dir", str(tmp_path / "w")])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.strip().splitlines() == [f"error: cannot reach a Ray cluster at 127.0.0.1:{port}: Connection refused"]
    assert time.monotonic() - t0 < 30


# ---------------------------------------------------------------- on the two-node cluster
@needs_ray
@on_linux
def test_predict_on_two_nodes_survives_a_killed_worker_and_resumes(cluster, archive, tmp_path, capsys):
    # the reference: a local run of the same model over the same images
    local_wd = tmp_path / "local"
    code = cli_main(["predict", "--model", str(CLS_MODEL), "--input", str(archive), "--out", str(tmp_path / "lo"),
                     "--work-dir", str(local_wd), "--threads", "1", "-q"])
    assert code == 0, capsys.readouterr().err
    rid = run_id(archive, model_fingerprint(CLS_MODEL)[1])
    local = stored(local_wd, rid)
    assert len(local) == N_IMAGES and sum(not v[0] for v in local.values()) == 1

    wd = tmp_path / "cluster"
    index = runs_root(wd) / rid / "index.sqlite"
    args = ["predict", "--cluster", "ray", "--address", cluster.address, "--actors", "2",
            "--cpus-per-actor", "1", "--threads", "1", "--images-per-task", "8",
            "--model", CLS_MODEL, "--input", archive, "--out", tmp_path / "co", "--work-dir", wd]
    err_file = tmp_path / "cluster.err"
    with open(err_file, "w") as err:
        proc = subprocess.Popen([sys.executable, "main.py", *map(str, args)], cwd=ROOT, stderr=err,
                                stdout=subprocess.DEVNULL, env=cluster.env)
    try:
        def running(condition):
            def check():
                if proc.poll() is not None:
                    pytest.fail(f"predict ended early ({proc.returncode}): {err_file.read_text()[-3000:]}")
                return condition()
            return check

        # one actor per node (each node has one CPU); the one on the second node is the victim
        victims = wait_for(running(lambda: actors_under(cluster.node_root("node2"))), 120,
                           "an actor on the second node")
        wait_for(running(lambda: row_count(index) >= 1), 120, "the first stored results")
        done_at_kill = row_count(index)
        os.kill(victims[0], signal.SIGKILL)
        wait_for(lambda: not alive(victims[0]), 10, "the killed actor to exit")
        assert proc.wait(timeout=240) == 0, err_file.read_text()[-3000:]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    err = err_file.read_text()
    assert done_at_kill < N_IMAGES, "the actor was killed after the run had finished"
    assert "cluster: Ray at " + cluster.address + ", 2 actors x 1 CPUs" in err
    m = REUSE.search(err)
    assert m and (m.group(1), m.group(2), m.group(4)) == ("0", rid, str(N_IMAGES)), err

    remote = stored(wd, rid)  # every image exactly once (rel is the key), equal to the local run
    assert_same_results(local, remote)
    assert (tmp_path / "co" / "summary.csv").read_text().count("\n") == N_IMAGES + 1
    assert "broken.png" in err and "could not be inspected (1)" in err

    # resumable: a second run reuses every stored image; only the failed one is tried again
    again = cli(cluster, "predict", "--cluster", "ray", "--address", cluster.address, "--actors", "1",
                "--cpus-per-actor", "1", "--threads", "1", "--model", CLS_MODEL, "--input", archive,
                "--out", tmp_path / "co", "--work-dir", wd, "-q")
    assert again.returncode == 0, again.stderr
    m = REUSE.search(again.stderr)
    assert m and m.groups() == (str(N_IMAGES - 1), rid, "0", "0", "1"), again.stderr
    after = stored(wd, rid)
    assert {rel: v[3] for rel, v in after.items() if v[0]} == {rel: v[3] for rel, v in remote.items() if v[0]}
    assert_same_results(local, after)


@needs_ray
@on_linux
def test_evaluate_on_the_cluster_equals_local(cluster, tmp_path, capsys):
    code = cli_main(["evaluate", "--model", str(CLS_MODEL), "--data", str(DEMO_CLS), "--out", str(tmp_path / "lo"),
                     "--work-dir", str(tmp_path / "wl"), "--threads", "1", "--worst", "0"])
    assert code == 0, capsys.readouterr().err
    done = cli(cluster, "evaluate", "--cluster", "ray", "--address", cluster.address, "--cpus-per-actor", "1",
               "--threads", "1", "--model", CLS_MODEL, "--data", DEMO_CLS, "--out", tmp_path / "co",
               "--work-dir", tmp_path / "wc", "--worst", "0", "-q")
    assert done.returncode == 0, done.stderr
    assert "cluster: Ray at " + cluster.address + ", 2 actors" in done.stderr  # one per CPU of the cluster
    local = json.loads((tmp_path / "lo" / "metrics.json").read_text())
    remote = json.loads((tmp_path / "co" / "metrics.json").read_text())
    assert remote["metrics"]["accuracy"] == local["metrics"]["accuracy"]
    assert remote["metrics"]["confusion_matrix"] == local["metrics"]["confusion_matrix"]
    assert remote["data"]["evaluated"] == local["data"]["evaluated"] > 0


@needs_ray
@on_linux
def test_an_actor_larger_than_any_node_is_one_line(cluster, tmp_path):
    done = cli(cluster, "predict", "--cluster", "ray", "--address", cluster.address, "--cpus-per-actor", "4",
               "--model", CLS_MODEL, "--input", DEMO_CLS, "--out", tmp_path / "o", "--work-dir", tmp_path / "w")
    assert done.returncode == 2, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert lines == ["error: no node of the cluster has 4 CPUs for an actor (the largest has 1 CPUs, 0 GPUs); "
                     "lower --cpus-per-actor / --gpus-per-actor"], done.stderr
    assert not (tmp_path / "o").exists()
