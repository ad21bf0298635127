"""Pure geometry: the catalogue against FIGURES.md, and properties of the
per-axis arithmetic and layouts over random parameters.

The expected numbers are typed in from FIGURES.md (the spec) or computed by
hand / by brute force in ``reference_impl``; nothing here compares
``convarith`` with itself.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import reference_impl as ref  # noqa: E402
from convarith.cli import catalogue_spec  # noqa: E402
from convarith.model import catalogue  # noqa: E402
from convarith.errors import ParameterError  # noqa: E402
from convarith.model.geometry import (  # noqa: E402
    DirectAxis,
    TransposedAxis,
    conv_output_size,
    transposed_output_size,
)

PROPERTY = settings(max_examples=150, deadline=None, database=None, derandomize=True)

# ---------------------------------------------------------------------------
# The catalogue table of FIGURES.md, typed in.  Frames: o*o direct, i*i transposed.

# name, type, i, o, p, k, s, d, mode, transposed, frames
FIGURES_MD = [
    ("no_padding_no_strides", "arithmetic", 4, 2, 0, 3, 1, 1, "", False, 4),
    ("no_padding_no_strides_transposed", "arithmetic", 4, 2, 0, 3, 1, 1, "", True, 16),
    ("arbitrary_padding_no_strides", "arithmetic", 5, 6, 2, 4, 1, 1, "", False, 36),
    ("arbitrary_padding_no_strides_transposed", "arithmetic", 5, 6, 2, 4, 1, 1, "", True, 25),
    ("same_padding_no_strides", "arithmetic", 5, 5, 1, 3, 1, 1, "", False, 25),
    ("same_padding_no_strides_transposed", "arithmetic", 5, 5, 1, 3, 1, 1, "", True, 25),
    ("full_padding_no_strides", "arithmetic", 5, 7, 2, 3, 1, 1, "", False, 49),
    ("full_padding_no_strides_transposed", "arithmetic", 5, 7, 2, 3, 1, 1, "", True, 25),
    ("no_padding_strides", "arithmetic", 5, 2, 0, 3, 2, 1, "", False, 4),
    ("no_padding_strides_transposed", "arithmetic", 5, 2, 0, 3, 2, 1, "", True, 25),
    ("padding_strides", "arithmetic", 5, 3, 1, 3, 2, 1, "", False, 9),
    ("padding_strides_transposed", "arithmetic", 5, 3, 1, 3, 2, 1, "", True, 25),
    ("padding_strides_odd", "arithmetic", 6, 3, 1, 3, 2, 1, "", False, 9),
    ("padding_strides_odd_transposed", "arithmetic", 6, 3, 1, 3, 2, 1, "", True, 36),
    ("dilation", "arithmetic", 7, 3, 0, 3, 1, 2, "", False, 9),
    ("numerical_no_padding_no_strides", "numerical", 5, 3, 0, 3, 1, 1, "convolution", False, 9),
    ("numerical_padding_strides", "numerical", 5, 3, 1, 3, 2, 1, "convolution", False, 9),
    ("numerical_average_pooling", "numerical", 5, 3, 0, 3, 1, 1, "average", False, 9),
    ("numerical_max_pooling", "numerical", 5, 3, 0, 3, 1, 1, "max", False, 9),
]

# The extra entries, worked out by hand from their flags.
# name: (kind, mode, transposed, per-axis (height, width) dicts, output, drawn extent)
#   direct:      o = floor((i + 2p - k_eff)/s) + 1, drawn = i + 2p
#   transposed:  o = (i-1)s - 2p + d(k-1) + a + 1,
#                drawn = (k_eff-1-p) + (i-1)s + 1 + (k_eff-1-p+a)
EXTRA = {
    # -i 5,7 -k 3 -s 1,2 -p 0,1: h (5-3)/1+1 = 3 on 5 cells; w (7+2-3)//2+1 = 4 on 9
    "rectangular": ("arithmetic", "convolution", False,
                    dict(i=(5, 7), k=(3, 3), s=(1, 2), p=(0, 1), d=(1, 1)), (3, 4), (5, 9)),
    # -i 7 -k 3 -d 2 --transposed: direct o = 3; transposed 3 -> 7, a = 0, drawn 7+5-1
    "dilation_transposed": ("arithmetic", "convolution", True,
                            dict(i=(3, 3), k=(3, 3), s=(1, 1), p=(0, 0), d=(2, 2), a=(0, 0)),
                            (7, 7), (11, 11)),
    # --transposed-input 2 -k 3 -s 2 --output-padding 1: 1*2 + 2 + 1 + 1 = 6; 2+3+3 = 8
    "output_padding_transposed": ("arithmetic", "convolution", True,
                                  dict(i=(2, 2), k=(3, 3), s=(2, 2), p=(0, 0), d=(1, 1),
                                       a=(1, 1)), (6, 6), (8, 8)),
    # --transposed-input 3 -k 2 -s 2: 2*2 + 1 + 1 = 6; 1+5+1 = 7
    "upsampling_transposed": ("arithmetic", "convolution", True,
                              dict(i=(3, 3), k=(2, 2), s=(2, 2), p=(0, 0), d=(1, 1), a=(0, 0)),
                              (6, 6), (7, 7)),
    # --transposed-input 3 -k 3 -s 2 -p 1: 2*2 - 2 + 2 + 1 = 5; 1+5+1 = 7
    "numerical_transposed": ("numerical", "convolution", True,
                             dict(i=(3, 3), k=(3, 3), s=(2, 2), p=(1, 1), d=(1, 1), a=(0, 0)),
                             (5, 5), (7, 7)),
    # -i 7 -k 3 -d 2: k_eff 5, o = 3 on 7 cells
    "numerical_dilation": ("numerical", "convolution", False,
                           dict(i=(7, 7), k=(3, 3), s=(1, 1), p=(0, 0), d=(2, 2)), (3, 3), (7, 7)),
    # --transposed-input 4 -k 3 -s 2 -p 3: 3*2 - 6 + 2 + 1 = 3; stretched 3*2+1 = 7
    # with k_eff - 1 - p = -1 zeros: nothing added, one cell cropped on each side
    "cropped_transposed": ("arithmetic", "convolution", True,
                           dict(i=(4, 4), k=(3, 3), s=(2, 2), p=(3, 3), d=(1, 1), a=(0, 0)),
                           (3, 3), (7, 7)),
    # -i 6 -k 3 -s 2 --ceil-mode: ceil((6-3)/2) + 1 = 3 (the last window starts at
    # 4 < 6, inside the input); floor mode would give 2
    "numerical_max_pooling_ceil": ("numerical", "max", False,
                                   dict(i=(6, 6), k=(3, 3), s=(2, 2), p=(0, 0), d=(1, 1),
                                        ceil_mode=(True, True)), (3, 3), (6, 6)),
    # -i 5 -k 3 -s 2 -p 2 reflect: (5 + 4 - 3)//2 + 1 = 4 on 9 cells
    "numerical_reflect_padding": ("numerical", "convolution", False,
                                  dict(i=(5, 5), k=(3, 3), s=(2, 2), p=(2, 2), d=(1, 1),
                                       padding_mode=("reflect", "reflect")), (4, 4), (9, 9)),
    # -i 1,16 -k 1,2 -d 2 -p causal: d(k-1) = 0 above, 2 on the left, none after;
    # width (16 + 2 - 3) + 1 = 16 on 18 cells
    "causal_dilated": ("arithmetic", "convolution", False,
                       dict(i=(1, 16), k=(1, 2), s=(1, 1), p=(0, 2), pad_after=(0, 0),
                            d=(2, 2)), (1, 16), (1, 18)),
}


def test_figures_md_table_is_self_consistent():
    assert len(FIGURES_MD) == 19
    assert sum(row[-1] for row in FIGURES_MD) == 358
    for name, _, i, o, p, k, s, d, _, transposed, frames in FIGURES_MD:
        assert frames == (i * i if transposed else o * o), name
        assert o == ref.count_windows(i, k, s, p, d), name


def test_every_catalogue_entry_is_specified():
    names = [e.name for e in catalogue.CATALOGUE]
    assert len(names) == len(set(names)), "duplicate names in the catalogue"
    classic = [e.name for e in catalogue.CATALOGUE if e.classic]
    assert classic == [row[0] for row in FIGURES_MD], \
        "the classic entries must be FIGURES.md's 19, in its order"
    # The channel entries' expected numbers are in test_channels.py.
    channels = {e.name for e in catalogue.CHANNELS}
    unknown = set(names) - {row[0] for row in FIGURES_MD} - set(EXTRA) - channels
    assert not unknown, f"catalogue entries without expected numbers here: {unknown}"
    assert set(EXTRA) <= set(names)


def test_classic_catalogue_totals_358_frames():
    assert sum(catalogue_spec(catalogue.entry(row[0])).steps for row in FIGURES_MD) == 358


@pytest.mark.parametrize("row", FIGURES_MD, ids=[row[0] for row in FIGURES_MD])
def test_classic_entry_matches_figures_md(row):
    name, kind, i, o, p, k, s, d, mode, transposed, frames = row
    spec = catalogue_spec(catalogue.entry(name))
    assert spec.kind == kind
    assert spec.mode == (mode or "convolution")
    assert spec.transposed is transposed
    assert spec.steps == frames
    assert spec.step_digits == 2
    for ax in spec.axes:
        assert (ax.k, ax.s, ax.p, ax.d) == (k, s, p, d)
        if transposed:
            # the transposed convolution maps o back to i, with a = (i+2p-k_eff) mod s
            assert isinstance(ax, TransposedAxis)
            assert ax.i == o and ax.o == i
            assert ax.a == (i + 2 * p - ref.k_eff(k, d)) % s
        else:
            assert isinstance(ax, DirectAxis)
            assert ax.i == i and ax.o == o
    assert spec.output_size == ((i, i) if transposed else (o, o))
    extent = i + ref.k_eff(k, d) - 1 if transposed else i + 2 * p
    assert spec.drawn_size == (extent, extent)


@pytest.mark.parametrize("name", sorted(EXTRA))
def test_extra_entry_matches_hand_computation(name):
    kind, mode, transposed, params, output, drawn = EXTRA[name]
    spec = catalogue_spec(catalogue.entry(name))
    assert spec.kind == kind
    assert spec.mode == mode
    assert spec.transposed is transposed
    for n, ax in enumerate(spec.axes):
        assert isinstance(ax, TransposedAxis if transposed else DirectAxis)
        for attr, values in params.items():
            assert getattr(ax, attr) == values[n], (name, attr, n)
    assert spec.output_size == output
    assert spec.drawn_size == drawn
    assert spec.steps == output[0] * output[1]


# ---------------------------------------------------------------------------
# Strategies


@st.composite
def direct_axes(draw, max_k=6, max_s=5, max_p=5, max_d=4, max_i=20):
    k = draw(st.integers(1, max_k))
    d = draw(st.integers(1, max_d))
    s = draw(st.integers(1, max_s))
    p = draw(st.integers(0, max_p))
    lowest = max(1, ref.k_eff(k, d) - 2 * p)
    i = draw(st.integers(lowest, lowest + max_i))
    return DirectAxis(i=i, k=k, s=s, p=p, d=d)


@st.composite
def framework_transposed_axes(draw):
    k = draw(st.integers(1, 6))
    d = draw(st.integers(1, 4))
    s = draw(st.integers(1, 5))
    p = draw(st.integers(0, ref.k_eff(k, d) - 1))
    a = draw(st.integers(0, max(s, d) - 1))
    i = draw(st.integers(1, 12))
    if (i - 1) * s - 2 * p + d * (k - 1) + a + 1 < 1:
        i = i + 2 * p  # enough input to have an output
    return TransposedAxis(i=i, k=k, s=s, p=p, d=d, a=a)


def covered_cells(layout, whole_block: bool):
    cells = set()
    for index in range(layout.output):
        start = layout.footprint_start(index)
        if whole_block:
            cells.update(range(start, start + layout.kernel_extent))
        else:
            cells.update(layout.footprint_cells(index))
    return cells


def kernel_positions(extent: int, span: int, stride: int) -> int:
    return len(range(0, extent - span + 1, stride)) if extent >= span else 0


# ---------------------------------------------------------------------------
# Properties


@PROPERTY
@given(st.integers(1, 30), st.integers(1, 7), st.integers(1, 6), st.integers(0, 6),
       st.integers(1, 4))
def test_conv_output_size_counts_window_positions(i, k, s, p, d):
    positions = ref.count_windows(i, k, s, p, d)
    if positions == 0:
        with pytest.raises(ParameterError):
            DirectAxis(i=i, k=k, s=s, p=p, d=d)
        return
    assert conv_output_size(i, k, s, p, d) == positions
    assert DirectAxis(i=i, k=k, s=s, p=p, d=d).o == positions


@PROPERTY
@given(direct_axes())
def test_direct_layout_footprints(ax):
    layout = ax.layout()
    k_eff = ref.k_eff(ax.k, ax.d)
    assert layout.extent == ax.i + 2 * ax.p
    assert layout.units == tuple(range(ax.p, ax.p + ax.i))
    assert layout.output == ref.count_windows(ax.i, ax.k, ax.s, ax.p, ax.d)
    for index in range(layout.output):
        start = layout.footprint_start(index)
        assert start == ax.s * index
        cells = layout.footprint_cells(index)
        assert cells == tuple(start + m * ax.d for m in range(ax.k))
        assert 0 <= start and start + k_eff <= layout.extent
        assert all(0 <= c < layout.extent for c in cells)
    covered = covered_cells(layout, whole_block=True)
    never = [c for c in range(layout.extent) if c not in covered]
    leftover = (ax.i + 2 * ax.p - k_eff) % ax.s
    # the never-covered cells at the bottom/right are exactly the last
    # `leftover` ones; inside, there are gaps only when the stride skips cells
    assert layout.extent - (max(covered) + 1) == leftover
    inner = [c for c in never if c < layout.extent - leftover]
    if ax.s <= k_eff:
        assert inner == []
    else:
        assert len(inner) == (layout.output - 1) * (ax.s - k_eff)
    assert ax.a == leftover


@PROPERTY
@given(direct_axes())
def test_transposed_of_direct_layout(ax):
    k_eff = ref.k_eff(ax.k, ax.d)
    t = ax.transposed()
    assert t.o == ax.i
    assert t.i == ax.o
    layout = t.layout()
    if ax.p > k_eff - 1:
        # cropped: the stretched input is drawn whole, p - (k_eff - 1) cells of it
        # (plus a fewer at the end) are marked cropped, and the windows cover
        # exactly what is left
        crop = ax.p - (k_eff - 1)
        extra = (ax.i + 2 * ax.p - k_eff) % ax.s
        assert layout.units[0] == 0
        assert layout.extent == (ax.o - 1) * ax.s + 1 + max(extra - crop, 0)
        assert layout.cropped == tuple(range(crop)) + tuple(
            range(layout.extent - max(crop - extra, 0), layout.extent))
        covered = {c for j in range(layout.output)
                   for c in range(layout.footprint_start(j), layout.footprint_start(j) + k_eff)}
        assert covered == set(range(layout.extent)) - set(layout.cropped)
        return
    assert layout.extent == ax.i + k_eff - 1
    assert layout.stride == 1
    assert (layout.kernel, layout.dilation) == (ax.k, ax.d)
    assert len(layout.units) == ax.o
    assert layout.units[0] == k_eff - 1 - ax.p
    assert all(b - a == ax.s for a, b in zip(layout.units, layout.units[1:]))
    # the bottom/right padding is k_eff - 1 - p plus a = (i + 2p - k_eff) mod s
    extra = (ax.i + 2 * ax.p - k_eff) % ax.s
    assert layout.extent - 1 - layout.units[-1] == k_eff - 1 - ax.p + extra
    assert kernel_positions(layout.extent, k_eff, 1) == ax.i == layout.output
    for index in range(layout.output):
        assert all(0 <= c < layout.extent for c in layout.footprint_cells(index))


@PROPERTY
@given(framework_transposed_axes())
def test_framework_transposed_layout_matches_scatter(t):
    size = ref.transposed_size_by_scatter(t.i, t.k, t.s, t.p, t.d, t.a)
    assert t.o == size
    assert transposed_output_size(t.i, t.k, t.s, t.p, t.d, t.a) == size
    layout = t.layout()
    k_eff = ref.k_eff(t.k, t.d)
    assert kernel_positions(layout.extent, k_eff, 1) == size == layout.output
    assert layout.extent == 2 * (k_eff - 1 - t.p) + (t.i - 1) * t.s + 1 + t.a
    assert all(b - a == t.s for a, b in zip(layout.units, layout.units[1:]))
    # Connectivity: the drawn direct convolution reads, for output cell o, the
    # units j with j*s - p + m*d == o for some tap m (the scatter's rule).
    for o in range(size):
        cells = layout.footprint_cells(o)
        assert all(0 <= c < layout.extent for c in cells)
        drawn = {layout.units.index(c) for c in cells if c in layout.units}
        scatter = {j for j in range(t.i) for m in range(t.k) if j * t.s - t.p + m * t.d == o}
        assert drawn == scatter, o


@PROPERTY
@given(direct_axes())
def test_transposed_output_is_direct_input(ax):
    if ax.p > ref.k_eff(ax.k, ax.d) - 1:
        return
    t = ax.transposed()
    assert t.o == ax.i
    assert ref.transposed_size_by_scatter(t.i, t.k, t.s, t.p, t.d, t.a) == ax.i


@PROPERTY
@given(framework_transposed_axes())
def test_transposed_output_padding_and_padding_limits(t):
    with pytest.raises(ParameterError):
        TransposedAxis(i=t.i, k=t.k, s=t.s, p=t.p, d=t.d, a=max(t.s, t.d))
    # padding beyond k_eff - 1 crops the output, as PyTorch does; no output at all is refused
    wide = t.i + 2 * ref.k_eff(t.k, t.d)
    cropped = TransposedAxis(i=wide, k=t.k, s=t.s, p=ref.k_eff(t.k, t.d), d=t.d, a=t.a)
    assert cropped.o == ref.transposed_size_by_scatter(wide, t.k, t.s, cropped.p, t.d, t.a)
    assert cropped.layout().offset == 1
    huge = (t.i - 1) * t.s + t.d * (t.k - 1) + t.a + 1
    with pytest.raises(ParameterError):
        TransposedAxis(i=t.i, k=t.k, s=t.s, p=huge, d=t.d, a=t.a)


@PROPERTY
@given(st.integers(1, 6), st.integers(1, 6), st.integers(1, 4), st.integers(1, 4),
       st.booleans())
def test_step_maps_to_output_cell_row_by_row(ih, iw, kh, kw, transposed):
    from convarith.cli import geometry_spec
    argv = ["-i", f"{ih + kh - 1},{iw + kw - 1}", "-k", f"{kh},{kw}"]
    if transposed:
        argv.append("--transposed")
    spec = geometry_spec("arithmetic", "steps", argv)
    oh, ow = (ih + kh - 1, iw + kw - 1) if transposed else (ih, iw)
    assert spec.output_size == (oh, ow)
    cells = [(r, c) for r in range(oh) for c in range(ow)]
    assert spec.steps == len(cells)
    for n, cell in enumerate(cells):
        assert spec.step_cell(n) == cell
    for bad in (-1, len(cells)):
        with pytest.raises(ParameterError):
            spec.step_cell(bad)


def test_step_names_zero_padded(monkeypatch):
    monkeypatch.delenv("CONVARITH_MAX_STEPS", raising=False)
    from convarith.cli import geometry_spec
    small = geometry_spec("arithmetic", "small", ["-i", "5", "-k", "3"])
    assert small.step_name(0) == "small_00" and small.step_name(8) == "small_08"
    big = geometry_spec("arithmetic", "big", ["-i", "12", "-k", "1"])  # 144 steps
    assert big.step_name(0) == "big_000" and big.step_name(143) == "big_143"


def test_wrong_output_size_is_refused():
    from convarith.cli import geometry_spec
    with pytest.raises(ParameterError):
        geometry_spec("arithmetic", "x", ["-i", "5", "-o", "4", "-k", "3"])
    assert geometry_spec("arithmetic", "x", ["-i", "5", "-o", "3", "-k", "3"]).steps == 9


NUMPY_MODES = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}


@PROPERTY
@given(st.integers(1, 9), st.integers(1, 4), st.integers(1, 3), st.integers(1, 3),
       st.integers(0, 9), st.integers(0, 9), st.sampled_from(sorted(NUMPY_MODES)))
def test_padded_cells_show_what_numpy_pad_puts_there(i, k, s, d, before, after, mode):
    """Asymmetric padding in every mode: each drawn cell's source is the input
    index numpy.pad copies there, units sit between the two paddings."""
    import numpy as np
    # PyTorch: reflect below the input size, circular up to it, replicate any
    limit = {"reflect": i - 1, "circular": i, "replicate": before + after}[mode]
    if max(before, after) > limit or i + before + after < ref.k_eff(k, d):
        with pytest.raises(ParameterError):
            DirectAxis(i, k, s, before, d, p_after=after, padding_mode=mode)
        return
    layout = DirectAxis(i, k, s, before, d, p_after=after, padding_mode=mode).layout()
    expected = np.pad(np.arange(i), (before, after), mode=NUMPY_MODES[mode])
    assert list(layout.sources) == expected.tolist()
    assert layout.padding_before == tuple(range(before))
    assert layout.units == tuple(range(before, before + i))
    assert layout.padding_after == tuple(range(before + i, before + i + after))
    zeros = DirectAxis(i, k, s, before, d, p_after=after).layout()
    assert [c for c, source in enumerate(zeros.sources) if source is None] \
        == list(zeros.padding)


@PROPERTY
@given(st.integers(1, 12), st.integers(1, 5), st.integers(1, 4), st.integers(1, 3),
       st.integers(0, 2))
def test_ceil_mode_windows_start_inside_and_count_as_pytorch_documents(i, k, s, d, p):
    if p > k // 2:
        return
    try:
        ax = DirectAxis(i, k, s, p, d, ceil_mode=True)
    except ParameterError:
        assert ref.pooling_windows(i, k, s, p, d, ceil_mode=True) < 1
        return
    layout = ax.layout()
    assert layout.output == ref.pooling_windows(i, k, s, p, d, ceil_mode=True)
    assert layout.output >= ref.count_windows(i, k, s, p, d)
    # every window starts inside the input or its left padding...
    assert all(layout.footprint_start(j) < i + p for j in range(layout.output))
    # ...and the overhang is how far the last one reaches past the padded input
    last = layout.footprint_start(layout.output - 1) + ref.k_eff(k, d)
    assert layout.overhang == max(0, last - (i + 2 * p))
