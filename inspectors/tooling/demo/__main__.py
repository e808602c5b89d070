"""``python -m inspectors.tooling.demo``: regenerate, check or measure resources/demo."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import List, Optional

from .generate import DEMO_DIR, check_demo, generate_demo
from .generate import __doc__ as GENERATE_DOC
from .measure import measure, write_results


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(prog="python -m inspectors.tooling.demo", description=(GENERATE_DOC or "").split("\n")[0])
    p.add_argument("--out", default=str(DEMO_DIR), help="output folder (default: resources/demo)")
    p.add_argument("--check", action="store_true", help="verify the files against MANIFEST.sha256")
    p.add_argument("--measure", action="store_true",
                   help="evaluate the bundled models on the demo and write RESULTS.md")
    args = p.parse_args(argv)
    if args.measure:
        rows = measure(demo_dir=Path(args.out))
        print(write_results(rows, Path(args.out) / "RESULTS.md").read_text(encoding="utf-8"))
        return 0
    if args.check:
        bad = check_demo(Path(args.out))
        print("demo intact" if not bad else "changed: " + ", ".join(bad))
        return 1 if bad else 0
    print(generate_demo(Path(args.out)))
    return 0



if __name__ == "__main__":
    sys.exit(main())
