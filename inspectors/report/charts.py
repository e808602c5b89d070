"""Report charts drawn once as PNG pictures (matplotlib Agg at 2x, no pyplot state) and
used by both renderers: rates against the threshold with the operating point, a
confusion matrix, per-class bars. Labels use the report font (Chinese class names)."""

from __future__ import annotations

import io
from typing import Optional, Sequence, Tuple

import numpy as np

from .document import Picture
from .fonts import report_font

DPI = 192  # 2x of 96 dpi: Picture.scale 2
BLUE, RED, ORANGE, GREY = "#2b5fab", "#c0392b", "#e08a00", "#6b7380"


def _figure(w: float, h: float):
    """A bare Agg figure (``w`` x ``h`` inches at 96 dpi display) in the report font."""
    from matplotlib import font_manager
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    f = report_font()
    families = ["DejaVu Sans"]
    if f.path is not None:
        font_manager.fontManager.addfont(str(f.path))
        families.append(font_manager.FontProperties(fname=str(f.path)).get_name())
    fig = Figure(figsize=(w, h))
    FigureCanvasAgg(fig)
    fig._report_families = families  # noqa: SLF001 - read by _font below
    return fig


def _font(fig, size: float = 9.0) -> dict:
    return {"family": fig._report_families, "size": size}  # noqa: SLF001


def _style(ax, fig) -> None:
    for label in ax.get_xticklabels() + ax.get_yticklabels():
        label.set_fontfamily(fig._report_families)  # noqa: SLF001
        label.set_fontsize(8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _picture(fig, name: str) -> Picture:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight", pad_inches=0.08, facecolor="white")
    p = Picture.from_bytes(buf.getvalue(), name)
    return Picture(p.data, p.width, p.height, "png", name, scale=DPI / 96)


def threshold_chart(thresholds: Sequence[float], recall: Sequence[float], false_alarm: Sequence[float],
                    operating: Optional[Tuple[float, float, float]] = None, operating_label: str = "",
                    name: str = "threshold_chart.png") -> Picture:
    """Image-level recall and false-alarm rate against the confidence threshold;
    ``operating`` = (threshold, recall, false-alarm rate) is marked with a vertical line
    and two dots, labelled ``operating_label``."""
    fig = _figure(7.2, 3.6)
    ax = fig.add_subplot(1, 1, 1)
    t = np.asarray(thresholds, float)
    ax.plot(t, np.asarray(recall, float), color=BLUE, linewidth=1.8, label="recall (defective images found)")
    ax.plot(t, np.asarray(false_alarm, float), color=RED, linewidth=1.8,
            label="false-alarm rate (good images flagged)")
    if operating is not None:
        th, r, fa = operating
        ax.axvline(th, color=ORANGE, linewidth=1.2, linestyle="--")
        ax.plot([th], [r], "o", color=BLUE, markersize=7, markeredgecolor="white")
        if fa is not None and np.isfinite(fa):
            ax.plot([th], [fa], "o", color=RED, markersize=7, markeredgecolor="white")
        fa_text = "n/a" if fa is None or not np.isfinite(fa) else f"{100 * fa:.1f} %"
        text = operating_label or f"threshold {th:.2f}: recall {100 * r:.1f} %, false alarms {fa_text}"
        ax.annotate(text, (th, 1.04), xytext=(0, 2), textcoords="offset points", color="#7a4b00",
                    fontfamily=fig._report_families, fontsize=8, va="bottom",  # noqa: SLF001
                    ha="left" if th < 0.3 else "right" if th > 0.7 else "center", annotation_clip=False)
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("confidence threshold", fontdict=_font(fig))
    ax.set_ylabel("rate (fraction of images)", fontdict=_font(fig))
    ax.grid(alpha=0.3, linestyle="--", linewidth=0.6)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, prop=_font(fig, 8), frameon=False)
    _style(ax, fig)
    return _picture(fig, name)


def confusion_chart(matrix, rows: Sequence[str], columns: Sequence[str], title: str = "",
                    row_label: str = "ground truth", column_label: str = "prediction",
                    name: str = "confusion.png") -> Picture:
    """Counts in each cell, shaded by the row's share (what fraction of each true class
    went where)."""
    m = np.asarray(matrix, dtype=float)
    n_r, n_c = m.shape
    longest = max([len(str(s)) for s in list(rows) + list(columns)] + [4])
    fig = _figure(1.6 + 0.62 * n_c + 0.06 * longest, 1.2 + 0.45 * n_r + 0.05 * longest)
    ax = fig.add_subplot(1, 1, 1)
    share = m / np.maximum(m.sum(axis=1, keepdims=True), 1)
    ax.imshow(share, cmap="Blues", vmin=0, vmax=1, aspect="auto")
    for i in range(n_r):
        for j in range(n_c):
            ax.text(j, i, f"{int(m[i, j])}" if m[i, j] == int(m[i, j]) else f"{m[i, j]:.2g}",
                    ha="center", va="center", fontsize=8, fontfamily=fig._report_families,  # noqa: SLF001
                    color="white" if share[i, j] > 0.55 else "#1d2430")
    ax.set_xticks(range(n_c))
    ax.set_yticks(range(n_r))
    ax.set_xticklabels([str(c) for c in columns], rotation=35, ha="right")
    ax.set_yticklabels([str(r) for r in rows])
    ax.set_xlabel(column_label, fontdict=_font(fig))
    ax.set_ylabel(row_label, fontdict=_font(fig))
    if title:
        ax.set_title(title, fontdict=_font(fig, 10))
    _style(ax, fig)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.tick_params(length=0)
    return _picture(fig, name)


def bar_chart(names: Sequence[str], values: Sequence[Optional[float]], label: str,
              name: str = "bars.png") -> Picture:
    """One horizontal bar per class (0-1 values; a missing value drawn as "n/a")."""
    fig = _figure(6.4, 0.6 + 0.32 * max(1, len(names)))
    ax = fig.add_subplot(1, 1, 1)
    y = np.arange(len(names))
    v = np.array([np.nan if x is None else float(x) for x in values], float)
    ax.barh(y, np.nan_to_num(v), color=BLUE, height=0.6)
    for i, x in enumerate(v):
        ax.text((0 if np.isnan(x) else x) + 0.01, i, "n/a" if np.isnan(x) else f"{x:.3f}", va="center",
                fontsize=8, fontfamily=fig._report_families)  # noqa: SLF001
    ax.set_yticks(y)
    ax.set_yticklabels([str(n) for n in names])
    ax.invert_yaxis()
    ax.set_xlim(0, 1.1)
    ax.set_xlabel(label, fontdict=_font(fig))
    ax.grid(axis="x", alpha=0.3, linestyle="--", linewidth=0.6)
    _style(ax, fig)
    return _picture(fig, name)


def robustness_chart(robustness: dict, name: str = "robustness.png") -> Picture:
    """One small panel per perturbation: the task metric (blue), image-level recall (green)
    and false-alarm rate (red) against the strength, the clean metric dashed and the
    tolerance floor (``fraction`` x clean) dotted; the metrics.json ``robustness`` block."""
    items = robustness["perturbations"]
    cols = min(3, max(1, len(items)))
    rows = -(-len(items) // cols)
    fig = _figure(2.6 * cols + 0.4, 2.2 * rows + 0.5)
    clean = robustness["clean"]
    floor = None if clean["metric"] is None else robustness["fraction"] * clean["metric"]
    for i, item in enumerate(items):
        ax = fig.add_subplot(rows, cols, i + 1)
        pts = item["points"]
        if item.get("identity") is not None and clean["metric"] is not None:  # the clean point starts each curve
            pts = pts + [{"strength": item["identity"], **clean}]
        pts = sorted(pts, key=lambda p: p["strength"])
        x = [p["strength"] for p in pts]
        for key, color, label in (("metric", BLUE, robustness["metric"]), ("recall", "#2e8b57", "recall"),
                                  ("false_alarm", RED, "false alarms")):
            y = [np.nan if p[key] is None else p[key] for p in pts]
            ax.plot(x, y, "o-", color=color, linewidth=1.5, markersize=3.5, label=label)
        if clean["metric"] is not None:
            ax.axhline(clean["metric"], color=GREY, linewidth=1.0, linestyle="--")
            ax.axhline(floor, color=ORANGE, linewidth=1.0, linestyle=":")
        unit = f" ({item['unit']})" if item["unit"] else ""
        ax.set_title(f"{item['name']}{unit}", fontdict=_font(fig, 9))
        ax.set_ylim(-0.02, 1.02)
        ax.grid(alpha=0.3, linestyle="--", linewidth=0.6)
        _style(ax, fig)
        if i == 0:
            handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, prop=_font(fig, 8), frameon=False,
               bbox_to_anchor=(0.5, -0.01))
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return _picture(fig, name)
