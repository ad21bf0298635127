"""convarith.model.layer_arithmetic against PyTorch and against brute force."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from convarith.model import layer_arithmetic as la
from convarith.errors import ParameterError
from convarith.model.geometry import conv_output_size

torch = pytest.importorskip("torch")
F = torch.nn.functional

RNG = random.Random(2016)


def channel_cases():
    for n_in, n_out, g in itertools.product((1, 2, 3, 4, 6, 8), (1, 2, 4, 6, 12), (1, 2, 3, 4)):
        if n_in % g == 0 and n_out % g == 0:
            yield n_in, n_out, g


def test_weight_shapes_and_parameter_counts_match_pytorch_layers():
    for n_in, n_out, g in channel_cases():
        k = (RNG.randint(1, 4), RNG.randint(1, 4))
        for transposed, layer in ((False, torch.nn.Conv2d), (True, torch.nn.ConvTranspose2d)):
            module = layer(n_in, n_out, k, groups=g)
            assert tuple(module.weight.shape) == la.weight_shape(
                "pytorch", n_in, n_out, k, g, transposed)
            assert sum(t.numel() for t in module.parameters()) == la.parameter_count(
                n_in, n_out, k, g)
        no_bias = torch.nn.Conv2d(n_in, n_out, k, groups=g, bias=False)
        assert no_bias.weight.numel() == la.parameter_count(n_in, n_out, k, g, bias=False)


def test_tensorflow_shapes_hold_the_same_weights_in_keras_order():
    # Keras stores (kh, kw, in/g, out) and (kh, kw, out, in) for the transpose;
    # the sizes must agree with PyTorch's, only the order differs.
    for n_in, n_out, g in channel_cases():
        tf = la.weight_shape("tensorflow", n_in, n_out, (3, 5), g)
        pt = la.weight_shape("pytorch", n_in, n_out, (3, 5), g)
        assert tf == (pt[2], pt[3], pt[1], pt[0])
    assert la.weight_shape("tensorflow", 4, 6, (3, 3), transposed=True) == (3, 3, 6, 4)
    with pytest.raises(ParameterError):
        la.weight_shape("tensorflow", 4, 6, (3, 3), groups=2, transposed=True)
    with pytest.raises(ParameterError):
        la.weight_shape("jax", 4, 6, (3, 3))
    with pytest.raises(ParameterError):
        la.parameter_count(4, 6, (3, 3), groups=4)


def brute_force_macs(n_in, n_out, k, o, g):
    """Count the products of a grouped convolution one by one."""
    count = 0
    per_group = n_in // g
    for out_channel in range(n_out):
        group = out_channel // (n_out // g)
        for _cell in range(o[0] * o[1]):
            for in_channel in range(group * per_group, (group + 1) * per_group):
                count += k[0] * k[1]
                assert 0 <= in_channel < n_in
    return count


def test_multiply_accumulates_match_a_count_and_pytorch_flop_counter():
    from torch.utils.flop_counter import FlopCounterMode

    for n_in, n_out, g in list(channel_cases())[::3]:
        k, size = (RNG.randint(1, 3), RNG.randint(1, 3)), (RNG.randint(3, 7), RNG.randint(3, 7))
        o = tuple(conv_output_size(size[n], k[n]) for n in range(2))
        macs = la.multiply_accumulates(n_in, n_out, k, o, g)
        assert macs == brute_force_macs(n_in, n_out, k, o, g)
        layer = torch.nn.Conv2d(n_in, n_out, k, groups=g, bias=False)
        with FlopCounterMode(display=False) as counter:
            layer(torch.zeros(1, n_in, *size))
        assert counter.get_total_flops() == 2 * macs


def test_separable_ratio_is_one_over_n_out_plus_one_over_k_squared():
    for n_in, n_out, k in itertools.product((1, 8, 32), (1, 16, 64), (1, 3, 5)):
        depthwise = la.parameter_count(n_in, n_in, (k, k), groups=n_in, bias=False)
        pointwise = la.parameter_count(n_in, n_out, (1, 1), bias=False)
        full = la.parameter_count(n_in, n_out, (k, k), bias=False)
        ratio = la.separable_cost_ratio(n_in, n_out, k * k)
        assert ratio == pytest.approx((depthwise + pointwise) / full)
        assert ratio == pytest.approx(1 / n_out + 1 / k ** 2)


def test_pool_output_size_matches_pytorch_in_both_modes():
    checked = 0
    for i, k, s, p, d in itertools.product(range(1, 12), range(1, 5), range(1, 4),
                                           range(3), range(1, 3)):
        if p > k // 2 or i + 2 * p < (k - 1) * d + 1:
            continue
        for ceil_mode in (False, True):
            expected = F.max_pool1d(torch.zeros(1, 1, i), k, s, p, d, ceil_mode=ceil_mode).shape[-1]
            assert la.pool_output_size(i, k, s, p, d, ceil_mode) == expected, (i, k, s, p, d)
            checked += 1
        assert la.pool_output_size(i, k, s, p, d) == conv_output_size(i, k, s, p, d)
    assert checked > 300
    with pytest.raises(ParameterError):
        la.pool_output_size(5, 3, 1, 2)


def test_average_divisors_match_pytorch():
    for i, k, s, p in itertools.product(range(1, 10), range(1, 5), range(1, 4), range(3)):
        if p > k // 2 or i + 2 * p < k:
            continue
        x = torch.ones(1, 1, 1, i)  # 2-D, one row: avg_pool1d has no divisor_override
        for ceil_mode, include in itertools.product((False, True), (False, True)):
            window = {"kernel_size": (1, k), "stride": (1, s), "padding": (0, p),
                      "ceil_mode": ceil_mode, "count_include_pad": include}
            sums = F.avg_pool2d(x, **window, divisor_override=1)[0, 0, 0]
            means = F.avg_pool2d(x, **window)[0, 0, 0]
            divisors = la.average_divisors(i, k, s, p, ceil_mode, include)
            assert np.allclose((sums / means).numpy(), divisors), (i, k, s, p, ceil_mode, include)


def test_adaptive_windows_match_pytorch_and_cover_the_input():
    for i, o in itertools.product(range(1, 15), range(1, 15)):
        windows = la.adaptive_windows(i, o)
        x = torch.rand(1, 1, i, dtype=torch.float64)
        expected = F.adaptive_avg_pool1d(x, o)[0, 0]
        ours = torch.stack([x[0, 0, a:b].mean() for a, b in windows])
        assert torch.allclose(ours, expected)
        assert windows[0][0] == 0 and windows[-1][1] == i
        assert all(b > a for a, b in windows)


def test_padding_limits_match_pytorch():
    for i in range(1, 7):
        x = torch.zeros(1, 1, i)
        for mode in ("reflect", "circular", "replicate"):
            limit = la.padding_limit(mode, i)
            top = limit if limit >= 0 else 2 * i + 3
            out = F.pad(x, (top, top), mode=mode)
            assert out.shape[-1] == i + 2 * top
            if limit >= 0:
                with pytest.raises(RuntimeError):
                    F.pad(x, (limit + 1, limit + 1), mode=mode)


def test_causal_padding_keeps_length_and_never_reads_the_future():
    for k, d, i in itertools.product(range(1, 5), range(1, 5), range(1, 9)):
        x = torch.zeros(1, 1, i)
        x[0, 0, -1] = 1.0  # the last sample must not reach any earlier output
        y = F.conv1d(F.pad(x, (la.causal_padding(k, d), 0)), torch.ones(1, 1, k), dilation=d)
        assert y.shape[-1] == i
        assert torch.all(y[0, 0, :-1] == 0)


def test_causal_stack_receptive_field_matches_propagation():
    for _ in range(100):
        k = RNG.randint(2, 4)
        dilations = [RNG.choice((1, 2, 4, 8)) for _ in range(RNG.randint(1, 6))]
        seen = {0}
        for d in reversed(dilations):
            seen = {t - m * d for t in seen for m in range(k)}
        assert max(seen) - min(seen) + 1 == la.causal_stack_receptive_field(k, dilations)


def test_pixel_shuffle_shapes_match_pytorch():
    for c, h, w, r in itertools.product((4, 8, 9, 18), (2, 3, 6), (2, 4, 6), (1, 2, 3)):
        x = torch.zeros(1, c, h, w)
        if c % (r * r) == 0:
            assert tuple(F.pixel_shuffle(x, r).shape[1:]) == la.pixel_shuffle_shape((c, h, w), r)
        else:
            with pytest.raises(ParameterError):
                la.pixel_shuffle_shape((c, h, w), r)
        if h % r == 0 and w % r == 0:
            assert tuple(F.pixel_unshuffle(x, r).shape[1:]) == la.space_to_depth_shape((c, h, w), r)


def test_tap_counts_equal_a_transposed_convolution_of_ones():
    for i, k, s in itertools.product(range(1, 8), range(1, 6), range(1, 4)):
        ones = F.conv_transpose1d(torch.ones(1, 1, i), torch.ones(1, 1, k), stride=s)
        assert ones[0, 0].int().tolist() == la.transposed_tap_counts(i, k, s)


def test_resize_then_convolve_size_matches_pytorch():
    for i, f, k in itertools.product(range(1, 6), range(1, 4), range(1, 4)):
        p = k // 2
        x = F.interpolate(torch.zeros(1, 1, i), scale_factor=f, mode="nearest")
        y = F.conv1d(x, torch.zeros(1, 1, k), padding=p)
        assert y.shape[-1] == la.resize_then_convolve_size(i, f, k, p)
