"""How overlays look: opacity, contours, labels, hidden classes, thresholds."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import FrozenSet, Optional, Union

from ..results import Thresholds


@dataclass(frozen=True)
class RenderStyle:
    """Rendering options shared by every result type.

    ``hidden_classes`` holds class ids or class names that are not drawn.
    ``thresholds``, when given, filters the result before drawing (the renderer
    never changes the result itself). ``ignored_opacity`` and ``show_ignored`` apply
    when a rules decision is drawn: the fill of the defects the rules ignored, or
    not drawing them at all.
    """

    mask_opacity: float = 0.45
    contours: bool = True
    contour_thickness: int = 0  # 0: chosen from the image size
    box_thickness: int = 0  # 0: chosen from the image size
    labels: bool = True
    scores: bool = True
    legend: bool = True
    font_scale: float = 0.0  # 0: chosen from the image size
    hidden_classes: FrozenSet[Union[int, str]] = field(default_factory=frozenset)
    thresholds: Optional[Thresholds] = None
    ignored_opacity: float = 0.15
    show_ignored: bool = True

    def __post_init__(self) -> None:
        if not 0.0 <= self.mask_opacity <= 1.0:
            raise ValueError(f"mask_opacity {self.mask_opacity} is outside [0, 1]")
        if not 0.0 <= self.ignored_opacity <= 1.0:
            raise ValueError(f"ignored_opacity {self.ignored_opacity} is outside [0, 1]")
        object.__setattr__(self, "hidden_classes", frozenset(self.hidden_classes))

    def with_(self, **changes) -> RenderStyle:
        return replace(self, **changes)

    def is_hidden(self, class_id: int, class_name: str) -> bool:
        return class_id in self.hidden_classes or class_name in self.hidden_classes


DEFAULT_STYLE = RenderStyle()
