#!/usr/bin/env bash
# Update the translation sources from the code and compile them:
#   pyside6-lupdate: app/**/*.py -> resources/translations/defect_inspector_<lang>.ts
#     (new strings appear as unfinished; translate them in the .ts, by hand or in
#      pyside6-linguist; -no-obsolete drops strings the code no longer has)
#   pyside6-lrelease: .ts -> .qm (loaded by app/i18n.py; committed, so a checkout
#     and the wheel run without the Qt tools)
# tests/test_i18n.py fails when the .ts is behind the code or the .qm behind the .ts.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f .venv/bin/activate ] && . .venv/bin/activate
mapfile -t sources < <(find app -name '*.py' | sort)
for lang in zh_CN; do
  ts="resources/translations/defect_inspector_${lang}.ts"
  pyside6-lupdate -no-obsolete -locations none -target-language "$lang" "${sources[@]}" -ts "$ts"
  pyside6-lrelease -silent "$ts" -qm "${ts%.ts}.qm"
done
