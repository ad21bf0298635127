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


def grid_columns(spec: FigureSpec) -> int:
    """Columns of a storyboard: the output's width, so the grid mirrors the output."""
    width = spec.output_size[1]
    return width if width <= MAX_COLUMNS else math.ceil(math.sqrt(spec.steps))


def step_label(spec: FigureSpec, step: int) -> str:
    """'step 4: output cell (1, 1)', naming the output channel when there are several."""
    row, col = spec.step_cell(step)
    channel = (f"channel {spec.step_channel(step)}, "
               if spec.out_channels > 1 else "")
    return f"step {step}: output {channel}cell ({row}, {col})"
