"""The key under a labelled figure: which kinds of cells it shows, and how each looks."""

from __future__ import annotations

from typing import Optional

from ..model.spec import FigureSpec
from .types import Cells, Legend, Paint, Stroke, Swatch

SQUARE = ((0.0, 0.0, 1.0, 1.0),)
LINES, DASHED = Stroke(), Stroke(dashed=True)
UNIT = Swatch(Cells(SQUARE, fill=Paint("input"), stroke=LINES), "input unit")
INSERTED = Swatch(Cells(SQUARE, fill=Paint("input", tint=0.25), stroke=DASHED),
                  "inserted zero")
PADDING = Swatch(Cells(SQUARE, stroke=DASHED), "padding")
CROPPED = Swatch(Cells(SQUARE, fill=Paint("input", tint=0.45), stroke=DASHED, hatch=True),
                 "cropped")
OVERHANG = Swatch(Cells(SQUARE, stroke=LINES, hatch=True), "past the edge: not read")
UNCOUNTED = Swatch(Cells(SQUARE, stroke=DASHED), "padding: not counted")


def mode_padding(mode: str) -> Swatch:
    return Swatch(Cells(SQUARE, fill=Paint("input", tint=0.35), stroke=DASHED),
                  f"{mode} padding")


def legend(spec: FigureSpec) -> Optional[Legend]:
    """What a labelled figure's legend explains (None: no legend)."""
    if not spec.labels:
        return None
    rows, cols = spec.layouts
    entries = []
    if spec.transposed:
        # Only the kinds of cell this figure has: zeros are inserted by a
        # stride, and a border drawn where the kernel reaches past the input.
        entries = [UNIT]
        if any(layout.units[-1] - layout.units[0] + 1 > len(layout.units)
               for layout in (rows, cols)):
            entries.append(INSERTED)
        if rows.padding or cols.padding:
            entries.append(PADDING)
        if rows.cropped or cols.cropped:
            entries.append(CROPPED)
        return Legend(tuple(entries), size="small")
    has_padding = bool(rows.padding or cols.padding)
    if spec.padding_mode != "zeros" and has_padding:
        entries = [UNIT, mode_padding(spec.padding_mode)]
    if spec.mode == "average" and not spec.count_include_pad and has_padding:
        entries.append(UNCOUNTED)
    if rows.overhang or cols.overhang:
        entries.append(OVERHANG)
    return Legend(tuple(entries), size="small") if entries else None
