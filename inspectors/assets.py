"""Where the bundled data is: ``resources/`` (configs, demo images) and ``models/``.

Found through :mod:`importlib.resources` when the project is installed (the wheel
carries both folders as the packages ``defect_inspector_resources`` and
``defect_inspector_models``), else beside the ``inspectors`` package in a checkout.
One place, instead of ``Path(__file__).parents[N]`` in every module that needs a file.
"""

from __future__ import annotations

import importlib.resources
from functools import cache
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent


@cache
def _folder(package: str, name: str) -> Path:
    try:
        found = Path(str(importlib.resources.files(package)))
    except ModuleNotFoundError:
        found = None
    if found is not None and found.is_dir():
        return found
    return _CHECKOUT / name


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
