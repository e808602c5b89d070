"""Where runs are kept: one place for the app, ``predict`` and ``evaluate``.

``<work dir>/runs``; the work dir is ``--work-dir`` (or the app's setting), else
``$DEFECT_INSPECTOR_HOME``, else the user data folder Qt's ``AppDataLocation`` gives the
app (organisation "DefectInspector", application "Defect Inspector"), computed here
without Qt so the command line finds the same runs as the window.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional, Union

ORG, APP = "DefectInspector", "Defect Inspector"


def default_work_dir() -> Path:
    env = os.environ.get("DEFECT_INSPECTOR_HOME")
    if env:
        return Path(env).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / ORG / APP


def runs_root(work_dir: Optional[Union[str, os.PathLike[str]]] = None) -> Path:
    """The store root for ``work_dir`` (None: the default work dir)."""
    return (Path(work_dir).expanduser() if work_dir else default_work_dir()) / "runs"
