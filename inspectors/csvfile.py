"""The one CSV writer: every CSV the project writes goes through :func:`csv_text`.

Spreadsheets run a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return as a formula, so a file named ``=HYPERLINK(...).png`` would act
when a report is opened. Such text cells get a leading apostrophe (OWASP's advice);
numbers are written as numbers.
"""

from __future__ import annotations

import csv
import io
from typing import Any, Iterable, Mapping, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` made inert for spreadsheets (text only; numbers pass unchanged)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(fieldnames: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    """CSV with a header row; keys not in ``fieldnames`` are ignored, missing ones blank."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(fieldnames), extrasaction="ignore",
                            lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: safe_cell(v) for k, v in row.items()})
    return buf.getvalue()
