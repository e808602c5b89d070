"""The bundled models: together under 40 MB, each in its suite's export layout with a
model card, and the card's validation numbers are what ``python main.py evaluate`` gives
on the real validation split (skipped when ../shared/datasets is absent)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "models"
DATASETS = ROOT.parent / "shared" / "datasets"
#: bundled model name prefix -> (dataset folder, task, metric path in metrics.json / report)
KINDS = {
    "neu_cls": ("neu-cls", "classification", ("accuracy",)),
    "magnetic_tile": ("magnetic-tile", "segmentation", ("miou",)),
    "neu_det": ("neu-det", "detection", ("voc_map", "area")),
}
BUNDLED = sorted(p for p in MODELS.iterdir() if p.is_dir()) if MODELS.is_dir() else []


def _kind(model: Path):
    return next(v for k, v in KINDS.items() if model.name.startswith(k))


def _get(d: dict, path):
    for key in path:
        d = d[key]
    return d


def test_bundled_models_fit_the_budget_and_cover_every_task() -> None:
    from inspectors.formats import load_model_spec

    size = sum(p.stat().st_size for p in MODELS.rglob("*") if p.is_file())
    assert size < 40 * 1024 * 1024
    tasks = {load_model_spec(m).task for m in BUNDLED}
    assert {"classification", "segmentation"} <= tasks
    for model in BUNDLED:
        assert load_model_spec(model).task == _kind(model)[1]
        card = (model / "MODEL_CARD.md").read_text(encoding="utf-8")
        for section in ("## Data and split", "## Recipe", "## Training", "## Validation metrics",
                        "## Reproduce"):
            assert section in card, f"{model.name}: {section} missing"
        assert "python main.py evaluate" in card and "python main.py train" in card


@pytest.mark.parametrize("model", BUNDLED, ids=[m.name for m in BUNDLED])
def test_model_card_numbers_come_from_evaluate(model: Path, tmp_path: Path) -> None:
    data, task, path = _kind(model)
    if not (DATASETS / data).is_dir():
        pytest.skip("../shared/datasets absent")
    out = tmp_path / "eval"
    r = subprocess.run([sys.executable, str(ROOT / "main.py"), "evaluate", "--model", str(model),
                        "--data", str(DATASETS / data), "--out", str(out), "--threshold", "0",
                        "--worst", "0", "-q"], capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert r.returncode == 0, r.stderr[-2000:]
    report = json.loads((out / "metrics.json").read_text())
    card = json.loads((model / "metrics.json").read_text())
    assert report["task"] == task
    assert report["data"]["evaluated"] == card["images"]
    got, claimed = _get(report["metrics"], path), _get(card, path)
    assert got == pytest.approx(claimed, abs=1e-6)
    value = f"{100 * claimed:.2f}"
    assert value in (model / "MODEL_CARD.md").read_text(encoding="utf-8")
