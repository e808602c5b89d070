"""The report font: a TrueType CJK font so Chinese file and class names render.

WenQuanYi Zen Hei (Debian's fonts-wqy-zenhei, in scripts/system-deps.sh) covers Latin and
CJK; without it the reports fall back to DejaVu Sans with a warning (CJK then shows as
boxes). ``DEFECT_INSPECTOR_REPORT_FONT`` names another .ttf / .ttc file.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Optional

CJK_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "/System/Library/Fonts/PingFang.ttc",
)
FALLBACK_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
)


@dataclass(frozen=True)
class FontFile:
    path: Optional[Path]  # None: no TrueType font found (the PDF uses Helvetica)
    cjk: bool


@cache
def report_font() -> FontFile:
    """The font file the reports use (found once per process)."""
    override = os.environ.get("DEFECT_INSPECTOR_REPORT_FONT")
    if override and Path(override).is_file():
        return FontFile(Path(override), True)
    for p in CJK_FONTS:
        if Path(p).is_file():
            return FontFile(Path(p), True)
    for p in FALLBACK_FONTS:
        if Path(p).is_file():
            warnings.warn("no CJK font found (install fonts-wqy-zenhei): Chinese names in reports "
                          "show as boxes; using DejaVu Sans", stacklevel=2)
            return FontFile(Path(p), False)
    warnings.warn("no TrueType font found (install fonts-wqy-zenhei): reports use Helvetica, "
                  "Latin text only", stacklevel=2)
    return FontFile(None, False)
