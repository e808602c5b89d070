"""Bundled data, installed as the package ``defect_inspector_resources``: configs/, demo/.
Found through :mod:`inspectors.assets`; nothing to import here."""
