"""What persists between sessions (QSettings): recent folders, models, runtime settings and
the window layout. Thresholds and hidden classes are not here: each model's run holds its own."""

from __future__ import annotations

import json
from typing import List

from PySide6.QtCore import QSettings

from inspectors.runtime import RuntimeSettings, default_engine

MAX_RECENT = 10


class AppSettings:
    def __init__(self, qsettings: QSettings):
        self.q = qsettings

    def _list(self, key: str) -> List[str]:
        try:
            value = json.loads(str(self.q.value(key, "[]")))
        except ValueError:
            return []
        return [str(v) for v in value] if isinstance(value, list) else []

    def _set_list(self, key: str, values: List[str]) -> None:
        self.q.setValue(key, json.dumps(values))

    def recent_folders(self) -> List[str]:
        return self._list("recent_folders")

    def add_recent_folder(self, folder: str) -> None:
        items = [folder] + [f for f in self.recent_folders() if f != folder]
        self._set_list("recent_folders", items[:MAX_RECENT])

    def models(self) -> List[str]:
        return self._list("models")

    def set_models(self, paths: List[str]) -> None:
        self._set_list("models", paths)

    def runtime(self) -> RuntimeSettings:
        try:
            return RuntimeSettings(device=str(self.q.value("runtime/device", "cpu")),
                                   threads=int(self.q.value("runtime/threads", 2)),
                                   batch_size=int(self.q.value("runtime/batch", 1)),
                                   engine=str(self.q.value("runtime/engine", default_engine())))
        except (ValueError, TypeError):
            return RuntimeSettings()

    def set_runtime(self, s: RuntimeSettings) -> None:
        self.q.setValue("runtime/device", s.device)
        self.q.setValue("runtime/threads", s.threads)
        self.q.setValue("runtime/batch", s.batch_size)
        self.q.setValue("runtime/engine", s.engine)

    def value(self, key: str, default=None):
        return self.q.value(key, default)

    def set_value(self, key: str, value) -> None:
        self.q.setValue(key, value)
