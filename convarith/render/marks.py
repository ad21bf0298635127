"""TikZ styles of the scene's kinds of cells: its paints, strokes and hatching.

The scene says how a kind of cells looks (a theme colour tinted with white,
an opacity, a thick or dashed outline, a hatch); here that becomes the
options of a TikZ path, for the cells of a figure and for the legend's
swatches alike.
"""

from __future__ import annotations

from typing import Optional

from ..scene.types import THICK, THIN, Cells, Paint, Stroke

HATCH = "pattern=north east lines, pattern color=lines"
#: TikZ's names of the line widths the scene uses.
WIDTHS = {THICK: "thick", THIN: "thin"}


def _number(value: float) -> str:
    return f"{value:g}"


def colour(paint: Paint) -> str:
    """A paint's colour: its theme role, mixed with white as TikZ's colour!NN."""
    if paint.tint == 1:
        return paint.colour
    return f"{paint.colour}!{round(paint.tint * 100)}"


def fill_style(cells: Cells) -> str:
    """Options of \\fill for cells that are filled (and maybe hatched), not outlined."""
    style = colour(cells.fill)
    if cells.fill.opacity != 1:
        style += f", fill opacity={_number(cells.fill.opacity)}"
    if cells.hatch:
        style += f", postaction={{{HATCH}}}"
    return style


def stroke_style(stroke: Stroke) -> str:
    """Options of \\draw for a stroke."""
    style = f"draw={stroke.colour}"
    if stroke.width != THIN:
        style += f", {WIDTHS[stroke.width]}"
    if stroke.dashed:
        style += ", dashed"
    if stroke.opacity != 1:
        style += f", draw opacity={_number(stroke.opacity)}"
    return style


def draw_style(cells: Cells) -> str:
    """Options of \\draw for cells as the scene draws them: filled, then
    hatched (over the fill), then outlined."""
    parts = []
    if cells.fill is not None:
        parts.append(f"fill={colour(cells.fill)}")
        if cells.fill.opacity != 1:
            parts.append(f"fill opacity={_number(cells.fill.opacity)}")
    if cells.hatch:
        parts.append(f"postaction={{{HATCH}}}" if cells.fill is not None else HATCH)
    if cells.stroke is not None:
        parts.append(stroke_style(cells.stroke))
    return ", ".join(parts)


def marks(cells: Optional[Cells]) -> list:
    """Filled cells as (\\fill options, rectangles), for templates/marks.tex.j2."""
    return [] if cells is None else [(fill_style(cells), cells.rects)]
