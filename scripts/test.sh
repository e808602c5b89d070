#!/usr/bin/env bash
# Set up (system libraries for the Xvfb window test, .venv, test extras) and run every check.
set -euo pipefail
cd "$(dirname "$0")/.."
if command -v apt-get >/dev/null 2>&1; then bash scripts/system-deps.sh || echo "warning: could not install X libraries; the real-window test will skip"; fi
bash scripts/setup.sh test
. .venv/bin/activate
echo "== ruff"; ruff check .
echo "== import contracts"; lint-imports
echo "== pytest"; python -m pytest -q "$@"
