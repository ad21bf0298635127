"""Numbers shown by numerical figures: seeded input and kernel, and outputs.

The output is computed the way the figure draws it: a window slides over the
drawn grid (padding and inserted zeros included) and each mode reduces the
cells the kernel reads.  Tests compare this with PyTorch and with an
independent numpy computation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from convarith.model.spec import FigureSpec
# The figures' seeds and ranges are the model's; this module computes with
# them independently, through numpy.
from convarith.model.values import INPUTS, KERNEL_RANGE

@dataclass(frozen=True)
class NumericalValues:
    """Everything a numerical figure prints, with a leading channel axis.

    `input` (C_in, h, w) and `kernel` (the weight as PyTorch stores it) are
    what one passes to the framework call; `grid` is the drawn input per
    channel (zeros for padding and inserted zeros); `shown_kernel`
    (C_out, C_in/G, kh, kw) holds the weights drawn for each output channel
    and each input channel of its group (flipped for a transposed
    convolution); `partial` (C_out, C_in/G, o_h, o_w) is each slice's sum of
    products, and `output` (C_out, o_h, o_w) their sum.  `kernel`,
    `shown_kernel` and `partial` are None for pooling.
    """

    input: np.ndarray
    kernel: np.ndarray | None
    grid: np.ndarray
    shown_kernel: np.ndarray | None
    partial: np.ndarray | None
    output: np.ndarray


def weight_shape(spec: FigureSpec) -> tuple[int, int, int, int]:
    """The weight's shape as PyTorch stores it: [C_out, C_in/G, kh, kw] for
    conv2d, [C_in, C_out/G, kh, kw] for conv_transpose2d."""
    per_in, per_out = spec.group_size
    kernel_size = (spec.axes[0].k, spec.axes[1].k)
    if spec.transposed:
        return (spec.in_channels, per_out, *kernel_size)
    return (spec.out_channels, per_in, *kernel_size)


def seeded_input_and_kernel(spec: FigureSpec) -> tuple[np.ndarray, np.ndarray]:
    """Input (C_in, h, w) and weight; one channel draws the same numbers as
    the single-channel figures always did (same stream, same order)."""
    seed, (low, high) = INPUTS[spec.mode]
    rng = np.random.default_rng(seed)
    x = rng.integers(low, high + 1,
                     size=(spec.in_channels, *spec.input_size))
    w = rng.integers(KERNEL_RANGE[0], KERNEL_RANGE[1] + 1, size=weight_shape(spec))
    return x.astype(np.int64), w.astype(np.int64)


def drawn_grid(spec: FigureSpec, x: np.ndarray) -> np.ndarray:
    """Each channel's drawn input: the units, padding as its mode fills it
    (a copy of some input cell), and zero in every other cell."""
    rows, cols = spec.layouts
    row_src = np.array([-1 if s is None else s for s in rows.sources])
    col_src = np.array([-1 if s is None else s for s in cols.sources])
    grid = x[:, np.maximum(row_src, 0)][:, :, np.maximum(col_src, 0)]
    grid[:, row_src < 0, :] = 0
    grid[:, :, col_src < 0] = 0
    return grid


def with_overhang(spec: FigureSpec, cells: np.ndarray) -> np.ndarray:
    """`cells` (..., H, W) extended by zeros/False past the bottom/right edge,
    where a ceil_mode window hangs over."""
    rows, cols = spec.layouts
    widths = [(0, 0)] * (cells.ndim - 2) + [(0, rows.overhang), (0, cols.overhang)]
    return np.pad(cells, widths)


def unit_mask(spec: FigureSpec) -> np.ndarray:
    rows, cols = spec.layouts
    mask = np.zeros((rows.extent, cols.extent), dtype=bool)
    mask[np.ix_(rows.units, cols.units)] = True
    return mask


def drawn_weights(spec: FigureSpec, w: np.ndarray) -> np.ndarray:
    """(C_out, C_in/G, kh, kw): what each output channel's filter applies to
    each input channel of its group in the drawn direct convolution."""
    if not spec.transposed:
        return w
    per_in, per_out = spec.group_size
    shown = np.empty((spec.out_channels, per_in, *w.shape[2:]), dtype=w.dtype)
    for out_channel in range(spec.out_channels):
        first = spec.group_inputs(out_channel).start
        for j in range(per_in):
            shown[out_channel, j] = w[first + j, out_channel % per_out, ::-1, ::-1]
    return shown


def windows(spec: FigureSpec, grid: np.ndarray):
    """(row, column, rows read, columns read, window (C_in, kh, kw)) per output cell."""
    rows, cols = spec.layouts
    for r in range(rows.output):
        rr = list(rows.footprint_cells(r))
        for c in range(cols.output):
            cc = list(cols.footprint_cells(c))
            yield r, c, rr, cc, grid[np.ix_(range(grid.shape[0]), rr, cc)]


def compute(spec: FigureSpec) -> NumericalValues:
    """All numbers of a numerical figure."""
    x, w = seeded_input_and_kernel(spec)
    grid = drawn_grid(spec, x)
    mask = unit_mask(spec)
    out = np.zeros((spec.out_channels, *spec.output_size), dtype=np.float64)
    if spec.mode == "convolution":
        shown = drawn_weights(spec, w)
        partial = np.zeros((spec.out_channels, spec.group_size[0], *spec.output_size))
        for r, c, _, _, window in windows(spec, grid):
            for o in range(spec.out_channels):
                inputs = window[list(spec.group_inputs(o))]
                partial[o, :, r, c] = (inputs * shown[o]).sum(axis=(1, 2))
        out = partial.sum(axis=1)
        return NumericalValues(input=x, kernel=w, grid=grid, shown_kernel=shown,
                               partial=partial, output=out)
    # Cells past the padded input (a ceil_mode overhang) never count.
    padded = with_overhang(spec, np.ones(grid.shape[1:], dtype=bool))
    mask = with_overhang(spec, mask)
    for r, c, rr, cc, window in windows(spec, with_overhang(spec, grid)):
        inside = mask[np.ix_(rr, cc)]
        for channel in range(spec.in_channels):
            if spec.mode == "average":
                # PyTorch's divisor: the window's cells in the padded input, or
                # its input cells only without count_include_pad
                counted = padded[np.ix_(rr, cc)] if spec.count_include_pad else inside
                out[channel, r, c] = float(window[channel].sum()) / int(counted.sum())
            else:  # max ignores padding, as if it were -inf (PyTorch's rule);
                # a dilated window that reads only padding gives -inf, as in PyTorch
                out[channel, r, c] = (float(window[channel][inside].max())
                                      if inside.any() else -np.inf)
    return NumericalValues(input=x, kernel=None, grid=grid, shown_kernel=None,
                           partial=None, output=out)
