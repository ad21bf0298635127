"""What each step computes, for players, captions and tests: cells read and the value.

Input cells are named by their true indices in the layer's input; padding
cells (and a transposed convolution's inserted zeros) by their indices in
the drawn, padded grid, whose row and column 0 are its first row and column.
"""

from __future__ import annotations

import math
from typing import List, Tuple

from ..model.spec import FigureSpec
from .types import StepMeaning


def read_channels(spec: FigureSpec, channel: int) -> range:
    """Input channels that output channel `channel` reads."""
    if spec.mode != "convolution":
        return range(channel, channel + 1)
    return spec.group_inputs(channel)


def step_meaning(spec: FigureSpec, step: int, values=None) -> StepMeaning:
    rows, cols = spec.layouts
    row, col = spec.step_cell(step)
    channel = spec.step_channel(step)
    unit_row = {cell: index for index, cell in enumerate(rows.units)}
    unit_col = {cell: index for index, cell in enumerate(cols.units)}
    reads: List[Tuple[int, int, int]] = []
    padding: List[Tuple[int, int, int]] = []
    drawn_rows = [r for r in rows.footprint_cells(row) if r < rows.extent]
    drawn_cols = [c for c in cols.footprint_cells(col) if c < cols.extent]
    for c_in in read_channels(spec, channel):
        for r in drawn_rows:
            for c in drawn_cols:
                if r in unit_row and c in unit_col:
                    reads.append((c_in, unit_row[r], unit_col[c]))
                else:
                    padding.append((c_in, r, c))
    value = None
    if values is not None:
        value = float(values.output[channel][row][col])
    return StepMeaning(index=step, channel=channel, row=row, col=col, reads=tuple(reads),
                       padding=tuple(padding), value=value)


#: Widest storyboard grid: wider outputs wrap into a near-square grid instead.
MAX_COLUMNS = 8


def grid_columns(spec: FigureSpec, count: int | None = None) -> int:
    """Columns of a storyboard of `count` steps (default: all of them): the
    output's width, so the grid mirrors the output; a selection of steps, or
    a wider output, wraps into rows of at most MAX_COLUMNS."""
    width = spec.output_size[1]
    if count is not None and count != spec.steps:
        return max(1, min(count, MAX_COLUMNS))
    return width if width <= MAX_COLUMNS else math.ceil(math.sqrt(spec.steps))


def step_label(spec: FigureSpec, step: int) -> str:
    """'step 4: output cell (1, 1)', naming the output channel when there are several."""
    row, col = spec.step_cell(step)
    channel = (f"channel {spec.step_channel(step)}, "
               if spec.out_channels > 1 else "")
    return f"step {step}: output {channel}cell ({row}, {col})"


def _size(values) -> str:
    return str(values[0]) if values[0] == values[1] else f"({values[0]}, {values[1]})"


def layer_text(spec: FigureSpec) -> str:
    """The layer as a short call: 'Conv2d(3, 64, k=7, s=2, p=3)'."""
    h, w = spec.axes
    pair = lambda attr: _size((getattr(h, attr), getattr(w, attr)))  # noqa: E731
    parts = [f"k={pair('k')}"]
    if (h.s, w.s) != (1, 1) or spec.mode != "convolution":
        parts.append(f"s={pair('s')}")
    if spec.transposed:
        if (h.p, w.p) != (0, 0):
            parts.append(f"p={pair('p')}")
        if (h.a, w.a) != (0, 0):
            parts.append(f"output_padding={pair('a')}")
    else:
        before = _size((h.p, w.p))
        after = _size((h.pad_after, w.pad_after))
        if (h.p, w.p, h.pad_after, w.pad_after) != (0, 0, 0, 0):
            parts.append(f"p={before}" if before == after else f"p={before}+{after}")
    if (h.d, w.d) != (1, 1):
        parts.append(f"d={pair('d')}")
    if spec.groups != 1 and spec.mode == "convolution":     # pooling is per channel
        parts.append(f"groups={spec.groups}")
    if spec.mode == "max":
        return f"MaxPool2d({', '.join(parts)})"
    if spec.mode == "average":
        return f"AvgPool2d({', '.join(parts)})"
    module = "ConvTranspose2d" if spec.transposed else "Conv2d"
    return f"{module}({spec.in_channels}, {spec.out_channels}, {', '.join(parts)})"


def caption_text(spec: FigureSpec, step: int) -> str:
    """'Conv2d(3, 64, k=7, s=2, p=3) · step 17/12,544 · output (0, 0, 17)'."""
    row, col = spec.step_cell(step)
    return (f"{layer_text(spec)} \u00b7 step {step:,}/{spec.steps:,} \u00b7 output "
            f"({spec.step_channel(step)}, {row}, {col})")
