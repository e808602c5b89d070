#!/usr/bin/env bash
# Create .venv (Python 3.11) and install Defect Inspector with its pinned stack.
# Usage: scripts/setup.sh [test]   ("test" adds pytest, pytest-qt, ruff, import-linter, scikit-learn)
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
python -m pip install -q -e ".${extra}"
python -m pip check
