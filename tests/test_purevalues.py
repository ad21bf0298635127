"""convarith.purevalues gives exactly the numbers convarith.values gives (same
ints, same floats, same -inf, same shapes), for the catalogue, for figures
chosen for each feature and for random figures; PyTorch computes the same
outputs from its inputs; and it imports nothing outside the standard library.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, reject, settings
from hypothesis import strategies as st

import numpy_values as values
from convarith.model import values as purevalues
from convarith.model.catalogue import CATALOGUE
from convarith.cli import catalogue_spec, geometry_spec
from convarith.model.describe import torch_call
from convarith.errors import ParameterError
from convarith.model.geometry import DirectAxis, TransposedAxis
from convarith.model.spec import FigureSpec

try:    # the random parameter sets of test_domain, which skips itself without torch
    import test_domain as domain
except pytest.skip.Exception:
    domain = None

PACKAGE = Path(__file__).resolve().parent.parent / "convarith"
FIELDS = ("input", "kernel", "grid", "shown_kernel", "partial", "output")
NUMERICAL = [e for e in CATALOGUE if e.kind == "numerical"]
RANDOM = settings(max_examples=400, deadline=None, database=None, derandomize=True)
needs_domain = pytest.mark.skipif(domain is None, reason="tests/test_domain.py needs torch")
random_parameters = domain.parameter_sets() if domain else st.nothing()


def typed(nested, container):
    """Nested containers as lists, each number with its type (1 and 1.0
    differ), checking that every container is a `container`."""
    if isinstance(nested, (list, tuple)):
        assert type(nested) is container, f"a {type(nested).__name__} inside"
        return [typed(item, container) for item in nested]
    return type(nested), nested


def assert_same_values(spec: FigureSpec) -> purevalues.NumericalValues:
    pure, reference = purevalues.compute(spec), values.compute(spec)
    for name in FIELDS:
        ours, theirs = getattr(pure, name), getattr(reference, name)
        if theirs is None:
            assert ours is None, f"{spec.name}: {name}"
        else:
            assert typed(ours, tuple) == typed(theirs.tolist(), list), f"{spec.name}: {name}"
    return pure


def figure(axes, **options) -> FigureSpec:
    return FigureSpec(name="feature", kind="numerical", axes=axes, **options)


def test_weight_shapes_are_those_of_the_numpy_computation():
    for item in CATALOGUE:
        spec = catalogue_spec(item)
        assert purevalues.weight_shape(spec) == values.weight_shape(spec), item.name


@pytest.mark.parametrize("item", NUMERICAL, ids=[e.name for e in NUMERICAL])
def test_catalogue_figures_match_values(item):
    assert_same_values(catalogue_spec(item))


#: One figure per feature that random draws reach only now and then, each
#: with a check that it has that feature.
FEATURES = {
    "max over padding only (-inf)": (
        figure((DirectAxis(2, 2, p=1, d=3), DirectAxis(5, 3, p=1)), mode="max"),
        lambda pure, spec: float("-inf") in pure.output[0][0]),
    "average, ceil_mode overhang, padding counted": (
        figure((DirectAxis(6, 3, s=2, p=1, ceil_mode=True),) * 2, mode="average",
               in_channels=2, out_channels=2, groups=2),
        lambda pure, spec: spec.layouts[0].overhang > 0),
    "average, ceil_mode overhang, padding not counted": (
        figure((DirectAxis(6, 3, s=2, p=1, ceil_mode=True),) * 2, mode="average",
               count_include_pad=False),
        lambda pure, spec: spec.layouts[0].overhang > 0),
    "max, dilated, ceil_mode overhang": (
        figure((DirectAxis(7, 3, s=3, p=1, d=2, ceil_mode=True), DirectAxis(5, 2)),
               mode="max", in_channels=3, out_channels=3, groups=3),
        lambda pure, spec: spec.layouts[0].overhang > 0),
    **{f"convolution, asymmetric {mode} padding, groups": (
        figure((DirectAxis(5, 3, s=2, p=2, p_after=1, padding_mode=mode),
                DirectAxis(4, 2, d=2, p=0, p_after=1, padding_mode=mode)),
               in_channels=2, out_channels=4, groups=2),
        lambda pure, spec: not spec.axes[0].symmetric)
       for mode in ("zeros", "reflect", "replicate", "circular")},
    "transposed, cropped, output padding, dilation, groups": (
        figure((TransposedAxis(4, 3, s=2, p=3, a=1), TransposedAxis(3, 2, d=2, a=1)),
               in_channels=4, out_channels=2, groups=2),
        lambda pure, spec: spec.layouts[0].cropped and spec.axes[1].a > 0),
}


@pytest.mark.parametrize("feature", FEATURES)
def test_each_feature_matches_values(feature):
    spec, has_feature = FEATURES[feature]
    pure = assert_same_values(spec)
    assert has_feature(pure, spec)


def test_transposed_figures_show_the_kernel_turned_half_a_circle():
    spec = figure((TransposedAxis(3, 3, s=2, p=1), TransposedAxis(3, 2, s=2)))
    pure = purevalues.compute(spec)
    kernel = pure.kernel[0][0]
    assert pure.shown_kernel[0][0] == tuple(row[::-1] for row in kernel[::-1]) != kernel


def random_spec(params) -> FigureSpec:
    """A numerical figure from test_domain's parameters; none where we refuse them."""
    try:
        return geometry_spec("numerical", "random", domain.argv_of(params))
    except ParameterError:
        reject()


@needs_domain
@RANDOM
@given(random_parameters)
def test_random_figures_match_values(params):
    assert_same_values(random_spec(params))


def torch_inputs(spec, pure):
    x = np.asarray(pure.input, dtype=np.float64)
    w = np.asarray(pure.kernel if pure.kernel is not None
                   else np.zeros(purevalues.weight_shape(spec)), dtype=np.float64)
    return x, w


@needs_domain
@settings(RANDOM, max_examples=150)
@given(random_parameters)
def test_random_figures_match_pytorch(params):
    """PyTorch's module or function for these parameters (test_domain's
    torch_truth), on the pure input and kernel, gives the pure output."""
    spec = random_spec(params)
    pure = purevalues.compute(spec)
    truth = domain.torch_truth(params, *torch_inputs(spec, pure))[0]
    assert typed(pure.output, tuple) == typed(truth.tolist(), list), domain.argv_of(params)


@needs_domain
@pytest.mark.parametrize("item", NUMERICAL, ids=[e.name for e in NUMERICAL])
def test_catalogue_figures_match_pytorch(item):
    """The PyTorch call each figure names (F.pad, then the operation) gives its output."""
    spec = catalogue_spec(item)
    pure = purevalues.compute(spec)
    truth = domain.run_described({"torch": torch_call(spec)}, *torch_inputs(spec, pure))
    assert typed(pure.output, tuple) == typed(truth.tolist(), list)


@needs_domain
@pytest.mark.parametrize("feature", FEATURES)
def test_each_feature_matches_pytorch(feature):
    spec = FEATURES[feature][0]
    pure = purevalues.compute(spec)
    truth = domain.run_described({"torch": torch_call(spec)}, *torch_inputs(spec, pure))
    assert typed(pure.output, tuple) == typed(truth.tolist(), list)


# ---------------------------------------------------------------------------
# Standard library only


def imported_modules(path: Path) -> set[str]:
    """Absolute names a module imports; relative imports as paths of files
    in the package ("./spec.py")."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.ImportFrom):
            folder = path.parent
            for _ in range(node.level - 1):
                folder = folder.parent
            targets = [node.module] if node.module else [a.name for a in node.names]
            for target in targets:
                base = folder.joinpath(*target.split("."))
                module = base.with_suffix(".py")
                names.add(str(module if module.exists() else base / "__init__.py"))
    return names


#: What must run in a browser: the numbers, the scene and the SVG renderer.
BROWSER_MODULES = ["model/rng.py", "model/values.py", "model/layer_numbers.py", "scene/figure.py",
                   "render/native.py"]


@pytest.mark.parametrize("module", BROWSER_MODULES)
def test_imports_only_the_standard_library(module):
    """The module and every project module it imports, and theirs in turn,
    import the standard library only (what Python in a browser has)."""
    stdlib = sys.stdlib_module_names
    seen, waiting, outside = set(), [PACKAGE / module], set()
    while waiting:
        path = waiting.pop()
        if path in seen:
            continue
        seen.add(path)
        for name in imported_modules(path):
            if name.endswith(".py"):
                waiting.append(Path(name))
            elif name.split(".")[0] not in stdlib:
                outside.add(f"{path.name}: {name}")
    assert not outside
    assert PACKAGE / module in seen
    if module == "model/rng.py":
        assert seen == {PACKAGE / module}


def test_computes_where_numpy_cannot_be_imported():
    script = textwrap.dedent("""
        import sys

        class Refuse:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("numpy", "torch"):
                    raise ImportError(f"no {name} here")

        sys.meta_path.insert(0, Refuse())
        from convarith.model.geometry import DirectAxis
        from convarith.model.values import compute
        from convarith.model.spec import FigureSpec
        spec = FigureSpec(name="n", kind="numerical", axes=(DirectAxis(5, 3),) * 2)
        print(compute(spec).output)
        """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         cwd=PACKAGE.parent)
    assert run.returncode == 0, run.stderr
    spec = figure((DirectAxis(5, 3),) * 2)
    assert run.stdout.strip() == str(purevalues.compute(spec).output)
