"""The translation catalogs stay in step with the code: every string the code marks is in
the zh_CN source with a translation, and the compiled .qm is what the .ts compiles to.
Checked with Qt's own tools (pyside6-lupdate / pyside6-lrelease), independent of app/i18n."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import pytest

from app.i18n import CATALOG, LANGUAGES, translations_dir

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    path = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed")
    return path


def _messages(ts: Path) -> Dict[Tuple[str, str], ET.Element]:
    out = {}
    for ctx in ET.parse(ts).getroot().iter("context"):
        name = ctx.findtext("name") or ""
        for m in ctx.iter("message"):
            out[(name, m.findtext("source") or "")] = m
    return out


LANGS = [lang for lang in LANGUAGES if lang != "en"]


@pytest.mark.parametrize("lang", LANGS)
def test_catalog_has_every_string_the_code_marks(tmp_path: Path, lang: str) -> None:
    committed = translations_dir() / f"{CATALOG}_{lang}.ts"
    fresh = tmp_path / committed.name
    sources = sorted(str(p) for p in (ROOT / "app").rglob("*.py"))
    subprocess.run([_tool("pyside6-lupdate"), "-no-obsolete", "-locations", "none",
                    "-target-language", lang, *sources, "-ts", str(fresh)],
                   check=True, capture_output=True)
    in_code = set(_messages(fresh))
    in_catalog = set(_messages(committed))
    missing = sorted(in_code - in_catalog)
    stale = sorted(in_catalog - in_code)
    assert not missing, f"run scripts/translations.sh: {len(missing)} new strings, e.g. {missing[:5]}"
    assert not stale, f"run scripts/translations.sh: {len(stale)} strings gone, e.g. {stale[:5]}"


@pytest.mark.parametrize("lang", LANGS)
def test_every_string_is_translated(lang: str) -> None:
    untranslated = []
    for key, m in _messages(translations_dir() / f"{CATALOG}_{lang}.ts").items():
        t = m.find("translation")
        forms = [f.text for f in t.iter("numerusform")] if m.get("numerus") == "yes" else [t.text]
        if t.get("type") in ("unfinished", "vanished", "obsolete") or not all(f and f.strip() for f in forms):
            untranslated.append(key)
    assert not untranslated, f"{len(untranslated)} strings without a {lang} translation: {untranslated[:8]}"


@pytest.mark.parametrize("lang", LANGS)
def test_compiled_catalog_matches_its_source(tmp_path: Path, lang: str) -> None:
    ts = translations_dir() / f"{CATALOG}_{lang}.ts"
    qm = tmp_path / "fresh.qm"
    subprocess.run([_tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)],
                   check=True, capture_output=True)
    assert qm.read_bytes() == ts.with_suffix(".qm").read_bytes(), "run scripts/translations.sh"


def _placeholders(text: str) -> List[str]:
    return sorted(re.findall(r"\{[^{}]*\}|%n", text or ""))


@pytest.mark.parametrize("lang", LANGS)
def test_translations_keep_the_placeholders(lang: str) -> None:
    """A translation with other {fields} than its source would raise in str.format."""
    bad = []
    for (ctx, source), m in _messages(translations_dir() / f"{CATALOG}_{lang}.ts").items():
        t = m.find("translation")
        for form in ([f.text for f in t.iter("numerusform")] if m.get("numerus") == "yes" else [t.text]):
            if _placeholders(form) != _placeholders(source):
                bad.append((ctx, source, form))
    assert not bad, f"translations whose placeholders differ from the source: {bad[:5]}"


def _literal_calls() -> Iterator[Tuple[str, int, str, str]]:
    """Every translate / QT_TRANSLATE_NOOP call in app/ with literal context and text, read
    with Python's own parser (pyside6-lupdate silently skips calls it cannot parse, e.g. a
    fourth argument, the %n count, that is an expression rather than a name)."""
    for path in sorted((ROOT / "app").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
            if name not in ("translate", "QT_TRANSLATE_NOOP") or len(node.args) < 2:
                continue
            ctx, text = node.args[0], node.args[1]
            if isinstance(ctx, ast.Constant) and isinstance(text, ast.Constant) and isinstance(text.value, str):
                yield str(path.relative_to(ROOT)), node.lineno, ctx.value, text.value


@pytest.mark.parametrize("lang", LANGS)
def test_every_marked_call_reaches_the_catalog(lang: str) -> None:
    catalog = set(_messages(translations_dir() / f"{CATALOG}_{lang}.ts"))
    calls = list(_literal_calls())
    assert len(calls) > 100, "the walk found too few calls to trust"
    missing = [c for c in calls if (c[2], c[3]) not in catalog]
    assert not missing, f"lupdate did not extract these calls (literal arguments only): {missing[:5]}"
