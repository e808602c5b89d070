"""Benchmark: several minutes of a simulated line into ``python main.py watch`` (issue 17).

Usage: python bench/bench_line.py [--minutes 3] [--rate 20] [--policy queue] [--queue 16]
                                  [--model models/neu_cls_resnet_small] [--engine paddle]

A thread writes NEU-CLS images (synthetic textures without the shared datasets) into a
watched folder at ``--rate`` images/s, half renamed into place, half written in place in
chunks; the line takes decided files away again (as a plant's archiver would), so the disk
stays bounded. The real ``watch`` command runs as a subprocess (its own process: its RSS
is sampled from /proc every 10 s). At the end: SIGTERM, then the figures: images written /
decided / decided twice (must be 0), latency from the file being complete to its verdict
(p50 / p99, first minute vs last minute), drops, and RSS over time with the growth from
the first to the last third (flat: a few MB at most).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import List, Tuple

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.line_helpers import sample_images  # noqa: E402


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=3.0)
    ap.add_argument("--rate", type=float, default=20.0, help="images per second the line makes")
    ap.add_argument("--policy", default="queue", choices=("drop-oldest", "drop-newest", "queue"))
    ap.add_argument("--queue", type=int, default=16)
    ap.add_argument("--model", default=str(ROOT / "models" / "neu_cls_resnet_small"))
    ap.add_argument("--engine", default="paddle")
    a = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench_line_"))
    pool = sample_images(tmp / "pool", 120)
    folder, log = tmp / "line", tmp / "log.jsonl"
    folder.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DEFECT_INSPECTOR_HOME": str(tmp / "home")}
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "watch", "--model", a.model,
                             "--engine", a.engine, "--folder", str(folder), "--log", str(log),
                             "--policy", a.policy, "--queue", str(a.queue), "--settle", "0.3",
                             "--status-every", "30"], env=env, stderr=subprocess.PIPE, text=True)
    err_lines: List[str] = []
    threading.Thread(target=lambda: err_lines.extend(iter(proc.stderr.readline, "")), daemon=True).start()
    while "watching" not in "".join(err_lines):
        if proc.poll() is not None:
            print("watch exited early:", "".join(err_lines), file=sys.stderr)
            return 1
        time.sleep(0.1)

    duration = a.minutes * 60
    written: List[str] = []
    stop = threading.Event()

    def line() -> None:
        t0 = time.monotonic()
        i = 0
        while not stop.is_set() and time.monotonic() - t0 < duration:
            delay = t0 + i / a.rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            src = pool[i % len(pool)]
            name = f"{i:06d}_{src.name}"
            data = src.read_bytes()
            if i % 2 == 0:
                tmpf = folder / f".{name}.part"
                tmpf.write_bytes(data)
                os.replace(tmpf, folder / name)
            else:
                with open(folder / name, "wb") as f:
                    step = -(-len(data) // 4)
                    for k in range(0, len(data), step):
                        f.write(data[k:k + step])
                        f.flush()
                        time.sleep(0.01)
            written.append(name)
            i += 1

    writer = threading.Thread(target=line, daemon=True)
    t_start = time.monotonic()
    writer.start()
    samples: List[Tuple[float, float]] = []
    offset = 0
    while writer.is_alive():
        samples.append((time.monotonic() - t_start, rss_mb(proc.pid)))
        # take decided files away (the line's archiver)
        with open(log) if log.exists() else open(os.devnull) as f:
            f.seek(offset)
            chunk = f.read()
            end = chunk.rfind("\n") + 1
            offset += end
            for row in chunk[:end].splitlines():
                with contextlib.suppress(OSError):
                    os.unlink(folder / json.loads(row)["file"])
        writer.join(10)
    time.sleep(3)  # the last images settle and are decided
    samples.append((time.monotonic() - t_start, rss_mb(proc.pid)))
    proc.send_signal(signal.SIGTERM)
    rc = proc.wait(60)

    rows = [json.loads(x) for x in log.read_text().splitlines()]
    files = [r["file"] for r in rows]
    lat = np.array([r["latency_ms"] for r in rows])
    times = np.array([time.mktime(time.strptime(r["time"][:19], "%Y-%m-%dT%H:%M:%S")) for r in rows])
    first = lat[times <= times[0] + 60] if len(rows) else lat
    last = lat[times >= times[-1] - 60] if len(rows) else lat
    errors = sum(1 for r in rows if r["verdict"] == "ERROR")
    print(f"line: {len(written)} images written at {a.rate:g}/s for {duration / 60:.1f} min; "
          f"watch exit code {rc}")
    print(f"decided {len(rows)}, distinct {len(set(files))}, decided twice {len(files) - len(set(files))}, "
          f"never decided {len(set(written) - set(files))}, errors (half-read) {errors}")
    print(f"dropped {rows[-1]['dropped'] if rows else 0} (policy {a.policy}, queue {a.queue})")
    for label, v in (("all", lat), ("first minute", first), ("last minute", last)):
        if len(v):
            print(f"latency {label:>12}: p50 {np.percentile(v, 50):7.1f} ms   p99 {np.percentile(v, 99):7.1f} ms"
                  f"   (n={len(v)})")
    print("RSS of the watch process (MB) over time:")
    for t, r in samples[:: max(1, len(samples) // 12)]:
        print(f"  {t:6.0f} s  {r:7.1f}")
    rss = np.array([r for _, r in samples])
    third = max(1, len(rss) // 3)
    growth = rss[-third:].mean() - rss[third:2 * third].mean() if len(rss) >= 3 else float("nan")
    print(f"RSS middle third {rss[third:2 * third].mean():.1f} MB -> last third {rss[-third:].mean():.1f} MB "
          f"(growth {growth:+.1f} MB, {growth / max(rss[third:2 * third].mean(), 1e-9) * 100:+.1f}%)")
    print("stderr of watch (last lines):")
    for line_ in err_lines[-3:]:
        print("  " + line_.rstrip())
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
