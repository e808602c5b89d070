"""What the image list shows per image (its state) and the filters over it."""

from __future__ import annotations

from enum import Enum


class ImageState(str, Enum):
    """An image's state in the list: the model's verdict (the decision rules), or why none."""

    NG = "NG"
    REVIEW = "REVIEW"
    OK = "OK"
    NO_RESULT = "no result"
    STALE = "changed since inspected"  # a stored result whose image file changed: re-run
    ERROR = "error"
    DEFECT = "NG"  # the names before the review band: NG is "flagged"
    CLEAN = "OK"


class Filter(str, Enum):
    ALL = "all"
    FLAGGED = "NG"
    REVIEW = "REVIEW"
    OK = "OK"
    DISAGREE = "ground-truth disagreement"
    ERRORS = "errors"
    NO_RESULT = "not inspected"  # changed images included: their results are not shown
    MODELS_DISAGREE = "models disagree"  # two models' results differ (ResultsStore.set_disagreement)


# state codes of the per-row array (ImageState by index)
_NO, _OK, _ERROR, _REVIEW, _NG = 0, 1, 2, 3, 4
_STATES = (ImageState.NO_RESULT, ImageState.OK, ImageState.ERROR, ImageState.REVIEW, ImageState.NG)
