"""Render figure steps to TikZ source with Jinja2. Pure: returns strings.

All positions are computed here, in Python, from the geometry; the templates
only place what they are given.  TikZ's y axis points up, so drawn row r of a
grid with H rows occupies y from H - 1 - r to H - r.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import jinja2

from ..model.spec import FigureSpec
from . import marks

# In a checkout the templates are the repository's templates/; an installed
# package carries them as convarith/templates (see pyproject.toml).
PACKAGE_DIR = Path(__file__).resolve().parent.parent
PACKAGED_TEMPLATE_DIR = PACKAGE_DIR / "templates"
CHECKOUT_TEMPLATE_DIR = PACKAGE_DIR.parent / "templates"
DOCUMENT_TEMPLATE = "document.tex.j2"


def template_dir() -> Path:
    """Where the templates are: packaged with an install, else the checkout's."""
    if (PACKAGED_TEMPLATE_DIR / DOCUMENT_TEMPLATE).is_file():
        return PACKAGED_TEMPLATE_DIR
    return CHECKOUT_TEMPLATE_DIR


TEMPLATE_DIR = template_dir()


def template_name(spec: FigureSpec) -> str:
    """One template per figure kind; channel figures lay out several planes."""
    return f"{spec.kind}{'_channels' if spec.multichannel else ''}.tex.j2"


def environment(template_dir: str | None = None) -> jinja2.Environment:
    """Jinja2 with TeX-friendly delimiters, so braces stay TeX's."""
    return _environment(str(template_dir or TEMPLATE_DIR))


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs (Jinja checks each against its
    template's source), which saves each pdflatex job a tenth of its Python
    time; none when the cache directory cannot be made."""
    from ..files import cache_subdir
    from .template_cache import TemplateCache
    directory = cache_subdir("templates")
    return None if directory is None else TemplateCache(directory)


@lru_cache(maxsize=None)
def _environment(template_dir: str) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_dir),
        bytecode_cache=_bytecode_cache(),
        block_start_string="<%", block_end_string="%>",
        variable_start_string="<<", variable_end_string=">>",
        comment_start_string="<#", comment_end_string="#>",
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined, autoescape=False)


def _cell(row: int, col: int, rows: int) -> tuple[int, int]:
    """Lower-left corner of grid cell (row, col) in a grid of `rows` rows."""
    return col, rows - 1 - row


#: Cells (units and inserted zeros) above which runs of adjacent cells are
#: drawn as one rectangle each: a path of thousands of unit squares overflows
#: TeX's memory and its line buffer.  Every catalogue figure is below it, so
#: the TeX of their units stays as it was.  (The footprint is always merged.)
MERGE_ABOVE = 256


def runs(indices) -> list[tuple[int, int]]:
    """(start, length) of each run of consecutive integers in `indices`."""
    result: list[list[int]] = []
    for index in sorted(set(indices)):
        if result and index == result[-1][0] + result[-1][1]:
            result[-1][1] += 1
        else:
            result.append([index, 1])
    return [(start, length) for start, length in result]


def rectangles(grid_rows, grid_cols, rows: int, merge: bool) -> list[tuple[int, int, int, int]]:
    """(x, y, w, h) in TikZ units covering the cells grid_rows x grid_cols of a
    grid with `rows` rows: one per cell, or one per pair of runs if `merge`."""
    if not merge:
        return [(*_cell(gr, gc, rows), 1, 1) for gr in grid_rows for gc in grid_cols]
    return [(c0, rows - r0 - rh, cw, rh)
            for r0, rh in runs(grid_rows) for c0, cw in runs(grid_cols)]


def _rgb(colour) -> str:
    return ",".join(str(v) for v in colour)


def output_decimals(spec: FigureSpec) -> int:
    """Decimals of the output values: convolution and max pooling of our whole
    numbers give whole numbers, which then fit a cell in legible type; only
    averages need a decimal."""
    return 1 if spec.mode == "average" else 0


def format_value(value: float, decimals: int) -> str:
    if value == float("-inf"):
        return r"$-\infty$"
    text = f"{value:.{decimals}f}"
    return text.replace("-", "$-$")


def step_context(spec: FigureSpec, step: int, values=None) -> dict:
    """Everything a template needs to draw one step, as plain numbers."""
    rows, cols = spec.layouts
    height, width = rows.extent, cols.extent
    out_h, out_w = spec.output_size
    r, c = spec.step_cell(step)
    top, left = rows.footprint_start(r), cols.footprint_start(c)
    block_h, block_w = rows.kernel_extent, cols.kernel_extent
    unit_rows, unit_cols = set(rows.units), set(cols.units)
    stretched_rows = range(rows.units[0], rows.units[-1] + 1)
    stretched_cols = range(cols.units[0], cols.units[-1] + 1)

    cells = []
    for gr in range(height):
        for gc in range(width):
            is_unit = gr in unit_rows and gc in unit_cols
            inserted = (not is_unit and gr in stretched_rows and gc in stretched_cols)
            cells.append({"x": gc, "y": height - 1 - gr, "unit": is_unit,
                          "inserted": inserted, "row": gr, "col": gc})
    read_rows, read_cols = rows.footprint_cells(r), cols.footprint_cells(c)
    # A ceil_mode window may reach past the bottom/right edge: those cells are
    # marked as overhang, and only the cells inside are shaded as read.
    _, overhang = marks.split_overhang(spec, [
        _cell(gr, gc, height) for gr in read_rows for gc in read_cols])
    read_rows = tuple(gr for gr in read_rows if gr < height)
    read_cols = tuple(gc for gc in read_cols if gc < width)
    inserted_count = len(stretched_rows) * len(stretched_cols) - len(unit_rows) * len(unit_cols)
    merge = (len(unit_rows) * len(unit_cols) + inserted_count
             + len(read_rows) * len(read_cols)) > MERGE_ABOVE
    if merge:
        # Inserted zeros: the whole stretched block, with the units drawn over it.
        inserted_cells = rectangles(stretched_rows, stretched_cols, height, True)
    else:
        inserted_cells = [(cell["x"], cell["y"], 1, 1) for cell in cells if cell["inserted"]]
    units = rectangles(sorted(unit_rows), sorted(unit_cols), height, merge)
    context = {
        "height": height, "width": width,
        "colours": {role: _rgb(getattr(spec.theme, role))
                    for role in ("input", "output", "footprint", "lines")},
        "units": units,
        # A merged rectangle's inner cell edges, drawn as a grid.
        "unit_grids": [u for u in units if u[2] > 1 or u[3] > 1],
        "inserted": inserted_cells,
        # The footprint, drawn on every step: one rectangle per run of read
        # cells (one for a kernel without dilation) fills the same pixels as
        # one square per cell, and pdflatex draws it several times faster.
        "read": rectangles(read_rows, read_cols, height, True),
        "block": {"x": left, "y": height - top - block_h, "w": block_w, "h": block_h},
        "out_h": out_h, "out_w": out_w,
        "current": _cell(r, c, out_h),
        "lift": height + 1,
        # cells a ceil_mode window reaches past the edge keep the output clear
        "out_x": width + cols.overhang + 1,
        "out_y": (height - out_h) // 2,
        "bottom": -rows.overhang,
        "overhang": [(marks.OVERHANG_FILL, overhang)] if overhang else [],
        "labels": spec.labels,
        # Transposed figures with labels tell inserted zeros from padding.
        "legend": spec.labels and spec.transposed,
        "legend_entries": marks.legend_entries(spec),
        **marks.marked_cells(spec),
    }
    if values is not None:
        context["grid_values"] = _grid_values(spec, cells, values.grid[0])
        context["weights"] = []
        if values.shown_kernel is not None:
            context["weights"] = [
                (*_cell(gr, gc, height), str(values.shown_kernel[0][0][m][n]))
                for m, gr in enumerate(rows.footprint_cells(r))
                for n, gc in enumerate(cols.footprint_cells(c))]
        context["output_values"] = [
            (*_cell(orow, ocol, out_h), format_value(values.output[0][orow][ocol],
                                                   output_decimals(spec)))
            for orow in range(out_h) for ocol in range(out_w)]
    if spec.multichannel:
        context.update(_channel_context(spec, step, height, width, cells, values))
    return context


def _grid_values(spec: FigureSpec, cells, grid) -> list:
    """(x, y, text) of every input cell of one channel that shows a value."""
    rows, cols = spec.layouts
    padding_rows, padding_cols = set(rows.padding), set(cols.padding)
    texts = ((cell, marks.shown_value(
        spec, cell["row"] in padding_rows or cell["col"] in padding_cols,
        grid[cell["row"]][cell["col"]])) for cell in cells)
    return [(cell["x"], cell["y"], text) for cell, text in texts if text is not None]


def _channel_context(spec: FigureSpec, step: int, height: int, width: int, cells,
                     values) -> dict:
    """The planes of a channel figure, and per channel the values they show."""
    # Imported here so that single-channel figures do not depend on it (Make).
    from ..scene.planes import arithmetic_planes, numerical_planes
    if values is None:
        return arithmetic_planes(spec, step, height, width)
    # a ceil_mode overhang takes room below and to the right of each plane
    rows, cols = spec.layouts
    context = numerical_planes(spec, step, height + rows.overhang, width + cols.overhang,
                               values)
    out_h, out_w = spec.output_size
    context["grid_values"] = [_grid_values(spec, cells, grid) for grid in values.grid]
    decimals = output_decimals(spec)
    context["output_values"] = [
        [(*_cell(orow, ocol, out_h), format_value(output[orow][ocol], decimals))
         for orow in range(out_h) for ocol in range(out_w)]
        for output in values.output]
    # Inside math mode; a sum of products of our non-negative values.
    context["equation"]["result"] = f"{context['equation']['result']:.0f}"
    return context


def render_step(spec: FigureSpec, step: int, values=None) -> str:
    """TikZ picture of one step (no document around it)."""
    template = environment().get_template(template_name(spec))
    return template.render(step_context(spec, step, values), part="step")


#: The parts of a figure that every step shares; a template that has one
#: renders it for part=NAME (and nothing for a part it does not have), and it
#: is typeset once into the box NAMEpart (see templates/boxes.tex.j2).  Part
#: "nodes" is several boxes, each after a line "%% node box NAME" (the
#: node_box macro of templates/macros.tex.j2); it comes last, as a node may
#: show another part's box.
SHARED_PARTS = ("static", "values", "outvalues", "legend", "nodes")
NODE_BOX = re.compile(r"^%% node box ([A-Za-z]+)$", re.MULTILINE)


def node_boxes(text: str) -> dict[str, str]:
    """The boxes of a rendered part "nodes", by name."""
    pieces = NODE_BOX.split(text)[1:]
    return {name: tex.strip() for name, tex in zip(pieces[::2], pieces[1::2])}


def render_boxes(spec: FigureSpec, values=None) -> dict[str, str]:
    """TeX of each shared part of the figure, by the name of its box."""
    template = environment().get_template(template_name(spec))
    context = step_context(spec, 0, values)
    boxes = {}
    for part in SHARED_PARTS:
        body = template.render(context, part=part).strip()
        if part == "nodes":
            boxes.update(node_boxes(body))
        elif body:
            boxes[f"{part}part"] = body
    return boxes


def render_document(spec: FigureSpec, steps: Iterable[int], values=None) -> str:
    """A standalone document with one page per step."""
    pictures = [render_step(spec, step, values) for step in steps]
    return environment().get_template(DOCUMENT_TEMPLATE).render(
        boxes=render_boxes(spec, values), pictures=pictures,
        patterns=marks.uses_patterns(spec))
