"""The interface language for texts made by the Qt-free ``inspectors`` package: task,
state and verdict names, and the decision rules' reasons ("scratch: score 0.82 >= T_high
0.5 (NG)"). ``inspectors`` keeps writing English (reports, CSV, JSON, the CLI); the app
translates what it shows here, at display time: a table of the known templates, with the
variable parts (names, numbers) carried over by a regular expression. A text no template
matches is shown as it is."""

from __future__ import annotations

import re
from typing import List, Tuple

from .i18n import QT_TRANSLATE_NOOP, translate

_WORDS = {
    "detection": QT_TRANSLATE_NOOP("Vocabulary", "detection"),
    "segmentation": QT_TRANSLATE_NOOP("Vocabulary", "segmentation"),
    "classification": QT_TRANSLATE_NOOP("Vocabulary", "classification"),
    # image states (inspectors.session.ImageState) and operator verdicts
    "no result": QT_TRANSLATE_NOOP("Vocabulary", "no result"),
    "changed since inspected": QT_TRANSLATE_NOOP("Vocabulary", "changed since inspected"),
    "error": QT_TRANSLATE_NOOP("Vocabulary", "error"),
    "confirmed": QT_TRANSLATE_NOOP("Vocabulary", "confirmed"),
    "rejected": QT_TRANSLATE_NOOP("Vocabulary", "rejected"),
    "pending": QT_TRANSLATE_NOOP("Vocabulary", "pending"),
    "REVIEW": QT_TRANSLATE_NOOP("Vocabulary", "REVIEW"),
    # run / model states (app.state)
    "idle": QT_TRANSLATE_NOOP("Vocabulary", "idle"),
    "running": QT_TRANSLATE_NOOP("Vocabulary", "running"),
    "paused": QT_TRANSLATE_NOOP("Vocabulary", "paused"),
    "loading": QT_TRANSLATE_NOOP("Vocabulary", "loading"),
    "ready": QT_TRANSLATE_NOOP("Vocabulary", "ready"),
    "failed": QT_TRANSLATE_NOOP("Vocabulary", "failed"),
    "metrics": QT_TRANSLATE_NOOP("Vocabulary", "metrics"),
    "image": QT_TRANSLATE_NOOP("Vocabulary", "image"),
    "model": QT_TRANSLATE_NOOP("Vocabulary", "model"),
    "ground truth": QT_TRANSLATE_NOOP("Vocabulary", "ground truth"),
    "rules": QT_TRANSLATE_NOOP("Vocabulary", "rules"),
    "run": QT_TRANSLATE_NOOP("Vocabulary", "run"),
    "export": QT_TRANSLATE_NOOP("Vocabulary", "export"),
    "folder": QT_TRANSLATE_NOOP("Vocabulary", "folder"),
    "review": QT_TRANSLATE_NOOP("Vocabulary", "review"),
}

_NUM = r"(?P<{}>[-+0-9.einf]+)"
#: (pattern, template): the pattern's named groups fill the template's placeholders
_TEMPLATES: List[Tuple[str, str]] = [
    (r"(?P<name>.+): score {s} >= T_high {t} \(NG\)",
     QT_TRANSLATE_NOOP("Rules", "{name}: score {s} >= T_high {t} (NG)")),
    (r"(?P<name>.+): {n} defects >= {t} \(NG\)",
     QT_TRANSLATE_NOOP("Rules", "{name}: {n} defects >= {t} (NG)")),
    (r"(?P<name>.+): total area {a} px >= {t} \(NG\)",
     QT_TRANSLATE_NOOP("Rules", "{name}: total area {a} px >= {t} (NG)")),
    (r"(?P<name>.+): total area {a} mm² >= {t} \(NG\)",
     QT_TRANSLATE_NOOP("Rules", "{name}: total area {a} mm² >= {t} (NG)")),
    (r"(?P<name>.+): score {s} in \[{low}, {high}\) \(REVIEW\)",
     QT_TRANSLATE_NOOP("Rules", "{name}: score {s} in [{low}, {high}) (REVIEW)")),
    (r"outside the regions of interest", QT_TRANSLATE_NOOP("Rules", "outside the regions of interest")),
    (r"area {v} px < {t}", QT_TRANSLATE_NOOP("Rules", "area {v} px < {t}")),
    (r"area {v} mm² < {t}", QT_TRANSLATE_NOOP("Rules", "area {v} mm² < {t}")),
    (r"length {v} px < {t}", QT_TRANSLATE_NOOP("Rules", "length {v} px < {t}")),
    (r"length {v} mm < {t}", QT_TRANSLATE_NOOP("Rules", "length {v} mm < {t}")),
    (r"score {s} < T_low {t}", QT_TRANSLATE_NOOP("Rules", "score {s} < T_low {t}")),
]
_NUMBERS = ("s", "t", "n", "a", "v", "low", "high")
_COMPILED = [(re.compile("^" + p.format(**{k: _NUM.format(k) for k in _NUMBERS}) + "$"), t)
             for p, t in _TEMPLATES]


def word(text: str) -> str:
    """A task, state or verdict name in the interface language (else ``text``)."""
    source = _WORDS.get(str(text))
    return translate("Vocabulary", source) if source else str(text)


def rule_text(text: str) -> str:
    """A decision reason or an "ignored: ..." cause in the interface language."""
    for pattern, template in _COMPILED:
        m = pattern.match(text)
        if m:
            return translate("Rules", template).format(**m.groupdict())
    return text


__all__ = ["rule_text", "word"]
