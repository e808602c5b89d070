"""Qt-free inspection engine: model loading, preprocessing, inference, results,
ground truth and metrics. Nothing here imports PySide6 or pyqtgraph."""

__version__ = "0.1.0"
