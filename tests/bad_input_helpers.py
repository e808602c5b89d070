"""Shared helpers of the bad-input matrix (tests/test_bad_input_*.py): the in-process CLI
runner, its one error line, the summary rows, and the bundled models (the ``images``
fixture is in conftest.py).
"""

import csv
from pathlib import Path

from inspectors.cli import main as cli_main

ROOT = Path(__file__).resolve().parents[1]
CLS_MODEL = ROOT / "models" / "neu_cls_resnet_small"
DET_MODEL = ROOT / "models" / "neu_det_picodet_s"
DEMO_DET = ROOT / "resources" / "demo" / "neu_det"


def run(capsys, *args) -> tuple:
    """(exit code, stderr) of ``main.py ARGS`` run in this process."""
    code = cli_main([str(a) for a in args])
    err = capsys.readouterr().err
    return code, err


def error_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.startswith("error:")]
    assert len(lines) == 1, err
    return lines[0]


def summary(out: Path) -> list:
    with open(out / "summary.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def predict(capsys, src, out, *extra):
    return run(capsys, "predict", "--model", CLS_MODEL, "--input", src, "--out", out, "-q", *extra)
