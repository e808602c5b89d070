"""Offline demo data: synthetic steel (NEU-like, classification) and magnetic-tile-like
(segmentation) images with exact ground truth, in the layouts the ground-truth readers
discover. ``python -m inspectors.tooling.demo`` regenerates ``resources/demo`` (deterministic).
"""

from .generate import DEMO_DIR, generate_demo

__all__ = ["DEMO_DIR", "generate_demo"]
