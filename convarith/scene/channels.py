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
                    input_index_labels, input_plane_items, joining_lines, node, output_index_labels,
                    output_map, output_plane_items, output_value_items)
from .elision import CHANNEL_SLOTS, figure_views
from .legend import legend
from .meaning import step_meaning
from .types import FLAT, Cells, Grid, Paint, Placement, Plane, Span, Step, Text


#: Opacity of the label of a plane outside the current group: lighter than
#: the others, yet dark enough to print.
FADED_LABEL = 0.7


def _fade(width: float, height: float) -> Cells:
    return Cells(((-0.1, -0.1, width + 0.2, height + 0.2),), fill=FADE, bounds=False,
                 role="fade")


def channel_scene(spec: FigureSpec, values, steps: Sequence[int]):
    if spec.kind == "numerical":
        return _numerical(spec, values, steps)
    return _arithmetic(spec, steps)


def _arithmetic(spec: FigureSpec, steps: Sequence[int]):
    views = figure_views(spec, steps)
    in_view, out_view = views.inputs, views.outputs
    height, width = in_view.height, in_view.width
    out_h, out_w = out_view.height, out_view.width
    inputs = C.InputCells(spec, in_view)
    zeros_tinted = spec.labels and spec.transposed
    labelled = spec.labels or spec.elided

    def in_placement(plane):
        return Placement(shift=(0, plane["offset"]), projection=OBLIQUE)

    def out_placement(plane):
        return Placement(shift=(out_shift, plane["offset"]), projection=OBLIQUE, lift=lift)

    first = arithmetic_planes(spec, 0, height, width, (out_h, out_w))
    lift, out_shift = first["lift"], first["out_shift"]
    grid_items = input_plane_items(spec, inputs, zeros_tinted, in_view)
    if not views.whole:
        grid_items += input_index_labels(spec, in_view)
    grid_items = tuple(grid_items)
    # Every step draws the same input planes unless only some channels are drawn.
    every_channel = spec.in_channels <= CHANNEL_SLOTS
    static = ([Plane(in_placement(p), grid_items, name=f"in{p['channel']}")
               for p in first["in_planes"]] if every_channel else [])
    key = legend(spec)
    built = []
    for step in steps:
        planes = arithmetic_planes(spec, step, height, width, (out_h, out_w))
        row, col = spec.step_cell(step)
        read, _, block = C.read_cells(spec, row, col, in_view)
        current = out_view.cell(row, col)
        layers = [Plane(Placement(projection=OBLIQUE),
                        (Cells(((0, 0, width, planes["in_depth"]),), stroke=LINES,
                               invisible=True, role="extent"),))]
        if not every_channel:
            layers += [Plane(in_placement(p), grid_items, name=f"in{p['channel']}")
                       for p in planes["in_planes"]]
        in_planes = {}
        for plane in planes["in_planes"]:
            c = plane["channel"]
            items = (footprint_items(read, (), block) if plane["active"]
                     else [_fade(width, height)])
            in_planes[c] = Plane(in_placement(plane), tuple(items), name=f"in{c}")
            layers.append(in_planes[c])

        def output_plane(plane):
            c = plane["channel"]
            items = output_map(out_w, out_h, out_view)
            if plane["current"]:
                items = output_plane_items(out_w, out_h, current, shade_first=False,
                                           view=out_view)
            if not plane["active"]:
                items.append(_fade(out_w, out_h))
            if labelled:
                items.append(node((out_w + 0.2, out_h / 2), f"out {c}", "small", "west",
                                  opacity=1.0 if plane["active"] else FADED_LABEL))
            if plane is planes["out_planes"][0] and not views.whole:
                items += output_index_labels(out_view)
            return Plane(out_placement(plane), tuple(items), name=f"out{c}")

        [now] = [p for p in planes["out_planes"] if p["current"]]
        layers.append(output_plane(now))
        current_plane = layers[-1]
        for plane in planes["in_planes"]:
            if plane["active"]:
                layers += joining_lines(in_planes[plane["channel"]], block, current_plane,
                                        (*current, 1, 1))
        if labelled:
            for plane in planes["in_planes"]:
                c = plane["channel"]
                label = node((width + 0.4, height / 2), f"in {c}", "small", "west", 1.0, 1.0,
                             opacity=1.0 if plane["active"] else FADED_LABEL,
                             background=Paint("white"))
                layers.append(Plane(in_placement(plane), (label,), name=f"in{c}"))
        layers += [output_plane(p) for p in planes["out_planes"] if not p["current"]]
        if spec.elided:
            layers += stack_captions(spec, planes, width, out_w, out_h, in_placement,
                                     out_placement, below=0.9 if not views.whole else 0.3)
        if key is not None:
            layers.append(key)
        built.append(Step(step_meaning(spec, step), tuple(layers)))
    return _scene(spec, static, built)


def stack_captions(spec: FigureSpec, planes, width, out_w, out_h, in_placement,
                   out_placement, below: float) -> list:
    """'input: 3 channels' under the front input plane and 'output: 64
    channels, 4 drawn' over the back output plane, upright in the figure."""
    def words(side, count, drawn):
        shown = f", {len(drawn)} drawn" if len(drawn) < count else ""
        return f"{side}: {count:,} channel{'s' if count > 1 else ''}{shown}"

    front = in_placement(planes["in_planes"][0]).affine
    low = [front(x, 0) for x in (0, width)]
    back = out_placement(planes["out_planes"][-1]).affine
    high = [back(x, out_h) for x in (0, out_w)]
    return [Plane(FLAT, (
        node((sum(x for x, _ in low) / 2, min(y for _, y in low) - below),
             words("input", spec.in_channels, planes["in_planes"]), "label", "north"),
        node((sum(x for x, _ in high) / 2, max(y for _, y in high) + 0.3),
             words("output", spec.out_channels, planes["out_planes"]), "label", "south")))]


def _partial_text(channel: int, partial: str) -> tuple:
    return (Span("\u2192 s", "math"), Span(str(channel), "sub"), Span(f" = {partial}", "math"))


def _equation(channel: int, slices, result: str, bias: Optional[str] = None) -> tuple:
    """'output channel 0: p0 + p1 (+ b) = 3 + 4 (+ 0.1) = 7', as spans."""
    spans = [Span(f"output channel {channel}: ")]
    for index, piece in enumerate(slices):
        spans += [Span((" + " if index else "") + "s", "math"), Span(str(piece["channel"]), "sub")]
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
    zeros_tinted = spec.labels and spec.transposed
    grown_h, grown_w = height + rows.overhang, width + cols.overhang
    first = numerical_planes(spec, 0, grown_h, grown_w, values)
    in_placement = {p["channel"]: Placement(shift=(0, p["offset"])) for p in first["in_planes"]}
    out_x = first["out_x"]
    out_placement = {p["channel"]: Placement(shift=(out_x, p["offset"]))
                     for p in first["out_planes"]}
    static = []
    for c, placement in in_placement.items():
        items = list(input_plane_items(spec, inputs, zeros_tinted))
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

