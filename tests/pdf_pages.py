"""Read a PDF back as a viewer would (Qt's own PDF engine, QtPdf), in a child process so
no QGuiApplication is left in the test session: the text of each page, and each page
rendered to PNG."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import List, Optional, Union

_SCRIPT = r"""
import json, sys
from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtPdf import QPdfDocument
app = QGuiApplication(sys.argv[:1])
doc = QPdfDocument(None)
doc.load(sys.argv[1])
out, zoom = sys.argv[2], float(sys.argv[3])
texts = []
for i in range(doc.pageCount()):
    texts.append(doc.getAllText(i).text())
    if out:
        s = doc.pagePointSize(i)
        doc.render(i, QSize(int(s.width() * zoom), int(s.height() * zoom))).save(f"{out}-{i + 1}.png")
print(json.dumps(texts))
"""


def pdf_pages(pdf: Union[str, Path], png_prefix: Optional[Union[str, Path]] = None,
              zoom: float = 1.6) -> List[str]:
    """The text of every page; with ``png_prefix``, page i also as ``{prefix}-{i}.png``."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", _SCRIPT, str(pdf), str(png_prefix or ""), str(zoom)],
                          capture_output=True, text=True, env=env, timeout=120, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])
