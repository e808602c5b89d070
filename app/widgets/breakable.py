"""Long unbroken words (paths, model names) made wrappable in word-wrapped labels: a
zero-width space after each path separator, underscore, dot or hyphen of a long word,
so a narrow panel wraps an error message instead of cutting it."""

from __future__ import annotations

import re

ZWSP = "\u200b"
_LONG = re.compile(r"\S{24,}")
_AFTER = re.compile(r"([/\\_.\-:])(?=\S)")


def breakable(text: str) -> str:
    """``text`` with break opportunities inside words of 24 characters or more."""
    return _LONG.sub(lambda m: _AFTER.sub(r"\1" + ZWSP, m.group(0)), text)


def plain(text: str) -> str:
    """The text without the added break opportunities (for copying, tooltips, tests)."""
    return text.replace(ZWSP, "")
