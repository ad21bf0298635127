"""Arithmetic of whole layers beyond one axis's output size: channels and
groups, costs, pooling modes, padding modes, upsampling. Pure, no I/O.

`convarith.geometry` answers "how many cells along one axis"; this module
answers what the report's later chapters ask: how large a layer's weights
are, how much it computes, which window an adaptive pool uses, where the
taps of a transposed convolution land. Every function follows PyTorch's
conventions unless its name says otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..errors import ParameterError
from .geometry import conv_output_size, effective_kernel_size


def _positive(**values: int) -> None:
    for name, value in values.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ParameterError(f"{name} must be a whole number of at least 1, "
                                 f"not {value!r}.")


def _check_groups(in_channels: int, out_channels: int, groups: int) -> None:
    _positive(in_channels=in_channels, out_channels=out_channels, groups=groups)
    if in_channels % groups or out_channels % groups:
        raise ParameterError(f"groups ({groups}) must divide both in_channels "
                             f"({in_channels}) and out_channels ({out_channels}).")


# ---------------------------------------------------------------------------
# Channels and groups


def weight_shape(framework: str, in_channels: int, out_channels: int,
                 kernel: Sequence[int], groups: int = 1,
                 transposed: bool = False) -> tuple[int, ...]:
    """Shape of the weight tensor a framework stores for a convolution layer.

    PyTorch: (out, in/g, *k) for ConvNd, (in, out/g, *k) for ConvTransposeNd.
    TensorFlow/Keras: (*k, in/g, out) for ConvND, (*k, out, in) for
    ConvNDTranspose, which has no groups.
    """
    _check_groups(in_channels, out_channels, groups)
    kernel = tuple(kernel)
    if framework == "pytorch":
        if transposed:
            return (in_channels, out_channels // groups, *kernel)
        return (out_channels, in_channels // groups, *kernel)
    if framework == "tensorflow":
        if transposed:
            if groups != 1:
                raise ParameterError("Keras' transposed convolutions have no groups.")
            return (*kernel, out_channels, in_channels)
        return (*kernel, in_channels // groups, out_channels)
    raise ParameterError(f"framework must be 'pytorch' or 'tensorflow', not {framework!r}.")


def parameter_count(in_channels: int, out_channels: int, kernel: Sequence[int],
                    groups: int = 1, bias: bool = True) -> int:
    """Weights plus biases of a (transposed or direct) convolution layer."""
    _check_groups(in_channels, out_channels, groups)
    return out_channels * (in_channels // groups) * math.prod(kernel) \
        + (out_channels if bias else 0)


def multiply_accumulates(in_channels: int, out_channels: int, kernel: Sequence[int],
                         output: Sequence[int], groups: int = 1) -> int:
    """Multiply-accumulate operations of a direct convolution producing
    `output` cells per channel (one per weight per output cell; padding counted)."""
    _check_groups(in_channels, out_channels, groups)
    return math.prod(output) * out_channels * (in_channels // groups) * math.prod(kernel)


def separable_cost_ratio(in_channels: int, out_channels: int, kernel_area: int) -> float:
    """Cost of a depthwise k x k plus pointwise 1 x 1 pair over a full k x k
    convolution, for the same output size: 1/out + 1/k^2 (without biases)."""
    _positive(in_channels=in_channels, out_channels=out_channels, kernel_area=kernel_area)
    separable = in_channels * kernel_area + in_channels * out_channels
    return separable / (in_channels * out_channels * kernel_area)


# ---------------------------------------------------------------------------
# Pooling


def pool_output_size(i: int, k: int, s: int | None = None, p: int = 0, d: int = 1,
                     ceil_mode: bool = False) -> int:
    """Output size of PyTorch's max/avg pooling along one axis.

    With ceil_mode the division rounds up, but a last window that would start
    in the right padding (at or after cell i + p of the padded input) is
    dropped. PyTorch requires p <= k // 2.
    """
    s = k if s is None else s
    _positive(i=i, k=k, s=s, d=d)
    if not 0 <= p <= k // 2:
        raise ParameterError(f"pooling padding must be between 0 and half the kernel "
                             f"size ({k // 2}), but it is {p}.")
    span = i + 2 * p - effective_kernel_size(k, d)
    if span < 0:
        raise ParameterError(f"the pooling window ({effective_kernel_size(k, d)} cells) "
                             f"is larger than the padded input ({i + 2 * p}).")
    if not ceil_mode:
        return span // s + 1
    o = -(-span // s) + 1
    if (o - 1) * s >= i + p:
        o -= 1
    return o


def average_divisors(i: int, k: int, s: int, p: int, ceil_mode: bool = False,
                     count_include_pad: bool = True) -> list[int]:
    """Divisor of each output cell of PyTorch's 1-D average pooling.

    count_include_pad counts the zero padding (but never cells beyond it that
    ceil_mode windows reach); without it only input cells are counted.
    """
    divisors = []
    for n in range(pool_output_size(i, k, s, p, 1, ceil_mode)):
        start = n * s - p
        end = min(start + k, i + p)
        if count_include_pad:
            divisors.append(end - start)
        else:
            divisors.append(min(end, i) - max(start, 0))
    return divisors


def adaptive_windows(i: int, o: int) -> list[tuple[int, int]]:
    """[start, end) of each window of adaptive pooling from i cells to o:
    start = floor(j i / o), end = ceil((j + 1) i / o)."""
    _positive(i=i, o=o)
    return [((j * i) // o, -(-((j + 1) * i) // o)) for j in range(o)]


# ---------------------------------------------------------------------------
# Padding modes


def padding_limit(mode: str, i: int) -> int:
    """Largest padding per side that PyTorch's padding `mode` accepts for an
    axis of i cells: reflect needs p < i, circular p <= i, zeros and
    replicate have no limit (returned as -1)."""
    _positive(i=i)
    limits = {"reflect": i - 1, "circular": i, "replicate": -1, "zeros": -1}
    if mode not in limits:
        raise ParameterError(f"padding mode must be one of {sorted(limits)}, not {mode!r}.")
    return limits[mode]


def causal_padding(k: int, d: int = 1) -> int:
    """Zeros added on the left only, so that output t sees inputs <= t and
    a unit-stride convolution keeps the length: (k - 1) d."""
    _positive(k=k, d=d)
    return (k - 1) * d


def causal_stack_receptive_field(k: int, dilations: Sequence[int]) -> int:
    """Past samples (the current one included) a stack of causal layers sees."""
    return 1 + sum(causal_padding(k, d) for d in dilations)


# ---------------------------------------------------------------------------
# Upsampling


def pixel_shuffle_shape(shape: Sequence[int], r: int) -> tuple[int, int, int]:
    """(C, H, W) after a pixel shuffle by r: (C / r^2, r H, r W)."""
    _positive(r=r)
    c, h, w = shape
    if c % (r * r):
        raise ParameterError(f"pixel shuffle by {r} needs a channel count divisible "
                             f"by {r * r}, not {c}.")
    return c // (r * r), h * r, w * r


def space_to_depth_shape(shape: Sequence[int], r: int) -> tuple[int, int, int]:
    """(C, H, W) after space-to-depth (pixel unshuffle) by r: (r^2 C, H / r, W / r)."""
    _positive(r=r)
    c, h, w = shape
    if h % r or w % r:
        raise ParameterError(f"space-to-depth by {r} needs height and width divisible "
                             f"by {r}, not {h} x {w}.")
    return c * r * r, h // r, w // r


def transposed_tap_counts(i: int, k: int, s: int) -> list[int]:
    """How many kernel taps reach each output cell of a 1-D transposed
    convolution (no padding) of i inputs: output t gets one tap from every
    input j with 0 <= t - j s < k. The 2-D count is the outer product."""
    _positive(i=i, k=k, s=s)
    counts = [0] * ((i - 1) * s + k)
    for j in range(i):
        for m in range(k):
            counts[j * s + m] += 1
    return counts


def resize_then_convolve_size(i: int, factor: int, k: int, p: int) -> int:
    """Output size of nearest-neighbour upsampling by `factor` followed by a
    unit-stride convolution: the convolution's size rule on factor * i cells."""
    _positive(i=i, factor=factor)
    return conv_output_size(factor * i, k, 1, p)
