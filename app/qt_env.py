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
