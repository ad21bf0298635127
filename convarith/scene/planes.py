"""Where each channel plane of a multichannel figure is drawn, and which take part.

Pure: from a FigureSpec and a step to plain numbers, which scene.channels
places its planes by.  Arithmetic figures stack a layer's planes in depth, one behind
the other along the oblique planes' y axis, with the output stack lifted
above the input stack.  Numerical figures are flat: input channels in a
column on the left, the current filter's slices with their partial sums in
the middle, output channels on the right.  A plane is `active` when it
belongs to the group of the output channel being computed; the others are
drawn faded.
"""

from __future__ import annotations

import itertools

from ..model.spec import FigureSpec
from ..model.numbers import number_text
from .build import OBLIQUE
from .elision import channel_slots

#: Empty cells between neighbouring planes of an oblique stack.
DEPTH_GAP = 1
#: Empty cells between neighbouring flat maps of a column (room for a label).
COLUMN_GAP = 2
#: Cells from the input column to the slices, and from the slices'
#: partial sums to the output column.
SLICE_MARGIN, SUM_ROOM = 1, 4
#: Cells below the maps for the line that adds up the partial sums.
EQUATION_ROOM = 2
#: Generous width of one character of the \footnotesize sum line, in cells:
#: the line's room is reserved so that every frame has the same size.
CHARACTER_CELLS = 0.3


def oblique(x: float, y: float) -> tuple[float, float]:
    """A plane point (x, y) as drawn, in cells: sheared along x, then along y."""
    x1 = x + OBLIQUE.xslant * y
    return x1, y + OBLIQUE.yslant * x1


def stack_depth(count: int, size: int, gap: int) -> int:
    """Cells a stack of `count` planes of `size` cells spans, gaps included."""
    return count * size + (count - 1) * gap


def _parallelogram(width: float, depth: float) -> list[tuple[float, float]]:
    return [oblique(x, y) for x, y in ((0, 0), (width, 0), (width, depth), (0, depth))]


def _vertical_span(corners, x: float) -> tuple[float, float] | None:
    """Lowest and highest drawn y of a convex polygon at drawn abscissa x."""
    ys = []
    for (x0, y0), (x1, y1) in zip(corners, corners[1:] + corners[:1]):
        if min(x0, x1) <= x <= max(x0, x1):
            ys.extend([y0, y1] if x0 == x1 else [y0 + (y1 - y0) * (x - x0) / (x1 - x0)])
    return (min(ys), max(ys)) if ys else None


def lift_above(lower: tuple[int, int], upper: tuple[int, int],
               upper_at: tuple[float, float] = (0, 0), gap: float = 1) -> int:
    """Whole cells to raise the `upper` stack (width, depth), whose corner is
    at plane point `upper_at`, so that it clears the `lower` one by at least
    `gap` cells everywhere above it."""
    below = _parallelogram(*lower)
    shift = oblique(*upper_at)
    above = [(x + shift[0], y + shift[1]) for x, y in _parallelogram(*upper)]
    needed = gap
    # Both outlines are piecewise linear: the closest approach is at a corner.
    for x, _ in below + above:
        low, high = _vertical_span(below, x), _vertical_span(above, x)
        if low and high:
            needed = max(needed, low[1] - high[0] + gap)
    return int(-(-needed // 1))


def _output_group(spec: FigureSpec, channel: int) -> range:
    """Output channels in the same group as `channel`."""
    size = spec.group_size[1]
    first = spec.group_of(channel) * size
    return range(first, first + size)


def _planes(count: int, active: range, offsets: list, current: int = -1) -> list[dict]:
    """Plane dicts; `current` is the output channel computed."""
    return _drawn_planes(range(count), active, offsets, current)


def _drawn_planes(channels, active: range, offsets: list, current: int = -1) -> list[dict]:
    """Plane dicts of the channels drawn, the n-th at offsets[n]."""
    return [{"channel": c, "offset": offsets[n], "active": c in active,
             "current": c == current} for n, c in enumerate(channels)]


def drawn_channels(spec: FigureSpec, step: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The input and output channels drawn at `step`: all, or for many
    channels a few, among them the current output channel and the ends of
    the group of inputs it reads."""
    channel = spec.step_channel(step)
    group = spec.group_inputs(channel)
    return (channel_slots(spec.in_channels, (group[0], group[-1])),
            channel_slots(spec.out_channels, (channel,)))


def arithmetic_planes(spec: FigureSpec, step: int, height: float, width: float,
                      out_size: tuple[float, float] | None = None) -> dict:
    """Input and output planes of an oblique channel figure at one step;
    `out_size` is the output's drawn (height, width) when it is elided."""
    out_h, out_w = out_size or spec.output_size
    channel = spec.step_channel(step)
    in_drawn, out_drawn = drawn_channels(spec, step)
    # One pitch for both stacks, so that each output plane sits over an input
    # plane (centred on it) and the two stacks recede together.
    pitch = out_pitch = max(height, out_h) + DEPTH_GAP
    in_depth = (len(in_drawn) - 1) * pitch + height
    centre = ((width - out_w) / 2, (height - out_h) / 2)
    if spec.elided:
        # An elided layer's maps differ too much in size for that: each
        # stack is as deep as its own planes, the output's centred on the input's.
        pitch, out_pitch = height + DEPTH_GAP, out_h + DEPTH_GAP
        in_depth = (len(in_drawn) - 1) * pitch + height
        centre = ((width - out_w) / 2,
                  (in_depth - (len(out_drawn) - 1) * out_pitch - out_h) / 2)
    out_depth = (len(out_drawn) - 1) * out_pitch + out_h
    in_planes = _drawn_planes(in_drawn, spec.group_inputs(channel),
                              [n * pitch for n in range(len(in_drawn))])
    out_planes = _drawn_planes(out_drawn, _output_group(spec, channel),
                               [n * out_pitch + centre[1] for n in range(len(out_drawn))],
                               channel)
    return {"in_planes": in_planes, "out_planes": out_planes, "in_depth": in_depth,
            "out_shift": centre[0],
            "lift": lift_above((width, in_depth), (out_w, out_depth), centre, gap=2)}


def numerical_planes(spec: FigureSpec, step: int, height: int, width: int,
                     values) -> dict:
    """Columns of a flat channel figure at one step, with the partial sums."""
    out_h, out_w = spec.output_size
    channel = spec.step_channel(step)
    row, col = spec.step_cell(step)
    in_column = stack_depth(spec.in_channels, height, COLUMN_GAP)
    out_column = stack_depth(spec.out_channels, out_h, COLUMN_GAP)
    tallest = max(in_column, out_column)
    # Channel 0 on top; each column centred on the taller one.
    in_top = (tallest + in_column) // 2
    out_top = (tallest + out_column) // 2
    in_planes = _planes(spec.in_channels, spec.group_inputs(channel),
                        [in_top - height - c * (height + COLUMN_GAP)
                         for c in range(spec.in_channels)])
    out_planes = _planes(spec.out_channels, _output_group(spec, channel),
                         [out_top - out_h - c * (out_h + COLUMN_GAP)
                          for c in range(spec.out_channels)], channel)
    kh, kw = spec.axes[0].k, spec.axes[1].k
    has_slices = values.shown_kernel is not None
    slice_x = width + SLICE_MARGIN
    out_x = slice_x + (kw + SUM_ROOM if has_slices else SLICE_MARGIN)
    slices, terms = [], []
    if has_slices:
        for j, plane in enumerate(p for p in in_planes if p["active"]):
            partial = values.partial[channel][j][row][col]
            terms.append(_number(partial))
            slices.append({
                "channel": plane["channel"],
                "y": plane["offset"] + (height - kh) / 2,
                "weights": [(n, kh - 1 - m, number_text(values.shown_kernel[channel][j][m][n]))
                            for m in range(kh) for n in range(kw)],
                "partial": terms[-1]})
    output = values.output[channel][row][col]
    right = out_x + out_w
    if has_slices:
        right = max(right, _longest_equation(spec, values) * CHARACTER_CELLS)
    return {
        "in_planes": in_planes, "out_planes": out_planes, "tallest": tallest,
        "slices": slices, "slice_x": slice_x, "kh": kh, "kw": kw, "right": right,
        "out_x": out_x, "channel": channel, "equation_room": EQUATION_ROOM,
        "equation": {"terms": terms, "result": output, "x": 0},
    }


def _longest_equation(spec: FigureSpec, values) -> int:
    """Characters of the longest sum line of the animation, as plain text."""
    longest = 0
    for channel in range(spec.out_channels):
        names = " + ".join(f"p{c}" for c in spec.group_inputs(channel))
        rows, cols = len(values.output[channel]), len(values.output[channel][0])
        for row, col in itertools.product(range(rows), range(cols)):
            result = values.output[channel][row][col]
            terms = " + ".join(_number(p[row][col]) for p in values.partial[channel])
            if values.bias is not None:
                names += " + b"
                terms += f" + {number_text(values.bias[channel])}"
            text = f"output channel {channel}: {names} = {terms} = {number_text(result)}"
            longest = max(longest, len(text))
    return longest


def _number(value: float) -> str:
    return number_text(value)
