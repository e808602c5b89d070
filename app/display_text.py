"""The interface language for texts made by the Qt-free ``inspectors`` package: task,
state and verdict names, the decision rules' reasons ("scratch: score 0.82 >= T_high 0.5
(NG)"), evaluation notes, why an image could not be read, and engine lines. ``inspectors`` keeps writing English (reports,
CSV, JSON, the CLI); the app translates what it shows here, at display time: a table of
the known templates whose ``{fields}`` (names, numbers) are carried over by a regular
expression. A text no template matches is shown as it is; a changed text in ``inspectors``
falls back to English, which tests/test_i18n_window.py reports where the window shows it.

Also keeps third-party strings in the catalog that pyqtgraph translates in its own
contexts (the plots' context menu)."""

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

#: (context, source) of the texts ``inspectors`` writes, with ``{field}`` for the variable
#: parts; each becomes a regular expression that carries the fields into the translation
_TEMPLATES: List[Tuple[str, str]] = [
    # the decision rules (inspectors.rules.decide): reasons and why a candidate is ignored
    ("Rules", QT_TRANSLATE_NOOP("Rules", "{name}: score {s} >= T_high {t} (NG)")),
    ("Rules", QT_TRANSLATE_NOOP("Rules", "{name}: {n} defects >= {t} (NG)")),
    ("Rules", QT_TRANSLATE_NOOP("Rules", "{name}: total area {a} px >= {t} (NG)")),
    ("Rules", QT_TRANSLATE_NOOP("Rules", "{name}: total area {a} mm² >= {t} (NG)")),
    ("Rules", QT_TRANSLATE_NOOP("Rules", "{name}: score {s} in [{low}, {high}) (REVIEW)")),
    ("Rules", QT_TRANSLATE_NOOP("Rules", "outside the regions of interest")),
    ("Rules", QT_TRANSLATE_NOOP("Rules", "area {v} px < {t}")),
    ("Rules", QT_TRANSLATE_NOOP("Rules", "area {v} mm² < {t}")),
    ("Rules", QT_TRANSLATE_NOOP("Rules", "length {v} px < {t}")),
    ("Rules", QT_TRANSLATE_NOOP("Rules", "length {v} mm < {t}")),
    ("Rules", QT_TRANSLATE_NOOP("Rules", "score {s} < T_low {t}")),
    # the review band's choice (inspectors.metrics.decision.choose_band)
    ("Notes", QT_TRANSLATE_NOOP("Notes", "no clean images: any T_high keeps false rejects at 0")),
    ("Notes", QT_TRANSLATE_NOOP("Notes", "no defective images: any T_low keeps escapes at 0")),
    ("Notes", QT_TRANSLATE_NOOP("Notes", "no T_high keeps false rejects <= {n}: {m} clean images score 1.00")),
    ("Notes", QT_TRANSLATE_NOOP("Notes", "no T_low keeps escapes <= {n}: {m} defective images score below 0.00 "
                                         "(no defect the other rules keep)")),
    ("Notes", QT_TRANSLATE_NOOP("Notes", "the limits cross: T_low up to {low} keeps escapes <= {n}, T_high from "
                                         "{high} keeps false rejects <= {m}; T_low = T_high, no review band")),
    # evaluation notes (inspectors.metrics: pairing, class alignment, image level)
    ("Notes", QT_TRANSLATE_NOOP("Notes", "{n} inspected image(s) without ground truth left out")),
    ("Notes", QT_TRANSLATE_NOOP("Notes", "{n} image(s) with unreadable ground truth left out (listed with the "
                                         "ground-truth problems)")),
    ("Notes", QT_TRANSLATE_NOOP("Notes", "{n} label map(s) of another size than the image left out")),
    ("Notes", QT_TRANSLATE_NOOP("Notes", "model classes matched to ground-truth classes by name (different order)")),
    ("Notes", QT_TRANSLATE_NOOP("Notes", "model class names {a} differ from the ground truth's {b}; matched by "
                                         "index")),
    ("Notes", QT_TRANSLATE_NOOP("Notes", "model export has no class names; matched by index")),
    ("Notes", QT_TRANSLATE_NOOP("Notes", "no defect-free images: false-positive rate undefined (NaN)")),
    ("Notes", QT_TRANSLATE_NOOP("Notes", "no defective images: recall undefined (NaN)")),
    ("Notes", QT_TRANSLATE_NOOP("Notes", "no image has any prediction")),
    # what runs a model (inspectors.backends describe())
    # why an image could not be inspected (inspectors.imageio; the Errors panel)
    ("Errors", QT_TRANSLATE_NOOP("Errors", "image file not found: {path}")),
    ("Errors", QT_TRANSLATE_NOOP("Errors", "not an image file but a folder: {path}")),
    ("Errors", QT_TRANSLATE_NOOP("Errors", "image file is empty (0 bytes): {path}")),
    ("Errors", QT_TRANSLATE_NOOP("Errors", "JPEG file is truncated (no end-of-image marker): {path}")),
    ("Errors", QT_TRANSLATE_NOOP("Errors", "cannot decode image {path} (corrupt or truncated, {n} bytes)")),
    ("Errors", QT_TRANSLATE_NOOP("Errors", "cannot decode image {path} (unsupported format, {n} bytes)")),
    ("Errors", QT_TRANSLATE_NOOP("Errors", "cannot decode image {path}: {why}")),
    ("Errors", QT_TRANSLATE_NOOP("Errors", "cannot read image file {path}: {why}")),
    ("Errors", QT_TRANSLATE_NOOP("Errors", "image {path} is {w}x{h} ({mp} megapixels), above the limit of {limit} "
                                           "megapixels (setting max_pixels)")),
    ("Engine", QT_TRANSLATE_NOOP("Engine", "paddle {v} on GPU")),
    ("Engine", QT_TRANSLATE_NOOP("Engine", "paddle {v} on CPU without oneDNN, {n} threads")),
    ("Engine", QT_TRANSLATE_NOOP("Engine", "paddle {v} on CPU with oneDNN ({ops} outside), {n} threads")),
    ("Engine", QT_TRANSLATE_NOOP("Engine", "paddle {v} on CPU with oneDNN, {n} threads")),
    ("Engine", QT_TRANSLATE_NOOP("Engine", "onnxruntime {v} on CPU, {n} threads (paddle2onnx)")),
    ("Engine", QT_TRANSLATE_NOOP("Engine", "openvino {v} on CPU, {n} threads (f32)")),
]


#: pyqtgraph's own ``translate`` calls, kept in our catalog (lupdate reads only app/)
PYQTGRAPH = (QT_TRANSLATE_NOOP("GraphicsScene", "Export..."), QT_TRANSLATE_NOOP("ViewBox", "View All"),
             QT_TRANSLATE_NOOP("ViewBox", "ViewBox options"), QT_TRANSLATE_NOOP("ViewBox", "Mouse Mode"),
             QT_TRANSLATE_NOOP("PlotItem", "Plot Options"))


def _pattern(source: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", source)  # literal, field, literal, ...
    rx = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
    return re.compile("^" + rx + "$", re.DOTALL)


_COMPILED = [(_pattern(source), context, source) for context, source in _TEMPLATES]

#: phrases of ``auto``'s engine line (inspectors.engine_choice.Choice.line), translated in
#: place: the line is built from a variable number of parts; the backends' own reasons
#: for rejecting or skipping stay as they are (technical, quoted from the backend)
_ENGINE_PHRASES = [(re.compile(rx), source) for rx, source in [
    (r"^engine auto: (?P<e>\S+) — ", QT_TRANSLATE_NOOP("Engine", "engine auto: {e} — ")),
    (r" ms/img", QT_TRANSLATE_NOOP("Engine", " ms/img")),
    (r" \((?P<r>[0-9.]+)x paddle\)", QT_TRANSLATE_NOOP("Engine", " ({r}x paddle)")),
    (r"; (?P<e>\S+) rejected: ", QT_TRANSLATE_NOOP("Engine", "; {e} rejected: ")),
    (r"; (?P<e>\S+) skipped: ", QT_TRANSLATE_NOOP("Engine", "; {e} skipped: ")),
    (r"; agrees with paddle: ", QT_TRANSLATE_NOOP("Engine", "; agrees with paddle: ")),
    (r"; layout: ", QT_TRANSLATE_NOOP("Engine", "; layout: ")),
    (r"(?P<n>\d+) inference threads?", QT_TRANSLATE_NOOP("Engine", "{n} inference thread(s)")),
    (r" \+ prefetch thread", QT_TRANSLATE_NOOP("Engine", " + prefetch thread")),
    (r", no prefetch thread", QT_TRANSLATE_NOOP("Engine", ", no prefetch thread")),
    (r" img/s through the pipeline", QT_TRANSLATE_NOOP("Engine", " img/s through the pipeline")),
    (r" \(measured on (?P<n>\d+) generated images at (?P<t>[^)]+), remembered\)$",
     QT_TRANSLATE_NOOP("Engine", " (measured on {n} generated images at {t}, remembered)")),
    (r" \(measured on (?P<n>\d+) images at (?P<t>[^)]+), remembered\)$",
     QT_TRANSLATE_NOOP("Engine", " (measured on {n} images at {t}, remembered)")),
    (r" \(measured on (?P<n>\d+) generated images\)$", QT_TRANSLATE_NOOP("Engine", " (measured on {n} generated images)")),
    (r" \(measured on (?P<n>\d+) images\)$", QT_TRANSLATE_NOOP("Engine", " (measured on {n} images)")),
]]


def _engine_line(text: str) -> str:
    for rx, source in _ENGINE_PHRASES:
        done = translate("Engine", source)
        if done != source:  # untranslated (English): the line stays exactly as written
            text = rx.sub(lambda m, done=done: done.format(**m.groupdict()), text)
    return text


def word(text: str) -> str:
    """A task, state or verdict name in the interface language (else ``text``)."""
    source = _WORDS.get(str(text))
    return translate("Vocabulary", source) if source else str(text)


def rule_text(text: str) -> str:
    """A text of ``inspectors`` (a decision reason, an "ignored" cause, an evaluation note,
    an engine line) in the interface language; as it is when no template matches."""
    for pattern, context, source in _COMPILED:
        m = pattern.match(text)
        if m:
            return translate(context, source).format(**m.groupdict())
    if text.startswith("engine auto: "):
        return _engine_line(text)
    return text


__all__ = ["rule_text", "word"]
