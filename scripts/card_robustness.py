"""Write (or replace) the "## Robustness" section of a model card from the metrics.json of
``python main.py evaluate ... --robustness``.

    python scripts/card_robustness.py models/X out/eval/X_robustness/metrics.json \
        --intro "Measured with ..." --command "python main.py evaluate ..."
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from inspectors.atomic import atomic_write_text  # noqa: E402
from inspectors.robustness import markdown  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("model_dir", type=Path)
    p.add_argument("metrics", type=Path, help="metrics.json of evaluate --robustness")
    p.add_argument("--intro", default="", help="the paragraph above the table")
    p.add_argument("--command", default="", help="the command that measured it")
    p.add_argument("--after", default="", help="text below the table (markdown)")
    args = p.parse_args()
    card = args.model_dir / "MODEL_CARD.md"
    try:
        rob = json.loads(args.metrics.read_text(encoding="utf-8"))["robustness"]
        text = card.read_text(encoding="utf-8")
    except (OSError, KeyError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    head, _, rest = text.partition("\n## Robustness\n")
    tail = rest[rest.find("\n## "):] if "\n## " in rest else ""
    section = "\n## Robustness\n\n" + (args.intro.strip() + "\n\n" if args.intro else "") + markdown(rob, args.command)
    if args.after:
        section += "\n" + args.after.strip() + "\n"
    atomic_write_text(card, head.rstrip("\n") + "\n" + section + tail)
    print(f"{card}: robustness section written", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
