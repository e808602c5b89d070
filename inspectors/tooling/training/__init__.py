"""Training recipes on the suites (paddle dygraph / paddle.vision, paddleseg, paddledet), ending in
each suite's export layout so the engine loads the result like any user's export.

Modules: :mod:`.classification` (PaddleClas-list data, small CPU classifiers),
:mod:`.segmentation` (paddleseg models and losses on PaddleSeg lists), :mod:`.detection`
(ppdet's Trainer on VOC lists), :mod:`.common` (configs, checkpoints, logs). Entry point for users: ``python main.py train``.
"""

from .common import TrainingDataError, TrainingError

__all__ = ["TrainingDataError", "TrainingError"]
