"""Qt-free inspection engine: model loading, preprocessing, inference, results,
ground truth and metrics. Nothing here imports PySide6 or pyqtgraph."""

from . import paddle_env as _paddle_env

__version__ = "0.1.0"

_paddle_env.prepare()  # before anything imports paddle: see paddle_env
