"""Pure convolution arithmetic, one spatial axis at a time. No I/O, no TikZ.

Notation follows the report: i input size, k kernel size, s stride,
p zero padding on each side, d dilation, o output size.  A transposed
convolution is described either by the direct convolution whose transpose it
is (`DirectAxis.transposed()`), or in framework terms (`TransposedAxis`, like
PyTorch's ``ConvTranspose2d``) with its own input size and output padding.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ..errors import ParameterError


def effective_kernel_size(k: int, d: int = 1) -> int:
    """Extent covered by a kernel of size k dilated by d: k + (k - 1)(d - 1)."""
    return (k - 1) * d + 1


def conv_output_size(i: int, k: int, s: int = 1, p: int = 0, d: int = 1) -> int:
    """Output size of a direct convolution (relationship R15, which contains R1-R7)."""
    return (i + 2 * p - effective_kernel_size(k, d)) // s + 1


def transposed_output_size(i: int, k: int, s: int = 1, p: int = 0, d: int = 1,
                           output_padding: int = 0) -> int:
    """Output size of a transposed convolution with input size i (PyTorch's formula)."""
    return (i - 1) * s - 2 * p + d * (k - 1) + output_padding + 1


def same_padding(i: int, k: int, s: int = 1, d: int = 1) -> tuple[int, int]:
    """Padding (before, after) that gives o = ceil(i / s), extra cell after.

    This is TensorFlow's "SAME" convention; it works for even kernels and
    strides above one, where a symmetric padding cannot.
    """
    out = -(-i // s)
    total = max((out - 1) * s + effective_kernel_size(k, d) - i, 0)
    return total // 2, total - total // 2


def causal_padding(k: int, d: int = 1) -> tuple[int, int]:
    """Padding (before, after) of a causal convolution: d(k - 1) before only,
    so no output sees a later input (WaveNet)."""
    return (k - 1) * d, 0


#: What padded cells hold, named as PyTorch's ``Conv2d(padding_mode=...)``.
PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def padded_source(t: int, i: int, mode: str) -> int | None:
    """The input index whose value cell t shows, counted from the first input
    cell (t < 0 or t >= i is padding); None for a zero."""
    if 0 <= t < i:
        return t
    if mode == "zeros":
        return None
    if mode == "reflect":       # mirrored about the edge cell, which is not repeated
        return -t if t < 0 else 2 * (i - 1) - t
    if mode == "replicate":
        return min(max(t, 0), i - 1)
    return t % i                # circular: the other side of the input


def receptive_field(layers: Sequence[tuple[int, int, int]]) -> tuple[int, int]:
    """Receptive field size and jump (input cells between neighbouring outputs)
    of a stack of layers, each given as (k, s, d), first layer first."""
    size, jump = 1, 1
    for k, s, d in layers:
        size += (effective_kernel_size(k, d) - 1) * jump
        jump *= s
    return size, jump


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ParameterError(message)


def _check_int(name: str, value, minimum: int) -> None:
    _require(isinstance(value, int) and not isinstance(value, bool),
             f"{name} must be a whole number, not {value!r}.")
    _require(value >= minimum,
             f"{name} must be at least {minimum}, but it is {value}.")


def _check_common(axis) -> str:
    """Check the parameters both axis kinds share; return the axis tag for messages."""
    tag = f" ({axis.axis})" if axis.axis else ""
    _check_int("input size" + tag, axis.i, 1)
    _check_int("kernel size" + tag, axis.k, 1)
    _check_int("stride" + tag, axis.s, 1)
    _check_int("padding" + tag, axis.p, 0)
    _check_int("dilation" + tag, axis.d, 1)
    return tag


@dataclass(frozen=True)
class AxisLayout:
    """What an animation draws along one axis.

    Every figure is drawn as a direct convolution: a kernel of `kernel` cells
    spaced `dilation` apart slides with step `stride` over `extent` drawn
    input cells, of which those at `units` are real input units (the rest are
    padding or inserted zeros), and makes `output` output cells.
    """

    extent: int
    units: tuple[int, ...]
    kernel: int
    dilation: int
    stride: int
    output: int
    #: First drawn cell of the first window: the cropped cells before it.
    offset: int = 0
    padding_before: tuple[int, ...] = ()
    padding_after: tuple[int, ...] = ()
    #: Drawn cells a cropped transposed convolution drops (it starts inside).
    cropped: tuple[int, ...] = ()
    #: Cells past the drawn input that the last window reaches (ceil_mode).
    overhang: int = 0
    #: Per drawn cell, the input index whose value it shows (None: a zero).
    sources: tuple[int | None, ...] = ()

    @property
    def kernel_extent(self) -> int:
        return effective_kernel_size(self.kernel, self.dilation)

    @property
    def padding(self) -> tuple[int, ...]:
        return self.padding_before + self.padding_after

    def footprint_start(self, index: int) -> int:
        """First drawn input cell covered by the kernel for output cell `index`."""
        return self.offset + index * self.stride

    def footprint_cells(self, index: int) -> tuple[int, ...]:
        """Drawn input cells the kernel reads for output cell `index`."""
        start = self.footprint_start(index)
        return tuple(start + m * self.dilation for m in range(self.kernel))


@dataclass(frozen=True)
class DirectAxis:
    """One axis of a direct convolution or pooling.

    `p` pads before (top/left); `p_after` pads after (bottom/right) and is
    `p` when None.  `padding_mode` says what the padded cells hold, as
    PyTorch's ``Conv2d(padding_mode=...)``; `ceil_mode` is pooling's
    ``ceil_mode=True``, where the last window may hang over the edge.
    """

    i: int
    k: int
    s: int = 1
    p: int = 0
    d: int = 1
    axis: str = ""
    p_after: int | None = None
    padding_mode: str = "zeros"
    ceil_mode: bool = False

    def __post_init__(self):
        tag = _check_common(self)
        if self.p_after is not None:
            _check_int("padding after" + tag, self.p_after, 0)
        _require(self.padding_mode in PADDING_MODES,
                 f"Unknown padding mode {self.padding_mode!r}; choose one of "
                 f"{', '.join(PADDING_MODES)}.")
        padded = self.i + self.p + self.pad_after
        shown_p = f"p={self.p}" if self.symmetric else f"p={self.p}+{self.pad_after}"
        _require(self.ceil_mode or padded >= self.k_eff,
                 f"The kernel{tag} covers {self.k_eff} cells "
                 f"(k={self.k}, d={self.d}), more than the padded input's "
                 f"{padded} (i={self.i}, {shown_p}); "
                 f"use a smaller kernel or dilation, or more padding.")
        _require(self.o >= 1,
                 f"This pooling{tag} has no window that starts inside the input or "
                 f"its left padding (i={self.i}, {shown_p}, k={self.k}, s={self.s}), "
                 f"so PyTorch gives no output; use a smaller kernel or stride.")
        widest = max(self.p, self.pad_after)
        _require(self.padding_mode != "reflect" or widest < self.i,
                 f"reflect padding{tag} must be smaller than the input size, as "
                 f"PyTorch requires (a reflection cannot reach past the far edge), "
                 f"but it is {widest} with input size {self.i}; use less padding or "
                 f"the replicate or circular padding mode.")
        _require(self.padding_mode != "circular" or widest <= self.i,
                 f"circular padding{tag} can be at most the input size, as PyTorch "
                 f"requires (it refuses padding that wraps around more than once), "
                 f"but it is {widest} with input size {self.i}; use less padding.")

    @property
    def k_eff(self) -> int:
        return effective_kernel_size(self.k, self.d)

    @property
    def pad_after(self) -> int:
        return self.p if self.p_after is None else self.p_after

    @property
    def symmetric(self) -> bool:
        return self.pad_after == self.p

    @property
    def o(self) -> int:
        span = self.i + self.p + self.pad_after - self.k_eff
        if not self.ceil_mode:
            return span // self.s + 1
        # PyTorch's rule: round up, but the last window must start inside
        # the input or the left padding.
        o = -(-span // self.s) + 1
        return o - 1 if (o - 1) * self.s >= self.i + self.p else o

    @property
    def a(self) -> int:
        """Input cells left over at the bottom/right edge: (i + 2p - k_eff) mod s."""
        return (self.i + self.p + self.pad_after - self.k_eff) % self.s

    @property
    def extent(self) -> int:
        """Drawn input cells: the input with its padding."""
        return self.i + self.p + self.pad_after

    def layout(self) -> AxisLayout:
        extent, before = self.extent, self.p
        last_end = (self.o - 1) * self.s + self.k_eff
        return AxisLayout(extent=extent,
                          units=tuple(range(before, before + self.i)),
                          kernel=self.k, dilation=self.d, stride=self.s, output=self.o,
                          padding_before=tuple(range(before)),
                          padding_after=tuple(range(before + self.i, extent)),
                          overhang=max(0, last_end - extent),
                          sources=tuple(padded_source(c - before, self.i, self.padding_mode)
                                        for c in range(extent)))

    def transposed(self) -> "TransposedAxis":
        """The transposed convolution of this one: it maps o cells back to i."""
        return TransposedAxis(i=self.o, k=self.k, s=self.s, p=self.p, d=self.d,
                              a=self.a, axis=self.axis)


@dataclass(frozen=True)
class TransposedAxis:
    """One axis of a transposed convolution in framework terms.

    `i` is the transposed convolution's own input size and `a` its output
    padding, as in PyTorch's ``ConvTranspose2d``.
    """

    i: int
    k: int
    s: int = 1
    p: int = 0
    d: int = 1
    a: int = 0
    axis: str = ""

    def __post_init__(self):
        tag = _check_common(self)
        _check_int("output padding" + tag, self.a, 0)
        _require(self.a < self.s or self.a < self.d,
                 f"output padding{tag} must be smaller than the stride or the "
                 f"dilation (as PyTorch requires), but it is {self.a} with "
                 f"stride {self.s} and dilation {self.d}.")
        _require(self.o >= 1,
                 f"this transposed convolution{tag} has no output: "
                 f"(i-1)s - 2p + d(k-1) + a + 1 = {self.o}.")

    @property
    def k_eff(self) -> int:
        return effective_kernel_size(self.k, self.d)

    @property
    def o(self) -> int:
        return transposed_output_size(self.i, self.k, self.s, self.p, self.d, self.a)

    @property
    def stretched(self) -> int:
        """Input size after inserting s - 1 zeros between neighbouring units."""
        return (self.i - 1) * self.s + 1

    @property
    def pad_before(self) -> int:
        """Zeros added before the stretched input: k_eff - 1 - p.  Negative
        when p > k_eff - 1: the emulating convolution then starts that many
        cells inside the stretched input (the output is cropped)."""
        return self.k_eff - 1 - self.p

    @property
    def pad_after(self) -> int:
        """Zeros added after the stretched input: k_eff - 1 - p + a (negative: cropped)."""
        return self.pad_before + self.a

    @property
    def extent(self) -> int:
        """Drawn input cells: the stretched input with the zeros around it
        (a cropped border is drawn, and marked as such)."""
        return max(self.pad_before, 0) + self.stretched + max(self.pad_after, 0)

    def layout(self) -> AxisLayout:
        extent, start = self.extent, max(self.pad_before, 0)
        units = tuple(start + j * self.s for j in range(self.i))
        crop_before, crop_after = max(-self.pad_before, 0), max(-self.pad_after, 0)
        sources = [None] * extent
        for j, cell in enumerate(units):
            sources[cell] = j
        return AxisLayout(extent=extent, units=units, kernel=self.k,
                          dilation=self.d, stride=1, output=self.o, offset=crop_before,
                          padding_before=tuple(range(start)),
                          padding_after=tuple(range(start + self.stretched, extent)),
                          cropped=tuple(range(crop_before))
                          + tuple(range(extent - crop_after, extent)),
                          sources=tuple(sources))

    def direct(self) -> DirectAxis:
        """The direct convolution whose transpose this is, when there is one
        (the output padding must be smaller than the stride)."""
        return DirectAxis(i=self.o, k=self.k, s=self.s, p=self.p, d=self.d, axis=self.axis)
