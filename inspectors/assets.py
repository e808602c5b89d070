"""Where the bundled data is: ``resources/`` (configs, demo images) and ``models/``.

The data that belongs to the running code: in a checkout (``python main.py``, with or
without an editable install) the folders beside the ``inspectors`` package; installed
from the wheel, which carries both folders as the packages ``defect_inspector_resources``
and ``defect_inspector_models``, those packages' folders, found through :mod:`importlib`
as :func:`importlib.resources.files` finds them. One place, instead of
``Path(__file__).parents[N]`` in every module that needs a file.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent


def _package_folder(package: str) -> Path | None:
    """The installed package's folder, found without importing it (an import would also
    write ``__pycache__/`` into a folder where every sub-folder is taken for a model)."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    for location in (spec.submodule_search_locations or []) if spec is not None else []:
        if Path(location).is_dir():
            return Path(location)
    return None


@cache
def _folder(package: str, name: str) -> Path:
    beside = _CHECKOUT / name
    if (_CHECKOUT / "pyproject.toml").is_file() and beside.is_dir():
        return beside  # a checkout: its own data, even where another copy is installed
    return _package_folder(package) or beside


def resources_dir() -> Path:
    """The ``resources/`` folder (configs, demo sets, UI assets)."""
    return _folder("defect_inspector_resources", "resources")


def models_dir() -> Path:
    """The ``models/`` folder of bundled exported models."""
    return _folder("defect_inspector_models", "models")


def demo_dir() -> Path:
    return resources_dir() / "demo"


def configs_dir() -> Path:
    return resources_dir() / "configs"
