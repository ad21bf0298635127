"""Property test over everything PyTorch accepts: random parameter sets
(sizes, strides, dilations, numeric/"same"/"causal" padding, padding modes,
output padding, ceil_mode, count_include_pad) through the command-line
parser, against PyTorch's own modules and functions and against
``reference_impl``.

* When we accept, PyTorch computes the same output size, and for numerical
  figures the same values from the figure's input and kernel; the
  ``--describe`` call (``F.pad`` then the operation) gives them too, and so
  does the numpy reference.
* When PyTorch refuses, we refuse.
* When we refuse what PyTorch accepts, the message names one of our
  documented limits (steps, drawn cells per axis, causal padding's 1-D
  figures).

PyTorch has no stride-above-one "same": there the truth is TensorFlow's
SAME, built here as F.pad with the padding TensorFlow documents.  Hypothesis
runs derandomized with a fixed number of examples, so CI is deterministic.
"""

from __future__ import annotations

import os
import re

import numpy as np
import pytest
from hypothesis import event, given, settings
import reference_impl as ref  # tests/ is on sys.path (conftest.py)
from hypothesis import strategies as st

from convarith.cli import catalogue_spec, geometry_spec
from convarith.model.describe import describe
from convarith.errors import ParameterError

try:
    import torch
except ImportError:  # pragma: no cover - depends on the environment
    if os.environ.get("CONVARITH_REQUIRE_TORCH"):
        raise
    pytest.skip("torch is not importable", allow_module_level=True)
F = torch.nn.functional

# PyTorch's note that its own "same" may copy the input: not our concern here.
pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same'")
DOMAIN = settings(max_examples=600, deadline=None, database=None, derandomize=True)
#: Our documented limits (README "Limits and errors").
OUR_LIMITS = re.compile(r"steps|limit of|cells per axis|1-D figures")
MODES = ("zeros", "reflect", "replicate", "circular")


@pytest.fixture(autouse=True)
def _default_step_limit(monkeypatch):
    monkeypatch.delenv("CONVARITH_MAX_STEPS", raising=False)


def pairs(low, high):
    return st.tuples(st.integers(low, high), st.integers(low, high))


@st.composite
def parameter_sets(draw):
    """Mostly sets PyTorch accepts, each kind of flag misused now and then."""
    op = draw(st.sampled_from(["conv", "conv", "transposed", "transposed", "max", "avg"]))
    wild = draw(st.integers(0, 9)) == 9      # anything goes for this draw (0 is
    # what hypothesis draws most, so the rare case is the other end)
    one_d = draw(st.integers(0, 3)) == 3
    k = draw(pairs(1, 4))
    size = draw(st.one_of(pairs(1, 9), pairs(1, 9), pairs(1, 9), pairs(1, 40)))
    if one_d:   # a 1-D figure: input and kernel height 1
        size, k = (1, size[1]), (1, k[1])
    d = draw(st.just((1, 1)) if op == "avg" and not wild else
             st.one_of(st.just((1, 1)), pairs(1, 3)))
    if op in ("max", "avg") and not wild:
        p = tuple(draw(st.integers(0, k[n] // 2)) for n in range(2))
    elif op == "transposed":
        p = tuple(draw(st.integers(0, (k[n] - 1) * d[n] + 3)) for n in range(2))
    else:
        p = draw(pairs(0, 4))
    named = st.sampled_from(["causal", "same"] if one_d else ["same", "causal"])
    if op == "conv" or wild:
        p = draw(st.one_of(st.just(p), named))
    pooling = op in ("max", "avg")
    s = draw(pairs(1, 3))
    # channels: mostly one, sometimes two per group and two groups
    groups = 1 if pooling else draw(st.sampled_from([1, 1, 2]))
    c_in = groups * draw(st.sampled_from([1, 1, 2]))
    c_out = c_in if pooling else groups * draw(st.sampled_from([1, 1, 2]))
    params = {
        "op": op, "kind": "numerical" if pooling else draw(
            st.sampled_from(["arithmetic", "numerical"])),
        "i": size, "k": k, "s": s, "d": d, "p": p,
        "c_in": c_in, "c_out": c_out, "groups": groups,
        "mode": draw(st.sampled_from(MODES)) if op == "conv" or wild else "zeros",
        "ceil": draw(st.booleans()) if pooling or wild else False,
        "count": draw(st.sampled_from([None, True, False])) if op == "avg" or wild else None,
        # output padding must be below the stride or the dilation; now and then not
        "a": (tuple(draw(st.integers(0, max(s[n], d[n]) - 1 + wild)) for n in range(2))
              if op == "transposed" else (0, 0)),
    }
    return params


def argv_of(params) -> list[str]:
    def flag(value):
        return value if isinstance(value, str) else f"{value[0]},{value[1]}"
    argv = ["--transposed-input" if params["op"] == "transposed" else "-i", flag(params["i"]),
            "-k", flag(params["k"]), "-s", flag(params["s"]), "-d", flag(params["d"]),
            "-p", flag(params["p"]), "--padding-mode", params["mode"]]
    if params["op"] == "transposed":
        argv += ["--output-padding", flag(params["a"])]
    if params["op"] in ("max", "avg"):
        argv += ["-m", {"max": "max", "avg": "average"}[params["op"]]]
    if params["c_in"] > 1:
        argv += ["--in-channels", str(params["c_in"])]
    if params["op"] in ("conv", "transposed") and (params["c_out"], params["groups"]) != (1, 1):
        argv += ["--out-channels", str(params["c_out"]), "--groups", str(params["groups"])]
    if params["ceil"]:
        argv.append("--ceil-mode")
    if params["count"] is not None:
        argv.append("--count-include-pad" if params["count"] else "--no-count-include-pad")
    return argv


def weight_shape(params) -> tuple:
    """PyTorch's weight layout: (C_out, C_in/G, kh, kw), transposed (C_in, C_out/G, kh, kw)."""
    c_in, c_out, g = params["c_in"], params["c_out"], params["groups"]
    if params["op"] == "transposed":
        return (c_in, c_out // g, *params["k"])
    return (c_out, c_in // g, *params["k"])


def torch_truth(params, x: np.ndarray, w: np.ndarray):
    """What PyTorch computes for these parameters (raises when it refuses).
    Written from PyTorch's API, not from convarith.  x is (C_in, h, w)."""
    xt = torch.as_tensor(x, dtype=torch.float64)[None]
    wt = torch.as_tensor(w, dtype=torch.float64)
    op, p, mode = params["op"], params["p"], params["mode"]
    k, s, d = params["k"], params["s"], params["d"]
    c_in, c_out, groups = params["c_in"], params["c_out"], params["groups"]
    if op == "conv":
        if params["ceil"] or params["count"] is not None:
            raise TypeError("conv2d takes no ceil_mode or count_include_pad")
        if p == "causal" or (p == "same" and s != (1, 1)):
            if p == "causal":
                if (x.shape[1], k[0]) != (1, 1):
                    raise ValueError("causal padding is defined for 1-D figures only")
                pads = (d[1] * (k[1] - 1), 0, 0, 0)
            else:   # TensorFlow's SAME: output ceil(i/s), the odd cell after
                (top, bottom), (left, right) = (ref.same_pads(x.shape[n + 1], k[n], s[n],
                                                              d[n]) for n in range(2))
                pads = (left, right, top, bottom)
            torch_mode = "constant" if mode == "zeros" else mode
            return F.conv2d(F.pad(xt, pads, mode=torch_mode), wt, stride=s, dilation=d,
                            groups=groups)
        conv = torch.nn.Conv2d(c_in, c_out, k, stride=s, padding=p, dilation=d,
                               groups=groups, padding_mode=mode, bias=False).double()
        with torch.no_grad():
            conv.weight.copy_(wt)
            return conv(xt)
    if op == "transposed":
        if params["ceil"] or params["count"] is not None:
            raise TypeError("conv_transpose2d takes no ceil_mode or count_include_pad")
        if isinstance(p, str):
            raise ValueError("ConvTranspose2d takes a whole-number padding")
        conv = torch.nn.ConvTranspose2d(c_in, c_out, k, stride=s, padding=p,
                                        output_padding=params["a"], dilation=d,
                                        groups=groups, padding_mode=mode,
                                        bias=False).double()
        with torch.no_grad():
            conv.weight.copy_(wt)
            return conv(xt)
    if isinstance(p, str) or mode != "zeros":
        raise ValueError("pooling takes a whole-number zero padding")
    if op == "max":
        if params["count"] is not None:
            raise TypeError("max_pool2d takes no count_include_pad")
        return F.max_pool2d(xt, k, s, p, d, ceil_mode=params["ceil"])
    if d != (1, 1):
        raise TypeError("avg_pool2d takes no dilation")
    return F.avg_pool2d(xt, k, s, p, ceil_mode=params["ceil"],
                        count_include_pad=params["count"] is not False)


def run_described(description, x, w):
    """The --describe call: F.pad(x, pad, mode=pad_mode) when given, then the
    op; x is (C_in, h, w) and w the 4-D weight.  Returns (C_out, o_h, o_w)."""
    call = description["torch"]
    xt = torch.as_tensor(x, dtype=torch.float64)[None]
    if "pad" in call:
        xt = F.pad(xt, call["pad"], mode=call["pad_mode"])
    args = [xt]
    if call["op"] in ("conv2d", "conv_transpose2d"):
        args.append(torch.as_tensor(w, dtype=torch.float64))
    return getattr(F, call["op"])(*args, **call["kwargs"])[0].numpy()


@DOMAIN
@given(parameter_sets())
def test_whole_domain_agrees_with_pytorch_and_reference(params):
    argv = argv_of(params)
    try:
        spec = geometry_spec(params["kind"], "domain", argv)
        refusal = None
    except ParameterError as error:
        spec, refusal = None, str(error)
    description = describe(spec) if spec is not None else None
    rng = np.random.default_rng(0)
    in_shape = (params["c_in"], *params["i"])
    x = (np.asarray(description["input"], dtype=np.float64).reshape(in_shape)
         if description and "input" in description
         else rng.integers(0, 4, size=in_shape).astype(np.float64))
    w = (np.asarray(description["kernel"], dtype=np.float64).reshape(weight_shape(params))
         if description and "kernel" in description
         else rng.integers(0, 3, size=weight_shape(params)).astype(np.float64))
    try:
        truth = torch_truth(params, x, w)[0].numpy()
    except (RuntimeError, ValueError, TypeError) as error:
        event("PyTorch refuses")
        assert spec is None, f"{argv}: accepted, but PyTorch refuses: {error}"
        return
    if spec is None:
        event("PyTorch accepts, a limit of ours refuses")
        assert OUR_LIMITS.search(refusal), \
            f"{argv}: refused although PyTorch accepts, and not for a documented limit: {refusal}"
        return
    event(f"agreed: {params['op']} {params['kind']}")
    features = {"same": params["p"] == "same", "causal": params["p"] == "causal",
                f"padding mode {params['mode']}": params["mode"] != "zeros",
                "ceil_mode": params["ceil"], "count_include_pad=False": params["count"] is False,
                "cropped transposed": params["op"] == "transposed" and any(
                    params["p"][n] > (params["k"][n] - 1) * params["d"][n] for n in range(2)),
                "several channels": params["c_in"] > 1 or params["c_out"] > 1}
    for feature, present in features.items():
        if present:
            event(f"agreed, with {feature}")
    assert tuple(description["output_size"]) == truth.shape[1:], argv
    described = run_described(description, x, w)
    assert described.shape == truth.shape, f"{argv}: the --describe call gives another size"
    call = description["torch"]
    reference = ref.apply_channels(call["op"], x, w, call["kwargs"], call.get("pad"),
                                   call.get("pad_mode", "constant"))
    np.testing.assert_array_equal(reference, truth, err_msg=f"{argv}: reference_impl")
    np.testing.assert_array_equal(described, truth, err_msg=f"{argv}: --describe call")
    if params["kind"] == "numerical":
        np.testing.assert_array_equal(
            np.asarray(description["output"]).reshape(truth.shape), truth,
            err_msg=f"{argv}: the figure's values")


# The catalogue's padding and pooling entries, each against the PyTorch call
# that it shows, written out by hand.
CATALOGUE_TRUTH = {
    "cropped_transposed": lambda x, w: torch.nn.functional.conv_transpose2d(
        x, w, stride=2, padding=3),
    "numerical_max_pooling_ceil": lambda x, w: F.max_pool2d(x, 3, 2, ceil_mode=True),
    "numerical_reflect_padding": lambda x, w: F.conv2d(
        F.pad(x, (2, 2, 2, 2), mode="reflect"), w, stride=2),
    "causal_dilated": lambda x, w: F.conv2d(F.pad(x, (2, 0, 0, 0)), w, dilation=2),
}


@pytest.mark.parametrize("name", sorted(CATALOGUE_TRUTH))
def test_padding_and_pooling_catalogue_against_pytorch(name):
    from convarith.model import catalogue
    assert {e.name for e in catalogue.PADDING_AND_POOLING} == set(CATALOGUE_TRUTH)
    spec = catalogue_spec(catalogue.entry(name))
    description = describe(spec)
    rng = np.random.default_rng(3)
    x = np.asarray(description.get("input", rng.integers(0, 4, size=spec.input_size)),
                   dtype=np.float64)
    w = np.asarray(description.get("kernel", rng.integers(0, 3, size=(spec.axes[0].k,
                                                                       spec.axes[1].k))),
                   dtype=np.float64)
    truth = CATALOGUE_TRUTH[name](torch.as_tensor(x)[None, None],
                                  torch.as_tensor(w)[None, None])[0, 0].numpy()
    assert tuple(description["output_size"]) == truth.shape
    np.testing.assert_array_equal(run_described(description, x[None], w[None, None])[0], truth)
    call = description["torch"]
    np.testing.assert_array_equal(
        ref.apply(call["op"], x, w, call["kwargs"], call.get("pad"),
                  call.get("pad_mode", "constant")), truth)
    if spec.kind == "numerical":
        np.testing.assert_array_equal(np.asarray(description["output"]), truth)


def test_reflect_padded_convolution_with_two_input_channels():
    """Padding modes and channels together: Conv2d(2, 1, 3, padding=1,
    padding_mode="reflect") on the figure's own numbers."""
    spec = geometry_spec("numerical", "both", ["-i", "4", "-k", "3", "-p", "1",
                                               "--padding-mode", "reflect",
                                               "--in-channels", "2"])
    description = describe(spec)
    x = np.asarray(description["input"], dtype=np.float64)
    w = np.asarray(description["kernel"], dtype=np.float64)
    assert x.shape == (2, 4, 4) and w.shape == (1, 2, 3, 3)
    conv = torch.nn.Conv2d(2, 1, 3, padding=1, padding_mode="reflect", bias=False).double()
    with torch.no_grad():
        conv.weight.copy_(torch.as_tensor(w))
        truth = conv(torch.as_tensor(x)[None])[0].numpy()
    np.testing.assert_array_equal(np.asarray(description["output"]), truth)
    np.testing.assert_array_equal(run_described(description, x, w), truth)
    # every drawn channel plane holds the reflection of its own channel
    from convarith.model.values import compute
    grid = compute(spec).grid
    np.testing.assert_array_equal(grid, np.pad(x, ((0, 0), (1, 1), (1, 1)), mode="reflect"))


def test_python_api_refuses_pooling_options_elsewhere():
    """FigureSpec itself (the Python API) refuses what the flags refuse."""
    from dataclasses import replace

    from convarith.model.geometry import DirectAxis
    conv = geometry_spec("numerical", "api", ["-i", "5", "-k", "3"])
    with pytest.raises(ParameterError, match="average pooling only"):
        replace(conv, count_include_pad=False)
    with pytest.raises(ParameterError, match="pooling only"):
        replace(conv, axes=(DirectAxis(5, 3, ceil_mode=True),) * 2)
    pool = geometry_spec("numerical", "api", ["-i", "5", "-k", "3", "-m", "max"])
    with pytest.raises(ParameterError, match="whole-number padding"):
        replace(pool, axes=(DirectAxis(5, 3, p=0, p_after=1),) * 2)
    with pytest.raises(ParameterError, match="padding mode"):
        DirectAxis(5, 3, p=1, padding_mode="mirror")
    assert issubclass(ParameterError, ValueError)
