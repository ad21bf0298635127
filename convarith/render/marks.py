"""Which drawn cells are marked, how, and what the legend says about them.

Padding filled by a mode (reflect, replicate, circular) is tinted; the
border a cropped transposed convolution drops is faded and hatched; cells a
ceil_mode window reaches past the input are hatched; average pooling's
uncounted padding shows no value.  Everything here is TikZ styles and plain
cell lists: the templates only place them.
"""

from __future__ import annotations

from ..model.geometry import AxisLayout
from ..model.spec import FigureSpec

#: Legend entries: (swatch style, text).
UNIT = ("fill=input, draw=lines, thick", "input unit")
INSERTED = ("fill=input!25, draw=lines, thick, dashed", "inserted zero")
PADDING = ("draw=lines, thick, dashed", "padding")
HATCH = "pattern=north east lines, pattern color=lines"
#: Cell styles (a fill over each cell) and matching legend swatches.
MODE_FILL = "input!35"
CROPPED_FILL = f"white, fill opacity=0.55, postaction={{{HATCH}}}"
CROPPED = (f"fill=input!45, postaction={{{HATCH}}}, draw=lines, thick, dashed",
           "cropped")
OVERHANG_FILL = f"footprint, fill opacity=0.15, postaction={{{HATCH}}}"
OVERHANG = (f"{HATCH}, draw=lines, thick", "past the edge: not read")
UNCOUNTED = ("draw=lines, thick, dashed", "padding: not counted")


def _cell(row: int, col: int, rows: int) -> tuple[int, int]:
    return col, rows - 1 - row


def _region(rows: AxisLayout, cols: AxisLayout, row_cells, col_cells) -> list:
    """Drawn cells whose row is in row_cells or whose column is in col_cells."""
    row_cells, col_cells = set(row_cells), set(col_cells)
    return [_cell(r, c, rows.extent) for r in range(rows.extent) for c in range(cols.extent)
            if r in row_cells or c in col_cells]


def padding_cells(spec: FigureSpec) -> list:
    rows, cols = spec.layouts
    return _region(rows, cols, rows.padding, cols.padding)


def uses_patterns(spec: FigureSpec) -> bool:
    """Whether the figure hatches cells (TikZ's patterns library is then loaded)."""
    rows, cols = spec.layouts
    return bool(rows.cropped or cols.cropped or rows.overhang or cols.overhang)


def marked_cells(spec: FigureSpec) -> dict:
    """Cells every step shares: tinted mode padding (under the grid) and the
    cropped border (over the units)."""
    rows, cols = spec.layouts
    under = []
    if spec.padding_mode != "zeros":
        under.append((MODE_FILL, padding_cells(spec)))
    over = []
    cropped = _region(rows, cols, rows.cropped, cols.cropped)
    if cropped:
        over.append((CROPPED_FILL, cropped))
    return {"marks_under": under, "marks_over": over}


def split_overhang(spec: FigureSpec, read: list) -> tuple[list, list]:
    """(cells read inside the drawn input, cells past its bottom/right edge)."""
    cols = spec.layouts[1]
    inside = [(x, y) for x, y in read if x < cols.extent and y >= 0]
    return inside, [(x, y) for x, y in read if x >= cols.extent or y < 0]


def shown_value(spec: FigureSpec, is_padding: bool, value) -> str | None:
    """Text of one input cell: max pooling pads with -inf, and padding that
    average pooling does not count shows nothing."""
    if is_padding and spec.mode == "max":
        return r"\tiny$-\infty$"     # smaller, to fit inside its cell
    if is_padding and spec.mode == "average" and not spec.count_include_pad:
        return None
    return str(value)


def legend_entries(spec: FigureSpec) -> list:
    """What a labelled figure's legend explains (empty: no legend)."""
    if not spec.labels:
        return []
    rows, cols = spec.layouts
    entries = []
    if spec.transposed:
        entries = [UNIT, INSERTED, PADDING]
        if rows.cropped or cols.cropped:
            entries.append(CROPPED)
        return entries
    if spec.padding_mode != "zeros" and (rows.padding or cols.padding):
        entries = [UNIT, (f"fill={MODE_FILL}, draw=lines, thick, dashed",
                          f"{spec.padding_mode} padding")]
    if spec.mode == "average" and not spec.count_include_pad and (rows.padding or cols.padding):
        entries.append(UNCOUNTED)
    if rows.overhang or cols.overhang:
        entries.append(OVERHANG)
    return entries
