"""Independent reference implementations used by the tests.

Everything here is written from the definitions of the operations (and from
PyTorch's documented rules), not from ``convarith``'s code: explicit loops
over output positions for the direct operations, a scatter-add for the
transposed convolution.  Each function works per axis, so height and width
may differ in every parameter.  Parameters are given as (height, width)
pairs; a plain int means the same on both axes.

None of this imports ``convarith``.
"""

from __future__ import annotations

import math
from typing import Sequence, Tuple, Union

import numpy as np

IntPair = Union[int, Sequence[int]]


def pair(value: IntPair) -> Tuple[int, int]:
    if isinstance(value, (int, np.integer)):
        return int(value), int(value)
    h, w = value
    return int(h), int(w)


def k_eff(k: int, d: int) -> int:
    """Cells spanned by a kernel of k taps spaced d apart."""
    return (k - 1) * d + 1


# ---------------------------------------------------------------------------
# Sizes, by counting rather than by formula where that is possible


def count_windows(i: int, k: int, s: int = 1, p: int = 0, d: int = 1) -> int:
    """Number of positions of a dilated window sliding by s over i + 2p cells."""
    extent = i + 2 * p
    span = k_eff(k, d)
    count, start = 0, 0
    while start + span <= extent:
        count += 1
        start += s
    return count


def pooling_windows(i: int, k: int, s: int = 1, p: int = 0, d: int = 1,
                    ceil_mode: bool = False) -> int:
    """Number of pooling windows: PyTorch's documented formula, where
    ceil_mode adds s - 1 before dividing and a window that would start in the
    right padding (or beyond) is dropped."""
    if not ceil_mode:
        return count_windows(i, k, s, p, d)
    o = (i + 2 * p - d * (k - 1) - 1 + (s - 1)) // s + 1
    if (o - 1) * s >= i + p:
        o -= 1
    return o


def same_pads(i: int, k: int, s: int = 1, d: int = 1) -> Tuple[int, int]:
    """TensorFlow's SAME (PyTorch's "same" for s = 1): output ceil(i/s), the
    odd padding cell after."""
    out = -(-i // s)
    total = max((out - 1) * s + k_eff(k, d) - i, 0)
    return total // 2, total - total // 2


def transposed_size_by_scatter(i: int, k: int, s: int = 1, p: int = 0, d: int = 1,
                               a: int = 0) -> int:
    """Output size of a transposed convolution, found by scattering.

    Every input position j sends its kernel taps to positions j*s + m*d of an
    uncropped buffer; the buffer ends one past the largest such position.
    ``p`` cells are then cropped on each side and ``a`` cells added at the end.
    """
    largest = max(j * s + m * d for j in range(i) for m in range(k))
    return largest + 1 - 2 * p + a


# ---------------------------------------------------------------------------
# Padding helper


#: torch.nn.functional.pad's mode names -> numpy.pad's
NUMPY_PAD_MODES = {"constant": "constant", "zeros": "constant", "reflect": "reflect",
                   "replicate": "edge", "circular": "wrap"}


def pad_like_torch(x: np.ndarray, pad: Sequence[int], mode: str) -> np.ndarray:
    """torch.nn.functional.pad(x, [left, right, top, bottom], mode) with numpy.pad."""
    left, right, top, bottom = pad
    return np.pad(np.asarray(x, dtype=np.float64), ((top, bottom), (left, right)),
                  mode=NUMPY_PAD_MODES[mode])


def pad2d(x: np.ndarray, padding: IntPair, value: float = 0.0) -> np.ndarray:
    ph, pw = pair(padding)
    h, w = x.shape
    out = np.full((h + 2 * ph, w + 2 * pw), value, dtype=np.float64)
    out[ph:ph + h, pw:pw + w] = x
    return out


# ---------------------------------------------------------------------------
# Direct operations: one explicit loop per output position


def _window_reduce(x: np.ndarray, kernel_size: IntPair, stride: IntPair, padding: IntPair,
                   dilation: IntPair, pad_value: float, reduce) -> np.ndarray:
    kh, kw = pair(kernel_size)
    sh, sw = pair(stride)
    ph, pw = pair(padding)
    dh, dw = pair(dilation)
    xp = pad2d(np.asarray(x, dtype=np.float64), (ph, pw), pad_value)
    oh = count_windows(x.shape[0], kh, sh, ph, dh)
    ow = count_windows(x.shape[1], kw, sw, pw, dw)
    out = np.zeros((oh, ow), dtype=np.float64)
    for r in range(oh):
        for c in range(ow):
            taps = [[xp[r * sh + m * dh, c * sw + n * dw] for n in range(kw)]
                    for m in range(kh)]
            out[r, c] = reduce(np.array(taps, dtype=np.float64))
    return out


def conv2d(x: np.ndarray, w: np.ndarray, stride: IntPair = 1, padding: IntPair = 0,
           dilation: IntPair = 1) -> np.ndarray:
    """Cross-correlation (no kernel flip) with zero padding, as torch's conv2d."""
    w = np.asarray(w, dtype=np.float64)
    return _window_reduce(x, w.shape, stride, padding, dilation, 0.0,
                          lambda taps: float((taps * w).sum()))


def _pool(x: np.ndarray, kernel_size: IntPair, stride: IntPair, padding: IntPair,
          dilation: IntPair, ceil_mode: bool, reduce) -> np.ndarray:
    """reduce(taps, in_input, in_padded) for every window; taps past the
    input read as 0 and are flagged, so padding and overhang can be told apart."""
    x = np.asarray(x, dtype=np.float64)
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = (pair(v) for v in (kernel_size, stride,
                                                                padding, dilation))
    ih, iw = x.shape
    oh = pooling_windows(ih, kh, sh, ph, dh, ceil_mode)
    ow = pooling_windows(iw, kw, sw, pw, dw, ceil_mode)
    out = np.zeros((oh, ow), dtype=np.float64)
    for r in range(oh):
        for c in range(ow):
            taps, in_input, in_padded = [], [], []
            for m in range(kh):
                for n in range(kw):
                    y, z = r * sh - ph + m * dh, c * sw - pw + n * dw
                    inside = 0 <= y < ih and 0 <= z < iw
                    taps.append(x[y, z] if inside else 0.0)
                    in_input.append(inside)
                    in_padded.append(-ph <= y < ih + ph and -pw <= z < iw + pw)
            out[r, c] = reduce(np.array(taps), np.array(in_input), np.array(in_padded))
    return out


def avg_pool2d(x: np.ndarray, kernel_size: IntPair, stride: IntPair = None,
               padding: IntPair = 0, ceil_mode: bool = False,
               count_include_pad: bool = True) -> np.ndarray:
    """Mean of the window.  Padded zeros count when count_include_pad;
    cells past the padded input (ceil_mode) never do."""
    stride = kernel_size if stride is None else stride

    def mean(taps, in_input, in_padded):
        counted = in_padded if count_include_pad else in_input
        return float(taps[in_input].sum()) / int(counted.sum())
    return _pool(x, kernel_size, stride, padding, 1, ceil_mode, mean)


def max_pool2d(x: np.ndarray, kernel_size: IntPair, stride: IntPair = None,
               padding: IntPair = 0, dilation: IntPair = 1,
               ceil_mode: bool = False) -> np.ndarray:
    """Maximum of the taps, with padding (and overhang) counting as -inf."""
    stride = kernel_size if stride is None else stride
    return _pool(x, kernel_size, stride, padding, dilation, ceil_mode,
                 lambda taps, in_input, _: float(taps[in_input].max())
                 if in_input.any() else -math.inf)


# ---------------------------------------------------------------------------
# Transposed convolution: scatter-add


def conv_transpose2d(x: np.ndarray, w: np.ndarray, stride: IntPair = 1,
                     padding: IntPair = 0, output_padding: IntPair = 0,
                     dilation: IntPair = 1) -> np.ndarray:
    """Every input unit adds x[i, j] * w[m, n] at (i*s - p + m*d, j*s - p + n*d).

    The output is (i-1)s - 2p + d(k-1) + a + 1 on each axis: the scatter's
    full extent with p cells cropped on each side and a extra cells at the
    bottom/right (which receive whatever lands there).
    """
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    sh, sw = pair(stride)
    ph, pw = pair(padding)
    ah, aw = pair(output_padding)
    dh, dw = pair(dilation)
    ih, iw = x.shape
    kh, kw = w.shape
    oh = (ih - 1) * sh - 2 * ph + dh * (kh - 1) + ah + 1
    ow = (iw - 1) * sw - 2 * pw + dw * (kw - 1) + aw + 1
    out = np.zeros((oh, ow), dtype=np.float64)
    for i in range(ih):
        for j in range(iw):
            for m in range(kh):
                for n in range(kw):
                    y = i * sh - ph + m * dh
                    z = j * sw - pw + n * dw
                    if 0 <= y < oh and 0 <= z < ow:
                        out[y, z] += x[i, j] * w[m, n]
    return out


# ---------------------------------------------------------------------------
# PyTorch's acceptance rules, per axis, as documented / enforced by ATen


def accepts(op: str, input_size: IntPair, kernel_size: IntPair, stride: IntPair = 1,
            padding: IntPair = 0, dilation: IntPair = 1,
            output_padding: IntPair = 0) -> bool:
    """Whether torch.nn.functional.<op> accepts these sizes (batch 1, 1 channel)."""
    for n in range(2):
        i = pair(input_size)[n]
        k = pair(kernel_size)[n]
        s = pair(stride)[n]
        p = pair(padding)[n]
        d = pair(dilation)[n]
        a = pair(output_padding)[n]
        if i < 1 or k < 1 or s < 1 or p < 0 or d < 1 or a < 0:
            return False
        if op == "conv2d":
            # the padded input must hold the dilated kernel
            if i + 2 * p < k_eff(k, d):
                return False
        elif op == "conv_transpose2d":
            if not (a < s or a < d):
                return False
            if (i - 1) * s - 2 * p + d * (k - 1) + a + 1 < 1:
                return False
        elif op in ("avg_pool2d", "max_pool2d"):
            if op == "avg_pool2d" and d != 1:
                return False
            # "pad should be smaller than or equal to half of kernel size"
            if p > k // 2:
                return False
            if (i + 2 * p - k_eff(k, d)) // s + 1 < 1:
                return False
        else:
            raise ValueError(op)
    return True


def apply(op: str, x: np.ndarray, w: np.ndarray | None, kwargs: dict,
          pad: Sequence[int] | None = None, pad_mode: str = "constant") -> np.ndarray:
    """Run the reference for a torch-style call description (with `pad`, the
    input is first padded as torch.nn.functional.pad does)."""
    kwargs = dict(kwargs)
    if pad is not None:
        x = pad_like_torch(x, pad, pad_mode)
    if op == "conv2d":
        return conv2d(x, w, kwargs.get("stride", 1), kwargs.get("padding", 0),
                      kwargs.get("dilation", 1))
    if op == "conv_transpose2d":
        return conv_transpose2d(x, w, kwargs.get("stride", 1), kwargs.get("padding", 0),
                                kwargs.get("output_padding", 0), kwargs.get("dilation", 1))
    if op == "avg_pool2d":
        return avg_pool2d(x, kwargs["kernel_size"], kwargs.get("stride"),
                          kwargs.get("padding", 0), kwargs.get("ceil_mode", False),
                          kwargs.get("count_include_pad", True))
    if op == "max_pool2d":
        return max_pool2d(x, kwargs["kernel_size"], kwargs.get("stride"),
                          kwargs.get("padding", 0), kwargs.get("dilation", 1),
                          kwargs.get("ceil_mode", False))
    raise ValueError(op)


# ---------------------------------------------------------------------------
# Channels and groups: explicit loops over channels, on top of the 2-D
# references above.  Shapes follow PyTorch's documentation: input (C_in, h, w);
# conv2d weight (C_out, C_in/G, kh, kw); conv_transpose2d weight
# (C_in, C_out/G, kh, kw).


def conv2d_channels(x: np.ndarray, w: np.ndarray, groups: int = 1, **kwargs) -> np.ndarray:
    """Output channel o of group g sums conv2d over the group's input channels."""
    c_in, c_out = x.shape[0], w.shape[0]
    per_in, per_out = c_in // groups, c_out // groups
    assert w.shape[1] == per_in
    outputs = []
    for o in range(c_out):
        g = o // per_out
        total = None
        for j in range(per_in):
            part = conv2d(x[g * per_in + j], w[o, j], **kwargs)
            total = part if total is None else total + part
        outputs.append(total)
    return np.stack(outputs)


def conv_transpose2d_channels(x: np.ndarray, w: np.ndarray, groups: int = 1,
                              **kwargs) -> np.ndarray:
    """Input channel i of group g scatters into each output channel of g."""
    c_in, per_out = x.shape[0], w.shape[1]
    per_in = c_in // groups
    c_out = per_out * groups
    outputs = [None] * c_out
    for i in range(c_in):
        g = i // per_in
        for m in range(per_out):
            o = g * per_out + m
            part = conv_transpose2d(x[i], w[i, m], **kwargs)
            outputs[o] = part if outputs[o] is None else outputs[o] + part
    return np.stack(outputs)


def apply_channels(op: str, x: np.ndarray, w: np.ndarray | None, kwargs: dict,
                   pad: Sequence[int] | None = None, pad_mode: str = "constant") -> np.ndarray:
    """Like `apply`, for (C, h, w) inputs; pooling works on each channel alone."""
    kwargs = dict(kwargs)
    if pad is not None:
        x = np.stack([pad_like_torch(channel, pad, pad_mode) for channel in x])
    groups = kwargs.pop("groups", 1)
    if op == "conv2d":
        return conv2d_channels(x, w, groups, **kwargs)
    if op == "conv_transpose2d":
        return conv_transpose2d_channels(x, w, groups, **kwargs)
    return np.stack([apply(op, channel, None, kwargs) for channel in x])
