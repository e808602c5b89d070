"""The one place that knows how Paddle must be imported.

``import paddle`` before pycocotools (which ppdet imports) segfaults in zlib's
``inflateReset2`` (ENVIRONMENT.md). :func:`prepare` loads pycocotools' small C
extension first; ``inspectors/__init__.py`` calls it, so any process that imports
this package has the safe order before anything can import paddle. Code that needs
paddle calls :func:`import_paddle` (lazily: the app starts without loading Paddle).
"""

from __future__ import annotations

import contextlib
import os
import sys


def prepare() -> None:
    """Make importing paddle (and ppdet after it) safe; cheap and idempotent.

    When paddle is already loaded (a host program imported it first) it is too late:
    loading pycocotools now is the crash itself, so nothing is loaded (COCO metrics
    then use their replica, see metrics.coco)."""
    if "paddle" in sys.modules and "pycocotools._mask" not in sys.modules:
        return
    with contextlib.suppress(ImportError):  # a dependency; without it there is no conflict
        import pycocotools.mask  # noqa: F401
    os.environ.setdefault("GLOG_minloglevel", "2")  # Paddle's C++ INFO lines are noise here


def import_paddle():
    """The ``paddle`` module, imported in the safe order."""
    prepare()
    import paddle

    return paddle
