"""Qt-free session state: cached results per image, flags at a threshold, filters,
sorting, and operator verdicts persisted in a review file."""

from .review import REVIEW_FILE, ReviewBook, Verdict, is_inside, work_dir_for
from .states import Filter, ImageState
from .store import ResultsStore
from .summary import Summary, summarize

__all__ = [
    "REVIEW_FILE",
    "Filter",
    "ImageState",
    "ResultsStore",
    "ReviewBook",
    "Summary",
    "Verdict",
    "is_inside",
    "summarize",
    "work_dir_for",
]
