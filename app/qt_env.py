"""Process environment for Qt, fixed before the QApplication exists.

``import cv2`` (opencv-python) points QT_QPA_PLATFORM_PLUGIN_PATH at its own Qt5
plugins, which PySide6 (Qt6) cannot load; drop it so Qt finds its own.
"""

from __future__ import annotations

import os


def prepare_qt_env(platform: str = "") -> None:
    for var in ("QT_QPA_PLATFORM_PLUGIN_PATH", "QT_PLUGIN_PATH"):
        value = os.environ.get(var, "")
        if "cv2" in value or "opencv" in value.lower():
            del os.environ[var]
    if platform:
        os.environ["QT_QPA_PLATFORM"] = platform


def binding_drops_none(calls: int = 200) -> int:
    """References to ``None`` the Qt binding loses over ``calls`` calls of a void method
    (0 for a sound binding). PySide6 6.12.0 returns ``None`` from every void or
    null-returning call without a reference; on Python < 3.12, where ``None`` is not
    immortal, the process then aborts (``none_dealloc``) once the count reaches zero,
    minutes into a run. The references this probe loses are given back."""
    import ctypes
    import sys

    from PySide6.QtCore import QObject

    probe = QObject()
    probe.setObjectName("probe")
    before = sys.getrefcount(None)
    for _ in range(calls):
        probe.setObjectName("probe")
    lost = before - sys.getrefcount(None)
    for _ in range(max(0, lost)):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(None))
    return lost


def binding_problem() -> str:
    """Why this Python + Qt binding cannot run the app safely, or ``""``."""
    import sys

    if sys.version_info >= (3, 12):  # None is immortal: a lost reference is harmless
        return ""
    calls = 200
    lost = binding_drops_none(calls)
    if lost < calls // 2:
        return ""
    from PySide6 import __version__ as version

    return (f"PySide6 {version} loses a reference to None on every call that returns nothing "
            f"({lost} of {calls}); on Python {sys.version_info[0]}.{sys.version_info[1]} the app "
            "would abort (none_dealloc) in the middle of a run. Install the pinned release: "
            "bash scripts/setup.sh (pyproject.toml pins PySide6 and shiboken6).")
