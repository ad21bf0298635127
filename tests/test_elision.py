"""A long axis keeps its borders, its padding and the cells around what is
shown, each at its true index, with a break where cells are left out."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from convarith.scene.elision import BORDER, BREAK, CONTEXT, WHOLE_UP_TO, axis_view


def test_a_short_axis_is_drawn_whole():
    view = axis_view(WHOLE_UP_TO, 1, 1, [3])
    assert view.whole and view.kept == tuple(range(WHOLE_UP_TO)) and not view.breaks
    assert [view.position(i) for i in range(4)] == [0, 1, 2, 3]


def test_the_resnet_stem_axis():
    """224 inputs with 3 padding cells each side; the kernel (7) at the start
    and at the last output."""
    first, last = range(0, 7), range(222, 229)
    view = axis_view(230, 3, 3, [*first, *last])
    assert set(range(0, 3 + BORDER)) <= set(view.kept)            # padding and border
    assert set(range(230 - 3 - BORDER, 230)) <= set(view.kept)
    assert set(first) | set(last) <= set(view.kept)
    assert len(view.breaks) == 1 and view.length < 30
    assert view.position(229) - view.position(0) == pytest.approx(len(view.kept) - 1 + BREAK)


@given(extent=st.integers(1, 400), pad=st.integers(0, 5),
       shown=st.lists(st.integers(0, 399), max_size=12))
def test_kept_cells_are_in_order_with_a_break_wherever_cells_are_missing(extent, pad, shown):
    pad = min(pad, extent // 2)
    shown = [s for s in shown if s < extent]
    view = axis_view(extent, pad, pad, shown)
    assert list(view.kept) == sorted(set(view.kept))
    for cell in shown:
        for near in range(max(0, cell - CONTEXT), min(extent, cell + CONTEXT + 1)):
            assert view.shows(near)
    gaps = 0
    for a, b in zip(view.kept, view.kept[1:]):
        step = view.position(b) - view.position(a)
        assert step == pytest.approx(1 if b == a + 1 else 1 + BREAK)
        gaps += b != a + 1
    assert gaps == len(view.breaks)
    assert view.kept[0] == 0 and view.kept[-1] == extent - 1


def test_runs_never_cross_a_break():
    view = axis_view(100, 0, 0, [50])
    runs = view.runs(range(100))
    assert [first for _, first, _ in runs] == [0, 50 - CONTEXT, 100 - BORDER]
    assert sum(length for *_, length in runs) == len(view.kept)
