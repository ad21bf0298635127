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
BORDER, CONTEXT = 2, 1
#: Room a break takes, in cells.
BREAK = 1.0


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
        return self.places[-1] + 1 if self.places else 0.0

    def position(self, index: int) -> float:
        return self.places[self._index[index]]

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
    return AxisView(extent, tuple(range(extent)), tuple(float(i) for i in range(extent)))


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
