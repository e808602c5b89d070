"""Which engine is fastest for each bundled model, and what the pipeline around it costs.

One run, on real images (>= 100 per model from ../shared/datasets: NEU-CLS for the
classifier, NEU-DET for the detector, magnetic-tile for the segmenter), medians over
interleaved rounds (every variant once per round, so machine-load drift is shared):

1. backends: images/s of a bare loop over tensors made beforehand, batch 1, for Paddle as
   it was before (oneDNN on every op), Paddle now (softmax outside oneDNN), Paddle without
   oneDNN, OpenVINO (reading the Paddle program) and ONNX Runtime (paddle2onnx), with the
   ratio to Paddle as it was; a backend that cannot run the model says why;
2. batch sizes 1 / 2 / 4 / 8 per backend (bare loop, images/s);
3. the pipeline per backend, four thread layouts of ``Inspector.run`` (2 or 1 inference
   threads, each with the prefetch thread or without), the layout ``--engine auto`` picks
   for that backend (measured at load on 4 of the images, :func:`engine_choice.measure_layout`)
   and its rate here, against the bare loop at 2 threads (target >= 0.95) and against a
   suite-style sequential loop (read, preprocess, infer, postprocess one image after the other);
   then CPU ms per image of each (process time) with the read + preprocess + postprocess
   work alone, the bound they set on run / bare, and how often auto's layout was the best;
4. achieved GFLOP/s per backend (batch 1, bare loop) as a share of this machine's sgemm
   peak (numpy float32 matmul on all cores); FLOPs per image counted from the Paddle
   program's convolutions and matmuls at the images' input shape (read through OpenVINO's
   Paddle frontend, which gives every op a static shape once the inputs have one);
5. ``predict`` end to end in this process (its own img/s line: listing, inference, JSON
   and summary.csv written; the model's load not included), ``--no-store`` and with a run
   store, against the same sequential loop.

``--seeds`` adds the seed architectures (random weights, seed resolutions): which backends
read them, and their bare-loop images/s on each.

    python bench/bench_engines.py [--rounds 3] [--images 100] [--only cls,det,seg] [--seeds]
                                  [--no-batches] [--no-predict] [--engines openvino,...]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import itertools
import os
import re
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Callable, Dict, List, Optional

import cv2
import numpy as np

from inspectors.backends import BackendUnavailable, installed_engines, one_line
from inspectors.cli import main as cli_main
from inspectors.engine import Inspector
from inspectors.engine_choice import measure_layout
from inspectors.errors import InspectorError
from inspectors.imageio import read_image
from inspectors.runtime import RuntimeSettings

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT.parent / "shared" / "datasets"
#: short name -> (bundled model, dataset folder, image glob)
MODELS = {
    "cls": ("neu_cls_resnet_small", "neu-cls", "*/*.bmp"),
    "det": ("neu_det_picodet_s", "neu-det", "JPEGImages/*.jpg"),
    "seg": ("magnetic_tile_fastscnn", "magnetic-tile", "images/*.jpg"),
}
BASE = RuntimeSettings(threads=2)
#: variant -> settings; the first is the reference of the ratios (Paddle before issue 12)
VARIANTS: Dict[str, RuntimeSettings] = {
    "paddle, oneDNN on every op (before)": replace(BASE, engine="paddle", onednn_exclude=()),
    "paddle, softmax outside oneDNN (now)": replace(BASE, engine="paddle"),
    "paddle, no oneDNN": replace(BASE, engine="paddle", use_onednn=False),
    "openvino": replace(BASE, engine="openvino"),
    "onnxruntime": replace(BASE, engine="onnxruntime"),
}
ENGINES = ("paddle", "openvino", "onnxruntime")
#: per backend and model: whether auto's layout was the best of the four here (or within 3 %)
PICKS: List[bool] = []
#: the engines measured (``--engines``; all installed ones by default)
SELECTED: List[str] = list(ENGINES)
BATCHES = (1, 2, 4, 8)


def images_of(kind: str, n: int) -> List[Path]:
    _, folder, pattern = MODELS[kind]
    paths = sorted((DATASETS / folder).glob(pattern))
    if len(paths) < n:
        sys.exit(f"{DATASETS / folder}: {len(paths)} images, {n} needed")
    step = len(paths) / n  # spread over the classes / sizes
    return [paths[int(i * step)] for i in range(n)]


#: CPU seconds (this process, all its threads) of each variant's last rounds, by name
CPU_S: Dict[str, List[float]] = {}


def interleaved(fns: Dict[str, Callable[[], float]], rounds: int) -> Dict[str, float]:
    """Median of each function's result (images/s) over ``rounds`` interleaved rounds, the
    order reversed every other round (a drift in machine load favours no variant); the CPU
    time of each call is kept in :data:`CPU_S`."""
    got: Dict[str, List[float]] = {k: [] for k in fns}
    CPU_S.update({k: [] for k in fns})
    names = list(fns)
    for k in range(rounds):
        for name in names if k % 2 == 0 else names[::-1]:
            c0 = time.process_time()
            got[name].append(fns[name]())
            CPU_S[name].append(time.process_time() - c0)
    return {k: statistics.median(v) for k, v in got.items()}


def cpu_ms(name: str, n: int) -> float:
    """Median CPU milliseconds per image of a variant's rounds (all threads of the process)."""
    return 1e3 * statistics.median(CPU_S[name]) / n


def bare(insp: Inspector, feeds: List[dict], n_images: int) -> Callable[[], float]:
    def run() -> float:
        t0 = time.perf_counter()
        for f in feeds:
            insp.backend.run(f)
        return n_images / (time.perf_counter() - t0)

    return run


def engine_run(insp: Inspector, paths: List[Path], prefetch: int) -> Callable[[], float]:
    def run() -> float:
        t0 = time.perf_counter()
        n = sum(1 for o in insp.run(paths, prefetch=prefetch) if o.ok)
        return n / (time.perf_counter() - t0)

    return run


def sequential(insp: Inspector, paths: List[Path]) -> Callable[[], float]:
    """What a suite's own predict script does: one image after the other, nothing overlapped."""
    def run() -> float:
        t0 = time.perf_counter()
        for p in paths:
            tensor, meta = insp.spec.preprocessor(cv2.imread(str(p), cv2.IMREAD_COLOR))
            outputs = insp.backend.run(insp._feeds([tensor], [meta]))
            insp.finish(outputs, [meta])
        return len(paths) / (time.perf_counter() - t0)

    return run


def stages_only(insp: Inspector, paths: List[Path], outputs: List[list]) -> Callable[[], float]:
    """The work around inference, alone: read, preprocess, and postprocess outputs made
    beforehand (one thread): its CPU time is what any layout adds to the bare loop's."""
    def run() -> float:
        t0 = time.perf_counter()
        for p, out in zip(paths, outputs):
            prepared = insp.prepare_path(p)
            insp.finish(out, [prepared.meta])
        return len(paths) / (time.perf_counter() - t0)

    return run


def sgemm_peak_gflops(n: int = 2048, repeats: int = 5) -> float:
    """This machine's measured float32 matmul peak (numpy's BLAS on all its threads), GFLOP/s:
    the best of ``repeats`` n x n products."""
    rng = np.random.default_rng(0)
    a, b = rng.random((n, n), np.float32), rng.random((n, n), np.float32)
    a @ b  # warm-up (thread pool, pages)
    best = min(_timed(lambda: a @ b) for _ in range(repeats))
    return 2 * n ** 3 / best / 1e9


def _timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def model_gflops(spec, feeds: dict) -> float:
    """GFLOPs of one inference on ``feeds``: 2 x multiply-adds of the program's convolutions,
    grouped / transposed convolutions and matmuls (the rest is memory traffic), with the
    shapes OpenVINO's Paddle frontend infers from the inputs' shapes. Ops whose shapes stay
    dynamic (after a detector's NMS) are not counted."""
    import openvino as ov

    m = ov.Core().read_model(str(spec.model_file), str(spec.params_file))
    shapes = {}
    for port in m.inputs:
        name = next((n for n in port.get_names() if n in feeds), None)
        if name is not None:
            shapes[port.get_any_name()] = ov.PartialShape(list(feeds[name].shape))
    m.reshape(shapes)
    total = 0
    for op in m.get_ordered_ops():
        kind = op.get_type_name()
        if kind not in ("Convolution", "GroupConvolution", "ConvolutionBackpropData", "MatMul"):
            continue
        ins = [op.input(i).get_partial_shape() for i in range(2)]
        out = op.output(0).get_partial_shape()
        if not all(sh.is_static for sh in (*ins, out)):
            continue
        x, w, y = ([d.get_length() for d in sh] for sh in (*ins, out))
        if kind == "Convolution":  # w: [Co, Ci, k...], y: [N, Co, spatial...]
            total += 2 * int(np.prod(y)) * int(np.prod(w[1:]))
        elif kind == "GroupConvolution":  # w: [G, Co/G, Ci/G, k...]
            total += 2 * int(np.prod(y)) * int(np.prod(w[2:]))
        elif kind == "ConvolutionBackpropData":  # w: [Ci, Co, k...], every input pixel spreads
            total += 2 * int(np.prod(x)) * int(np.prod(w[1:]))
        else:  # MatMul: k is the contracted size of the first input
            attrs = op.get_attributes()
            k = x[-2] if attrs.get("transpose_a") and len(x) > 1 else x[-1]
            total += 2 * int(np.prod(y)) * k
    return total / 1e9


_CALLS = itertools.count()
_RATE = re.compile(r"\(([0-9.]+) img/s\)")


def predict_cli(model: Path, src: Path, engine: str, store: bool, tmp: Path) -> Callable[[], float]:
    """``predict`` in this process, each call with a new --out and a new work dir (a new run:
    nothing reused); its own img/s line (from the first image to the summary written, the
    model's load not included)."""
    def run() -> float:
        k = next(_CALLS)
        args = ["predict", "--model", str(model), "--input", str(src), "--out", str(tmp / f"out{k}"),
                "--engine", engine, "-q", "--work-dir", str(tmp / f"work{k}")]
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            code = cli_main(args + ([] if store else ["--no-store"]))
        rate = _RATE.search(err.getvalue())
        if code != 0 or rate is None:
            raise RuntimeError(f"predict failed ({code}): {err.getvalue()[-500:]}")
        return float(rate.group(1))

    return run


def load(model: Path, settings: RuntimeSettings):
    try:
        return Inspector.from_path(model, settings), ""
    except BackendUnavailable as e:
        return None, str(e)
    except InspectorError as e:
        return None, one_line(e)


def bench_model(kind: str, n: int, rounds: int, tmp: Path, batches: bool = True,
                predict: bool = True) -> None:
    name = MODELS[kind][0]
    model = ROOT / "models" / name
    paths = images_of(kind, n)
    print(f"\n## {name} ({n} images from {MODELS[kind][1]}, {rounds} rounds)\n", flush=True)
    images = [read_image(p) for p in paths]
    loaded: Dict[str, Inspector] = {}
    for variant, settings in VARIANTS.items():
        if settings.engine not in SELECTED:
            continue
        insp, why = load(model, settings)
        if insp is None:
            print(f"- {variant}: cannot run it: {why}")
        else:
            loaded[variant] = insp
    prepared = [next(iter(loaded.values())).prepare(im) for im in images]
    feeds = {v: [f for p in prepared for f in insp.batch_feeds([p])] for v, insp in loaded.items()}
    for v, insp in loaded.items():  # warm-up
        bare(insp, feeds[v][:3], 3)()
    rates = interleaved({v: bare(insp, feeds[v], n) for v, insp in loaded.items()}, rounds)
    ref = rates.get(next(iter(VARIANTS)))
    print("| backend (batch 1, bare loop) | images/s | vs Paddle before |\n|---|---|---|")
    for v, r in rates.items():
        print(f"| {v} | {r:.1f} | {r / ref:.2f}x |" if ref else f"| {v} | {r:.1f} | |")

    # batch sizes
    engines = {e: s for e, s in (("paddle", VARIANTS["paddle, softmax outside oneDNN (now)"]),
                                 ("openvino", VARIANTS["openvino"]), ("onnxruntime", VARIANTS["onnxruntime"]))
               if e in installed_engines() and e in SELECTED}
    batch_fns: Dict[str, Callable[[], float]] = {}
    for e, s in engines.items():
        for b in BATCHES if batches else ():
            insp, _ = load(model, replace(s, batch_size=b))
            if insp is None:
                continue
            groups = [prepared[i : i + b] for i in range(0, len(prepared), b)]
            fs = [f for g in groups for f in insp.batch_feeds(g)]
            bare(insp, fs[:2], 2)()
            batch_fns[f"{e}|{b}"] = bare(insp, fs, n)
    if batch_fns:
        batch_rates = interleaved(batch_fns, rounds)
        print("\n| backend | " + " | ".join(f"batch {b}" for b in BATCHES) + " |\n|---|" + "---|" * len(BATCHES))
        for e in engines:
            cells = [f"{batch_rates[f'{e}|{b}']:.1f}" if f"{e}|{b}" in batch_rates else "-" for b in BATCHES]
            if any(c != "-" for c in cells):
                print(f"| {e} | " + " | ".join(cells) + " |")

    # pipeline and predict, per engine at batch 1
    src = tmp / f"{kind}_images"
    src.mkdir(exist_ok=True)
    for p in paths:
        dst = src / f"{p.parent.name}_{p.name}"
        if not dst.exists():
            os.symlink(p, dst)
    layouts = {"2t+prefetch": (2, 4), "2t": (2, 0), "1t+prefetch": (1, 4), "1t": (1, 0)}
    fns: Dict[str, Callable[[], float]] = {}
    chosen: Dict[str, str] = {}
    flops = 0.0
    for e, s in engines.items():
        insp, _ = load(model, s)
        one, _ = load(model, replace(s, threads=1))
        if insp is None or one is None:
            continue
        fs = [f for p in prepared for f in insp.batch_feeds([p])]
        if not flops and "openvino" in installed_engines():
            flops = model_gflops(insp.spec, fs[0])
        fns[f"{e}|bare"] = bare(insp, fs, n)
        fns[f"{e}|bare1t"] = bare(one, fs, n)
        for name, (threads, prefetch) in layouts.items():
            fns[f"{e}|{name}"] = engine_run(insp if threads == 2 else one, paths, prefetch)
        fns[f"{e}|seq"] = sequential(insp, paths)
        fns[f"{e}|stages"] = stages_only(insp, paths, [insp.backend.run(f) for f in fs])
        if predict:
            fns[f"{e}|predict"] = predict_cli(model, src, e, False, tmp)
            fns[f"{e}|predict+store"] = predict_cli(model, src, e, True, tmp)
        list(insp.run(paths[:3]))
        list(one.run(paths[:3]))
        layout, _, _ = measure_layout(insp.spec, s, insp, [str(p) for p in paths[:: n // 4][:4]])
        chosen[e] = layout.key
    r = interleaved(fns, rounds)
    print("\n| backend | bare 2t | bare 1t | run 2t+prefetch | run 2t | run 1t+prefetch | run 1t | sequential "
          "| auto's layout | best here | its run / bare 2t | its run / sequential |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for e in engines:
        if f"{e}|bare" not in r:
            continue
        g = {k.split("|")[1]: v for k, v in r.items() if k.startswith(e + "|")}
        c = g[chosen[e]]
        best = max(layouts, key=lambda k: g[k])
        PICKS.append(chosen[e] == best or c >= 0.97 * g[best])
        print(f"| {e} | {g['bare']:.1f} | {g['bare1t']:.1f} | "
              + " | ".join(f"{g[k]:.1f}" for k in layouts)
              + f" | {g['seq']:.1f} | {chosen[e]} | {best} | {c / g['bare']:.2f} | {c / g['seq']:.2f} |")
    # CPU accounting: on C cores no layout can beat the bare loop's wall time once the CPU
    # it needs per image (inference + read, preprocess, postprocess) exceeds C x that time
    cores = os.cpu_count() or 1
    print(f"\nCPU ms per image (process time, all threads; {cores} cores), and the bound it sets on "
          "run / bare 2t: bare wall / max(bare wall, (bare 1t CPU + read, preprocess, postprocess CPU) / cores),\n"
          "the least CPU an image can take in any layout spread perfectly over the cores\n")
    print("| backend | bare 2t wall ms | bare 2t CPU | bare 1t CPU | sequential CPU | run 2t+prefetch CPU "
          "| run 1t+prefetch CPU | read+preprocess+postprocess CPU | bound on run / bare 2t |")
    print("|---|---|---|---|---|---|---|---|---|")
    for e in engines:
        if f"{e}|bare" not in r:
            continue
        wall = 1e3 / r[f"{e}|bare"]
        c = {k: cpu_ms(f"{e}|{k}", n) for k in ("bare", "bare1t", "seq", "2t+prefetch", "1t+prefetch", "stages")}
        extra = c["stages"]
        need = min(c["bare"], c["bare1t"]) + extra
        print(f"| {e} | {wall:.2f} | {c['bare']:.2f} | {c['bare1t']:.2f} | {c['seq']:.2f} | {c['2t+prefetch']:.2f} "
              f"| {c['1t+prefetch']:.2f} | {extra:.2f} | {wall / max(wall, need / cores):.2f} |")
    if flops:
        peak = sgemm_peak_gflops()
        print(f"\nGFLOP/s (batch 1, bare loop, 2 threads): {flops:.3f} GFLOP per image; "
              f"sgemm peak {peak:.0f} GFLOP/s (numpy, {os.cpu_count()} CPUs)\n")
        print("| backend | GFLOP/s | share of sgemm peak |\n|---|---|---|")
        for e in engines:
            if f"{e}|bare" in r:
                achieved = flops * r[f"{e}|bare"]
                print(f"| {e} | {achieved:.1f} | {100 * achieved / peak:.0f} % |")
    if predict:
        print("\n| backend | predict --no-store | predict (run store) | predict / sequential |\n|---|---|---|---|")
        for e in engines:
            if f"{e}|predict" in r:
                print(f"| {e} | {r[e + '|predict']:.1f} | {r[e + '|predict+store']:.1f} "
                      f"| {r[e + '|predict'] / r[e + '|seq']:.2f} |")
    sys.stdout.flush()


def export_seed_model(name: str, out: Path) -> Path:
    """bench_engine's seed exports; seed 002 with its deformable convolutions (res3-res5)."""
    from bench_engine import export_seed  # noqa: I001 - the seed exports live there

    if name != "frcnn_dcn":
        return export_seed(name, out)
    from inspectors.tooling.exporters.paddledet_export import FASTER_RCNN_DCN, export_ppdet

    labels = ("zhen_kong", "ca_shang", "zang_dian", "zhe_zhou")
    return export_ppdet(FASTER_RCNN_DCN, out / name, labels, randomize_seed=0).dir


#: seed -> source image size (h, w): seeds 000, 001, 002 (+ DCN), 004 at their resolutions
SEED_SIZES = {"hrnet": (256, 1600), "unet": (256, 1600), "frcnn_dcn": (800, 1333), "cls": (200, 200)}


def bench_seeds(rounds: int, tmp: Path) -> None:
    print("\n## Seed architectures (random weights, seed resolutions): which backends read them\n")
    print("| seed | " + " | ".join(f"{e} img/s" for e in ENGINES) + " |\n|---|" + "---|" * len(ENGINES))
    for name, size in SEED_SIZES.items():
        model = export_seed_model(name, tmp / "seeds")
        rng = np.random.default_rng(0)
        img = cv2.GaussianBlur(rng.integers(60, 200, (*size, 3), dtype=np.uint8), (0, 0), 3)
        cells: Dict[str, str] = {}
        fns: Dict[str, Callable[[], float]] = {}
        for e in ENGINES:
            insp, why = load(model, replace(BASE, engine=e))
            if insp is None:
                cells[e] = f"cannot: {why[:160]}"
                continue
            fs = insp.batch_feeds([insp.prepare(img)])
            insp.backend.run(fs[0])
            fns[e] = bare(insp, fs * 2, 2)
        for e, v in interleaved(fns, rounds).items():
            cells[e] = f"{v:.2f}"
        print(f"| {name} | " + " | ".join(cells.get(e, "-") for e in ENGINES) + " |", flush=True)


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--images", type=int, default=100)
    ap.add_argument("--only", default="cls,det,seg")
    ap.add_argument("--seeds", action="store_true", help="also the seed architectures (slow exports)")
    ap.add_argument("--no-batches", action="store_true", help="skip the batch-size table")
    ap.add_argument("--no-predict", action="store_true", help="skip predict end to end")
    ap.add_argument("--engines", default=",".join(ENGINES), help="the engines to measure (comma-separated)")
    args = ap.parse_args(argv)
    SELECTED[:] = [e for e in args.engines.split(",") if e]
    if args.images < 100:
        print("note: fewer than 100 images per model: a smoke run, not a measurement", file=sys.stderr)
    print(f"# bench_engines: {os.cpu_count()} CPUs, 2 threads per backend; installed: {', '.join(installed_engines())}")
    with tempfile.TemporaryDirectory(prefix="bench_engines_") as tmp:
        for kind in [k for k in args.only.split(",") if k]:
            bench_model(kind, args.images, args.rounds, Path(tmp), not args.no_batches, not args.no_predict)
        if PICKS:
            print(f"\nauto's layout was the best of four (or within 3 %) in {sum(PICKS)} of {len(PICKS)} cases")
        if args.seeds:
            bench_seeds(max(1, args.rounds), Path(tmp))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
