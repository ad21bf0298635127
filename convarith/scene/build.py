"""Scenes of single-channel figures, and the parts every figure is made of.

The arithmetic figures' input plane below and output plane above, both seen
obliquely; the numerical figures' flat input and output side by side.
Channel figures are in `channels`; `figure.build_scene` chooses.  Every
position is computed here.
"""

from __future__ import annotations

from typing import Optional, Sequence, Tuple

from ..model.spec import FigureSpec
from ..model.numbers import number_text, whole_numbers
from . import cells as C
from .elision import GridView, figure_views, whole_grid
from .legend import legend
from .meaning import step_meaning
from .text import em
from .types import (CM, CORNERS, FLAT, Affine, Cells, Corner, Grid, Paint, Placement, Plane,
                    Projection, Rect, Scene, Segment, Span, Step, Stroke, Text)

#: The figures' oblique view and scale: one cell is 0.5 cm (TeX points).
OBLIQUE = Projection(xslant=-0.7, yslant=0.5)
UNIT = 0.5 * CM
#: White margin around every frame, in points (the standalone class's border).
BORDER = 10.0
#: The output plane of an arithmetic figure is nudged this far left (points
#: before the figure's scale).
NUDGE = 5.0
#: Text roles and their sizes in points (\small, \footnotesize, \scriptsize, \tiny).
TEXT_SIZES = (("label", 9.0), ("value", 8.0), ("small", 7.0), ("tiny", 5.0))
#: A TikZ node's room around its text (.3333em) and its outer sep (points).
NODE_SEP = 0.3333
OUTER_SEP = 0.2

LINES = Stroke()
DASHED = Stroke(dashed=True)
SHADE = Paint("footprint", opacity=0.4)
FADE = Paint("white", opacity=0.75)


def node_pad(size: str) -> float:
    """TikZ takes a node's .3333em in the picture's font (10 pt), whatever the
    node's own font."""
    return NODE_SEP * em(10.0)


#: Where a node's anchor lies off the point it is placed at (its outer sep).
ANCHOR_NUDGE = {"north": (0.0, -OUTER_SEP), "south": (0.0, OUTER_SEP),
                "west": (OUTER_SEP, 0.0), "south west": (OUTER_SEP, OUTER_SEP)}


def node(at, text, size: str, anchor: str, pad_x=None, pad_y=None, role: str = "label",
         **options) -> Text:
    """A TikZ node's text (a string, or spans): by default with a node's room
    around it (pad_x, pad_y in points), placed by its outer sep."""
    spans = (Span(text),) if isinstance(text, str) else tuple(text)
    default = node_pad(size)
    return Text(at=at, spans=spans, size=size, anchor=anchor,
                pad=(default if pad_x is None else pad_x, default if pad_y is None else pad_y),
                nudge=ANCHOR_NUDGE[anchor], role=role, **options)


def value_text(at, value: str, size: str) -> Text:
    """A number at a cell's centre ("-" is set as a minus sign, -inf as −∞)."""
    if value == "-inf":
        spans = (Span("\u2212\u221e", "math"),)
    elif value.startswith(("-", "\u2212")):
        spans = (Span("\u2212", "math"), Span(value[1:]))
    else:
        spans = (Span(value),)
    return Text(at=at, spans=spans, size=size, role="value")


def scene_colours(spec: FigureSpec) -> tuple:
    theme = spec.theme
    return (("input", theme.input), ("output", theme.output),
            ("footprint", theme.footprint), ("lines", theme.lines),
            ("white", (255, 255, 255)), ("black", (0, 0, 0)))


def input_plane_items(spec: FigureSpec, inputs: C.InputCells, zeros_tinted: bool,
                      view: Optional[GridView] = None) -> list:
    """The input grid, its units and marks: what every step shares."""
    view = view or C.input_view(spec)
    items = []
    if zeros_tinted:
        items.append(Cells(tuple(inputs.inserted), fill=Paint("input", tint=0.25),
                           bounds=False, role="inserted"))
    if spec.padding_mode != "zeros":
        items.append(Cells(tuple(C.padding_cells(spec, view)), fill=Paint("input", tint=0.35),
                           bounds=False, role="mode-padding"))
    items += [Grid(piece, DASHED, role="padded") for piece in view.pieces()]
    items.append(Cells(tuple(inputs.units), fill=Paint("input"), stroke=LINES,
                       bounds=False, role="units"))
    items += [Grid(rect, LINES, role="units") for rect in inputs.unit_grids]
    cropped = C.cropped_cells(spec, view)
    if cropped:
        items.append(Cells(tuple(cropped), fill=Paint("white", opacity=0.55), hatch=True,
                           bounds=False, role="cropped"))
    return items + break_items(view)


def break_items(view: GridView) -> list:
    """An ellipsis in each break of an elided grid."""
    marks = view.break_marks()
    return [Cells(tuple(marks), fill=Paint("lines"), role="break")] if marks else []


def index_labels(view: GridView, rows, cols, below: float = 0.5) -> list:
    """The true index of the first and last drawn cell of each run of an
    elided grid, below its columns and left of its rows; `rows` and `cols`
    list the grid's cells that have an index (an input's units), in order."""
    items = []
    if not view.cols.whole:
        number = {cell: n for n, cell in enumerate(cols)}
        for x, first, length in view.cols.pieces():
            ends = [c for c in range(first, first + length) if c in number]
            for c in sorted({ends[0], ends[-1]} if ends else ()):
                items.append(Text(at=(view.cols.position(c) + 0.5, -below),
                                  spans=(Span(str(number[c])),), size="small", role="index"))
    if not view.rows.whole:
        number = {cell: n for n, cell in enumerate(rows)}
        for _, first, length in view.rows.pieces():
            ends = [r for r in range(first, first + length) if r in number]
            for r in sorted({ends[0], ends[-1]} if ends else ()):
                items.append(Text(at=(-0.8, view.cell(r, 0)[1] + 0.5),
                                  spans=(Span(str(number[r])),), size="small", role="index"))
    return items


def input_index_labels(spec: FigureSpec, view: GridView) -> list:
    rows, cols = spec.layouts
    return index_labels(view, rows.units, cols.units)


def output_index_labels(view: GridView) -> list:
    """An output cell's index is its place in the grid."""
    return index_labels(view, range(view.rows.extent), range(view.cols.extent))


def output_decimals(spec: FigureSpec) -> int:
    """Averages need a decimal; our whole numbers' sums and maxima do not."""
    return 1 if spec.mode == "average" else 0


def format_value(value: float, decimals: int) -> str:
    if value == float("-inf"):
        return "-inf"
    return f"{value:.{decimals}f}"


def shown_input(spec: FigureSpec, is_padding: bool, value) -> Optional[Tuple[str, str]]:
    """(text, size) of one input cell: max pooling pads with -inf, and padding
    that average pooling does not count shows nothing; a fraction (a real
    input's) is rounded and set smaller, to fit its cell."""
    if is_padding and spec.mode == "max":
        return "-inf", "tiny"
    if is_padding and spec.mode == "average" and not spec.count_include_pad:
        return None
    return number_text(value), "value" if float(value).is_integer() else "tiny"


def grid_value_items(spec: FigureSpec, grid) -> list:
    """The values of one input channel's drawn cells, at their centres."""
    rows, cols = spec.layouts
    height = rows.extent
    padding_rows, padding_cols = set(rows.padding), set(cols.padding)
    items = []
    for r in range(rows.extent):
        for c in range(cols.extent):
            shown = shown_input(spec, r in padding_rows or c in padding_cols, grid[r][c])
            if shown is not None:
                x, y = C.cell(r, c, height)
                items.append(value_text((x + 0.5, y + 0.5), *shown))
    return items


def output_value_items(spec: FigureSpec, output, whole: bool = True) -> list:
    """The output's values; a real layer's (`whole` False) rounded and smaller."""
    out_h, out_w = spec.output_size
    decimals = output_decimals(spec)

    def text(value):
        if whole or value == float("-inf"):
            return format_value(value, decimals), "small"
        return number_text(value), "tiny"

    return [value_text((x + 0.5, y + 0.5), *text(output[r][c]))
            for r in range(out_h) for c in range(out_w)
            for x, y in [C.cell(r, c, out_h)]]


def output_map(out_w: int, out_h: int, view: Optional[GridView] = None) -> list:
    """An output map with no current cell."""
    view = view or whole_grid(out_h, out_w)
    pieces = view.pieces()
    return [Cells(tuple(pieces), fill=Paint("output"), role="outputs"),
            *(Grid(piece, LINES, role="outputs") for piece in pieces), *break_items(view)]


def output_plane_items(out_w: int, out_h: int, current, *, shade_first: bool,
                       view: Optional[GridView] = None) -> list:
    """The output map with its current cell shaded and outlined."""
    cx, cy = current
    items = output_map(out_w, out_h, view)
    shade = Cells(((cx, cy, 1, 1),), fill=SHADE, role="current")
    items.insert(1 if shade_first else 2, shade)
    items.append(Cells(((cx, cy, 1, 1),), stroke=LINES, role="outline"))
    return items


def corners(transform: Affine, rect) -> list:
    """The corners (in the order of CORNERS) of a rectangle of a plane, in the figure."""
    x, y, w, h = rect
    return [transform(x, y + h), transform(x + w, y + h), transform(x, y),
            transform(x + w, y)]


def joining_lines(start: Plane, block: Rect, end: Plane, cell: Rect) -> list:
    """A line from each corner of `block` of plane `start` to the same corner
    of `cell` of plane `end`."""
    return [Segment(a, b, joins=(Corner(start.name, block, corner),
                                 Corner(end.name, cell, corner)))
            for a, b, corner in zip(corners(start.transform, block),
                                    corners(end.transform, cell), CORNERS)]


def footprint_items(read, overhang, block) -> list:
    """The kernel's window on the input: the cells it reads shaded, those a
    ceil_mode window reaches past the edge hatched, and its block's grid."""
    items = [Cells(tuple(read), fill=SHADE, role="footprint")]
    if overhang:
        items.append(Cells(tuple(overhang), fill=Paint("footprint", opacity=0.15),
                           hatch=True, role="overhang"))
    items.append(Grid(block, LINES, role="block"))
    return items


def _scene(spec: FigureSpec, static, steps) -> Scene:
    return Scene(name=spec.name, static=tuple(static), steps=tuple(steps), unit=UNIT,
                 border=BORDER, text_sizes=TEXT_SIZES, colours=scene_colours(spec),
                 hatched=C.hatched(spec))


def arithmetic_scene(spec: FigureSpec, steps: Sequence[int]) -> Scene:
    views = figure_views(spec, steps)
    in_view, out_view = views.inputs, views.outputs
    height, width = in_view.height, in_view.width
    out_h, out_w = out_view.height, out_view.width
    inputs = C.InputCells(spec, in_view)
    oblique = Placement(projection=OBLIQUE)
    out_placement = Placement(projection=OBLIQUE, lift=height + 1, nudge=-NUDGE)
    zeros_tinted = spec.labels and spec.transposed
    static_items = input_plane_items(spec, inputs, zeros_tinted, in_view)
    labelled = spec.labels or spec.elided
    below = 0.3
    if not views.whole:
        static_items += input_index_labels(spec, in_view)
        below = 0.9
    static = [Plane(oblique, tuple(static_items), name="in0")]
    key = legend(spec)
    built = []
    for step in steps:
        row, col = spec.step_cell(step)
        read, _, block = C.read_cells(spec, row, col, in_view)
        in_items = [Cells(((0, 0, width, height),), stroke=LINES, invisible=True, role="extent"),
                    *footprint_items(read, (), block)]
        if labelled:
            in_items.append(node((width / 2, -below), "input", "label", "north"))
        current = out_view.cell(row, col)
        out_items = output_plane_items(out_w, out_h, current, shade_first=False, view=out_view)
        if not views.whole:
            out_items += output_index_labels(out_view)
        if labelled:
            out_items.append(node((out_w / 2, out_h + 0.3), "output", "label", "south"))
        layers = [Plane(oblique, tuple(in_items), name="in0"),
                  Plane(out_placement, tuple(out_items), name="out0")]
        layers += joining_lines(layers[0], block, layers[1], (*current, 1, 1))
        if key is not None:
            layers.append(key)
        built.append(Step(step_meaning(spec, step), tuple(layers)))
    return _scene(spec, static, built)


def numerical_scene(spec: FigureSpec, values, steps: Sequence[int]) -> Scene:
    rows, cols = spec.layouts
    height, width = rows.extent, cols.extent
    out_h, out_w = spec.output_size
    inputs = C.InputCells(spec)
    zeros_tinted = spec.labels and spec.transposed
    static = [Plane(FLAT, tuple(input_plane_items(spec, inputs, zeros_tinted)), name="in0")]
    bottom = -rows.overhang
    out_x, out_y = width + cols.overhang + 1, (height - out_h) // 2
    out_placement = Placement(shift=(out_x, out_y))
    in_values = Plane(FLAT, tuple(grid_value_items(spec, values.grid[0])), name="in0")
    out_values = Plane(out_placement, tuple(output_value_items(spec, values.output[0],
                                                                 whole_numbers(values))),
                       name="out0")
    margin = Cells(((-0.5, bottom - 0.5, out_x + out_w + 1, height - bottom + 1),),
                   invisible=True, role="margin")
    key = legend(spec)
    built = []
    for step in steps:
        row, col = spec.step_cell(step)
        read, overhang, block = C.read_cells(spec, row, col)
        in_items = [margin, *footprint_items(read, overhang, block)]
        weights = []
        if values.shown_kernel is not None:
            kernel = values.shown_kernel[0][0]
            size = "small" if whole_numbers(values) else "tiny"
            weights = [Text(at=(x + 0.8, y + 0.2), spans=(Span(number_text(kernel[m][n])),),
                            size=size, role="weight")
                       for m, gr in enumerate(rows.footprint_cells(row))
                       for n, gc in enumerate(cols.footprint_cells(col))
                       for x, y in [C.cell(gr, gc, height)]]
        current = C.cell(row, col, out_h)
        out_items = output_plane_items(out_w, out_h, current, shade_first=True)
        labels_out = ([node((out_w / 2, out_h + 0.2), "output", "label", "south")]
                      if spec.labels else [])
        layers = [Plane(FLAT, tuple(in_items), name="in0"), in_values,
                  Plane(FLAT, tuple(weights), name="in0"),
                  Plane(out_placement, tuple(out_items), name="out0"), out_values]
        if labels_out:
            layers.append(Plane(out_placement, tuple(labels_out), name="out0"))
            layers.append(Plane(FLAT, (node((width / 2, bottom - 0.2), "input", "label",
                                            "north"),), name="in0"))
        if key is not None:
            layers.append(key)
        built.append(Step(step_meaning(spec, step, values), tuple(layers)))
    return _scene(spec, static, built)
