"""Render figure steps to TikZ source with Jinja2. Pure: returns strings.

All positions are computed here, in Python, from the geometry; the templates
only place what they are given.  TikZ's y axis points up, so drawn row r of a
grid with H rows occupies y from H - 1 - r to H - r.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Iterable

import jinja2

from . import marks
from .spec import FigureSpec

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"
DOCUMENT_TEMPLATE = "document.tex.j2"


def template_name(spec: FigureSpec) -> str:
    """One template per figure kind; channel figures lay out several planes."""
    return f"{spec.kind}{'_channels' if spec.multichannel else ''}.tex.j2"


def environment(template_dir: str | None = None) -> jinja2.Environment:
    """Jinja2 with TeX-friendly delimiters, so braces stay TeX's."""
    return _environment(str(template_dir or TEMPLATE_DIR))


@lru_cache(maxsize=None)
def _environment(template_dir: str) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_dir),
        block_start_string="<%", block_end_string="%>",
        variable_start_string="<<", variable_end_string=">>",
        comment_start_string="<#", comment_end_string="#>",
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined, autoescape=False)


def _cell(row: int, col: int, rows: int) -> tuple[int, int]:
    """Lower-left corner of grid cell (row, col) in a grid of `rows` rows."""
    return col, rows - 1 - row


def _rgb(colour) -> str:
    return ",".join(str(v) for v in colour)


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
    read, overhang = marks.split_overhang(spec, [
        _cell(gr, gc, height) for gr in rows.footprint_cells(r) for gc in cols.footprint_cells(c)])
    context = {
        "height": height, "width": width,
        "colours": {role: _rgb(getattr(spec.theme, role))
                    for role in ("input", "output", "footprint", "lines")},
        "units": [(cell["x"], cell["y"]) for cell in cells if cell["unit"]],
        "inserted": [(cell["x"], cell["y"]) for cell in cells if cell["inserted"]],
        "read": read,
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
                (*_cell(gr, gc, height), str(values.shown_kernel[0, 0, m, n]))
                for m, gr in enumerate(rows.footprint_cells(r))
                for n, gc in enumerate(cols.footprint_cells(c))]
        context["output_values"] = [
            (*_cell(orow, ocol, out_h), format_value(values.output[0, orow, ocol], 1))
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
        grid[cell["row"], cell["col"]])) for cell in cells)
    return [(cell["x"], cell["y"], text) for cell, text in texts if text is not None]


def _channel_context(spec: FigureSpec, step: int, height: int, width: int, cells,
                     values) -> dict:
    """The planes of a channel figure, and per channel the values they show."""
    # Imported here so that single-channel figures do not depend on it (Make).
    from .planes import arithmetic_planes, numerical_planes
    if values is None:
        return arithmetic_planes(spec, step, height, width)
    # a ceil_mode overhang takes room below and to the right of each plane
    rows, cols = spec.layouts
    context = numerical_planes(spec, step, height + rows.overhang, width + cols.overhang,
                               values)
    out_h, out_w = spec.output_size
    context["grid_values"] = [_grid_values(spec, cells, grid) for grid in values.grid]
    # Sums over several channels outgrow a cell with a decimal: whole
    # numbers are shown as such, averages keep one decimal.
    decimals = 1 if spec.mode == "average" else 0
    context["output_values"] = [
        [(*_cell(orow, ocol, out_h), format_value(output[orow, ocol], decimals))
         for orow in range(out_h) for ocol in range(out_w)]
        for output in values.output]
    # Inside math mode; a sum of products of our non-negative values.
    context["equation"]["result"] = f"{context['equation']['result']:.0f}"
    return context


def render_step(spec: FigureSpec, step: int, values=None) -> str:
    """TikZ picture of one step (no document around it)."""
    template = environment().get_template(template_name(spec))
    return template.render(step_context(spec, step, values), part="step")


def render_static(spec: FigureSpec, values=None) -> str:
    """TikZ picture of what every step shares, typeset once per document."""
    template = environment().get_template(template_name(spec))
    return template.render(step_context(spec, 0, values), part="static")


def render_document(spec: FigureSpec, steps: Iterable[int], values=None) -> str:
    """A standalone document with one page per step."""
    pictures = [render_step(spec, step, values) for step in steps]
    return environment().get_template(DOCUMENT_TEMPLATE).render(
        static=render_static(spec, values), pictures=pictures,
        patterns=marks.uses_patterns(spec))
