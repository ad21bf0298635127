"""Scenes of figures with channels: stacks of planes, the current group, partial sums.

Arithmetic figures stack each side's planes in depth, seen obliquely, with
the output stack above; numerical figures lay the input channels out in a
column, the current filter's slices with their partial sums beside them,
and the output channels on the right, with the sum line below.  Planes of
other groups than the current output channel's are faded.
"""

from __future__ import annotations

from typing import Optional, Sequence

from .planes import arithmetic_planes, numerical_planes
from ..model.spec import FigureSpec
from ..model.numbers import number_text, whole_numbers
from . import cells as C
from .build import (FADE, LINES, OBLIQUE, SHADE, _scene, footprint_items, grid_value_items,
                    input_plane_items, joining_lines, node, output_map, output_plane_items,
                    output_value_items)
from .legend import legend
from .meaning import step_meaning
from .types import FLAT, Cells, Grid, Paint, Placement, Plane, Span, Step, Text


def _fade(width: float, height: float) -> Cells:
    return Cells(((-0.1, -0.1, width + 0.2, height + 0.2),), fill=FADE, bounds=False,
                 role="fade")


def channel_scene(spec: FigureSpec, values, steps: Sequence[int]):
    if spec.kind == "numerical":
        return _numerical(spec, values, steps)
    return _arithmetic(spec, steps)


def _arithmetic(spec: FigureSpec, steps: Sequence[int]):
    rows, cols = spec.layouts
    height, width = rows.extent, cols.extent
    out_h, out_w = spec.output_size
    inputs = C.InputCells(spec)
    legend_shown = spec.labels and spec.transposed
    first = arithmetic_planes(spec, 0, height, width)
    in_placement = {p["channel"]: Placement(shift=(0, p["offset"]), projection=OBLIQUE)
                    for p in first["in_planes"]}
    lift, out_shift = first["lift"], first["out_shift"]
    out_placement = {p["channel"]: Placement(shift=(out_shift, p["offset"]), projection=OBLIQUE,
                                             lift=lift) for p in first["out_planes"]}
    static_items = tuple(input_plane_items(spec, inputs, legend_shown))
    static = [Plane(in_placement[c], static_items, name=f"in{c}") for c in in_placement]
    key = legend(spec)
    built = []
    for step in steps:
        planes = arithmetic_planes(spec, step, height, width)
        row, col = spec.step_cell(step)
        read, _, block = C.read_cells(spec, row, col)
        current = C.cell(row, col, out_h)
        layers = [Plane(Placement(projection=OBLIQUE),
                        (Cells(((0, 0, width, planes["in_depth"]),), stroke=LINES,
                               invisible=True, role="extent"),))]
        in_planes = {}
        for plane in planes["in_planes"]:
            c = plane["channel"]
            items = (footprint_items(read, (), block) if plane["active"]
                     else [_fade(width, height)])
            in_planes[c] = Plane(in_placement[c], tuple(items), name=f"in{c}")
            layers.append(in_planes[c])

        def output_plane(plane):
            c = plane["channel"]
            items = output_map(out_w, out_h)
            if plane["current"]:
                items = output_plane_items(out_w, out_h, current, shade_first=False)
            if not plane["active"]:
                items.append(_fade(out_w, out_h))
            if spec.labels:
                items.append(node((out_w + 0.2, out_h / 2), f"out {c}", "small", "west",
                                  opacity=1.0 if plane["active"] else 0.4))
            return Plane(out_placement[c], tuple(items), name=f"out{c}")

        channel = spec.step_channel(step)
        layers.append(output_plane(planes["out_planes"][channel]))
        current_plane = layers[-1]
        for plane in planes["in_planes"]:
            if plane["active"]:
                layers += joining_lines(in_planes[plane["channel"]], block, current_plane,
                                        (*current, 1, 1))
        if spec.labels:
            for plane in planes["in_planes"]:
                c = plane["channel"]
                label = node((width + 0.4, height / 2), f"in {c}", "small", "west", 1.0, 1.0,
                             opacity=1.0 if plane["active"] else 0.4,
                             background=Paint("white"))
                layers.append(Plane(in_placement[c], (label,), name=f"in{c}"))
        layers += [output_plane(p) for p in planes["out_planes"] if not p["current"]]
        if key is not None:
            layers.append(key)
        built.append(Step(step_meaning(spec, step), tuple(layers)))
    return _scene(spec, static, built)


def _partial_text(channel: int, partial: str) -> tuple:
    return (Span("\u2192 p", "math"), Span(str(channel), "sub"), Span(f" = {partial}", "math"))


def _equation(channel: int, slices, result: str, bias: Optional[str] = None) -> tuple:
    """'output channel 0: p0 + p1 (+ b) = 3 + 4 (+ 0.1) = 7', as spans."""
    spans = [Span(f"output channel {channel}: ")]
    for index, piece in enumerate(slices):
        spans += [Span((" + " if index else "") + "p", "math"), Span(str(piece["channel"]), "sub")]
    terms = [piece["partial"] for piece in slices]
    if bias is not None:
        spans.append(Span(" + b", "math"))
        terms.append(bias)
    if len(terms) > 1:
        spans.append(Span(" = " + " + ".join(terms), "math"))
    spans.append(Span(f" = {result}", "math"))
    return tuple(spans)


def _numerical(spec: FigureSpec, values, steps: Sequence[int]):
    whole = whole_numbers(values)
    rows, cols = spec.layouts
    height, width = rows.extent, cols.extent
    out_h, out_w = spec.output_size
    inputs = C.InputCells(spec)
    legend_shown = spec.labels and spec.transposed
    grown_h, grown_w = height + rows.overhang, width + cols.overhang
    first = numerical_planes(spec, 0, grown_h, grown_w, values)
    in_placement = {p["channel"]: Placement(shift=(0, p["offset"])) for p in first["in_planes"]}
    out_x = first["out_x"]
    out_placement = {p["channel"]: Placement(shift=(out_x, p["offset"]))
                     for p in first["out_planes"]}
    static = []
    for c, placement in in_placement.items():
        items = list(input_plane_items(spec, inputs, legend_shown))
        items += grid_value_items(spec, values.grid[c])
        if spec.labels:
            items.append(node((0, height + 0.1), f"input channel {c}", "small", "south west",
                              pad_x=0.0, bounds=False))
        static.append(Plane(placement, tuple(items), name=f"in{c}"))
    out_values = {c: Plane(out_placement[c], tuple(output_value_items(spec, values.output[c],
                                                                    whole_numbers(values))),
                           name=f"out{c}") for c in out_placement}
    bottom = -rows.overhang
    key = legend(spec)
    built = []
    for step in steps:
        planes = numerical_planes(spec, step, grown_h, grown_w, values)
        slices, labels = planes["slices"], spec.labels
        row, col = spec.step_cell(step)
        read, overhang, block = C.read_cells(spec, row, col)
        low = (-planes["equation_room"] if slices else -0.5) + bottom
        high = planes["tallest"] + (1.5 if labels else 0.5)
        layers = [Plane(FLAT, (Cells(((-0.5, low, planes["right"] + 1, high - low),),
                                     invisible=True, role="margin"),))]
        for plane in planes["in_planes"]:
            c = plane["channel"]
            items = (footprint_items(read, overhang, block) if plane["active"]
                     else [_fade(width, height)])
            layers.append(Plane(in_placement[c], tuple(items), name=f"in{c}"))
        kh, kw = planes["kh"], planes["kw"]
        for index, piece in enumerate(slices):
            items = [Cells(((0, 0, kw, kh),), fill=SHADE, role="weights"),
                     Grid((0, 0, kw, kh), LINES, role="weights")]
            items += [Text(at=(x + 0.5, y + 0.5), spans=(Span(text),),
                           size="small" if whole else "tiny", role="weight")
                      for x, y, text in piece["weights"]]
            items.append(node((kw, kh / 2), _partial_text(piece["channel"], piece["partial"]),
                              "value", "west", role="partial"))
            if labels and index == 0:
                items.append(node((0, kh + 0.1), f"filter {planes['channel']}", "small",
                                  "south west", pad_x=0.0))
            layers.append(Plane(Placement(shift=(planes["slice_x"], piece["y"])), tuple(items),
                                name=f"w{piece['channel']}"))
        current = C.cell(row, col, out_h)
        for plane in planes["out_planes"]:
            c = plane["channel"]
            if plane["current"]:
                items = output_plane_items(out_w, out_h, current, shade_first=True)
            else:
                items = output_map(out_w, out_h)
            layers.append(Plane(out_placement[c], tuple(items), name=f"out{c}"))
            after = [_fade(out_w, out_h)] if not plane["active"] else []
            if labels:
                after.append(node((0, out_h + 0.1), f"output channel {c}", "small",
                                  "south west", pad_x=0.0))
            layers.append(out_values[c])
            if after:
                layers.append(Plane(out_placement[c], tuple(after), name=f"out{c}"))
        if slices:
            result = planes["equation"]["result"]
            equation = node((planes["equation"]["x"], -planes["equation_room"] / 2),
                            _equation(planes["channel"], slices, number_text(result),
                                      None if values.bias is None
                                      else number_text(values.bias[planes["channel"]])), "value",
                            "west", pad_x=0.0, role="sum")
            layers.append(Plane(FLAT, (equation,)))
        if key is not None:
            layers.append(key)
        built.append(Step(step_meaning(spec, step, values), tuple(layers)))
    return _scene(spec, static, built)

