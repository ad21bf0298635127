"""Claims of the report about how libraries other than the arithmetic express
a layer, checked against PyTorch (and NumPy); conventions of libraries that are
not installed are written down here as the semantics the report states."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest

from convarith.model import layer_arithmetic
from convarith.model.geometry import conv_output_size, same_padding
from test_relationships import normalise, report_source  # tests/ is on sys.path (conftest.py)

torch = pytest.importorskip("torch")
F = torch.nn.functional


def _in_report(text: str) -> bool:
    return normalise(text) in report_source()


def test_output_size_names_the_convolution_whose_transpose_is_taken():
    """PyTorch's output_size= picks the a of Relationship 14, and the layer is
    then the adjoint of the convolution from that size."""
    assert _in_report(r"accepts an optional \code{output\_size}")
    torch.manual_seed(0)
    for k, s, p, i_in in itertools.product((1, 2, 3, 4), (1, 2, 3), (0, 1, 2), (1, 2, 4, 5)):
        if 2 * p >= k:
            continue
        layer = torch.nn.ConvTranspose1d(1, 1, k, stride=s, padding=p, bias=False)
        y = torch.randn(1, 1, i_in, dtype=torch.float64)
        smallest = (i_in - 1) * s - 2 * p + k
        for a in range(s):
            i = smallest + a
            out = layer(y.float(), output_size=[i])
            assert out.shape[-1] == i
            fixed = torch.nn.ConvTranspose1d(1, 1, k, stride=s, padding=p, output_padding=a,
                                             bias=False)
            fixed.weight.data.copy_(layer.weight.data)
            assert torch.equal(fixed(y.float()), out)
            # adjoint of the convolution from i cells to i_in cells
            assert conv_output_size(i, k, s, p) == i_in
            x = torch.randn(1, 1, i, dtype=torch.float64)
            w = layer.weight.data.double()
            lhs = (F.conv1d(x, w, stride=s, padding=p) * y).sum()
            rhs = (F.conv_transpose1d(y, w, stride=s, padding=p, output_padding=a) * x).sum()
            assert torch.allclose(lhs, rhs)
        with pytest.raises(ValueError):
            layer(y.float(), output_size=[smallest + s])


def test_stride_two_same_padding_shifts_the_grid_against_symmetric_padding():
    """TensorFlow's SAME pads (0, 1) for k = 3, s = 2 and even i; PyTorch's
    padding=1 gives as many outputs, centred one cell earlier."""
    assert _in_report(r"\code{F.pad(x, (0, 1, 0, 1))}")
    torch.manual_seed(1)
    w = torch.randn(1, 1, 3, dtype=torch.float64)
    for i in range(2, 21):
        before, after = same_padding(i, 3, 2)
        assert (before, after) == ((0, 1) if i % 2 == 0 else (1, 1))
        x = torch.randn(1, 1, i, dtype=torch.float64)
        tf_like = F.conv1d(F.pad(x, (before, after)), w, stride=2)
        symmetric = F.conv1d(x, w, stride=2, padding=1)
        assert tf_like.shape == symmetric.shape == (1, 1, -(-i // 2))
        if i % 2:
            assert torch.equal(tf_like, symmetric)
        else:
            assert not torch.allclose(tf_like, symmetric)
            # both keep every other output of the unit-stride layer: the
            # centres 2j + 1 against the centres 2j
            unit = F.conv1d(x, w, padding=1)
            assert torch.allclose(tf_like, unit[..., 1::2])
            assert torch.allclose(symmetric, unit[..., 0::2])


def test_pytorch_refuses_same_padding_with_a_stride():
    assert _in_report(r'PyTorch refuses \code{"same"} whenever $s > 1$')
    with pytest.raises(ValueError):
        torch.nn.Conv1d(1, 1, 3, stride=2, padding="same")
    torch.nn.Conv1d(1, 1, 3, stride=1, padding="same", dilation=2)


def test_transposed_layer_bias_and_cost():
    """A transposed layer's bias has one entry per output channel of its own,
    and its cost is that of the convolution it is the transpose of."""
    assert _in_report(r"$M = i'_h i'_w n_{\mathrm{in}} (n_{\mathrm{out}}/g) k_h k_w$")
    for n_in, n_out, g in ((2, 6, 1), (4, 8, 2), (6, 3, 3), (8, 8, 8)):
        layer = torch.nn.ConvTranspose2d(n_in, n_out, (3, 2), groups=g)
        assert tuple(layer.bias.shape) == (n_out,)
        assert tuple(layer.weight.shape) == (n_in, n_out // g, 3, 2)
        weights = n_in * (n_out // g) * 3 * 2
        assert sum(t.numel() for t in layer.parameters()) == weights + n_out
        for i_h, i_w in ((1, 1), (4, 5)):
            cost = i_h * i_w * n_in * (n_out // g) * 3 * 2
            # the convolution from n_out to n_in channels with an i' output
            assert cost == layer_arithmetic.multiply_accumulates(
                n_out, n_in, (3, 2), (i_h, i_w), g)
            # count the products: every input cell of every input channel
            # meets every weight of its group's kernels once
            y = torch.ones(1, n_in, i_h, i_w)
            ones = torch.ones_like(layer.weight)
            assert F.conv_transpose2d(y, ones, groups=g).sum().item() == cost


def test_bullets_are_not_taken_from_the_bitmap_companion_font():
    source = (re.sub(r"%.*", "", open("conv_arithmetic.tex", encoding="utf-8").read()))
    assert r"\renewcommand{\labelitemi}{\ensuremath{\bullet}}" in source


def test_numpy_modes_are_valid_full_and_same_with_the_odd_cell_before():
    assert _in_report(r"keeps $k/2$ padding cells before the input and $k/2 - 1$ after it")
    rng = np.random.default_rng(5)
    for i, k in itertools.product(range(4, 12), range(1, 5)):
        x, w = rng.standard_normal(i), rng.standard_normal(k)
        xt = torch.from_numpy(x).view(1, 1, -1)
        wt = torch.from_numpy(w).view(1, 1, -1)
        for mode, before, after in (("valid", 0, 0), ("full", k - 1, k - 1),
                                    ("same", k // 2, (k - 1) // 2)):
            layer = F.conv1d(F.pad(xt, (before, after)), wt).flatten().numpy()
            assert np.allclose(np.correlate(x, w, mode), layer)
            # convolve flips the kernel; correlate does not
            flipped = F.conv1d(F.pad(xt, (before, after)), wt.flip(-1)).flatten().numpy()
            assert np.allclose(np.convolve(x, w, mode), flipped)
        assert len(np.correlate(x, w, "valid")) == conv_output_size(i, k)
        if k % 2 == 0:
            assert (k // 2, (k - 1) // 2) == same_padding(i, k)[::-1]


def test_jax_input_dilation_is_pytorchs_transposed_convolution():
    """The lhs_dilation form of the JAX relationship, evaluated with torch (a
    zero-stuffed input, pads (q_lo, q_hi), flipped kernel), equals
    conv_transpose1d."""
    assert _in_report(r"\code{jax.lax.conv\_transpose} builds these arguments itself")
    torch.manual_seed(2)
    for k, s, p, d, a in itertools.product((1, 2, 3, 4), (1, 2, 3), (0, 1, 2), (1, 2), (0, 1, 2)):
        span = d * (k - 1) + 1
        if a >= s or p > span - 1:
            continue
        y = torch.randn(1, 1, 5, dtype=torch.float64)
        w = torch.randn(1, 1, k, dtype=torch.float64)
        stuffed = torch.zeros(1, 1, (5 - 1) * s + 1, dtype=torch.float64)
        stuffed[..., ::s] = y
        q_lo, q_hi = span - 1 - p, span - 1 - p + a
        emulated = F.conv1d(F.pad(stuffed, (q_lo, q_hi)), w.flip(-1), dilation=d)
        reference = F.conv_transpose1d(y, w, stride=s, padding=p, output_padding=a, dilation=d)
        assert torch.allclose(emulated, reference)


def test_keras_causal_padding_is_an_explicit_left_pad():
    assert _in_report(r"\code{F.pad(x, ((k - 1) * d, 0))}")
    torch.manual_seed(3)
    for k, d in itertools.product((2, 3, 4), (1, 2, 3)):
        x = torch.randn(1, 1, 12, dtype=torch.float64)
        w = torch.randn(1, 1, k, dtype=torch.float64)
        y = F.conv1d(F.pad(x, ((k - 1) * d, 0)), w, dilation=d)
        assert y.shape[-1] == 12
        # output t reads no input after t
        changed = x.clone()
        changed[..., 7:] += 1.0
        later = F.conv1d(F.pad(changed, ((k - 1) * d, 0)), w, dilation=d)
        assert torch.equal(y[..., :7], later[..., :7])


def test_channels_last_only_moves_the_axes():
    """A convolution on NHWC data with HWIO weights, the weights permuted from
    PyTorch's OIHW by (2, 3, 1, 0), gives PyTorch's result permuted."""
    assert _in_report(r"a permutation of the axes by $(2, 3, 1, 0)$")
    torch.manual_seed(4)
    x = torch.randn(2, 3, 7, 6, dtype=torch.float64)
    w = torch.randn(4, 3, 3, 2, dtype=torch.float64)
    reference = F.conv2d(x, w, stride=(2, 1), padding=(1, 0))
    nhwc = x.permute(0, 2, 3, 1).numpy()
    hwio = w.permute(2, 3, 1, 0).numpy()
    padded = np.pad(nhwc, ((0, 0), (1, 1), (0, 0), (0, 0)))
    o_h, o_w = reference.shape[2:]
    out = np.zeros((2, o_h, o_w, 4))
    for r, c in itertools.product(range(o_h), range(o_w)):
        window = padded[:, 2 * r:2 * r + 3, c:c + 2, :]
        out[:, r, c, :] = np.einsum("nhwi,hwio->no", window, hwio)
    assert np.allclose(out, reference.permute(0, 2, 3, 1).numpy())
    assert (o_h, o_w) == (conv_output_size(7, 3, 2, 1), conv_output_size(6, 2))
