"""Report charts (matplotlib Agg, no pyplot state): PR curves, per-class bars, confusion."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence, Union

import numpy as np

from ..atomic import atomic_write_bytes


def _figure(w: float, h: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(w, h))
    FigureCanvasAgg(fig)
    return fig


def _save(fig, path: Union[str, Path], dpi: int = 120) -> Path:
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    return atomic_write_bytes(path, buf.getvalue())


def plot_pr_curves(path: Union[str, Path], curves: Sequence[dict]) -> Path:
    """One line per class: precision against recall (from DetectionMatches.pr_curves)."""
    fig = _figure(6, 5)
    ax = fig.add_subplot(1, 1, 1)
    for c in curves:
        r, p = np.asarray(c.get("recall", []), float), np.asarray(c.get("precision", []), float)
        ok = np.isfinite(r) & np.isfinite(p)
        if ok.any():
            ax.plot(r[ok], p[ok], label=str(c.get("class_name", c.get("class_id"))))
    ax.set_xlabel("recall")
    ax.set_ylabel("precision")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.set_title("Precision-recall per class")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8, loc="lower left")
    else:
        ax.text(0.5, 0.5, "no ground-truth boxes: no curve", ha="center", va="center",
                transform=ax.transAxes, color="0.4")
    return _save(fig, path)


def plot_confusion(path: Union[str, Path], matrix, rows: Sequence[str], cols: Sequence[str],
                   title: str = "Confusion matrix") -> Path:
    m = np.asarray(matrix, dtype=float)
    fig = _figure(1.2 + 0.6 * len(cols), 1.0 + 0.5 * len(rows))
    ax = fig.add_subplot(1, 1, 1)
    norm = m / np.maximum(m.sum(axis=1, keepdims=True), 1)
    ax.imshow(norm, cmap="Blues", vmin=0, vmax=1)
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            ax.text(j, i, f"{int(m[i, j])}", ha="center", va="center", fontsize=7,
                    color="white" if norm[i, j] > 0.5 else "black")
    ax.set_xticks(range(len(cols)))
    ax.set_xticklabels(cols, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(rows, fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("ground truth")
    ax.set_title(title)
    return _save(fig, path)


def plot_per_class(path: Union[str, Path], names: Sequence[str], values: Sequence[float], label: str) -> Path:
    fig = _figure(1.5 + 0.6 * len(names), 3.5)
    ax = fig.add_subplot(1, 1, 1)
    v = np.nan_to_num(np.asarray(values, float))
    ax.bar(range(len(names)), v, color="#3b7dd8")
    for i, x in enumerate(v):
        ax.text(i, x + 0.01, f"{x:.3f}", ha="center", fontsize=7)
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels(names, rotation=45, ha="right", fontsize=8)
    ax.set_ylim(0, 1.08)
    ax.set_ylabel(label)
    ax.grid(axis="y", alpha=0.3)
    return _save(fig, path)
