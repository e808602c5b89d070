"""The interface language: English (the source strings) or Simplified Chinese.

Strings are marked in the code with ``QCoreApplication.translate(context, text)`` (or
``self.tr`` in a class that is never subclassed: PySide takes the context from the
runtime class), extracted by ``pyside6-lupdate`` into ``resources/translations/*.ts``
and compiled by ``pyside6-lrelease`` into the ``.qm`` files loaded here
(``scripts/translations.sh`` does both). The language comes from the setting
``ui/language``, else the system locale.

Counts are placed with ``.format(n=...)``, not Qt's ``%n`` plurals: pyside6-lupdate marks a
message as plural only when its count is a literal number, so English could not get its
singular / plural forms from a catalog; Chinese has one form anyway.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Optional

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication

from inspectors.assets import resources_dir

#: ``translate("Context", "text")``: pyside6-lupdate extracts calls by this name with literal
#: arguments (a ``functools.partial`` with the context bound is *not* extracted)
translate = QCoreApplication.translate


def tr_noop(context: str, text: str) -> str:
    """Mark ``text`` for extraction where it is defined (a table of names); translate it
    with ``translate(context, text)`` where it is shown."""
    return text


QT_TRANSLATE_NOOP = tr_noop

LANGUAGES: Dict[str, str] = {"en": "English", "zh_CN": "简体中文"}
SETTING = "ui/language"
CATALOG = "defect_inspector"


#: CJK families tried after the interface font, in order (the first is in scripts/system-deps.sh)
CJK_FAMILIES = ("WenQuanYi Zen Hei", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei",
                "PingFang SC")


def translations_dir() -> Path:
    return resources_dir() / "translations"


def system_language() -> str:
    """zh_CN for any Chinese system locale (the plants' Taiwan/Hong Kong desks read
    Simplified too, better than English), else English."""
    return "zh_CN" if QLocale.system().name().lower().startswith("zh") else "en"


def choose_language(setting: Optional[str]) -> str:
    """The language to use: the setting when it names one we ship, else the system's."""
    if setting and str(setting) in LANGUAGES:
        return str(setting)
    return system_language()


def install(app: QCoreApplication, language: str) -> List[QTranslator]:
    """Load the app's catalog and Qt's own (dialog buttons, context menus) for
    ``language``. Returns the installed translators: they must stay referenced."""
    installed: List[QTranslator] = []
    if language == "en":
        return installed
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name, folder in ((f"qtbase_{language}", qt_dir), (f"qt_{language}", qt_dir),
                         (f"{CATALOG}_{language}", str(translations_dir()))):
        t = QTranslator(app)
        if t.load(name, folder):
            app.installTranslator(t)
            installed.append(t)
    QLocale.setDefault(QLocale(language))
    return installed


def cjk_font_fallback(app: QGuiApplication) -> List[str]:
    """Let the application font fall back to a CJK family for Chinese text (the interface
    in zh_CN, and Chinese file and class names in any language) where the system's default
    font has no CJK glyphs. Adds the reports' CJK font file when no such family is
    installed. Returns the families set on the application font."""
    installed = set(QFontDatabase.families())
    if not installed.intersection(CJK_FAMILIES):
        from inspectors.report.fonts import report_font

        f = report_font()
        if f.cjk and f.path is not None:
            QFontDatabase.addApplicationFont(str(f.path))
            installed = set(QFontDatabase.families())
    font = QFont(app.font())
    families = [x for x in font.families() or [font.family()] if x not in CJK_FAMILIES]
    families += [x for x in CJK_FAMILIES if x in installed]
    font.setFamilies(families)
    app.setFont(font)
    return families
