"""Label placement: where each tag goes so that no two overlap and none leaves the image.

Qt-free and drawing-free: it works on rectangles only, so the burned-in renderer
(:mod:`.text`) and a screen overlay (at the view's scale) can share it.

Labels are placed greedily in priority order (the first gets its preferred spot, just above
its anchor, or just below when there is no room above); a label that collides is slid
vertically, then horizontally, in steps of half its own height / width or flush with a placed tag, nearest spot first.
A label that found a spot away from its anchor gets a leader line (``Placement.leader``).
A label with no free spot anywhere is not placed (``None``): a hidden tag is better than
one that covers another (the hover tooltip and the defect table still show it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

#: x, y, width, height (x, y is the top-left corner; the rectangle covers [x, x + w) x [y, y + h))
Rect = Tuple[int, int, int, int]


@dataclass(frozen=True)
class Placement:
    rect: Rect
    leader: bool  # drawn away from its anchor: join them with a line


def intersects(a: Rect, b: Rect) -> bool:
    """True when the two rectangles share an area (touching edges do not count)."""
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def inside(r: Rect, width: int, height: int) -> bool:
    return r[0] >= 0 and r[1] >= 0 and r[0] + r[2] <= width and r[1] + r[3] <= height


def _offsets(n: int) -> List[int]:
    """0, 1, -1, 2, -2, ... n, -n."""
    out = [0]
    for k in range(1, n + 1):
        out += [k, -k]
    return out


def place_labels(anchors: Sequence[Tuple[int, int]], sizes: Sequence[Tuple[int, int]],
                 bounds: Tuple[int, int], obstacles: Sequence[Rect] = (),
                 max_steps: int = 12) -> List[Optional[Placement]]:
    """Rectangles for labels of ``sizes`` (w, h) at ``anchors`` (x, y: a box's top-left corner),
    inside ``bounds`` (width, height), clear of each other and of ``obstacles`` (a legend).

    Order is priority: earlier labels keep their preferred spot. Returns one entry per label."""
    width, height = bounds
    taken: List[Rect] = list(obstacles)
    out: List[Optional[Placement]] = []
    for (ax, ay), (w, h) in zip(anchors, sizes):
        w, h = int(w), int(h)
        if w > width or h > height or w <= 0 or h <= 0:
            out.append(None)
            continue
        x0 = min(max(int(ax), 0), width - w)
        above = int(ay) - h
        y0 = min(above if above >= 0 else max(int(ay), 0), height - h)
        placed: Optional[Placement] = None
        # half-size steps and spots flush with a placed tag, clamped to the edges, nearest first
        xs = [x0 + dx * max(1, w // 2) for dx in _offsets(max_steps)]
        ys = [y0 + dy * max(1, h // 2) for dy in _offsets(2 * max_steps)]
        for t in taken:
            xs += [t[0] + t[2], t[0] - w]
            ys += [t[1] + t[3], t[1] - h]
        xs = sorted({min(max(x, 0), width - w) for x in xs}, key=lambda x: (abs(x - x0), x))
        ys = sorted({min(max(y, 0), height - h) for y in ys}, key=lambda y: (abs(y - y0), abs(y - int(ay)), y))
        for x in xs:
            for y in ys:
                r = (x, y, w, h)
                if any(intersects(r, t) for t in taken):
                    continue
                # a spot at its anchor needs no line; one further away than half a row does
                (px, py), (qx, qy) = leader_points((int(ax), int(ay)), r)
                placed = Placement(r, leader=(px - qx) ** 2 + (py - qy) ** 2 > (h / 2) ** 2)
                break
            if placed is not None:
                break
        if placed is not None:
            taken.append(placed.rect)
        out.append(placed)
    return out


def leader_points(anchor: Tuple[int, int], rect: Rect) -> Tuple[Tuple[int, int], Tuple[int, int]]:
    """A leader line from ``anchor`` to the nearest point of ``rect``'s border."""
    x, y, w, h = rect
    px = min(max(anchor[0], x), x + w - 1)
    py = min(max(anchor[1], y), y + h - 1)
    return (int(anchor[0]), int(anchor[1])), (int(px), int(py))
