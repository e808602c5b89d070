"""Fill translations into a Qt .ts file from a JSON dictionary, then run
scripts/translations.sh to compile it.

    python scripts/ts_fill.py resources/translations/defect_inspector_zh_CN.ts zh_CN.json
    python scripts/ts_fill.py --todo resources/translations/defect_inspector_zh_CN.ts  # list what is missing

The JSON maps a source text (or "Context|source text" where one English text needs two
translations) to its translation. Only unfinished messages are filled (``--all``: every
message found in the dictionary); a numerus message (%n) gets the one form Chinese has.
"""

from __future__ import annotations

import argparse
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def fill(ts: Path, table: dict, every: bool = False) -> int:
    tree = ET.parse(ts)
    n = 0
    for ctx in tree.getroot().iter("context"):
        name = ctx.findtext("name") or ""
        for m in ctx.iter("message"):
            source = m.findtext("source") or ""
            t = m.find("translation")
            if t is None or (t.get("type") != "unfinished" and not every):
                continue
            text = table.get(f"{name}|{source}", table.get(source))
            if text is None:
                continue
            if m.get("numerus") == "yes":
                for f in list(t):
                    t.remove(f)
                ET.SubElement(t, "numerusform").text = text
            else:
                t.text = text
            t.attrib.pop("type", None)
            n += 1
    body = ET.tostring(tree.getroot(), encoding="unicode")
    ts.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8")
    return n


def todo(ts: Path) -> list:
    out = []
    for ctx in ET.parse(ts).getroot().iter("context"):
        for m in ctx.iter("message"):
            t = m.find("translation")
            if t is not None and t.get("type") == "unfinished":
                out.append(f"{ctx.findtext('name')}|{m.findtext('source')}")
    return out


def main(argv: list) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("ts", type=Path)
    p.add_argument("table", type=Path, nargs="?")
    p.add_argument("--all", action="store_true", help="also replace finished translations")
    p.add_argument("--todo", action="store_true", help="print the unfinished messages as JSON keys")
    a = p.parse_args(argv)
    if a.todo or a.table is None:
        print(json.dumps(todo(a.ts), ensure_ascii=False, indent=1))
        return 0
    n = fill(a.ts, json.loads(a.table.read_text(encoding="utf-8")), a.all)
    print(f"{n} translations filled; still unfinished: {len(todo(a.ts))}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
