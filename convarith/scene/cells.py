"""Which cells of a figure's input are what: units, padding, inserted zeros, marks.

Pure functions of the FigureSpec, in plane coordinates (one cell is one
unit, y up: drawn row r of a grid with H rows spans y from H - 1 - r to
H - r).  Padding filled by a mode (reflect, replicate, circular) is tinted;
the border a cropped transposed convolution drops is faded and hatched;
cells a ceil_mode window reaches past the input are hatched.
"""

from __future__ import annotations

from typing import Iterable, List, Sequence, Tuple

from ..model.spec import FigureSpec
from .elision import GridView, whole_grid
from .types import Rect

#: Cells (units and inserted zeros) above which runs of adjacent cells are
#: drawn as one rectangle each: a path of thousands of unit squares is slow
#: to draw and overflows TeX's memory.  (The footprint is always merged.)
MERGE_ABOVE = 256


def cell(row: int, col: int, rows: int) -> Tuple[int, int]:
    """Lower-left corner of grid cell (row, col) in a grid of `rows` rows."""
    return col, rows - 1 - row


def runs(indices: Iterable[int]) -> List[Tuple[int, int]]:
    """(start, length) of each run of consecutive integers in `indices`."""
    result: List[List[int]] = []
    for index in sorted(set(indices)):
        if result and index == result[-1][0] + result[-1][1]:
            result[-1][1] += 1
        else:
            result.append([index, 1])
    return [(start, length) for start, length in result]


def rectangles(grid_rows: Sequence[int], grid_cols: Sequence[int], rows: int,
               merge: bool) -> List[Rect]:
    """(x, y, w, h) covering the cells grid_rows x grid_cols of a grid with
    `rows` rows: one per cell, or one per pair of runs if `merge` (a whole
    grid's view, which every figure's cells go through)."""
    width = max(grid_cols, default=-1) + 1
    return whole_grid(rows, width).rects(grid_rows, grid_cols, merge)


def region(view: GridView, row_cells, col_cells) -> List[Rect]:
    """Unit squares of the drawn cells whose row is in row_cells or whose
    column is in col_cells."""
    row_cells, col_cells = set(row_cells), set(col_cells)
    return [(*view.cell(r, c), 1, 1) for r in view.rows.kept for c in view.cols.kept
            if r in row_cells or c in col_cells]


def input_view(spec: FigureSpec) -> GridView:
    rows, cols = spec.layouts
    return whole_grid(rows.extent, cols.extent)


def padding_cells(spec: FigureSpec, view: GridView = None) -> List[Rect]:
    rows, cols = spec.layouts
    return region(view or input_view(spec), rows.padding, cols.padding)


def cropped_cells(spec: FigureSpec, view: GridView = None) -> List[Rect]:
    rows, cols = spec.layouts
    return region(view or input_view(spec), rows.cropped, cols.cropped)


def hatched(spec: FigureSpec) -> bool:
    """Whether the figure hatches cells (cropped borders, ceil_mode overhangs)."""
    rows, cols = spec.layouts
    return bool(rows.cropped or cols.cropped or rows.overhang or cols.overhang)


class InputCells:
    """The input plane's kinds of cells, as rectangles."""

    def __init__(self, spec: FigureSpec, view: GridView = None):
        rows, cols = spec.layouts
        view = view or input_view(spec)
        self.height, self.width = view.height, view.width
        unit_rows, unit_cols = sorted(set(rows.units)), sorted(set(cols.units))
        stretched_rows = range(rows.units[0], rows.units[-1] + 1)
        stretched_cols = range(cols.units[0], cols.units[-1] + 1)
        inserted_count = (len(stretched_rows) * len(stretched_cols)
                          - len(unit_rows) * len(unit_cols))
        # As many read cells as the first step's window has inside the input.
        first_read = (sum(r < rows.extent for r in rows.footprint_cells(0))
                      * sum(c < cols.extent for c in cols.footprint_cells(0)))
        self.merge = (len(unit_rows) * len(unit_cols) + inserted_count
                      + first_read) > MERGE_ABOVE
        self.units = view.rects(unit_rows, unit_cols, self.merge)
        if self.merge:
            # The whole stretched block; the units are drawn over it.
            self.inserted = view.rects(stretched_rows, stretched_cols)
        else:
            unit_set = {(r, c) for r in unit_rows for c in unit_cols}
            self.inserted = [(*view.cell(r, c), 1, 1)
                             for r in stretched_rows for c in stretched_cols
                             if (r, c) not in unit_set and view.shows(r, c)]
        #: A merged rectangle's inner cell edges are drawn as a grid.
        self.unit_grids = [u for u in self.units if u[2] > 1 or u[3] > 1]


def read_cells(spec: FigureSpec, row: int, col: int,
               view: GridView = None) -> Tuple[List[Rect], List[Rect], Rect]:
    """For output cell (row, col): the footprint's read cells inside the
    drawn input (one rectangle per run), the cells a ceil_mode window reaches
    past the bottom/right edge, and the whole window's block."""
    rows, cols = spec.layouts
    view = view or input_view(spec)
    height, width = rows.extent, cols.extent
    read_rows, read_cols = rows.footprint_cells(row), cols.footprint_cells(col)
    overhang = [(*view.cell(gr, gc), 1, 1) for gr in read_rows for gc in read_cols
                if gr >= height or gc >= width]
    inside_rows = [gr for gr in read_rows if gr < height]
    inside_cols = [gc for gc in read_cols if gc < width]
    top, left = rows.footprint_start(row), cols.footprint_start(col)
    block_h, block_w = rows.kernel_extent, cols.kernel_extent
    x, y = view.cell(top, left)
    block = (x, y + 1 - block_h, block_w, block_h)
    return view.rects(inside_rows, inside_cols), overhang, block
