"""The report's section on how a convolution is computed, checked with torch
and NumPy: im2col's column matrix, Winograd's F(2, 3) and the FFT route."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from convarith.model.geometry import conv_output_size
from test_relationships import normalise, report_source  # tests/ is on sys.path (conftest.py)

torch = pytest.importorskip("torch")
F = torch.nn.functional


def test_unfold_has_the_size_of_the_im2col_relationship_and_one_product_is_the_layer():
    assert normalise(r"PyTorch exposes it as \code{F.unfold}") in report_source()
    torch.manual_seed(0)
    for n_in, k, s, p, d in itertools.product((1, 4), ((3, 3), (2, 3)), (1, 2), (0, 1), (1, 2)):
        x = torch.randn(2, n_in, 9, 8, dtype=torch.float64)
        w = torch.randn(5, n_in, *k, dtype=torch.float64)
        columns = F.unfold(x, k, dilation=d, padding=p, stride=s)
        o = (conv_output_size(9, k[0], s, p, d), conv_output_size(8, k[1], s, p, d))
        assert columns.shape == (2, n_in * k[0] * k[1], o[0] * o[1])
        product = (w.view(5, -1) @ columns).view(2, 5, *o)
        assert torch.allclose(product, F.conv2d(x, w, stride=s, padding=p, dilation=d))
    # the worked example: nine times the input with half padding, unit stride
    x = torch.zeros(1, 64, 56, 56)
    assert F.unfold(x, 3, padding=1).numel() == 9 * x.numel() == 1806336


def test_winograd_f23_needs_four_multiplications_for_two_outputs():
    """Two outputs of a 3-tap correlation from n_tile + k - 1 = 4 products."""
    assert normalise(r"needs only $n_{\mathrm{tile}} + k - 1$ multiplications instead "
                     r"of $n_{\mathrm{tile}} k$") in report_source()
    b_t = np.array([[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]], float)
    g = np.array([[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]])
    a_t = np.array([[1, 1, 1, 0], [0, 1, -1, -1]], float)
    rng = np.random.default_rng(1)
    for _ in range(50):
        tile, kernel = rng.standard_normal(4), rng.standard_normal(3)
        products = (g @ kernel) * (b_t @ tile)
        assert products.size == 2 + 3 - 1
        assert np.allclose(a_t @ products, np.correlate(tile, kernel, "valid"))


def test_fft_needs_padding_to_i_plus_k_minus_1_or_it_wraps_around():
    assert normalise(r"zero-padded to at least $i + k - 1$ cells per axis") in report_source()
    rng = np.random.default_rng(2)
    for i, k in itertools.product(range(3, 12), range(1, 4)):
        x, w = rng.standard_normal(i), rng.standard_normal(k)
        n = i + k - 1
        spectrum = np.fft.rfft(x, n) * np.fft.rfft(w, n)
        assert np.allclose(np.fft.irfft(spectrum, n), np.convolve(x, w, "full"))
        # length i only: circular convolution, i.e. circular padding
        wrapped = np.fft.irfft(np.fft.rfft(x, i) * np.fft.rfft(w, i), i)
        xt = torch.from_numpy(x).view(1, 1, -1)
        circular = F.conv1d(F.pad(xt, (k - 1, 0), mode="circular"),
                            torch.from_numpy(w[::-1].copy()).view(1, 1, -1)).flatten().numpy()
        assert np.allclose(wrapped, circular)
