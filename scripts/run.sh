#!/usr/bin/env bash
# Set up and open the desktop app on the bundled demo (offline).
set -euo pipefail
cd "$(dirname "$0")/.."
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then bash scripts/system-deps.sh || true; fi
bash scripts/setup.sh
. .venv/bin/activate
exec python main.py --demo "$@"
