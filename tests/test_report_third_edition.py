"""The report's sections on aliasing, checkerboards, channel orders, receptive
field centres and patch embeddings, checked against PyTorch; TensorFlow's
depth_to_space, which is not installed, is written down as NumPy semantics.

The formulas are read from the report's boxes (through the registry of
test_relationships, whose tests check that they are typeset there)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from convarith.model.geometry import conv_output_size, receptive_field
from test_relationships import (  # tests/ is on sys.path (conftest.py)
    BOXES,
    depth_to_space_nhwc,
    normalise,
    report_source,
)

torch = pytest.importorskip("torch")
F = torch.nn.functional


def _in_report(text: str) -> bool:
    return normalise(text) in report_source()


def _value(label: str, index: int, **values):
    """Right-hand side of equation `index` of a box, with values given by the
    TeX spelling of each name (underscores, braces and backslashes spelled out
    by the caller)."""
    return BOXES[label].value(index, values)


# ---------------------------------------------------------------------------
# Aliasing and blur pooling


def _binomial(taps: int) -> torch.Tensor:
    row = torch.tensor([math.comb(taps - 1, n) for n in range(taps)], dtype=torch.float64)
    return row / row.sum()


def _blur_pool(x: torch.Tensor, taps: int, s: int) -> torch.Tensor:
    """Zhang's blur pooling along the last axis: reflect padding of taps - 1
    cells, floor before and ceil after, then the binomial filter with stride s."""
    total = _value("rel:blur-pool", 0, **{"k_{\\mathrm{blur}}": taps})
    padded = F.pad(x, (total // 2, total - total // 2), mode="reflect") if total else x
    channels = x.shape[1]
    weight = _binomial(taps).view(1, 1, -1).repeat(channels, 1, 1)
    return F.conv1d(padded, weight, stride=s, groups=channels)


def test_blur_pooling_keeps_the_shape_of_the_strided_layer_it_replaces():
    torch.manual_seed(0)
    checked = 0
    for i, k, s, p, taps in itertools.product(range(5, 14), (2, 3), (2, 3), (0, 1), (1, 2, 3, 5)):
        if p > k // 2:
            continue
        x = torch.randn(1, 2, i, dtype=torch.float64)
        w = torch.randn(2, 2, k, dtype=torch.float64)
        for strided, unit in (
                (F.max_pool1d(x, k, s, p), F.max_pool1d(x, k, 1, p)),
                (F.conv1d(x, w, stride=s, padding=p), F.relu(F.conv1d(x, w, padding=p)))):
            if unit.shape[-1] <= taps // 2:  # reflect padding needs that many cells
                continue
            blurred = _blur_pool(unit, taps, s)
            o = _value("rel:blur-pool", 1, o_1=unit.shape[-1], P=taps - 1, s=s,
                       **{"k_{\\mathrm{blur}}": taps})
            assert blurred.shape == strided.shape == (1, 2, o)
            checked += 1
    assert checked > 100


def test_an_odd_blur_samples_the_cells_the_strided_layer_keeps():
    """With a filter whose only nonzero tap is the middle one, blur pooling
    returns the strided layer's own output."""
    torch.manual_seed(1)
    for i, k, s, taps in itertools.product(range(6, 12), (2, 3), (2, 3), (3, 5)):
        x = torch.randn(1, 1, i, dtype=torch.float64)
        unit = F.max_pool1d(x, k, 1)
        middle = torch.zeros(1, 1, taps, dtype=torch.float64)
        middle[..., taps // 2] = 1
        padded = F.pad(unit, (taps // 2, taps // 2), mode="reflect")
        assert torch.equal(F.conv1d(padded, middle, stride=s), F.max_pool1d(x, k, s))


def test_the_worked_aliasing_example():
    assert _in_report(r"hold $1, 0, 0, 1, 0, 0, \ldots$ again")
    assert _in_report(r"The kept cells hold $0, 0, 1, 0, 0, 1, \ldots$")
    row = torch.tensor([1.0, 0, 0] * 8, dtype=torch.float64).view(1, 1, -1)
    shifted = torch.roll(row, 1, -1)
    assert shifted[0, 0, :6].tolist() == [0, 1, 0, 0, 1, 0]
    keep = torch.ones(1, 1, 1, dtype=torch.float64)
    kept = F.conv1d(row, keep, stride=2).flatten()
    kept_shifted = F.conv1d(shifted, keep, stride=2).flatten()
    assert kept[:6].tolist() == [1, 0, 0, 1, 0, 0]
    assert kept_shifted[:6].tolist() == [0, 0, 1, 0, 0, 1]
    # the input moved one cell right, the output one output cell left
    assert torch.equal(kept_shifted[:-1], kept[1:])
    # blurring by (1, 2, 1)/4 first: the stated row, a quarter of the swing
    assert _in_report(r"$\tfrac12, \tfrac14, \tfrac14, \tfrac12, \tfrac14, \tfrac14, \ldots$")
    blur = _binomial(3).view(1, 1, -1)
    blurred = F.conv1d(F.pad(row, (1, 1), mode="circular"), blur).flatten()
    assert blurred[:6].tolist() == [0.5, 0.25, 0.25, 0.5, 0.25, 0.25]
    for period, gain in ((1, 1.0), (2, 0.0), (3, 0.25)):
        t = torch.arange(24, dtype=torch.float64)
        wave = torch.cos(2 * math.pi * t / period).view(1, 1, -1)
        out = F.conv1d(F.pad(wave, (1, 1), mode="circular"), blur).flatten()
        assert torch.allclose(out, gain * wave.flatten(), atol=1e-12)


# ---------------------------------------------------------------------------
# Checkerboards: tap counts


def test_tap_counts_are_what_conv_transpose_sums_with_all_ones():
    checked = 0
    for i_t, k, s, p in itertools.product((3, 4, 6), range(1, 7), range(1, 5), range(3)):
        if p > k - 1:
            continue
        layer = torch.nn.ConvTranspose2d(1, 1, k, stride=s, padding=p, bias=False)
        torch.nn.init.ones_(layer.weight)
        with torch.no_grad():
            counts = layer(torch.ones(1, 1, i_t, i_t))[0, 0]
        interior = list(range(k - 1 - p, (i_t - 1) * s - p + 1))
        taus = [_value("rel:tap-counts", 0, k=k, p=p, t=t, s=s) for t in interior]
        if not interior:
            continue
        # the 2-D count is the product of the row's and the column's
        block = counts[interior][:, interior]
        assert torch.equal(block, torch.outer(torch.tensor(taus, dtype=block.dtype),
                                              torch.tensor(taus, dtype=block.dtype)))
        if len(interior) >= s:
            assert set(taus) == {k // s, -(-k // s)}
            assert (len(set(taus)) == 1) == (k % s == 0)
        checked += 1
    assert checked > 100


# ---------------------------------------------------------------------------
# Pixel shuffle: channel orders and ICNR


def test_pytorch_pixel_shuffle_uses_the_crd_order():
    for n_out, f, h, w in itertools.product((1, 2, 3), (1, 2, 3), (1, 2), (2, 3)):
        x = torch.randperm(n_out * f * f * h * w).view(1, n_out * f * f, h, w)
        y = F.pixel_shuffle(x, f)
        assert y.shape == (1, n_out, f * h, f * w)
        for gamma, alpha, beta, r, c in itertools.product(range(n_out), range(f), range(f),
                                                          range(h), range(w)):
            channel = _value("rel:shuffle-order", 0, f=f, **{
                "\\gamma": gamma, "\\alpha": alpha, "\\beta": beta})
            assert y[0, gamma, f * r + alpha, f * c + beta] == x[0, channel, r, c]
        assert torch.equal(F.pixel_unshuffle(y, f), x)


def test_icnr_copies_make_a_sub_pixel_layer_start_as_nearest_neighbour_resizing():
    """Each kernel copied to the f^2 positions of its block, in the order of
    the shuffle used: the layer is then the small convolution followed by
    nearest-neighbour upsampling; copies in the other order are not."""
    assert _in_report(r"for PyTorch's order the copies of one kernel are $f^2$ consecutive")
    torch.manual_seed(2)
    n_in, n_out, f = 4, 3, 2
    x = torch.randn(1, n_in, 5, 6, dtype=torch.float64)
    small = torch.randn(n_out, n_in, 3, 3, dtype=torch.float64)
    resized = F.interpolate(F.conv2d(x, small, padding=1), scale_factor=f, mode="nearest")
    crd_weight = small.repeat_interleave(f * f, dim=0)      # channel gamma f^2 + q
    dcr_weight = small.repeat(f * f, 1, 1, 1)               # channel q n_out + gamma
    assert torch.allclose(F.pixel_shuffle(F.conv2d(x, crd_weight, padding=1), f), resized)
    assert not torch.allclose(F.pixel_shuffle(F.conv2d(x, dcr_weight, padding=1), f), resized)
    # TensorFlow's depth_to_space wants the other copies
    nhwc = F.conv2d(x, dcr_weight, padding=1)[0].permute(1, 2, 0).numpy()
    assert np.allclose(depth_to_space_nhwc(nhwc, f), resized[0].permute(1, 2, 0).numpy())
    wrong = F.conv2d(x, crd_weight, padding=1)[0].permute(1, 2, 0).numpy()
    assert not np.allclose(depth_to_space_nhwc(wrong, f), resized[0].permute(1, 2, 0).numpy())


# ---------------------------------------------------------------------------
# Receptive fields: sizes, jumps and centres, by gradients


def _chain_gradient(layers, length: int, unit: int, pooling: bool = True) -> torch.Tensor:
    """Gradient of one output cell of a chain of all-ones convolutions with
    respect to an input of `length` ones; with `pooling`, every second layer
    that PyTorch accepts as a pooling is an average pooling, which reads the
    same cells. Layers are (k, s, p, d)."""
    x = torch.ones(1, 1, length, dtype=torch.float64, requires_grad=True)
    y = x
    for n, (k, s, p, d) in enumerate(layers):
        if pooling and n % 2 and d == 1 and p <= k // 2:
            y = F.avg_pool1d(y, k, s, p, count_include_pad=True)
        else:
            y = F.conv1d(y, torch.ones(1, 1, k, dtype=torch.float64), stride=s, padding=p,
                         dilation=d)
    y[0, 0, unit].backward()
    return x.grad.flatten()


def _field(layers):
    size, jump, centre = 1, 1, 0
    for k, s, p, d in layers:
        k_eff = _value("rel:receptive-field", 0, k_l=k, d_l=d)
        size, jump, centre = (
            _value("rel:receptive-field", 1, **{"R_{l-1}": size, "k_{\\mathrm{eff},l}": k_eff,
                                                 "J_{l-1}": jump}),
            _value("rel:receptive-field", 2, **{"J_{l-1}": jump, "s_l": s}),
            _value("rel:receptive-field", 3, **{"\\mu_{l-1}": centre, "k_{\\mathrm{eff},l}": k_eff,
                                                 "p_l": p, "J_{l-1}": jump}))
    return size, jump, centre


CHAINS = [
    [(3, 1, 1, 1), (3, 2, 1, 1), (3, 1, 0, 2)],
    [(7, 2, 3, 1), (3, 2, 1, 1)],                       # the ResNet stem of the text
    [(4, 2, 1, 1), (2, 2, 0, 1), (5, 1, 2, 1), (3, 3, 2, 1)],
    [(3, 1, 0, 1), (3, 1, 0, 1), (2, 2, 0, 1), (3, 1, 0, 2)],  # the figure's stack
    [(5, 1, 4, 2), (2, 2, 1, 1), (3, 2, 0, 3)],
]


@pytest.mark.parametrize("layers", CHAINS)
def test_receptive_field_centres_agree_with_gradients(layers):
    size, jump, centre = _field(layers)
    assert (size, jump) == receptive_field([(k, s, d) for k, s, _, d in layers])
    length = 96
    outputs = length
    for k, s, p, d in layers:
        outputs = conv_output_size(outputs, k, s, p, d)
    inside = 0
    for unit in range(outputs):
        cells = torch.nonzero(_chain_gradient(layers, length, unit)).flatten()
        first = centre + unit * jump - (size - 1) / 2
        last = centre + unit * jump + (size - 1) / 2
        assert first <= cells.min().item() and cells.max().item() <= last
        if 0 <= first and last < length:  # the whole field is input
            assert (cells.min().item(), cells.max().item()) == (first, last)
            inside += 1
    assert inside >= 3


def test_the_resnet_stem_centres_unit_j_on_pixel_4j():
    assert _in_report(r"unit $j$ is centred on pixel $4j$")
    stem = [(7, 2, 3, 1), (3, 2, 1, 1)]
    assert _field(stem) == (11, 4, 0)
    for unit in range(2, 8):
        cells = torch.nonzero(_chain_gradient(stem, 64, unit)).flatten()
        assert (cells.min().item(), cells.max().item()) == (4 * unit - 5, 4 * unit + 5)


@pytest.mark.parametrize("depth,k", [(1, 3), (4, 3), (9, 3), (5, 2), (6, 5)])
def test_effective_receptive_field_of_equal_weights(depth, k):
    """The gradient profile of L unit-stride layers of k equal weights is the
    L-fold convolution of k ones: sd sqrt(L (k^2 - 1)/12), width 1 + L (k - 1)."""
    assert _in_report(r"$\sqrt{L(k^2 - 1)/12}$ cells, while the field grows to $1 + L(k - 1)$")
    gradient = _chain_gradient([(k, 1, 0, 1)] * depth, 80, 10, pooling=False).numpy()
    expected = np.ones(1)
    for _ in range(depth):
        expected = np.convolve(expected, np.ones(k))
    support = np.nonzero(gradient)[0]
    assert len(support) == 1 + depth * (k - 1) == receptive_field([(k, 1, 1)] * depth)[0]
    profile = gradient[support[0]:support[-1] + 1]
    assert np.allclose(profile, expected)
    weights = profile / profile.sum()
    cells = np.arange(len(profile))
    mean = (weights * cells).sum()
    assert math.isclose(math.sqrt((weights * (cells - mean) ** 2).sum()),
                        math.sqrt(depth * (k * k - 1) / 12))


# ---------------------------------------------------------------------------
# Patch embedding


def test_patch_embedding_is_a_strided_convolution_and_a_matrix_product():
    assert _in_report(r"\code{Conv2d(3, 768, kernel\_size=16, stride=16)}")
    torch.manual_seed(3)
    for (i_h, i_w), k, n_out in itertools.product(((32, 32), (35, 50), (16, 47)), (4, 8, 16),
                                                  (5,)):
        layer = torch.nn.Conv2d(3, n_out, kernel_size=k, stride=k).double()
        x = torch.randn(2, 3, i_h, i_w, dtype=torch.float64)
        with torch.no_grad():
            tokens = layer(x)
            o_h = _value("rel:patchify", 0, i_h=i_h, k=k)
            o_w = _value("rel:patchify", 1, i_w=i_w, k=k)
            assert tokens.shape == (2, n_out, o_h, o_w)
            # cut into patches, flatten each (channel, row, column), one matrix
            cropped = x[:, :, :o_h * k, :o_w * k]
            patches = cropped.reshape(2, 3, o_h, k, o_w, k).permute(0, 2, 4, 1, 3, 5)
            flat = patches.reshape(2, o_h * o_w, 3 * k * k)
            product = flat @ layer.weight.reshape(n_out, -1).T + layer.bias
            assert torch.allclose(product, tokens.flatten(2).transpose(1, 2))
            # space-to-depth by k, then a 1 x 1 convolution
            pointwise = F.conv2d(F.pixel_unshuffle(cropped, k),
                                 layer.weight.reshape(n_out, -1, 1, 1), layer.bias)
            assert torch.allclose(pointwise, tokens)
    # the text's numbers: 224 and 225 pixels give the same 14 x 14 tokens
    layer = torch.nn.Conv2d(3, 768, kernel_size=16, stride=16)
    assert sum(w.numel() for w in layer.parameters()) == 590592
    with torch.no_grad():
        for size in (224, 225):
            assert layer(torch.zeros(1, 3, size, size)).shape == (1, 768, 14, 14)


def test_tensorflow_space_to_depth_matches_its_own_kernel_layout():
    """TensorFlow's space_to_depth (DCR, the inverse of depth_to_space_nhwc)
    followed by a 1 x 1 convolution equals the patch convolution when the
    kernel is flattened in TensorFlow's (k, k, n_in, n_out) layout."""
    rng = np.random.default_rng(4)
    k, n_in, n_out = 4, 3, 5
    image = rng.standard_normal((8, 12, n_in))                     # HWC
    kernel = rng.standard_normal((k, k, n_in, n_out))              # HWIO
    o_h, o_w = 8 // k, 12 // k
    tiles = np.zeros((o_h, o_w, k * k * n_in))
    for channel in range(k * k * n_in):                            # invert depth_to_space
        probe = np.zeros((o_h, o_w, k * k * n_in))
        probe[..., channel] = 1
        tiles[..., channel] = (depth_to_space_nhwc(probe, k) * image).reshape(
            o_h, k, o_w, k, n_in).sum(axis=(1, 3, 4))
    tokens = tiles @ kernel.reshape(-1, n_out)
    reference = F.conv2d(torch.from_numpy(image).permute(2, 0, 1)[None],
                         torch.from_numpy(kernel).permute(3, 2, 0, 1), stride=k)
    assert np.allclose(tokens, reference[0].permute(1, 2, 0).numpy())
