"""``produce_figure --describe`` against PyTorch and an independent numpy reference.

For every catalogue entry and for 200 seeded random parameter sets (built
through the CLI parser, so the flags are exercised), the description's torch
call is run and must give the described output size; numerical figures'
values must equal both torch's result and ``reference_impl``'s.  Torch is
used whenever it is importable (set CONVARITH_REQUIRE_TORCH=1 to make its
absence an error); the numpy reference is always used.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
sys.path.insert(0, str(TESTS))
sys.path.insert(0, str(ROOT))

import reference_impl as ref  # noqa: E402
from convarith.cli import catalogue_spec  # noqa: E402
from convarith.model import catalogue  # noqa: E402
from convarith.cli import geometry_spec  # noqa: E402
from convarith.model.describe import describe  # noqa: E402
from convarith.errors import ParameterError  # noqa: E402
from test_geometry import EXTRA, FIGURES_MD  # noqa: E402

try:
    import torch
    import torch.nn.functional as F
except ImportError:  # pragma: no cover - depends on the environment
    torch = None
    F = None

REQUIRE_TORCH = bool(os.environ.get("CONVARITH_REQUIRE_TORCH"))
PRODUCE_FIGURE = ROOT / "bin" / "produce_figure"
CONV_OPS = ("conv2d", "conv_transpose2d")
MAX_STEPS = 1024
MAX_EXTENT = 100
MAX_NUMERICAL_EXTENT = 32
WORK_LIMITS = {"arithmetic": 2_200_000, "numerical": 320_000}
RANDOM_SETS = 200


def need_torch():
    if torch is None:
        if REQUIRE_TORCH:
            pytest.fail("torch is not importable but CONVARITH_REQUIRE_TORCH is set")
        pytest.skip("torch is not importable")


@pytest.fixture(autouse=True)
def _default_step_limit(monkeypatch):
    monkeypatch.delenv("CONVARITH_MAX_STEPS", raising=False)


# ---------------------------------------------------------------------------
# Helpers


def torch_run(op, x, w, kwargs):
    """torch.nn.functional.<op> on a (1,1,h,w) float64 tensor; returns 2-D numpy."""
    xt = torch.as_tensor(np.asarray(x, dtype=np.float64))[None, None]
    fn = getattr(F, op)
    if op in CONV_OPS:
        wt = torch.as_tensor(np.asarray(w, dtype=np.float64))[None, None]
        out = fn(xt, wt, **kwargs)
    else:
        out = fn(xt, **kwargs)
    assert tuple(out.shape[:2]) == (1, 1)
    return out[0, 0].numpy()


def torch_accepts(op, input_size, kernel_size, kwargs):
    x = np.zeros(input_size)
    w = np.zeros(kernel_size)
    try:
        torch_run(op, x, w, kwargs)
    except RuntimeError:
        return False
    return True


def check_description(d: dict, *, op: str, input_size, kernel_size, output_size, steps=None):
    """Keys, sizes, and the torch call / reference giving the described output size."""
    for key in ("steps", "output_size", "torch"):
        assert key in d, f"--describe lacks {key!r}"
    assert set(d["torch"]) >= {"op", "input_size", "kwargs"}
    assert d["torch"]["op"] == op
    assert list(d["torch"]["input_size"]) == list(input_size)
    assert list(d["output_size"]) == list(output_size)
    assert d["steps"] == output_size[0] * output_size[1]
    kwargs = d["torch"]["kwargs"]
    rng = np.random.default_rng(1)
    x = rng.integers(0, 4, size=tuple(input_size)).astype(np.float64)
    w = rng.integers(0, 3, size=tuple(kernel_size)).astype(np.float64)
    if op not in CONV_OPS:
        assert list(kwargs["kernel_size"]) == list(kernel_size)
    reference = ref.apply(op, x, w, kwargs)
    assert reference.shape == tuple(output_size), "reference_impl disagrees on the size"
    if torch is not None:
        result = torch_run(op, x, w, kwargs)
        assert result.shape == tuple(output_size), \
            f"torch.nn.functional.{op}(**{kwargs}) gives {result.shape}, described {output_size}"
        np.testing.assert_allclose(result, reference, rtol=1e-12, atol=1e-12)


def check_values(d: dict, *, op: str, kernel_size):
    """Numerical figures: seeded values in range, output = torch = reference."""
    x = np.asarray(d["input"], dtype=np.float64)
    assert x.shape == tuple(d["torch"]["input_size"])
    high = 9 if op == "max_pool2d" else 3      # values.INPUTS, as documented
    assert np.all((x >= 0) & (x <= high) & (x == np.round(x))), \
        f"inputs must be integers 0-{high}"
    w = None
    if op in CONV_OPS:
        w = np.asarray(d["kernel"], dtype=np.float64)
        assert w.shape == tuple(kernel_size)
        assert np.all((w >= 0) & (w <= 2) & (w == np.round(w))), "weights must be integers 0-2"
    out = np.asarray(d["output"], dtype=np.float64)
    assert out.shape == tuple(d["output_size"])
    kwargs = d["torch"]["kwargs"]
    np.testing.assert_allclose(out, ref.apply(op, x, w, kwargs), rtol=1e-12, atol=0,
                               err_msg="output differs from reference_impl")
    if torch is not None:
        np.testing.assert_allclose(out, torch_run(op, x, w, kwargs), rtol=1e-12, atol=0,
                                   err_msg="output differs from torch")


# ---------------------------------------------------------------------------
# The catalogue


def expected_for_entry(name):
    """(op, torch input size, kernel size, output size) from FIGURES.md / hand sums."""
    for row in FIGURES_MD:
        if row[0] == name:
            _, kind, i, o, p, k, s, d, mode, transposed, _ = row
            op = {"": "conv2d", "convolution": "conv2d", "average": "avg_pool2d",
                  "max": "max_pool2d"}[mode]
            if transposed:
                return "conv_transpose2d", (o, o), (k, k), (i, i)
            return op, (i, i), (k, k), (o, o)
    kind, mode, transposed, params, output, _ = EXTRA[name]
    op = "conv_transpose2d" if transposed else {"convolution": "conv2d", "average": "avg_pool2d",
                                                "max": "max_pool2d"}[mode]
    return op, params["i"], params["k"], output


SINGLE_CHANNEL = catalogue.CLASSIC + catalogue.EXTENDED   # channels: test_channels.py


@pytest.mark.parametrize("entry", SINGLE_CHANNEL, ids=lambda e: e.name)
def test_catalogue_describe(entry):
    op, input_size, kernel_size, output_size = expected_for_entry(entry.name)
    d = describe(catalogue_spec(entry))
    check_description(d, op=op, input_size=input_size, kernel_size=kernel_size,
                      output_size=output_size)
    if entry.kind == "numerical":
        check_values(d, op=op, kernel_size=kernel_size)
        again = describe(catalogue_spec(entry))
        assert again["input"] == d["input"] and again.get("kernel") == d.get("kernel"), \
            "values must come from a fixed seed"


def test_catalogue_torch_results_directly():
    """The numerical catalogue against torch, spelled out without the helpers."""
    need_torch()
    for entry in SINGLE_CHANNEL:
        if entry.kind != "numerical":
            continue
        d = describe(catalogue_spec(entry))
        call = d["torch"]
        x = torch.tensor(d["input"], dtype=torch.float64).reshape(1, 1, *call["input_size"])
        args = [x]
        if call["op"] in CONV_OPS:
            args.append(torch.tensor(d["kernel"], dtype=torch.float64)[None, None])
        result = getattr(F, call["op"])(*args, **call["kwargs"])
        assert list(result.shape[2:]) == d["output_size"], entry.name
        assert result[0, 0].tolist() == d["output"], entry.name


SUBPROCESS_ENTRIES = ["padding_strides", "padding_strides_odd_transposed", "rectangular",
                      "output_padding_transposed", "numerical_max_pooling",
                      "numerical_transposed"]


def test_produce_figure_describe_subprocess():
    env = {k: v for k, v in os.environ.items() if k != "CONVARITH_MAX_STEPS"}
    procs = {}
    for name in SUBPROCESS_ENTRIES:
        e = catalogue.entry(name)
        argv = [sys.executable, str(PRODUCE_FIGURE), e.kind, name, "0", *e.argv, "--describe"]
        procs[name] = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       text=True, env=env, cwd=str(ROOT))
    for name, proc in procs.items():
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, f"{name}: exit {proc.returncode}: {err}"
        assert err == ""
        d = json.loads(out)
        op, input_size, kernel_size, output_size = expected_for_entry(name)
        check_description(d, op=op, input_size=input_size, kernel_size=kernel_size,
                          output_size=output_size)
        if catalogue.entry(name).kind == "numerical":
            check_values(d, op=op, kernel_size=kernel_size)


def test_produce_figure_describe_refuses_impossible_cleanly():
    # kernel 4 on a 2-cell input: torch refuses this too
    proc = subprocess.run([sys.executable, str(PRODUCE_FIGURE), "numerical", "bad", "0",
                           "-i", "2", "-k", "4", "--describe"],
                          capture_output=True, text=True, timeout=60, cwd=str(ROOT))
    assert proc.returncode != 0
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr and "error" in proc.stderr


# ---------------------------------------------------------------------------
# Random parameter sets


@dataclass
class Case:
    category: str           # direct, transposed, framework, average, max
    kind: str
    mode: str
    params: dict            # name -> (h, w); for "transposed" the direct convolution's
    argv: list = field(default_factory=list)

    def axis(self, n):
        return {key: value[n] for key, value in self.params.items()}

    @property
    def op(self):
        return {"direct": "conv2d", "transposed": "conv_transpose2d",
                "framework": "conv_transpose2d", "average": "avg_pool2d",
                "max": "max_pool2d"}[self.category]

    @property
    def kernel_size(self):
        return self.params["k"]

    # Everything below is computed from the definitions, per axis.

    def direct_output(self, n):
        ax = self.axis(n)
        return ref.count_windows(ax["i"], ax["k"], ax["s"], ax["p"], ax["d"])

    def output_padding(self, n):
        ax = self.axis(n)
        if self.category == "transposed":
            return (ax["i"] + 2 * ax["p"] - ref.k_eff(ax["k"], ax["d"])) % ax["s"]
        return ax.get("a", 0)

    def torch_input(self):
        if self.category == "transposed":
            return tuple(self.direct_output(n) for n in range(2))
        return self.params["i"]

    def output_size(self):
        if self.category == "transposed":
            return self.params["i"]
        if self.category == "framework":
            return tuple(ref.transposed_size_by_scatter(
                **{key: self.axis(n)[key] for key in ("i", "k", "s", "p", "d", "a")})
                for n in range(2))
        return tuple(self.direct_output(n) for n in range(2))

    def drawn_extent(self, n):
        ax = self.axis(n)
        if self.category in ("transposed", "framework"):
            # the stretched input with k_eff - 1 - p zeros on each side (plus a
            # after); a negative count crops the output but is still drawn
            k_eff = ref.k_eff(ax["k"], ax["d"])
            i_t = self.torch_input()[n]
            before = k_eff - 1 - ax["p"]
            after = before + self.output_padding(n)
            return max(before, 0) + (i_t - 1) * ax["s"] + 1 + max(after, 0)
        return ax["i"] + 2 * ax["p"]

    def expected_kwargs(self):
        lists = {key: list(self.params[key]) for key in ("s", "p", "d")}
        kw = {"stride": lists["s"], "padding": lists["p"]}
        if self.category != "average":
            kw["dilation"] = lists["d"]
        if self.op == "conv_transpose2d":
            kw["output_padding"] = [self.output_padding(n) for n in range(2)]
        if self.op.endswith("pool2d"):
            kw["kernel_size"] = list(self.params["k"])
        return kw

    def pytorch_calls(self):
        """The calls PyTorch must accept for this to be a valid figure."""
        calls = []
        if self.category == "transposed":
            calls.append(("conv2d", self.params["i"], dict(
                stride=list(self.params["s"]), padding=list(self.params["p"]),
                dilation=list(self.params["d"]))))
            if min(self.torch_input()) < 1:
                return calls
        calls.append((self.op, self.torch_input(), self.expected_kwargs()))
        return calls

    def reference_accepts(self):
        for op, size, kw in self.pytorch_calls():
            if min(size) < 1:
                return False
            if not ref.accepts(op, size, self.kernel_size, kw["stride"], kw["padding"],
                               kw.get("dilation", 1), kw.get("output_padding", 0)):
                return False
        return True

    def torch_accepts(self):
        return all(min(size) >= 1 and torch_accepts(op, size, self.kernel_size, kw)
                   for op, size, kw in self.pytorch_calls())

    def within_limits(self):
        out = self.output_size()
        if out[0] * out[1] > MAX_STEPS:
            return False
        if any(self.drawn_extent(n) > MAX_EXTENT for n in range(2)):
            return False
        extent = (self.drawn_extent(0), self.drawn_extent(1))
        if self.kind == "numerical" and max(extent) > MAX_NUMERICAL_EXTENT:
            return False
        # The work limit: cells drawn per step (input, output, and the
        # weights of a numerical figure), times the steps.
        per_step = extent[0] * extent[1] + out[0] * out[1]
        if self.kind == "numerical":
            per_step += self.kernel_size[0] * self.kernel_size[1]
        if per_step * out[0] * out[1] > WORK_LIMITS[self.kind]:
            return False
        return True


def _flag(rng, value, default=None):
    h, w = value
    if h == w:
        return None if (default is not None and h == default and rng.random() < 0.5) \
            else (f"{h}" if rng.random() < 0.7 else f"{h},{w}")
    return f"{h},{w}"


def draw_case(rng) -> Case:
    category = rng.choice(["direct", "transposed", "framework", "average", "max"],
                          p=[0.25, 0.2, 0.2, 0.15, 0.2])
    kind = "numerical" if category in ("average", "max") else rng.choice(
        ["arithmetic", "numerical"])
    mode = {"average": "average", "max": "max"}.get(category, "convolution")
    same = rng.random() < 0.3  # square figure: every parameter the same on both axes

    def both(lo, hi):
        h = int(rng.integers(lo, hi + 1))
        w = h if same or rng.random() < 0.4 else int(rng.integers(lo, hi + 1))
        return h, w

    k = both(1, 5)
    s = both(1, 4)
    d = (1, 1) if category == "average" else both(1, 3)
    k_eff = tuple(ref.k_eff(k[n], d[n]) for n in range(2))
    if category == "average":
        p = tuple(int(rng.integers(0, k[n] // 2 + 1)) for n in range(2))
    elif category == "max":
        p = tuple(int(rng.integers(0, k_eff[n] // 2 + 1)) for n in range(2))
    elif category in ("framework", "transposed"):
        # mostly p <= k_eff - 1, sometimes beyond (a cropped output)
        p = tuple(int(rng.integers(0, k_eff[n] + (3 if rng.random() < 0.2 else 0)))
                  for n in range(2))
    else:
        p = both(0, 4)
    if same:
        p = (p[0], p[0])
    params = {"k": k, "s": s, "d": d, "p": p}
    if category == "framework":
        params["i"] = both(1, 6)
        a = tuple(int(rng.integers(0, max(s[n], d[n]) + (1 if rng.random() < 0.1 else 0)))
                  for n in range(2))
        params["a"] = (a[0], a[0]) if same else a
    else:
        params["i"] = both(1, 12)
    case = Case(category=str(category), kind=str(kind), mode=mode, params=params)

    argv = []
    if category == "framework":
        argv += ["--transposed-input", _flag(rng, params["i"])]
        flag = _flag(rng, params["a"], default=0)
        if flag is not None:
            argv += ["--output-padding", flag]
    else:
        argv += ["-i", _flag(rng, params["i"])]
        if category != "framework" and rng.random() < 0.3:
            o = tuple(case.direct_output(n) for n in range(2))
            if min(o) >= 1:
                argv += ["-o", f"{o[0]},{o[1]}"]
    argv += ["-k", _flag(rng, k)]
    for name, value in (("-s", s), ("-p", p), ("-d", d)):
        flag = _flag(rng, value, default=0 if name == "-p" else 1)
        if flag is not None:
            argv += [name, flag]
    if category == "transposed":
        argv.append("--transposed")
    if kind == "numerical" and (mode != "convolution" or rng.random() < 0.5):
        argv += ["-m", mode]
    case.argv = argv
    return case


def check_case(case: Case, spec) -> None:
    d = describe(spec)
    assert d["transposed"] is (case.op == "conv_transpose2d")
    assert list(d["drawn_input_size"]) == [case.drawn_extent(n) for n in range(2)]
    assert d["torch"]["kwargs"] == case.expected_kwargs(), "torch kwargs"
    check_description(d, op=case.op, input_size=case.torch_input(),
                      kernel_size=case.kernel_size, output_size=case.output_size())
    if case.kind == "numerical":
        check_values(d, op=case.op, kernel_size=case.kernel_size)


def test_random_parameter_sets_agree_with_torch_and_reference(capsys):
    rng = np.random.default_rng(0)
    failures, agreed, checked, invalid, beyond, draws = [], 0, 0, 0, 0, 0
    categories = {}
    while checked < RANDOM_SETS:
        draws += 1
        assert draws < 50 * RANDOM_SETS, "too many invalid draws"
        case = draw_case(rng)
        label = f"{case.kind} {' '.join(case.argv)}"
        valid = case.reference_accepts()
        if torch is not None:
            by_torch = case.torch_accepts()
            if by_torch != valid:
                failures.append(f"{label}: reference_impl.accepts says {valid}, "
                                f"torch says {by_torch}")
            valid = by_torch
        try:
            spec = geometry_spec(case.kind, "random", case.argv)
            error = None
        except ParameterError as exc:
            spec, error = None, exc
        if not valid:
            invalid += 1
            if spec is not None:
                failures.append(f"{label}: accepted, but PyTorch refuses these parameters")
            continue
        if not case.within_limits():
            beyond += 1
            if spec is not None:
                failures.append(f"{label}: accepted beyond the limits")
            continue
        checked += 1
        categories[case.category] = categories.get(case.category, 0) + 1
        if spec is None:
            failures.append(f"{label}: refused although PyTorch accepts it: {error}")
            continue
        try:
            check_case(case, spec)
        except Exception as exc:  # noqa: BLE001 - collect every disagreement
            failures.append(f"{label}: {type(exc).__name__}: {str(exc).strip()[:300]}")
            continue
        agreed += 1
    with capsys.disabled():
        print(f"\n{'torch' if torch is not None else 'reference (no torch)'} agreement: "
              f"{checked} parameter sets, {agreed} agreed "
              f"({draws} draws; {invalid} invalid per PyTorch and {beyond} beyond the "
              f"limits; {len(failures)} disagreements in all; "
              f"by category {dict(sorted(categories.items()))})")
    assert all(categories.get(c, 0) >= 10 for c in
               ("direct", "transposed", "framework", "average", "max")), categories
    assert not failures, f"{len(failures)} disagreements:\n" + "\n".join(failures[:25])


# ---------------------------------------------------------------------------
# Limits and hand-picked edge cases


def drawn_whole_or_refused(argv):
    """The spec of an arithmetic figure, which must be too large to draw
    whole: TeX refuses it, the native renderer draws it elided."""
    spec = geometry_spec("arithmetic", "x", argv)
    assert spec.elided
    with pytest.raises(ParameterError) as refused:
        spec.check_whole()
    return str(refused.value)


def test_limits_accept_up_to_and_refuse_beyond():
    assert geometry_spec("arithmetic", "x", ["-i", "32", "-k", "1"]).steps == 1024
    assert not geometry_spec("arithmetic", "x", ["-i", "32", "-k", "1"]).elided
    drawn_whole_or_refused(["-i", "25,41", "-k", "1"])  # 1025 steps
    drawn_whole_or_refused(["-i", "33", "-k", "1"])
    assert geometry_spec("arithmetic", "x", ["-i", "25,41", "-k", "1",
                                             "--max-steps", "2000"]).steps == 1025
    # A raised step limit does not lift the work limit.
    assert "limit of 2,200,000" in drawn_whole_or_refused(["-i", "33", "-k", "1",
                                                           "--max-steps", "2000"])
    assert geometry_spec("arithmetic", "x", ["-i", "98", "-p", "1", "-k", "99",
                                             "-s", "1"]).drawn_size == (100, 100)
    drawn_whole_or_refused(["-i", "99", "-p", "1", "-k", "99"])
    # A numerical figure is always drawn whole: refused.
    with pytest.raises(ParameterError):
        geometry_spec("numerical", "x", ["-i", "33", "-k", "1"])
    # transposed padding above k_eff - 1 crops the output: drawn, as torch computes it
    cropped = geometry_spec("arithmetic", "x", ["--transposed-input", "5", "-k", "3",
                                                "-p", "3"])
    assert cropped.output_size == (4 * 1 - 6 + 2 + 1,) * 2 == (1, 1)
    assert cropped.drawn_size == (5, 5)


@pytest.mark.parametrize("argv, expected", [
    # max pooling, dilation 2: k_eff = 5 but PyTorch wants padding <= k // 2 = 1
    (["-i", "9", "-k", "3", "-d", "2", "-p", "2", "-m", "max"], "refused"),
    # max pooling whose only window reads padding alone: torch gives -inf
    (["-i", "2", "-k", "2", "-d", "3", "-p", "1", "-m", "max"], [[-np.inf]]),
    # output padding smaller than the dilation but not the stride
    (["--transposed-input", "2", "-k", "3", "-d", "3", "-s", "2", "--output-padding", "2"],
     None),
])
def test_edge_cases_against_pytorch_rules(argv, expected):
    if expected == "refused":
        with pytest.raises(ParameterError):
            geometry_spec("numerical", "edge", argv)
        return
    d = describe(geometry_spec("numerical", "edge", argv))
    op = d["torch"]["op"]
    x = np.asarray(d["input"], dtype=np.float64)
    w = np.asarray(d["kernel"], dtype=np.float64) if "kernel" in d else None
    out = np.asarray(d["output"], dtype=np.float64)
    np.testing.assert_array_equal(out, ref.apply(op, x, w, d["torch"]["kwargs"]))
    if expected is not None:
        np.testing.assert_array_equal(out, np.asarray(expected))
    if torch is not None:
        np.testing.assert_array_equal(out, torch_run(op, x, w, d["torch"]["kwargs"]))
