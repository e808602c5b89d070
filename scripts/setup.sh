#!/usr/bin/env bash
# Create .venv (Python 3.11) and install Defect Inspector with its pinned stack.
# Usage: scripts/setup.sh [test]   ("test" adds pytest, pytest-qt, ruff, import-linter, scikit-learn
# and the cluster extra, Ray, for tests/test_cluster_ray.py: the test extra includes it)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
. .venv/bin/activate
python -m pip install -q --upgrade pip
extra=""
[ "${1:-}" = "test" ] && extra="[test]"
# PySide6 is pinned exactly (pyproject.toml). Another release already in .venv is removed
# first with all its companion wheels (6.10+ adds PySide6_Pdf / PySide6_WebEngine, which
# the pinned release does not replace and whose pins `pip check` would then reject).
pin=$(sed -n 's/^ *"PySide6==\([0-9.]*\)".*/\1/p' pyproject.toml)
have=$(python -c 'import importlib.metadata as m; print(m.version("PySide6"))' 2>/dev/null || true)
if [ -n "$have" ] && [ "$have" != "$pin" ]; then
  echo "replacing PySide6 $have with the pinned $pin"
  python -m pip uninstall -y -q $(python -m pip list --format=freeze 2>/dev/null \
    | grep -i -E '^(pyside6|shiboken6)' | cut -d= -f1)
fi
python -m pip install -q -e ".${extra}"
python -m pip check
