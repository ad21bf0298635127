"""Channel figures: --describe against torch.nn.functional and a numpy loop.

Sixty seeded random cases, built through the CLI parser, twelve in each of
five kinds: direct, transposed, grouped, depthwise (with a channel
multiplier at times) and per-channel pooling.  For each, the described torch
call is run on tensors of the described shapes; its output must have the
described size and channel count, the step count must be C_out x o_h x o_w,
and for numerical figures the described output must equal torch's result
and ``reference_impl``'s channel loops (which do not import convarith).
"""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest
import reference_impl as ref   # tests/ is on sys.path (conftest.py)

from convarith.cli import catalogue_spec
from convarith.model.catalogue import CHANNELS, entry
from convarith.cli import geometry_spec
from convarith.model.describe import describe
from convarith.errors import ParameterError
from convarith.model.spec import MAX_CHANNELS

torch = pytest.importorskip("torch")
F = torch.nn.functional

KINDS = ("direct", "transposed", "grouped", "depthwise", "pooling")
PER_KIND = 12


def random_argv(kind: str, rng: random.Random) -> tuple[str, list[str]]:
    """(figure type, flags) for one random case of `kind`."""
    figure = rng.choice(["arithmetic", "numerical"])
    argv = ["-i", str(rng.randint(2, 6)), "-k", str(rng.randint(1, 3)),
            "-s", str(rng.randint(1, 2)), "-p", str(rng.randint(0, 1)),
            "-d", str(rng.randint(1, 2))]
    c_in, c_out, groups = rng.randint(1, MAX_CHANNELS), rng.randint(1, MAX_CHANNELS), 1
    if kind == "transposed":
        argv.append("--transposed")
        groups = rng.choice([g for g in (1, 2) if c_in % g == 0 and c_out % g == 0])
    elif kind == "grouped":
        groups = rng.choice([2, 4])
        c_in, c_out = groups * rng.randint(1, MAX_CHANNELS // groups), \
            groups * rng.randint(1, MAX_CHANNELS // groups)
    elif kind == "depthwise":
        c_in = groups = rng.randint(2, MAX_CHANNELS)
        c_out = c_in * rng.choice([m for m in (1, 2) if c_in * m <= MAX_CHANNELS])
    elif kind == "pooling":
        figure = "numerical"
        argv = argv[:8] + ["-m", rng.choice(["average", "max"])]   # no dilation
        return figure, argv + ["--in-channels", str(rng.randint(2, MAX_CHANNELS))]
    return figure, argv + ["--in-channels", str(c_in), "--out-channels", str(c_out),
                           "--groups", str(groups)]


def random_cases() -> list[tuple[str, str, list[str]]]:
    rng = random.Random(2026)
    cases = []
    for kind in KINDS:
        found = 0
        while found < PER_KIND:
            figure, argv = random_argv(kind, rng)
            try:
                spec = geometry_spec(figure, "case", argv)
            except ParameterError:
                continue          # a geometry torch would refuse too; draw again
            if not spec.multichannel or (figure, argv) in [c[1:] for c in cases]:
                continue          # the single-channel form is tested elsewhere
            cases.append((kind, figure, argv))
            found += 1
    return cases


CASES = random_cases()


def run_torch(call: dict, x: np.ndarray, w: np.ndarray | None) -> np.ndarray:
    xt = torch.as_tensor(x, dtype=torch.float64)[None]
    fn = getattr(F, call["op"])
    if w is None:
        return fn(xt, **call["kwargs"])[0].numpy()
    return fn(xt, torch.as_tensor(w, dtype=torch.float64), **call["kwargs"])[0].numpy()


def test_sixty_cases_in_five_kinds():
    assert len(CASES) == 60
    assert Counter(kind for kind, _, _ in CASES) == {kind: PER_KIND for kind in KINDS}
    assert len({(figure, tuple(argv)) for _, figure, argv in CASES}) == 60


@pytest.mark.parametrize("kind,figure,argv", CASES,
                         ids=[f"{k}-{n}" for n, (k, _, _) in enumerate(CASES)])
def test_describe_agrees_with_torch_and_reference(kind, figure, argv):
    check_description(describe(geometry_spec(figure, "case", argv)), figure)


#: (op, in, out, groups, output size) of each catalogue entry, from its flags.
CATALOGUE_EXPECTED = {
    "multichannel": ("conv2d", 2, 3, 1, [2, 2]),
    "numerical_multichannel": ("conv2d", 3, 2, 1, [3, 3]),
    "grouped": ("conv2d", 4, 4, 2, [2, 2]),
    "depthwise": ("conv2d", 3, 3, 3, [2, 2]),
    "pointwise": ("conv2d", 3, 2, 1, [3, 3]),
    "numerical_depthwise": ("conv2d", 3, 3, 3, [2, 2]),
}


@pytest.mark.parametrize("item", CHANNELS, ids=[e.name for e in CHANNELS])
def test_catalogue_channel_entries(item):
    d = describe(catalogue_spec(item))
    op, c_in, c_out, groups, size = CATALOGUE_EXPECTED[item.name]
    assert (d["torch"]["op"], d["in_channels"], d["out_channels"], d["groups"],
            d["output_size"]) == (op, c_in, c_out, groups, size)
    check_description(d, item.kind)


def check_description(d: dict, figure: str) -> None:
    """Shapes as PyTorch stores them; sizes, steps and values as torch and
    reference_impl compute them."""
    call = d["torch"]
    c_in, c_out = d["in_channels"], d["out_channels"]
    assert call["input_shape"] == [1, c_in, *call["input_size"]]
    rng = np.random.default_rng(len(CASES))
    x = rng.integers(0, 4, size=call["input_shape"][1:]).astype(np.float64)
    w = None
    if call["op"] in ("conv2d", "conv_transpose2d"):
        assert call["kwargs"]["groups"] == d["groups"]
        per_in, per_out = c_in // d["groups"], c_out // d["groups"]
        expected_weight = ([c_out, per_in] if call["op"] == "conv2d" else [c_in, per_out])
        assert call["weight_shape"] == expected_weight + d["kernel_size"]
        w = rng.integers(0, 3, size=call["weight_shape"]).astype(np.float64)
    else:
        assert c_out == c_in and "weight_shape" not in call
    result = run_torch(call, x, w)
    assert list(result.shape) == [c_out, *d["output_size"]]
    assert d["steps"] == c_out * d["output_size"][0] * d["output_size"][1]
    reference = ref.apply_channels(call["op"], x, w, call["kwargs"])
    np.testing.assert_allclose(reference, result, rtol=1e-12, atol=1e-12)
    if figure == "numerical":
        shown_x = np.asarray(d["input"], dtype=np.float64)
        assert list(shown_x.shape) == call["input_shape"][1:]
        shown_w = np.asarray(d["kernel"], dtype=np.float64) if w is not None else None
        if w is not None:
            assert list(shown_w.shape) == call["weight_shape"]
        out = np.asarray(d["output"], dtype=np.float64)
        assert list(out.shape) == [c_out, *d["output_size"]]
        np.testing.assert_allclose(out, run_torch(call, shown_x, shown_w), rtol=1e-12, atol=0)
        np.testing.assert_allclose(out, ref.apply_channels(call["op"], shown_x, shown_w,
                                                           call["kwargs"]), rtol=1e-12, atol=0)


def test_single_channel_description_keeps_its_form():
    d = describe(geometry_spec("numerical", "x", ["-i", "5", "-k", "3"]))
    assert set(d["torch"]) == {"op", "input_size", "kwargs"}
    assert "groups" not in d["torch"]["kwargs"] and "in_channels" not in d
    assert np.asarray(d["input"]).ndim == 2 and np.asarray(d["kernel"]).ndim == 2
    assert np.asarray(d["output"]).shape == (3, 3)


def test_steps_go_channel_by_channel():
    spec = geometry_spec("arithmetic", "x", ["-i", "4", "-k", "3", "--out-channels", "3"])
    order = [(spec.step_channel(s), *spec.step_cell(s)) for s in range(spec.steps)]
    assert order == [(c, r, k) for c in range(3) for r in range(2) for k in range(2)]


def test_one_channel_draws_the_single_channel_numbers():
    """Asking for 1 -> 1 channel explicitly is the single-channel figure."""
    plain = geometry_spec("numerical", "x", ["-i", "5", "-k", "3", "-p", "1", "-s", "2"])
    explicit = geometry_spec("numerical", "x", ["-i", "5", "-k", "3", "-p", "1", "-s", "2",
                                                "--in-channels", "1", "--out-channels", "1",
                                                "--groups", "1"])
    assert plain == explicit and not explicit.multichannel


def test_depthwise_output_reads_only_its_own_input_channel():
    spec = catalogue_spec(entry("numerical_depthwise"))
    d = describe(spec)
    x = np.asarray(d["input"], dtype=np.float64)
    w = np.asarray(d["kernel"], dtype=np.float64)
    for channel in range(3):
        alone = ref.conv2d(x[channel], w[channel, 0])
        np.testing.assert_array_equal(np.asarray(d["output"])[channel], alone)


def test_planes_of_the_current_group_are_active():
    from convarith.scene.planes import arithmetic_planes
    spec = catalogue_spec(entry("grouped"))                   # 4 -> 4, groups 2, 2x2 outputs
    last = arithmetic_planes(spec, spec.steps - 1, 4, 4)   # output channel 3, group 1
    assert [p["active"] for p in last["in_planes"]] == [False, False, True, True]
    assert [p["active"] for p in last["out_planes"]] == [False, False, True, True]
    assert [p["current"] for p in last["out_planes"]] == [False, False, False, True]


ARITHMETIC_CHANNELS = [e for e in CHANNELS if e.kind == "arithmetic"]


@pytest.mark.parametrize("item", ARITHMETIC_CHANNELS, ids=[e.name for e in ARITHMETIC_CHANNELS])
def test_output_stack_clears_the_input_stack(item):
    """No output plane is drawn over an input plane: at every drawn abscissa
    the lowest output point is above the highest input point."""
    from convarith.scene.planes import oblique
    spec = catalogue_spec(item)
    (rows, cols), (out_h, out_w) = spec.drawn_size, spec.output_size
    from convarith.scene.planes import arithmetic_planes
    planes = arithmetic_planes(spec, 0, rows, cols)
    below = [oblique(x, p["offset"] + y) for p in planes["in_planes"]
             for x in np.linspace(0, cols, 9) for y in np.linspace(0, rows, 9)]
    above = [(sx, sy + planes["lift"]) for p in planes["out_planes"]
             for x in np.linspace(0, out_w, 9) for y in np.linspace(0, out_h, 9)
             for sx, sy in [oblique(x + planes["out_shift"], p["offset"] + y)]]
    for ax, ay in above:
        near = [by for bx, by in below if abs(bx - ax) < 0.05]
        assert all(ay > by for by in near)
