"""Numbers shown by numerical figures: seeded input and kernel, and outputs.

The output is computed the way the figure draws it: a window slides over the
drawn grid (padding and inserted zeros included) and each mode reduces the
cells the kernel reads.  Tests compare this with PyTorch and with an
independent numpy computation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .spec import FigureSpec

SEED = 2016
INPUT_RANGE = (0, 3)    # inclusive
KERNEL_RANGE = (0, 2)   # inclusive


@dataclass(frozen=True)
class NumericalValues:
    """Everything a numerical figure prints.

    `input` and `kernel` are what one passes to the framework call; `grid` is
    the drawn input (zeros for padding and inserted zeros), `shown_kernel` the
    weights drawn in the footprint (the flipped kernel for a transposed
    convolution), and `output` the result.  `kernel` is None for pooling.
    """

    input: np.ndarray
    kernel: np.ndarray | None
    grid: np.ndarray
    shown_kernel: np.ndarray | None
    output: np.ndarray


def seeded_input_and_kernel(spec: FigureSpec) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(SEED)
    x = rng.integers(INPUT_RANGE[0], INPUT_RANGE[1] + 1, size=spec.input_size)
    kernel_size = (spec.axes[0].k, spec.axes[1].k)
    w = rng.integers(KERNEL_RANGE[0], KERNEL_RANGE[1] + 1, size=kernel_size)
    return x.astype(np.int64), w.astype(np.int64)


def drawn_grid(spec: FigureSpec, x: np.ndarray) -> np.ndarray:
    """Place the input units on the drawn grid; every other cell is zero."""
    rows, cols = spec.layouts
    grid = np.zeros((rows.extent, cols.extent), dtype=np.int64)
    grid[np.ix_(rows.units, cols.units)] = x
    return grid


def unit_mask(spec: FigureSpec) -> np.ndarray:
    rows, cols = spec.layouts
    mask = np.zeros((rows.extent, cols.extent), dtype=bool)
    mask[np.ix_(rows.units, cols.units)] = True
    return mask


def compute(spec: FigureSpec) -> NumericalValues:
    """All numbers of a numerical figure."""
    x, w = seeded_input_and_kernel(spec)
    grid = drawn_grid(spec, x)
    mask = unit_mask(spec)
    rows, cols = spec.layouts
    shown = w[::-1, ::-1] if spec.transposed else w
    out = np.zeros(spec.output_size, dtype=np.float64)
    for r in range(rows.output):
        rr = list(rows.footprint_cells(r))
        for c in range(cols.output):
            cc = list(cols.footprint_cells(c))
            window = grid[np.ix_(rr, cc)]
            if spec.mode == "convolution":
                out[r, c] = float((window * shown).sum())
            elif spec.mode == "average":
                out[r, c] = float(window.mean())
            else:  # max ignores padding, as if it were -inf (PyTorch's rule);
                # a dilated window that reads only padding gives -inf, as in PyTorch
                inside = mask[np.ix_(rr, cc)]
                out[r, c] = float(window[inside].max()) if inside.any() else -np.inf
    is_conv = spec.mode == "convolution"
    return NumericalValues(input=x, kernel=w if is_conv else None, grid=grid,
                           shown_kernel=shown if is_conv else None, output=out)
