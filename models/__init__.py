"""Bundled exported models, installed as the package ``defect_inspector_models`` (one
folder per model). Found through :mod:`inspectors.assets`; nothing to import here."""
