"""How large to draw a figure: presets for the web, slides and paper.

A preset chooses the resolution and, where the figure would otherwise be
too small to read, scales the text and the lines: `slides` makes every
frame fit 1920x1080 pixels with no text under 20 px and no line under 2 px;
`web` is the frames as the catalogue draws them (150 dpi); `paper` draws
them at 300 dpi.  Standard library only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Optional, Tuple

from ..errors import ParameterError
from .measure import step_frame
from .types import THIN, Scene


@dataclass(frozen=True)
class Preset:
    name: str
    #: Resolution, or for a preset that fits a screen, the highest one.
    dpi: float
    #: Pixels every frame must fit in (width, height), if any.
    fit: Optional[Tuple[int, int]] = None
    min_text_px: float = 0.0
    min_line_px: float = 0.0


PRESETS = {
    "web": Preset("web", 150),
    "slides": Preset("slides", 600, fit=(1920, 1080), min_text_px=20, min_line_px=2),
    "paper": Preset("paper", 300),
}
DEFAULT_PRESET = "web"


@dataclass(frozen=True)
class Presented:
    """A scene with its text scaled, the resolution to draw it at, and the
    factor for its lines' widths."""

    scene: Scene
    dpi: float
    line_scale: float = 1.0


def preset_named(name: str, words: str = "--preset") -> Preset:
    if name not in PRESETS:
        raise ParameterError(f"{words} must be one of {', '.join(PRESETS)}, not {name!r}.")
    return PRESETS[name]


def scaled_text(scene: Scene, factor: float) -> Scene:
    return replace(scene, text_sizes=tuple((role, size * factor)
                                           for role, size in scene.text_sizes))


def _largest_frame(scene: Scene) -> Tuple[float, float]:
    """Width and height in points of the largest frame, border included."""
    widths, heights = [0.0], [0.0]
    for step in scene.steps:
        bounds = step_frame(scene, step.layers).bounds
        widths.append(bounds.width + 2 * scene.border)
        heights.append(bounds.height + 2 * scene.border)
    return max(widths), max(heights)


def present(scene: Scene, preset: Preset, dpi: Optional[float] = None) -> Presented:
    """The scene as `preset` draws it (`dpi`, if given, for presets without a
    screen to fit)."""
    if preset.fit is None:
        return Presented(scene, dpi or preset.dpi)
    smallest = min(size for _, size in scene.text_sizes)
    factor, shown = 1.0, scene
    for _ in range(8):          # larger text widens the frame: settle both
        shown = scaled_text(scene, factor)
        width, height = _largest_frame(shown)
        resolution = min(preset.dpi, 72.27 * min(preset.fit[0] / width,
                                                  preset.fit[1] / height))
        # whole pixels are rounded up: keep a pixel's room
        resolution = math.floor(resolution * 0.999 * 100) / 100
        pixels_per_point = resolution / 72.27
        wanted = max(1.0, preset.min_text_px / (smallest * pixels_per_point))
        if abs(wanted - factor) < 1e-3:
            break
        factor = wanted
    line_scale = max(1.0, preset.min_line_px / (THIN * pixels_per_point))
    return Presented(shown, resolution, line_scale)
