"""The numbers of numerical figures, computed with the standard library alone.

The same numbers as `convarith.values` (the seeded input and kernel, the
drawn grid, the shown kernel, the partial sums and the outputs), as nested
tuples of ints and floats, so they can be computed where numpy cannot be had
(Python in a web browser).  tests/test_purevalues.py checks that both agree
exactly, and with PyTorch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .rng import Generator

if TYPE_CHECKING:
    from .spec import FigureSpec

SEED = 2016
INPUT_RANGE = (0, 3)    # inclusive
KERNEL_RANGE = (0, 2)   # inclusive
#: (seed, inclusive input range) for each mode.  Max pooling draws from 0-9
#: with a seed of its own: with inputs 0-3 every 3x3 window of the classic
#: 5x5 figure holds a 3, so every output was 3 and the figure showed nothing
#: about taking a maximum.  Seed 2191 gives that figure five different
#: maxima, one window without any large value among them.  Convolution and
#: average pooling keep 0-3, whose averages already differ.
INPUTS = {"convolution": (SEED, INPUT_RANGE), "average": (SEED, INPUT_RANGE),
          "max": (2191, (0, 9))}


@dataclass(frozen=True)
class NumericalValues:
    """Everything a numerical figure shows, as nested tuples: `input`
    (C_in, h, w), `kernel` (PyTorch's weight layout), `grid` (C_in, H, W),
    `shown_kernel` (C_out, C_in/G, kh, kw), `partial` (C_out, C_in/G, o_h,
    o_w) and `output` (C_out, o_h, o_w), with a layer's `bias` (C_out) added
    to the partial sums when a module's own weights are drawn.  The seeded
    inputs and weights are ints, a module's are floats; partial sums and
    outputs are floats (-inf for a max over padding only).  `kernel`,
    `shown_kernel` and `partial` are None for pooling."""

    input: tuple
    kernel: tuple | None
    grid: tuple
    shown_kernel: tuple | None
    partial: tuple | None
    output: tuple
    bias: tuple | None = None


def weight_shape(spec: FigureSpec) -> tuple[int, int, int, int]:
    """The weight's shape as PyTorch stores it: [C_out, C_in/G, kh, kw] for
    conv2d, [C_in, C_out/G, kh, kw] for conv_transpose2d."""
    per_in, per_out = spec.group_size
    kernel_size = (spec.axes[0].k, spec.axes[1].k)
    if spec.transposed:
        return (spec.in_channels, per_out, *kernel_size)
    return (spec.out_channels, per_in, *kernel_size)


def frozen(nested):
    """Nested lists as nested tuples."""
    return tuple(map(frozen, nested)) if isinstance(nested, list) else nested


def drawn_grid(spec: FigureSpec, x) -> tuple:
    """Each channel's drawn input: the units, padding as its mode fills it,
    and zero in every other cell."""
    rows, cols = spec.layouts
    return tuple(tuple(tuple(0 if r is None or c is None else plane[r][c]
                             for c in cols.sources)
                       for r in rows.sources)
                 for plane in x)


def drawn_weights(spec: FigureSpec, w) -> tuple:
    """(C_out, C_in/G, kh, kw): the weights each output channel applies to
    each input channel of its group; a transposed convolution is drawn as a
    direct one with its kernel turned half a circle."""
    if not spec.transposed:
        return w
    per_in, per_out = spec.group_size

    def turned(kernel):
        return tuple(row[::-1] for row in kernel[::-1])

    return tuple(tuple(turned(w[spec.group_inputs(o).start + j][o % per_out])
                       for j in range(per_in))
                 for o in range(spec.out_channels))


def footprints(spec: FigureSpec) -> tuple[list, list]:
    """Per output row and per output column, the drawn cells the kernel reads."""
    return tuple([layout.footprint_cells(n) for n in range(layout.output)]
                 for layout in spec.layouts)


def convolve(spec: FigureSpec, grid, shown) -> tuple:
    """(C_out, C_in/G, o_h, o_w): each output channel's sum of products over
    each input channel of its group."""
    row_cells, col_cells = footprints(spec)
    return tuple(
        tuple(tuple(tuple(float(sum(plane[y][z] * weight
                                    for y, weights in zip(rr, kernel)
                                    for z, weight in zip(cc, weights)))
                          for cc in col_cells)
                    for rr in row_cells)
              for plane, kernel in zip((grid[c] for c in spec.group_inputs(o)), shown[o]))
        for o in range(spec.out_channels))


def pool(spec: FigureSpec, grid) -> tuple:
    """(C, o_h, o_w): each channel's mean or maximum per window.  Padding
    never wins a maximum (PyTorch pads with -inf), and cells past the padded
    input (a ceil_mode overhang) never count."""
    rows, cols = spec.layouts
    row_cells, col_cells = footprints(spec)
    units = {(y, z) for y in rows.units for z in cols.units}

    def reduce(plane, rr, cc):
        cells = [(y, z) for y in rr if y < rows.extent for z in cc if z < cols.extent]
        if spec.mode == "max":
            read = [plane[y][z] for y, z in cells if (y, z) in units]
            return float(max(read)) if read else float("-inf")
        # PyTorch's divisor: the window's cells in the padded input, or its
        # input cells only without count_include_pad
        counted = (len(cells) if spec.count_include_pad
                   else sum((y, z) in units for y, z in cells))
        return float(sum(plane[y][z] for y, z in cells)) / counted

    return tuple(tuple(tuple(reduce(plane, rr, cc) for cc in col_cells) for rr in row_cells)
                 for plane in grid)


def compute(spec: FigureSpec, given=None) -> NumericalValues:
    """All numbers of a numerical figure: seeded, or `given` (a Given: a
    module's own weights and bias, and an input)."""
    if given is None:
        seed, (low, high) = INPUTS[spec.mode]
        rng = Generator(seed)
        x = frozen(rng.integers(low, high + 1, (spec.in_channels, *spec.input_size)))
    else:
        x = frozen(given.input)
    grid = drawn_grid(spec, x)
    if spec.mode != "convolution":
        return NumericalValues(input=x, kernel=None, grid=grid, shown_kernel=None,
                               partial=None, output=pool(spec, grid))
    # the kernel comes after the input from the same stream
    w = (frozen(rng.integers(KERNEL_RANGE[0], KERNEL_RANGE[1] + 1, weight_shape(spec)))
         if given is None else frozen(given.weight))
    bias = None if given is None or given.bias is None else tuple(given.bias)
    shown = drawn_weights(spec, w)
    partial = convolve(spec, grid, shown)
    output = tuple(tuple(tuple(float(sum(cell)) + (bias[o] if bias else 0.0)
                               for cell in zip(*rows)) for rows in zip(*slices))
                   for o, slices in enumerate(partial))
    return NumericalValues(input=x, kernel=w, grid=grid, shown_kernel=shown,
                           partial=partial, output=output, bias=bias)


@dataclass(frozen=True)
class Given:
    """Numbers to draw instead of the seeded ones: an input (C_in, h, w), a
    weight in PyTorch's layout and a bias (C_out) or None, as nested lists."""

    input: tuple
    weight: tuple | None = None
    bias: tuple | None = None
