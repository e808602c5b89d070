"""Rules that keep issue-9 defects from coming back, checked on the source itself.

- every CSV is written by ``inspectors.csvfile`` (formula cells escaped in one place);
- folders are deleted only by the modules that own what they delete: ``outdir`` (its own
  staging folders and outputs it marked) and the build tooling's scratch folders. A new
  ``shutil.rmtree`` elsewhere is how a user's folder got deleted by ``fetch --out``.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = [p for d in ("inspectors", "app") for p in (ROOT / d).rglob("*.py")]

RMTREE_ALLOWED = {
    "inspectors/outdir.py",  # staging folders, and outputs that carry its marker
    "inspectors/runs/store.py",  # runs in its own store root (deleted from the Runs view)
    "inspectors/tooling/public_data.py",  # its own temp download / extraction folders
    "inspectors/tooling/demo/generate.py",  # regenerates resources/demo/<set> in the repository
    "inspectors/tooling/exporters/paddledet_export.py",  # its own temp work folder
    "inspectors/tooling/training/detection.py",  # best_export inside the run's own output folder
    "inspectors/tooling/training/segmentation.py",  # the same
    "inspectors/tooling/training/det_eval.py",  # a chunk export inside the run's output folder
    "inspectors/tooling/training/seg_utils.py",  # pruned iteration folders of its own run
}


def _calls(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and isinstance(node.func.value, ast.Name):
            yield f"{node.func.value.id}.{node.func.attr}", node.lineno


def test_only_csvfile_writes_csv():
    found = [f"{p.relative_to(ROOT)}:{line}" for p in PRODUCT for name, line in _calls(p)
             if name in ("csv.writer", "csv.DictWriter") and p.name != "csvfile.py"]
    assert found == [], f"write CSV through inspectors.csvfile.csv_text: {found}"


def test_folders_are_deleted_only_where_allowed():
    found = [f"{p.relative_to(ROOT).as_posix()}:{line}" for p in PRODUCT for name, line in _calls(p)
             if name == "shutil.rmtree" and p.relative_to(ROOT).as_posix() not in RMTREE_ALLOWED]
    assert found == [], f"delete folders only through inspectors.outdir: {found}"


def test_the_guards_see_the_calls_they_guard():
    """The scanner finds the calls that are there (so an empty result above means something)."""
    outdir = {name for name, _ in _calls(ROOT / "inspectors" / "outdir.py")}
    csvfile = {name for name, _ in _calls(ROOT / "inspectors" / "csvfile.py")}
    assert "shutil.rmtree" in outdir and "csv.DictWriter" in csvfile
