"""Drawing a long axis honestly: which cells are shown, where, and where it breaks.

An axis of a real layer (224 cells and more) cannot be drawn cell by cell.
Its view keeps the cells that matter (the borders with their padding, and
the cells around the footprints of the steps shown) at their true indices,
and leaves the rest out: where cells are left out, the next kept cell stands
one break's width further on, and the renderers mark the break.  An axis
short enough is shown whole, each cell at its own index.  Standard library
only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterable, List, Tuple

#: Longest axis drawn whole, in cells.
WHOLE_UP_TO = 16
#: Cells kept at each end of a broken axis (past its padding), and around
#: each cell that must be shown.
BORDER, CONTEXT = 1, 1
#: Room a break takes, in cells.
BREAK = 0.7


@dataclass(frozen=True)
class AxisView:
    """Cells 0..extent-1 of an axis, of which `kept` are drawn: cell i at
    `position(i)` (in cells from the first drawn one), with a break before
    each run of kept cells that follows left-out ones (`breaks`: the
    positions where breaks are drawn, each BREAK wide)."""

    extent: int
    kept: Tuple[int, ...]
    places: Tuple[float, ...]
    breaks: Tuple[float, ...] = ()

    @property
    def whole(self) -> bool:
        return len(self.kept) == self.extent

    @property
    def length(self) -> float:
        """Drawn length in cells."""
        return self.places[-1] + 1 if self.places else 0

    def position(self, index: int) -> float:
        """Where cell `index` is drawn; cells past the end (a ceil_mode
        window's overhang) follow the last one."""
        if index >= self.extent:
            return self.length + index - self.extent
        return self.places[self._index[index]]

    def pieces(self) -> List[Tuple[float, int, int]]:
        """(position, first index, length) of each run of drawn cells."""
        return self.runs(self.kept)

    def shows(self, index: int) -> bool:
        return index in self._index

    @property
    def _index(self) -> Dict[int, int]:
        found = self.__dict__.get("_found")
        if found is None:
            found = {cell: n for n, cell in enumerate(self.kept)}
            object.__setattr__(self, "_found", found)
        return found

    def runs(self, indices: Iterable[int]) -> List[Tuple[float, int, int]]:
        """(position, first index, length) of each run of consecutive drawn
        cells among `indices` (a run never crosses a break)."""
        result: List[List] = []
        for index in sorted(i for i in set(indices) if self.shows(i)):
            place = self.position(index)
            if result and index == result[-1][1] + result[-1][2] and \
                    place == result[-1][0] + result[-1][2]:
                result[-1][2] += 1
            else:
                result.append([place, index, 1])
        return [tuple(run) for run in result]


def whole_axis(extent: int) -> AxisView:
    return AxisView(extent, tuple(range(extent)), tuple(range(extent)))


def axis_view(extent: int, padding_before: int, padding_after: int,
              shown: Iterable[int], whole_up_to: int = WHOLE_UP_TO) -> AxisView:
    """The view of an axis of `extent` drawn cells whose first and last
    `padding_*` cells are padding, keeping the cells in `shown` (footprints
    of the steps drawn) with CONTEXT cells around them."""
    if extent <= whole_up_to:
        return whole_axis(extent)
    keep = set(range(min(extent, padding_before + BORDER)))
    keep |= set(range(max(0, extent - padding_after - BORDER), extent))
    for index in shown:
        keep |= set(range(max(0, index - CONTEXT), min(extent, index + CONTEXT + 1)))
    kept = sorted(keep)
    places, breaks, place = [], [], 0.0
    for n, index in enumerate(kept):
        if n and index != kept[n - 1] + 1:
            breaks.append(place)
            place += BREAK
        places.append(place)
        place += 1
    return AxisView(extent, tuple(kept), tuple(places), tuple(breaks))


@dataclass(frozen=True)
class GridView:
    """A drawn grid of cells, each axis seen through its AxisView: where each
    kept cell (row, col) is, in plane units with y up (row 0 on top)."""

    rows: AxisView
    cols: AxisView

    @property
    def width(self) -> float:
        return self.cols.length

    @property
    def height(self) -> float:
        return self.rows.length

    @property
    def whole(self) -> bool:
        return self.rows.whole and self.cols.whole

    def shows(self, row: int, col: int) -> bool:
        return self.rows.shows(row) and self.cols.shows(col)

    def cell(self, row: int, col: int) -> Tuple[float, float]:
        """Lower-left corner of cell (row, col)."""
        return self.cols.position(col), self.height - 1 - self.rows.position(row)

    def rects(self, rows: Iterable[int], cols: Iterable[int],
              merge: bool = True) -> List[Tuple[float, float, float, float]]:
        """Rectangles covering the drawn cells rows x cols: one per cell, or
        one per pair of runs if `merge` (never across a break)."""
        rows, cols = list(rows), list(cols)
        if not merge:
            return [(*self.cell(r, c), 1, 1) for r in rows for c in cols if self.shows(r, c)]
        return [(x, self.height - y - h, w, h)
                for y, _, h in self.rows.runs(rows) for x, _, w in self.cols.runs(cols)]

    def pieces(self) -> List[Tuple[float, float, float, float]]:
        """The blocks of kept cells, between the breaks."""
        return self.rects(self.rows.kept, self.cols.kept)

    def break_marks(self) -> List[Tuple[float, float, float, float]]:
        """Small squares, three a piece, in each break across every block:
        an ellipsis where cells are left out."""
        dot, marks = 0.14, []
        for gap in self.cols.breaks:
            for y, _, h in self.rows.pieces():
                for n in (-1, 0, 1):
                    marks.append((gap + BREAK / 2 + n * 0.28 - dot / 2,
                                  self.height - y - h / 2 - dot / 2, dot, dot))
        for gap in self.rows.breaks:
            for x, _, w in self.cols.pieces():
                for n in (-1, 0, 1):
                    marks.append((x + w / 2 - dot / 2,
                                  self.height - gap - BREAK / 2 + n * 0.28 - dot / 2, dot, dot))
        return marks


def whole_grid(rows: int, cols: int) -> GridView:
    return GridView(whole_axis(rows), whole_axis(cols))


#: Channel planes an elided figure draws per side.
CHANNEL_SLOTS = 4


def channel_slots(count: int, wanted: Iterable[int]) -> Tuple[int, ...]:
    """The channels drawn of `count`: all of a few, else CHANNEL_SLOTS of them:
    the first and the last, those in `wanted` (the current one, the ends of
    its group), and then the lowest others."""
    if count <= CHANNEL_SLOTS:
        return tuple(range(count))
    chosen = {0, count - 1} | {c for c in wanted if 0 <= c < count}
    fill = (c for c in range(count) if c not in chosen)
    while len(chosen) < CHANNEL_SLOTS:
        chosen.add(next(fill))
    return tuple(sorted(chosen))


@dataclass(frozen=True)
class FigureViews:
    """What of a figure is drawn: its input and output grids."""

    inputs: GridView
    outputs: GridView

    @property
    def whole(self) -> bool:
        return self.inputs.whole and self.outputs.whole


def figure_views(spec, steps: Iterable[int]) -> FigureViews:
    """The views of `spec` drawing the steps `steps`: whole, unless the figure
    is elided (spec.elided), where each long axis keeps its borders and the
    windows and output cells of those steps."""
    rows, cols = spec.layouts
    out_h, out_w = spec.output_size
    if not spec.elided:
        return FigureViews(whole_grid(rows.extent, cols.extent), whole_grid(out_h, out_w))
    cells = [spec.step_cell(step) for step in steps]

    def window(layout, index):
        start = layout.footprint_start(index)
        return range(start, min(layout.extent, start + layout.kernel_extent))

    in_rows = [r for row, _ in cells for r in window(rows, row)]
    in_cols = [c for _, col in cells for c in window(cols, col)]
    inputs = GridView(
        axis_view(rows.extent, len(rows.padding_before), len(rows.padding_after), in_rows),
        axis_view(cols.extent, len(cols.padding_before), len(cols.padding_after), in_cols))
    outputs = GridView(axis_view(out_h, 0, 0, [row for row, _ in cells]),
                       axis_view(out_w, 0, 0, [col for _, col in cells]))
    return FigureViews(inputs, outputs)
