"""Qt-free export of flagged images with a CSV + JSON report."""

from .flagged import (
    ExportCancelled,
    ExportExistsError,
    ExportItem,
    ExportOptions,
    ExportSummary,
    check_target,
    export_flagged,
)
from .report import CSV_FIELDS, Row

__all__ = [
    "CSV_FIELDS",
    "ExportCancelled",
    "ExportExistsError",
    "ExportItem",
    "ExportOptions",
    "ExportSummary",
    "Row",
    "check_target",
    "export_flagged",
]
