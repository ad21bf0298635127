"""Where a step's things land, in points: text boxes, the legend, the frame's extent.

The frame of a step is what TeX's standalone page would be: the extent of
every shape that counts (line widths do not), every text box, and the
legend centred under them, with the scene's border around.  Renderers take
positions from here, so a native frame has the TeX frame's size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

from .text import em, layout, measure, x_height
from .types import (Affine, Bounds, Caption, Cells, Grid, Legend, Plane, Scene, Segment, Span,
                    Text)

#: Legend layout: a swatch is 1.6 ex square, and its anchor's outer sep.
SWATCH_EX = 1.6
LEGEND_NODE_SEP = 0.3333
OUTER_SEP = 0.2


@dataclass(frozen=True)
class PlacedText:
    """A text ready to draw: glyph runs from its baseline's start (x, y)."""

    x: float
    y: float
    runs: tuple          # (dx, dy, text, size, face)
    box: Bounds          # its box with the room around it
    text: Text


def _point(transform: Affine, point, unit: float) -> Tuple[float, float]:
    x, y = transform(*point)
    return x * unit, y * unit


def place_text(text: Text, transform: Affine, unit: float, sizes: Dict[str, float]) -> PlacedText:
    size = sizes[text.size]
    runs, (w, h, d) = layout(text.spans, size)
    pad_x, pad_y = text.pad
    left, right, bottom, top = -pad_x, w + pad_x, -d - pad_y, h + pad_y
    centre_x, centre_y = (left + right) / 2, (bottom + top) / 2
    offset = {"center": (centre_x, centre_y), "north": (centre_x, top),
              "south": (centre_x, bottom), "west": (left, centre_y),
              "south west": (left, bottom)}[text.anchor]
    ax, ay = _point(transform, text.at, unit)
    x = ax + text.nudge[0] - offset[0]
    y = ay + text.nudge[1] - offset[1]
    return PlacedText(x, y, tuple(runs), Bounds(x + left, y + bottom, x + right, y + top), text)


def _rect_corners(transform: Affine, rect, unit: float) -> List[Tuple[float, float]]:
    x, y, w, h = rect
    return [_point(transform, p, unit) for p in ((x, y), (x + w, y), (x, y + h), (x + w, y + h))]


def _bounds_of(points) -> Optional[Bounds]:
    points = list(points)
    if not points:
        return None
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return Bounds(min(xs), min(ys), max(xs), max(ys))


def _widened(box: Optional[Bounds], stroke) -> Optional[Bounds]:
    """A stroked path's extent takes in half its line's width, as PGF's does."""
    if box is None or stroke is None:
        return box
    half = stroke.width / 2
    return Bounds(box.left - half, box.bottom - half, box.right + half, box.top + half)


def item_bounds(item, transform: Affine, unit: float, sizes) -> Optional[Bounds]:
    if isinstance(item, Cells):
        if not item.bounds:
            return None
        return _widened(_bounds_of(p for rect in item.rects
                                   for p in _rect_corners(transform, rect, unit)), item.stroke)
    if isinstance(item, Grid):
        return _widened(_bounds_of(_rect_corners(transform, item.rect, unit)), item.stroke)
    if isinstance(item, Text):
        return place_text(item, transform, unit, sizes).box if item.bounds else None
    raise TypeError(f"not a plane item: {item!r}")


def _union(boxes) -> Optional[Bounds]:
    found = None
    for box in boxes:
        if box is not None:
            found = box if found is None else found.union(box)
    return found


@dataclass(frozen=True)
class PlacedSwatch:
    square: Bounds
    label: PlacedText


@dataclass(frozen=True)
class PlacedLegend:
    swatches: Tuple[PlacedSwatch, ...]
    box: Bounds


def place_legend(key: Legend, above: Bounds, sizes: Dict[str, float]) -> PlacedLegend:
    """The legend as one row, its box's top `key.gap` under `above`, centred on it.

    Each swatch is a small picture of its own: its extent takes in half its
    outline's width, as any stroked path's does."""
    size = sizes[key.size]
    side = SWATCH_EX * x_height(size)
    space = measure((Span(" "),), size)[0]
    quad = em(size)
    pad = LEGEND_NODE_SEP * em(10.0)     # in the picture's font, as TikZ does
    pieces, x, height, depth = [], 0.0, 0.0, 0.0
    for index, entry in enumerate(key.entries):
        half = entry.cells.stroke.width / 2 if entry.cells.stroke else 0.0
        label = (Span(entry.label),)
        w, h, d = measure(label, size)
        pieces.append((x + half, x + side + 2 * half + space, label))
        x += side + 2 * half + space + w + (quad if index + 1 < len(key.entries) else 0.0)
        height, depth = max(height, h, side + half), max(depth, d, half)
    width = x
    top = above.bottom - key.gap - OUTER_SEP
    centre = (above.left + above.right) / 2
    left = centre - width / 2 - pad
    baseline = top - pad - height
    swatches = []
    for square_x, text_x, label in pieces:
        sx = left + pad + square_x
        runs, (w, h, d) = layout(label, size)
        tx = left + pad + text_x
        swatches.append(PlacedSwatch(
            Bounds(sx, baseline, sx + side, baseline + side),
            PlacedText(tx, baseline, tuple(runs), Bounds(tx, baseline - d, tx + w, baseline + h),
                       Text(at=(0, 0), spans=label, size=key.size))))
    box = Bounds(left, baseline - depth - pad, left + width + 2 * pad, top)
    return PlacedLegend(tuple(swatches), box)


def layer_bounds(layer, unit: float, sizes) -> Optional[Bounds]:
    if isinstance(layer, Plane):
        return _union(item_bounds(item, layer.transform, unit, sizes) for item in layer.items)
    if isinstance(layer, Segment):
        return _widened(_bounds_of([(layer.start[0] * unit, layer.start[1] * unit),
                                    (layer.end[0] * unit, layer.end[1] * unit)]), layer.stroke)
    return None


@dataclass(frozen=True)
class StepFrame:
    """A step's drawing extent (points, y up) and its legend, placed."""

    bounds: Bounds
    legend: Optional[PlacedLegend]
    caption: Optional[PlacedText] = None


def place_caption(caption: Caption, below: Bounds, sizes: Dict[str, float]) -> PlacedText:
    """The caption's line, `caption.gap` above `below`, from its left edge."""
    spans = (Span(caption.text),)
    runs, (w, h, d) = layout(spans, sizes[caption.size])
    x, y = below.left, below.top + caption.gap + d
    return PlacedText(x, y, tuple(runs), Bounds(x, y - d, x + w, y + h),
                      Text(at=(0, 0), spans=spans, size=caption.size))


def step_frame(scene: Scene, layers) -> StepFrame:
    """Extent of one step: its layers, the picture's origin (where TeX places
    the shared part), the legend under them and the caption above."""
    sizes = dict(scene.text_sizes)
    box = _union([Bounds(0.0, 0.0, 0.0, 0.0)]
                 + [layer_bounds(layer, scene.unit, sizes) for layer in layers])
    placed = caption = None
    for layer in layers:
        if isinstance(layer, Legend):
            placed = place_legend(layer, box, sizes)
            box = box.union(placed.box)
    for layer in layers:
        if isinstance(layer, Caption):
            caption = place_caption(layer, box, sizes)
            box = box.union(caption.box)
    return StepFrame(box, placed, caption)


def frame_size(bounds: Bounds, border: float, dpi: float) -> Tuple[int, int]:
    """Pixels of a frame at `dpi`: the page (extent plus border, in TeX
    points) rounded up to whole pixels, as poppler does."""
    import math
    scale = dpi / 72.27
    return (math.ceil((bounds.width + 2 * border) * scale - 1e-6),
            math.ceil((bounds.height + 2 * border) * scale - 1e-6))
