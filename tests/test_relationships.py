"""The report's boxed relationships and worked examples, checked against the code.

Three links are tested here:

* every ``relationship`` box of the report (``conv_arithmetic.tex`` and the
  chapter files it inputs) has a registered
  check, its equations are read from the box as typeset, translated from TeX
  to Python and evaluated against ``convarith.geometry``;
* ``convarith.geometry`` itself is compared with brute force: counting the
  positions of a sliding window, scattering a kernel the way a transposed
  convolution does, building the matrix C of a convolution entry by entry,
  and propagating the set of input cells a unit depends on;
* the numbers of each worked example in the text are kept here with the
  equation as typeset; the equation must be in the report, its arithmetic
  must hold, and geometry must compute the same result.
"""

from __future__ import annotations

import functools
import itertools
import math
import random
import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Callable

import numpy as np
import pytest

from convarith.cli import catalogue_spec
from convarith.model import layer_arithmetic
from convarith.model.catalogue import entry as catalogue_entry
from convarith.errors import ParameterError
from convarith.model.geometry import (
    DirectAxis,
    TransposedAxis,
    conv_output_size,
    effective_kernel_size,
    receptive_field,
    same_padding,
    transposed_output_size,
)

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "conv_arithmetic.tex"


# ---------------------------------------------------------------------------
# Reading the report


def normalise(text: str) -> str:
    """Collapse whitespace, so that line breaks in the source do not matter."""
    return " ".join(text.split())


def without_comments(text: str) -> str:
    return re.sub(r"(?<!\\)%.*", "", text)


def expand_inputs(path: Path) -> str:
    """The text of a TeX file with every ``\\input{...}`` replaced, recursively,
    by the file it names (relative to the report's directory)."""
    text = without_comments(path.read_text(encoding="utf-8"))

    def included(match: re.Match) -> str:
        name = match.group(1)
        target = ROOT / (name if name.endswith(".tex") else name + ".tex")
        assert target.exists(), f"{path.name} inputs {name}, which does not exist"
        return expand_inputs(target)

    return re.sub(r"\\input\{([^}]*)\}", included, text)


@functools.lru_cache(maxsize=None)
def report_source() -> str:
    """The whole report (chapter files included) without comments, whitespace collapsed."""
    return normalise(expand_inputs(REPORT))


def test_report_source_includes_every_chapter_file():
    chapters = sorted((ROOT / "chapters").glob("*.tex"))
    assert chapters, "the report has no chapter files"
    source = report_source()
    assert "\\input" not in source
    for chapter in chapters:
        sections = re.findall(r"\\section\{[^}]*\}", without_comments(chapter.read_text()))
        assert sections, f"{chapter.name} has no section"
        for section in sections:
            assert section in source, f"{chapter.name} is not part of the report"


def relationship_boxes() -> list[tuple[str, str]]:
    """(label, body) of every relationship box, in document order."""
    boxes = []
    pattern = r"\\begin\{relationship\}(.*?)\\end\{relationship\}"
    for match in re.finditer(pattern, report_source()):
        body = match.group(1)
        labels = re.findall(r"\\label\{([^}]*)\}", body)
        assert len(labels) == 1, f"a relationship box needs exactly one label: {body[:80]}"
        boxes.append((labels[0], body))
    return boxes


def typeset(equation: str, text: str) -> bool:
    """Whether `equation` appears in `text` as a whole formula: opened by
    ``$`` or ``\\[`` and closed by punctuation, ``$`` or ``\\]``."""
    pattern = (r"(?:\$|\\\[)\s*" + re.escape(normalise(equation))
               + r"\s*(?:[.,;$]|\\\])")
    return re.search(pattern, text) is not None


# ---------------------------------------------------------------------------
# A small TeX-to-Python translator for the formulas of the report

_IGNORED = ("\\left", "\\right", "\\bigl", "\\bigr", "\\Bigl", "\\Bigr",
            "\\,", "\\;", "\\!", "\\ ")
_OPENING = {"\\lfloor": "floor(", "\\lceil": "ceil("}
_CLOSING = {"\\rfloor": ")", "\\rceil": ")"}
_OPERATORS = {"\\cdot": "*", "\\times": "*", "\\bmod": "%"}
_FUNCTIONS = {"\\max": "max"}
# Greek letters the report uses as names of quantities (not operators)
_GREEK = ("\\alpha", "\\beta", "\\gamma", "\\mu", "\\tau")


def _brace_group(text: str, start: int) -> tuple[str, int]:
    """Content of the brace group opening at text[start], and the index after it."""
    if start >= len(text) or text[start] != "{":
        raise ValueError(f"expected '{{' at {start} in {text!r}")
    depth = 0
    for n in range(start, len(text)):
        if text[n] == "{":
            depth += 1
        elif text[n] == "}":
            depth -= 1
            if depth == 0:
                return text[start + 1:n], n + 1
    raise ValueError(f"unbalanced braces in {text!r}")


def _identifier_end(tex: str, n: int) -> int:
    """Index after the primes and subscript that may follow a name's letter."""
    while n < len(tex) and tex[n] == "'":
        n += 1
    if n < len(tex) and tex[n] == "_":
        if n + 1 < len(tex) and tex[n + 1] == "{":
            _, n = _brace_group(tex, n + 1)
        else:
            n += 2
    while n < len(tex) and tex[n] == "'":
        n += 1
    return n


def tex_to_python(tex: str, name: Callable[[str], str]) -> str:
    """Translate a TeX expression into Python source.

    Identifiers (a letter or a Greek letter with optional primes and
    subscript, such as ``i'``, ``p_h``, ``k_{\\mathrm{eff},l}`` or
    ``\\mu_{l-1}``) become ``name(raw_tex)``; numbers become exact fractions;
    juxtaposition is multiplication.
    """
    tokens: list[tuple[str, str]] = []
    n = 0
    while n < len(tex):
        if tex[n].isspace():
            n += 1
            continue
        greek = re.match(r"\\[A-Za-z]+", tex[n:])
        if greek and greek.group(0) in _GREEK:
            start = n
            n = _identifier_end(tex, n + len(greek.group(0)))
            tokens.append(("atom", name(tex[start:n])))
            continue
        if tex.startswith("\\frac", n):
            numerator, n = _brace_group(tex, n + len("\\frac"))
            denominator, n = _brace_group(tex, n)
            tokens.append(("atom", f"(({tex_to_python(numerator, name)})"
                                   f"/({tex_to_python(denominator, name)}))"))
            continue
        command = re.match(r"\\[A-Za-z]+|\\.", tex[n:])
        if command:
            cmd = command.group(0)
            n += len(cmd)
            if cmd in _IGNORED:
                continue
            if cmd in _OPENING:
                tokens.append(("open", _OPENING[cmd]))
            elif cmd in _CLOSING:
                tokens.append(("close", _CLOSING[cmd]))
            elif cmd in _OPERATORS:
                tokens.append(("op", _OPERATORS[cmd]))
            elif cmd in _FUNCTIONS:
                tokens.append(("function", _FUNCTIONS[cmd]))
            else:
                raise ValueError(f"unknown command {cmd} in {tex!r}")
            continue
        char = tex[n]
        if char.isdigit():
            number = re.match(r"\d+", tex[n:]).group(0)
            tokens.append(("atom", f"F({number})"))
            n += len(number)
        elif char.isalpha():
            start = n
            n = _identifier_end(tex, n + 1)
            tokens.append(("atom", name(tex[start:n])))
        elif char in "+-*/,":
            tokens.append(("op", char))
            n += 1
        elif char == "^":
            tokens.append(("op", "**"))
            n += 1
        elif char == "(":
            tokens.append(("open", "("))
            n += 1
        elif char == ")":
            tokens.append(("close", ")"))
            n += 1
        else:
            raise ValueError(f"cannot read {char!r} in {tex!r}")
    source = []
    previous = None
    for kind, text in tokens:
        if previous in ("atom", "close") and kind in ("atom", "open", "function"):
            source.append("*")
        source.append(text)
        previous = kind
    return " ".join(source)


def evaluate(tex: str, values: dict[str, int] | None = None):
    """Value of a TeX expression, with identifiers looked up in `values`
    by their TeX spelling (``"i'"``, ``"k_{\\mathrm{eff}}"``)."""
    values = values or {}
    python_names: dict[str, str] = {}

    def name(raw: str) -> str:
        if raw not in values:
            raise KeyError(f"no value given for {raw!r} in {tex!r}")
        return python_names.setdefault(raw, f"v{len(python_names)}")

    source = tex_to_python(tex, name)
    scope = {python: Fraction(values[raw]) for raw, python in python_names.items()}
    scope.update(F=Fraction, floor=math.floor, ceil=math.ceil, max=max)
    result = eval(source, {"__builtins__": {}}, scope)  # noqa: S307 -- our own report's formulas
    if isinstance(result, Fraction) and result.denominator == 1:
        return int(result)
    return result


def test_translator_reads_the_notation_of_the_report():
    assert evaluate(r"\left\lfloor \frac{i + 2p - k}{s} \right\rfloor + 1",
                    {"i": 6, "p": 1, "k": 3, "s": 2}) == 3
    assert evaluate(r"s(i' - 1) + a + k - 2p",
                    {"s": 2, "i'": 3, "a": 1, "k": 3, "p": 1}) == 6
    assert evaluate(r"(k - 1)(d - 1)", {"k": 3, "d": 4}) == 6
    assert evaluate(r"\max\bigl((\lceil 7/2 \rceil - 1)\cdot 2 + 4 - 7,\ 0\bigr)") == 3
    assert evaluate(r"(i + 2p - k) \bmod s", {"i": 6, "p": 1, "k": 3, "s": 2}) == 1
    assert evaluate(r"n_{\mathrm{in}} / f^2", {"n_{\\mathrm{in}}": 48, "f": 4}) == 3
    assert evaluate(r"\gamma f^2 + \alpha f + \beta",
                    {"\\gamma": 2, "f": 3, "\\alpha": 1, "\\beta": 2}) == 23
    assert evaluate(r"\mu_{l-1} + \left(\frac{k_{\mathrm{eff},l} - 1}{2} - p_l\right) J_{l-1}",
                    {"\\mu_{l-1}": 1, "k_{\\mathrm{eff},l}": 4, "p_l": 1, "J_{l-1}": 2}) == 2
    assert evaluate(r"\left\lceil \frac{(j + 1) i}{o} \right\rceil", {"j": 0, "i": 10, "o": 4}) == 3
    assert evaluate(r"R_{l-1} + (k_{\mathrm{eff},l} - 1)\, J_{l-1}",
                    {"R_{l-1}": 5, r"k_{\mathrm{eff},l}": 3, "J_{l-1}": 2}) == 9
    with pytest.raises(KeyError):
        evaluate("i - k + 1", {"i": 4})


def split_equation(equation: str) -> list[str]:
    """The sides of a (possibly chained) equation."""
    return [part.strip() for part in equation.split("=")]


# ---------------------------------------------------------------------------
# Brute force, independent of convarith.geometry


def count_positions(i: int, k: int, s: int = 1, p: int = 0, d: int = 1,
                    after: int | None = None) -> int:
    """Slide a kernel of k taps, d cells apart, over a padded row one stride
    at a time, and count the positions where every tap lands on a cell."""
    row = [0] * p + [1] * i + [0] * (p if after is None else after)
    count = start = 0
    while True:
        try:
            [row[start + m * d] for m in range(k)]
        except IndexError:
            return count
        count += 1
        start += s


def count_windows_2d(shape, k, s, p, d) -> tuple[int, int]:
    """Visit every top-left corner of a 2-D window, one stride at a time;
    return the number of distinct rows and columns of corners that fit."""
    padded = np.pad(np.ones(shape), [(p[0], p[0]), (p[1], p[1])])
    rows, cols, windows = set(), set(), 0
    for r in range(0, padded.shape[0], s[0]):
        for c in range(0, padded.shape[1], s[1]):
            last_r, last_c = r + (k[0] - 1) * d[0], c + (k[1] - 1) * d[1]
            if last_r < padded.shape[0] and last_c < padded.shape[1]:
                rows.add(r)
                cols.add(c)
                windows += 1
    assert windows == len(rows) * len(cols)
    return len(rows), len(cols)


def conv_matrix(i: int, w, s: int, p: int, d: int) -> np.ndarray:
    """The matrix C of a 1-D convolution (cross-correlation), row by row."""
    k = len(w)
    rows = []
    start = 0
    while start + (k - 1) * d < i + 2 * p:
        row = np.zeros(i)
        for m in range(k):
            column = start + m * d - p
            if 0 <= column < i:
                row[column] += w[m]
        rows.append(row)
        start += s
    return np.array(rows)


def scatter_transposed(y, w, s: int, p: int, d: int = 1, a: int = 0) -> np.ndarray:
    """A transposed convolution as frameworks define it: each input unit adds
    its value times the kernel into an output buffer; p cells are then cut
    from each end and a cells are added at the end."""
    contributions: dict[int, float] = {}
    for j, value in enumerate(y):
        for m, weight in enumerate(w):
            position = j * s + m * d
            contributions[position] = contributions.get(position, 0) + value * weight
    full = max(contributions) + 1
    return np.array([contributions.get(t + p, 0) for t in range(full - 2 * p + a)])


def correlate(row, w, d: int = 1) -> np.ndarray:
    """Stride-1 cross-correlation of a row with a dilated kernel."""
    k = len(w)
    out = []
    start = 0
    while start + (k - 1) * d < len(row):
        out.append(sum(row[start + m * d] * w[m] for m in range(k)))
        start += 1
    return np.array(out)


def emulate_transposed(y, w, s: int, p: int, d: int, a: int) -> np.ndarray:
    """The transposed convolution as a direct one: stretch, pad, flip the kernel."""
    k_span = (len(w) - 1) * d + 1
    stretched = np.zeros((len(y) - 1) * s + 1)
    stretched[::s] = y
    padded = np.concatenate([np.zeros(k_span - 1 - p), stretched,
                             np.zeros(k_span - 1 - p + a)])
    return correlate(padded, list(w)[::-1], d)


def dependency_span(layers) -> tuple[int, int]:
    """Receptive field and jump by propagating sets of cells down a stack."""
    def cells(unit):
        reached = {unit}
        for k, s, d in reversed(layers):
            reached = {c * s + m * d for c in reached for m in range(k)}
        return reached

    first, second = cells(0), cells(1)
    return max(first) - min(first) + 1, min(second) - min(first)


def padded_field(layers, unit: int) -> tuple[int, int]:
    """First and last input cell (negative or past the end where they are
    padding) on which `unit` of the last layer depends, by propagating the
    cells each layer reads; layers are (k, s, p, d), first layer first."""
    reached = {unit}
    for k, s, p, d in reversed(layers):
        reached = {c * s - p + m * d for c in reached for m in range(k)}
    return min(reached), max(reached)


RNG = random.Random(1603)
RNG_NP = np.random.default_rng(1603)


def direct_cases(max_i=12, max_k=5, max_s=4, max_p=3, max_d=3):
    """Every valid direct convolution axis in the given ranges."""
    for i, k, s, p, d in itertools.product(range(1, max_i + 1), range(1, max_k + 1),
                                           range(1, max_s + 1), range(max_p + 1),
                                           range(1, max_d + 1)):
        if i + 2 * p >= effective_kernel_size(k, d):
            yield i, k, s, p, d


# ---------------------------------------------------------------------------
# geometry against brute force


def test_geometry_output_size_matches_sliding_window_count():
    for i, k, s, p, d in direct_cases():
        expected = count_positions(i, k, s, p, d)
        assert conv_output_size(i, k, s, p, d) == expected, (i, k, s, p, d)
        assert DirectAxis(i, k, s, p, d).o == expected


def test_geometry_layout_footprints_fit_and_cover_only_leftover_cells():
    for i, k, s, p, d in direct_cases(max_i=9):
        axis = DirectAxis(i, k, s, p, d)
        layout = axis.layout()
        assert layout.extent == i + 2 * p
        covered = {c for n in range(layout.output) for c in layout.footprint_cells(n)}
        assert max(covered) == layout.extent - 1 - axis.a
        assert layout.units == tuple(range(p, p + i))


def test_geometry_transposed_size_matches_scattered_output():
    for i_t, k, s, p, d, a in itertools.product(range(1, 7), range(1, 5), range(1, 4),
                                                range(4), range(1, 4), range(3)):
        if a >= s and a >= d:
            continue
        if p > effective_kernel_size(k, d) - 1:
            continue
        expected = len(scatter_transposed(np.ones(i_t), np.ones(k), s, p, d, a))
        if expected < 1:
            continue
        assert transposed_output_size(i_t, k, s, p, d, a) == expected
        assert TransposedAxis(i_t, k, s, p, d, a).o == expected


def test_transposed_convolution_is_the_transpose_and_is_emulated_by_a_direct_one():
    for i, k, s, p, d in direct_cases(max_i=10, max_p=2):
        axis = DirectAxis(i, k, s, p, d)
        if p > axis.k_eff - 1:
            continue
        w = [RNG.randint(-3, 3) for _ in range(k)]
        C = conv_matrix(i, w, s, p, d)
        assert C.shape == (axis.o, i)
        y = np.array([RNG.randint(-4, 4) for _ in range(axis.o)])
        expected = C.T @ y
        tr = axis.transposed()
        assert np.array_equal(scatter_transposed(y, w, s, p, d, tr.a), expected)
        assert np.array_equal(emulate_transposed(y, w, s, p, d, tr.a), expected)
        # the layout the figures draw is that same emulation
        layout = tr.layout()
        drawn = np.zeros(layout.extent)
        drawn[list(layout.units)] = y
        assert layout.stride == 1 and layout.dilation == d
        assert np.array_equal(correlate(drawn, w[::-1], d), expected)
        assert layout.output == i == len(expected)


def test_receptive_field_matches_dependency_propagation():
    for _ in range(300):
        layers = [(RNG.randint(1, 5), RNG.randint(1, 3), RNG.randint(1, 3))
                  for _ in range(RNG.randint(1, 5))]
        assert receptive_field(layers) == dependency_span(layers), layers


def test_same_padding_gives_ceil_and_is_minimal():
    for i, k, s, d in itertools.product(range(1, 21), range(1, 7), range(1, 5), range(1, 4)):
        before, after = same_padding(i, k, s, d)
        assert before <= after <= before + 1
        assert count_positions(i, k, s, before, d, after=after) == -(-i // s)
        if before + after > 0:
            assert count_positions(i, k, s, 0, d, after=before + after - 1) < -(-i // s)


# ---------------------------------------------------------------------------
# The boxes


@dataclass(frozen=True)
class Box:
    """A relationship box: its number, the equations it typesets, its check."""

    number: int
    equations: tuple[str, ...]
    check: Callable[["Box"], None]

    def value(self, index: int, values: dict[str, int]):
        return evaluate(split_equation(self.equations[index])[1], values)

    def lhs(self, index: int) -> str:
        return split_equation(self.equations[index])[0]


def _check_r1(box):
    for i, k in itertools.product(range(1, 16), range(1, 16)):
        if k <= i:
            value = box.value(0, {"i": i, "k": k})
            assert value == conv_output_size(i, k) == count_positions(i, k)


def _check_r2(box):
    for i, k, p in itertools.product(range(1, 13), range(1, 8), range(6)):
        if k <= i + 2 * p:
            value = box.value(0, {"i": i, "k": k, "p": p})
            assert value == conv_output_size(i, k, 1, p) == count_positions(i, k, 1, p)


def _check_r3(box):
    for n in range(6):
        k = 2 * n + 1
        p = box.value(0, {"k": k})
        assert p == n
        for i in range(1, 15):
            if i + 2 * p >= k:
                assert box.value(1, {"i": i}) == conv_output_size(i, k, 1, p) \
                    == count_positions(i, k, 1, p)
    # the condition matters: for an even kernel the same padding gives i + 1
    for k in (2, 4, 6):
        p = box.value(0, {"k": k})
        assert conv_output_size(8, k, 1, p) == 9


def _check_r4(box):
    for i, k in itertools.product(range(1, 13), range(1, 8)):
        p = box.value(0, {"k": k})
        value = box.value(1, {"i": i, "k": k})
        assert value == conv_output_size(i, k, 1, p) == count_positions(i, k, 1, p)
        # full padding is the largest where every window meets an input unit
        layout = DirectAxis(i, k, 1, p).layout()
        for n in range(layout.output):
            assert set(layout.footprint_cells(n)) & set(layout.units)
        assert not set(DirectAxis(i, k, 1, p + 1).layout().footprint_cells(0)) \
            & set(range(p + 1, p + 1 + i))


def _check_r5(box):
    for i, k, s in itertools.product(range(1, 15), range(1, 8), range(1, 6)):
        if k <= i:
            value = box.value(0, {"i": i, "k": k, "s": s})
            assert value == conv_output_size(i, k, s) == count_positions(i, k, s)


def _check_r6(box):
    for i, k, s, p, _ in direct_cases(max_d=1, max_k=7, max_s=5, max_p=4):
        value = box.value(0, {"i": i, "k": k, "s": s, "p": p})
        assert value == conv_output_size(i, k, s, p) == count_positions(i, k, s, p)
        # all sizes i + a, a < s, share o when i + 2p - k is a multiple of s
        if (i + 2 * p - k) % s == 0:
            sizes = {box.value(0, {"i": i + a, "k": k, "s": s, "p": p}) for a in range(s)}
            assert sizes == {value}
            assert box.value(0, {"i": i + s, "k": k, "s": s, "p": p}) == value + 1


def _check_r7(box):
    view = np.lib.stride_tricks.sliding_window_view
    for i, k, s in itertools.product(range(1, 11), range(1, 6), range(1, 5)):
        if k > i:
            continue
        x = np.arange(i * i, dtype=float).reshape(i, i)
        windows = view(x, (k, k))[::s, ::s]
        value = box.value(0, {"i": i, "k": k, "s": s})
        assert windows.max(axis=(2, 3)).shape == (value, value)
        assert windows.mean(axis=(2, 3)).shape == (value, value)
        assert value == conv_output_size(i, k, s)


def _transposed_case(i, k, s=1, p=0):
    """The transposed axis of a direct one, checked against brute force."""
    axis = DirectAxis(i, k, s, p)
    tr = axis.transposed()
    assert tr.i == axis.o and tr.k == k and tr.o == i
    assert tr.layout().stride == 1
    assert len(scatter_transposed(np.ones(tr.i), np.ones(k), s, p, 1, tr.a)) == i
    return tr


def _check_transposed_box(box, condition, p_index=0, o_index=1, s_values=range(1, 5),
                          p_values=range(0, 5)):
    seen = 0
    for i, k, s, p in itertools.product(range(1, 13), range(1, 7), s_values, p_values):
        if i + 2 * p < k or p > k - 1 or not condition(i, k, s, p):
            continue
        tr = _transposed_case(i, k, s, p)
        values = {"i'": tr.i, "i": i, "k": k, "s": s, "p": p, "a": tr.a}
        assert box.value(p_index, values) == tr.pad_before == k - p - 1
        assert box.value(o_index, values) == tr.o == i
        seen += 1
    assert seen > 10


def _check_r8(box):
    _check_transposed_box(box, lambda i, k, s, p: s == 1 and p == 0)


def _check_r9(box):
    _check_transposed_box(box, lambda i, k, s, p: s == 1)


def _check_r10(box):
    _check_transposed_box(box, lambda i, k, s, p: s == 1 and k % 2 == 1 and p == k // 2)


def _check_r11(box):
    _check_transposed_box(box, lambda i, k, s, p: s == 1 and p == k - 1)


def _check_r12(box):
    _check_transposed_box(box, lambda i, k, s, p: p == 0 and (i - k) % s == 0)


def _check_r13(box):
    _check_transposed_box(box, lambda i, k, s, p: (i + 2 * p - k) % s == 0)


def _check_r14(box):
    seen_odd = 0
    for i, k, s, p in itertools.product(range(1, 13), range(1, 7), range(1, 5), range(5)):
        if i + 2 * p < k or p > k - 1:
            continue
        tr = _transposed_case(i, k, s, p)
        values = {"i'": tr.i, "i": i, "k": k, "s": s, "p": p}
        a = box.value(0, values)
        assert a == tr.a == DirectAxis(i, k, s, p).a
        assert tr.pad_after - tr.pad_before == a
        values["a"] = a
        assert box.value(2, values) == tr.pad_before
        assert box.value(1, values) == tr.o == i
        seen_odd += a > 0
    assert seen_odd > 10


def _check_r15(box):
    for i, k, s, p, d in direct_cases(max_i=14, max_d=4):
        k_eff = box.value(0, {"k": k, "d": d})
        assert k_eff == effective_kernel_size(k, d) == DirectAxis(i, k, s, p, d).k_eff
        value = box.value(1, {"i": i, "k": k, "s": s, "p": p, "d": d})
        assert value == conv_output_size(i, k, s, p, d) == count_positions(i, k, s, p, d)


def _check_r16(box):
    accepted = refused = 0
    for i_t, k, s, p, d, a in itertools.product(range(1, 7), range(1, 5), range(1, 4),
                                                range(4), range(1, 4), range(4)):
        values = {"i'": i_t, "k": k, "s": s, "p": p, "d": d, "a": a}
        if a >= s and a >= d:
            with pytest.raises(ParameterError):
                TransposedAxis(i_t, k, s, p, d, a)
            refused += 1
            continue
        if p > effective_kernel_size(k, d) - 1 or box.value(0, values) < 1:
            continue
        tr = TransposedAxis(i_t, k, s, p, d, a)
        scattered = len(scatter_transposed(np.ones(i_t), np.ones(k), s, p, d, a))
        assert box.value(0, values) == tr.o == transposed_output_size(i_t, k, s, p, d, a) \
            == scattered
        if a < s:  # then it is the transpose of the convolution from o' to i'
            direct = tr.direct()
            assert direct.o == i_t and direct.a == a and direct.transposed() == tr
        accepted += 1
    assert accepted > 100 and refused > 10


def _check_r17(box):
    for i, k, s, p, d in direct_cases(max_i=11, max_d=4):
        axis = DirectAxis(i, k, s, p, d)
        if p > axis.k_eff - 1:
            continue
        tr = axis.transposed()
        values = {"i'": tr.i, "i": i, "k": k, "s": s, "p": p, "d": d,
                  "k_{\\mathrm{eff}}": effective_kernel_size(k, d)}
        assert box.value(0, values) == tr.pad_before
        a = box.value(1, values)
        assert a == tr.a == tr.pad_after - tr.pad_before
        values["a"] = a
        assert box.value(2, values) == tr.o == i
        w = [RNG.randint(-3, 3) for _ in range(k)]
        y = np.array([RNG.randint(-4, 4) for _ in range(tr.i)])
        assert np.array_equal(emulate_transposed(y, w, s, p, d, a),
                              conv_matrix(i, w, s, p, d).T @ y)


def _check_r18(box):
    for _ in range(400):
        shape = (RNG.randint(1, 12), RNG.randint(1, 12))
        k = (RNG.randint(1, 5), RNG.randint(1, 5))
        s = (RNG.randint(1, 4), RNG.randint(1, 4))
        p = (RNG.randint(0, 3), RNG.randint(0, 3))
        d = (RNG.randint(1, 3), RNG.randint(1, 3))
        axes = [DirectAxis(shape[n], k[n], s[n], p[n], d[n], axis=name)
                for n, name in enumerate(("height", "width"))
                if shape[n] + 2 * p[n] >= effective_kernel_size(k[n], d[n])]
        if len(axes) < 2:
            continue
        values = {}
        for tag, axis in zip("hw", axes):
            values.update({f"i_{tag}": axis.i, f"k_{tag}": axis.k, f"s_{tag}": axis.s,
                           f"p_{tag}": axis.p, f"d_{tag}": axis.d,
                           f"k_{{\\mathrm{{eff}},{tag}}}": axis.k_eff})
        o_h, o_w = box.value(0, values), box.value(1, values)
        assert (o_h, o_w) == (axes[0].o, axes[1].o) == count_windows_2d(shape, k, s, p, d)
        # transposed, per axis: the o'_w expression is the o'_h one with w for h
        transposed_w = split_equation(box.equations[2])[1].replace("_h", "_w")
        for tag, axis in zip("hw", axes):
            if axis.p > axis.k_eff - 1:
                continue
            tr = axis.transposed()
            values.update({f"i'_{tag}": tr.i, f"a_{tag}": tr.a})
            expression = split_equation(box.equations[2])[1] if tag == "h" else transposed_w
            assert evaluate(expression, values) == tr.o == axis.i


def _check_r19(box):
    for i, k, s, d in itertools.product(range(1, 21), range(1, 7), range(1, 5), range(1, 4)):
        values = {"i": i, "s": s, "k_{\\mathrm{eff}}": effective_kernel_size(k, d)}
        total = box.value(0, values)
        before = box.value(1, {"P": total})
        after = box.value(2, {"P": total})
        assert (before, after) == same_padding(i, k, s, d)
        assert box.value(3, values) == count_positions(i, k, s, before, d, after=after)
        if s == 1 and k % 2 == 1 and d == 1:  # Relationship 3 again
            assert before == after == k // 2


def _check_r20(box):
    for _ in range(300):
        layers = [(RNG.randint(1, 5), RNG.randint(1, 3), RNG.randint(0, 3), RNG.randint(1, 3))
                  for _ in range(RNG.randint(1, 6))]
        size, jump, centre = 1, 1, 0
        for k, s, p, d in layers:
            k_eff = box.value(0, {"k_l": k, "d_l": d})
            size, jump, centre = (
                box.value(1, {"R_{l-1}": size, "k_{\\mathrm{eff},l}": k_eff, "J_{l-1}": jump}),
                box.value(2, {"J_{l-1}": jump, "s_l": s}),
                box.value(3, {"\\mu_{l-1}": centre, "k_{\\mathrm{eff},l}": k_eff, "p_l": p,
                              "J_{l-1}": jump}))
        unpadded = [(k, s, d) for k, s, _, d in layers]
        assert (size, jump) == receptive_field(unpadded) == dependency_span(unpadded)
        # unit j covers mu + j J -+ (R - 1)/2, padding included
        for unit in range(3):
            first, last = padded_field(layers, unit)
            assert last - first + 1 == size
            assert Fraction(first + last, 2) == centre + unit * jump, layers


def _channel_cases():
    for n_in, n_out, g in itertools.product((1, 2, 3, 4, 6, 8), (1, 2, 4, 6, 12), (1, 2, 3, 4)):
        if n_in % g == 0 and n_out % g == 0:
            yield n_in, n_out, g


def _count_products(n_in, n_out, g, k, o) -> int:
    """Multiply-accumulates of a grouped convolution, one output channel,
    cell and input channel of its group at a time."""
    count = 0
    for out_channel in range(n_out):
        group = out_channel // (n_out // g)
        readable = range(group * n_in // g, (group + 1) * n_in // g)
        count += o[0] * o[1] * len(readable) * k[0] * k[1]
    return count


def _check_r21(box):
    for n_in, n_out, g in _channel_cases():
        k = (RNG.randint(1, 5), RNG.randint(1, 5))
        o = (RNG.randint(1, 9), RNG.randint(1, 9))
        values = {"n_{\\mathrm{in}}": n_in, "n_{\\mathrm{out}}": n_out, "g": g,
                  "k_h": k[0], "k_w": k[1], "o_h": o[0], "o_w": o[1]}
        shape = layer_arithmetic.weight_shape("pytorch", n_in, n_out, k, g)
        assert box.value(0, values) == layer_arithmetic.parameter_count(n_in, n_out, k, g) \
            == int(np.prod(shape)) + n_out
        assert box.value(1, values) == layer_arithmetic.multiply_accumulates(
            n_in, n_out, k, o, g) == _count_products(n_in, n_out, g, k, o)


def _check_r22(box):
    for n_in, n_out, kh, kw in itertools.product((1, 3, 8, 32), (1, 5, 16, 64), (1, 3, 5), (1, 3)):
        o = (RNG.randint(1, 9), RNG.randint(1, 9))
        values = {"n_{\\mathrm{in}}": n_in, "n_{\\mathrm{out}}": n_out,
                  "k_h": kh, "k_w": kw, "o_h": o[0], "o_w": o[1]}
        depthwise = layer_arithmetic.multiply_accumulates(n_in, n_in, (kh, kw), o, groups=n_in)
        pointwise = layer_arithmetic.multiply_accumulates(n_in, n_out, (1, 1), o)
        full = layer_arithmetic.multiply_accumulates(n_in, n_out, (kh, kw), o)
        assert box.value(0, values) == depthwise == _count_products(n_in, n_in, n_in, (kh, kw), o)
        assert box.value(1, values) == pointwise == _count_products(n_in, n_out, 1, (1, 1), o)
        ratio = box.value(2, values)
        assert ratio == Fraction(depthwise + pointwise, full)
        assert float(ratio) == pytest.approx(layer_arithmetic.separable_cost_ratio(
            n_in, n_out, kh * kw))


def _ceil_windows(i, k, s, p) -> int:
    """Place pooling windows left to right while the previous one has not
    reached the end of the padded input and the next starts before the
    right padding."""
    count, start = 1, 0
    while start + k < i + 2 * p and start + s < i + p:
        count += 1
        start += s
    return count


def _check_r23(box):
    dropped = 0
    for i, k, s, p in itertools.product(range(1, 14), range(1, 6), range(1, 5), range(3)):
        if p > k // 2 or i + 2 * p < k:
            continue
        o = box.value(0, {"i": i, "k": k, "s": s, "p": p})
        if (o - 1) * s >= i + p:
            o -= 1
            dropped += 1
        assert o == layer_arithmetic.pool_output_size(i, k, s, p, ceil_mode=True) \
            == _ceil_windows(i, k, s, p), (i, k, s, p)
        assert o in (conv_output_size(i, k, s, p), conv_output_size(i, k, s, p) + 1)
    assert dropped > 5


def _check_r24(box):
    for i, o in itertools.product(range(1, 16), range(1, 16)):
        windows = [(box.value(0, {"j": j, "i": i, "o": o}), box.value(1, {"j": j, "i": i, "o": o}))
                   for j in range(o)]
        assert windows == layer_arithmetic.adaptive_windows(i, o)
        covered = set().union(*(range(a, b) for a, b in windows))
        assert covered == set(range(i))
        for (_, end), (start, _) in zip(windows, windows[1:]):
            assert 0 <= end - start <= 1
        if i % o == 0:
            assert windows == [(j * (i // o), (j + 1) * (i // o)) for j in range(o)]


def _check_r25(box):
    for i, k, d in itertools.product(range(1, 12), range(1, 6), range(1, 5)):
        left = box.value(0, {"k": k, "d": d})
        assert left == layer_arithmetic.causal_padding(k, d)
        assert box.value(1, {"i": i}) == count_positions(i, k, 1, left, d, after=0) == i
        # the window of output t ends at input t: its last tap is cell t + left
        # of the padded row, i.e. input t
        layout = DirectAxis(i + left, k, 1, 0, d).layout()
        assert [max(layout.footprint_cells(t)) - left for t in range(i)] == list(range(i))


def keras_deconv_output_length(i_t: int, k: int, padding: str, a: int | None, s: int,
                               d: int = 1) -> int:
    """Keras's rule for a Conv2DTranspose's output size along one axis
    (keras.utils.conv_utils.deconv_output_length), written down because
    Keras is not installed here."""
    span = k + (k - 1) * (d - 1)
    if a is None:
        return i_t * s + max(span - s, 0) if padding == "valid" else i_t * s
    pad = span // 2 if padding == "same" else 0
    return (i_t - 1) * s + span - 2 * pad + a


def _check_r28(box):
    checked = 0
    for i_t, k, s, d in itertools.product(range(1, 7), range(1, 6), range(1, 4), range(1, 3)):
        k_eff = effective_kernel_size(k, d)
        values = {"i'": i_t, "s": s, "k_{\\mathrm{eff}}": k_eff}
        valid, same = box.value(0, values), box.value(1, values)
        assert valid == keras_deconv_output_length(i_t, k, "valid", None, s, d)
        assert same == keras_deconv_output_length(i_t, k, "same", None, s, d)
        # "VALID" is the transpose of an unpadded convolution from `valid`
        # cells, with PyTorch's output padding max(s - k_eff, 0)
        assert conv_output_size(valid, k, s, 0, d) == i_t
        assert valid == transposed_output_size(i_t, k, s, 0, d, max(s - k_eff, 0))
        # "SAME" is the transpose of the same-padded convolution from s i' cells
        before, after = same_padding(same, k, s, d)
        assert count_positions(same, k, s, before, d, after=after) == i_t
        for a in range(s):
            for padding, q in (("valid", 0), ("same", k_eff // 2)):
                values_a = dict(values, q=q, a=a)
                assert box.value(2, values_a) == keras_deconv_output_length(
                    i_t, k, padding, a, s, d)
            checked += 1
    assert checked > 100


def jax_conv_general_dilated(x, w, stride: int, pads: tuple[int, int], lhs: int = 1,
                             rhs: int = 1) -> np.ndarray:
    """One axis of jax.lax.conv_general_dilated, written down because JAX is
    not installed here: dilate the input by `lhs`, pad by the pair `pads`
    (a negative entry cuts cells off), then cross-correlate with the kernel
    dilated by `rhs`, moving by `stride`."""
    stretched = np.zeros((len(x) - 1) * lhs + 1)
    stretched[::lhs] = x
    lo, hi = pads
    padded = np.concatenate([np.zeros(max(lo, 0)), stretched, np.zeros(max(hi, 0))])
    padded = padded[max(-lo, 0):len(padded) - max(-hi, 0)]
    return correlate(padded, w, rhs)[::stride]


def _check_r29(box):
    for i, k, s, lhs, d, lo, hi in itertools.product(range(1, 7), range(1, 4), range(1, 4),
                                                     range(1, 4), range(1, 3), range(-1, 3),
                                                     range(-1, 3)):
        k_eff = effective_kernel_size(k, d)
        values = {"i": i, "d_{\\mathrm{in}}": lhs, "s": s, "k_{\\mathrm{eff}}": k_eff,
                  "q_{\\mathrm{lo}}": lo, "q_{\\mathrm{hi}}": hi}
        if (i - 1) * lhs + 1 + lo + hi < k_eff:
            continue
        out = jax_conv_general_dilated(np.ones(i), np.ones(k), s, (lo, hi), lhs, d)
        assert box.value(0, values) == len(out)
    for i_t, k, s, p, d, a in itertools.product(range(1, 6), range(1, 5), range(1, 4),
                                                range(3), range(1, 3), range(3)):
        k_eff = effective_kernel_size(k, d)
        if a >= s or p > k_eff - 1:
            continue
        values = {"k_{\\mathrm{eff}}": k_eff, "p": p, "a": a}
        pads = (box.value(1, values), box.value(2, values))
        y = RNG_NP.standard_normal(i_t)
        w = RNG_NP.standard_normal(k)
        emulated = jax_conv_general_dilated(y, w[::-1], 1, pads, lhs=s, rhs=d)
        assert np.allclose(emulated, scatter_transposed(y, w, s, p, d, a))


def _check_r30(box):
    """Build the column matrix of a 2-D convolution cell by cell, and check
    its size and that one matrix product gives the convolution."""
    for n_in, n_out, kh, kw, s, p, d in itertools.product((1, 3), (2,), (1, 2, 3), (1, 3),
                                                          (1, 2), (0, 1), (1, 2)):
        x = RNG_NP.standard_normal((n_in, 6, 7))
        w = RNG_NP.standard_normal((n_out, n_in, kh, kw))
        padded = np.pad(x, ((0, 0), (p, p), (p, p)))
        o_h, o_w = conv_output_size(6, kh, s, p, d), conv_output_size(7, kw, s, p, d)
        columns = np.stack([
            padded[:, r * s:r * s + (kh - 1) * d + 1:d, c * s:c * s + (kw - 1) * d + 1:d].ravel()
            for r in range(o_h) for c in range(o_w)], axis=1)
        values = {"n_{\\mathrm{in}}": n_in, "k_h": kh, "k_w": kw, "o_h": o_h, "o_w": o_w}
        assert box.value(0, values) == columns.size
        product = (w.reshape(n_out, -1) @ columns).reshape(n_out, o_h, o_w)
        direct = np.array([[[sum(w[q, ch, u, v] * padded[ch, r * s + u * d, c * s + v * d]
                                 for ch in range(n_in) for u in range(kh) for v in range(kw))
                             for c in range(o_w)] for r in range(o_h)] for q in range(n_out)])
        assert np.allclose(product, direct)
        assert n_out * columns.size == layer_arithmetic.multiply_accumulates(
            n_in, n_out, (kh, kw), (o_h, o_w))


def _pixel_shuffle(x: np.ndarray, r: int) -> np.ndarray:
    """Move each group of r*r channels into an r x r block, by index."""
    c, h, w = x.shape
    out = np.empty((c // (r * r), h * r, w * r), dtype=x.dtype)
    for channel, row, col in itertools.product(range(c), range(h), range(w)):
        target, offset = divmod(channel, r * r)
        out[target, row * r + offset // r, col * r + offset % r] = x[channel, row, col]
    return out


def _check_r26(box):
    for c_out, h, w, f in itertools.product((1, 2, 3), (1, 2, 5), (1, 3, 4), (1, 2, 3)):
        c = c_out * f * f
        values = {"n_{\\mathrm{in}}": c, "i_h": h, "i_w": w, "f": f}
        shape = (box.value(0, values), box.value(1, values), box.value(2, values))
        x = np.arange(c * h * w).reshape(c, h, w)
        shuffled = _pixel_shuffle(x, f)
        assert shape == shuffled.shape == layer_arithmetic.pixel_shuffle_shape((c, h, w), f)
        assert sorted(shuffled.ravel()) == list(range(c * h * w))
        assert layer_arithmetic.space_to_depth_shape(shape, f) == (c, h, w)


def depth_to_space_nhwc(x: np.ndarray, f: int) -> np.ndarray:
    """TensorFlow's depth_to_space on one (H, W, C) image in its default
    layout, as its documentation states it: the input coordinates
    (iY, iX, bY, bX, oC), most significant first, become (iY, bY, iX, bX, oC).
    Written down here because TensorFlow is not installed."""
    h, w, c = x.shape
    blocks = x.reshape(h, w, f, f, c // (f * f))
    return blocks.transpose(0, 2, 1, 3, 4).reshape(h * f, w * f, c // (f * f))


def _check_shuffle_order(box):
    for n_out, f, h, w in itertools.product((1, 2, 3), (1, 2, 3), (1, 2), (1, 3)):
        c = n_out * f * f
        chw = RNG_NP.permutation(c * h * w).reshape(c, h, w)
        crd = _pixel_shuffle(chw, f)
        hwc = RNG_NP.permutation(c * h * w).reshape(h, w, c)
        dcr = depth_to_space_nhwc(hwc, f)
        orders_agree = True
        for gamma, alpha, beta, r, col in itertools.product(range(n_out), range(f), range(f),
                                                            range(h), range(w)):
            values = {"\\gamma": gamma, "\\alpha": alpha, "\\beta": beta, "f": f,
                      "n_{\\mathrm{out}}": n_out}
            torch_channel, tf_channel = box.value(0, values), box.value(1, values)
            assert crd[gamma, f * r + alpha, f * col + beta] == chw[torch_channel, r, col]
            assert dcr[f * r + alpha, f * col + beta, gamma] == hwc[r, col, tf_channel]
            orders_agree &= torch_channel == tf_channel
        assert orders_agree == (n_out == 1 or f == 1)


def _check_tap_counts(box):
    seen_uneven = 0
    for i_t, k, s, p in itertools.product(range(2, 8), range(1, 7), range(1, 5), range(4)):
        if p > k - 1:
            continue
        counts = scatter_transposed(np.ones(i_t), np.ones(k), s, p)
        uncropped = layer_arithmetic.transposed_tap_counts(i_t, k, s)
        interior = range(k - 1 - p, (i_t - 1) * s - p + 1)
        for t in interior:
            tau = box.value(0, {"k": k, "p": p, "t": t, "s": s})
            assert tau == counts[t] == uncropped[t + p], (i_t, k, s, p, t)
        if len(interior) >= s:
            values = {int(counts[t]) for t in interior}
            assert values == {k // s, -(-k // s)}
            seen_uneven += len(values) > 1
            assert (len(values) == 1) == (k % s == 0)
    assert seen_uneven > 20


def _check_blur_pool(box):
    for i, k, s, p, d in direct_cases(max_i=11, max_d=2):
        o_1 = conv_output_size(i, k, 1, p, d)
        for k_blur in range(1, 6):
            total = box.value(0, {"k_{\\mathrm{blur}}": k_blur})
            before, after = total // 2, total - total // 2
            o = box.value(1, {"o_1": o_1, "P": total, "k_{\\mathrm{blur}}": k_blur, "s": s})
            assert o == conv_output_size(i, k, s, p, d) \
                == count_positions(o_1, k_blur, s, before, after=after)
            if k_blur % 2:  # blurred output j is centred on the kept cell j s
                for j in range(o):
                    first = j * s - before
                    assert first + (k_blur - 1) // 2 == j * s


def _check_patchify(box):
    for i_h, i_w, k in itertools.product(range(1, 13), range(1, 9), range(1, 6)):
        if k > min(i_h, i_w):
            continue
        o_h, o_w = box.value(0, {"i_h": i_h, "k": k}), box.value(1, {"i_w": i_w, "k": k})
        assert (o_h, o_w) == (conv_output_size(i_h, k, k), conv_output_size(i_w, k, k)) \
            == count_windows_2d((i_h, i_w), (k, k), (k, k), (0, 0), (1, 1))
    # the layer is space-to-depth by k, then a 1 x 1 convolution
    for n_in, n_out, k, (i_h, i_w) in itertools.product((1, 3), (2,), (1, 2, 3), ((6, 6), (7, 5))):
        x = RNG_NP.standard_normal((n_in, i_h, i_w))
        w = RNG_NP.standard_normal((n_out, n_in, k, k))
        o_h, o_w = i_h // k, i_w // k
        direct = np.array([[[np.sum(w[q] * x[:, r * k:r * k + k, c * k:c * k + k])
                             for c in range(o_w)] for r in range(o_h)] for q in range(n_out)])
        unshuffled = np.empty((n_in * k * k, o_h, o_w))
        for channel, r, c in itertools.product(range(n_in * k * k), range(o_h), range(o_w)):
            source, offset = divmod(channel, k * k)
            unshuffled[channel, r, c] = x[source, r * k + offset // k, c * k + offset % k]
        pointwise = np.einsum("qc,crw->qrw", w.reshape(n_out, -1), unshuffled)
        assert np.allclose(direct, pointwise)


def _check_r27(box):
    for i, k, s, p, d in direct_cases(max_i=11, max_d=3):
        k_eff = effective_kernel_size(k, d)
        o1 = box.value(0, {"i": i, "p": p, "k_{\\mathrm{eff}}": k_eff})
        assert o1 == conv_output_size(i, k, 1, p, d)
        o = box.value(1, {"o_1": o1, "s": s})
        assert o == conv_output_size(i, k, s, p, d)
        row = np.concatenate([np.zeros(p), np.arange(1, i + 1) ** 2, np.zeros(p)])
        w = [RNG.randint(-3, 3) for _ in range(k)]
        unit = correlate(row, w, d)
        strided = [sum(row[n * s + m * d] * w[m] for m in range(k)) for n in range(o)]
        assert len(unit) == o1 and np.array_equal(unit[::s], strided)


BOXES: dict[str, Box] = {
    "rel:no-padding": Box(1, (r"o = i - k + 1",), _check_r1),
    "rel:padding": Box(2, (r"o = i - k + 2p + 1",), _check_r2),
    "rel:half-padding": Box(3, (r"p = \lfloor k/2 \rfloor", r"o = i"), _check_r3),
    "rel:full-padding": Box(4, (r"p = k - 1", r"o = i + k - 1"), _check_r4),
    "rel:strides": Box(5, (r"o = \left\lfloor \frac{i - k}{s} \right\rfloor + 1",), _check_r5),
    "rel:padding-strides": Box(
        6, (r"o = \left\lfloor \frac{i + 2p - k}{s} \right\rfloor + 1",), _check_r6),
    "rel:pooling": Box(7, (r"o = \left\lfloor \frac{i - k}{s} \right\rfloor + 1",), _check_r7),
    "rel:tr-no-padding": Box(8, (r"p' = k - 1", r"o' = i' + (k - 1)"), _check_r8),
    "rel:tr-padding": Box(9, (r"p' = k - p - 1", r"o' = i' + (k - 1) - 2p"), _check_r9),
    "rel:tr-half-padding": Box(10, (r"p' = p", r"o' = i'"), _check_r10),
    "rel:tr-full-padding": Box(11, (r"p' = 0", r"o' = i' - (k - 1)"), _check_r11),
    "rel:tr-strides": Box(12, (r"p' = k - 1", r"o' = s(i' - 1) + k"), _check_r12),
    "rel:tr-padding-strides": Box(
        13, (r"p' = k - p - 1", r"o' = s(i' - 1) + k - 2p"), _check_r13),
    "rel:tr-odd": Box(14, (r"a = (i + 2p - k) \bmod s", r"o' = s(i' - 1) + a + k - 2p",
                           r"p' = k - p - 1"), _check_r14),
    "rel:dilation": Box(15, (
        r"k_{\mathrm{eff}} = k + (k - 1)(d - 1)",
        r"o = \left\lfloor \frac{i + 2p - k - (k - 1)(d - 1)}{s} \right\rfloor + 1"),
        _check_r15),
    "rel:output-padding": Box(16, (r"o' = (i' - 1)s - 2p + d(k - 1) + a + 1",), _check_r16),
    "rel:tr-dilation": Box(17, (
        r"p' = k_{\mathrm{eff}} - p - 1",
        r"a = (i + 2p - k_{\mathrm{eff}}) \bmod s",
        r"o' = s(i' - 1) + k_{\mathrm{eff}} - 2p + a"), _check_r17),
    "rel:non-square": Box(18, (
        r"o_h = \left\lfloor \frac{i_h + 2p_h - k_{\mathrm{eff},h}}{s_h} \right\rfloor + 1",
        r"o_w = \left\lfloor \frac{i_w + 2p_w - k_{\mathrm{eff},w}}{s_w} \right\rfloor + 1",
        r"o'_h = (i'_h - 1)s_h - 2p_h + d_h(k_h - 1) + a_h + 1"), _check_r18),
    "rel:same-padding": Box(19, (
        r"P = \max\bigl((\lceil i/s \rceil - 1)s + k_{\mathrm{eff}} - i,\ 0\bigr)",
        r"P_{\mathrm{before}} = \lfloor P/2 \rfloor",
        r"P_{\mathrm{after}} = \lceil P/2 \rceil",
        r"o = \lceil i/s \rceil"), _check_r19),
    "rel:receptive-field": Box(20, (
        r"k_{\mathrm{eff},l} = k_l + (k_l - 1)(d_l - 1)",
        r"R_l = R_{l-1} + (k_{\mathrm{eff},l} - 1)\, J_{l-1}",
        r"J_l = J_{l-1}\, s_l",
        r"\mu_l = \mu_{l-1} + \left(\frac{k_{\mathrm{eff},l} - 1}{2} - p_l\right) J_{l-1}"),
        _check_r20),
    "rel:cost": Box(21, (
        r"n_{\mathrm{param}} = n_{\mathrm{out}} \frac{n_{\mathrm{in}}}{g} k_h k_w"
        r" + n_{\mathrm{out}}",
        r"M = o_h o_w n_{\mathrm{out}} \frac{n_{\mathrm{in}}}{g} k_h k_w"), _check_r21),
    "rel:separable": Box(22, (
        r"M_{\mathrm{dw}} = o_h o_w n_{\mathrm{in}} k_h k_w",
        r"M_{\mathrm{pw}} = o_h o_w n_{\mathrm{in}} n_{\mathrm{out}}",
        r"\rho = \frac{1}{n_{\mathrm{out}}} + \frac{1}{k_h k_w}"), _check_r22),
    "rel:ceil-mode": Box(23, (
        r"o = \left\lceil \frac{i + 2p - k}{s} \right\rceil + 1",), _check_r23),
    "rel:adaptive": Box(24, (
        r"\mathrm{start}_j = \left\lfloor \frac{j i}{o} \right\rfloor",
        r"\mathrm{end}_j = \left\lceil \frac{(j + 1) i}{o} \right\rceil"), _check_r24),
    "rel:causal": Box(25, (r"P_{\mathrm{left}} = (k - 1)d", r"o = i"), _check_r25),
    "rel:pixel-shuffle": Box(26, (r"n_{\mathrm{out}} = n_{\mathrm{in}} / f^2", r"o_h = f i_h",
                                  r"o_w = f i_w"), _check_r26),
    "rel:shuffle-order": Box(27, (
        r"\mathrm{ch}_{\mathrm{CRD}} = \gamma f^2 + \alpha f + \beta",
        r"\mathrm{ch}_{\mathrm{DCR}} = (\alpha f + \beta) n_{\mathrm{out}} + \gamma"),
        _check_shuffle_order),
    "rel:tap-counts": Box(28, (
        r"\tau_t = \left\lfloor \frac{k - 1 - ((t + p) \bmod s)}{s} \right\rfloor + 1",),
        _check_tap_counts),
    "rel:subsampling": Box(29, (
        r"o_1 = i + 2p - k_{\mathrm{eff}} + 1",
        r"o = \left\lfloor \frac{o_1 - 1}{s} \right\rfloor + 1"), _check_r27),
    "rel:blur-pool": Box(30, (
        r"P = k_{\mathrm{blur}} - 1",
        r"o = \left\lfloor \frac{o_1 + P - k_{\mathrm{blur}}}{s} \right\rfloor + 1"),
        _check_blur_pool),
    "rel:patchify": Box(31, (r"o_h = \lfloor i_h/k \rfloor", r"o_w = \lfloor i_w/k \rfloor"),
                        _check_patchify),
    "rel:keras-transposed": Box(32, (
        r"o' = s i' + \max(k_{\mathrm{eff}} - s,\ 0)",
        r"o' = s i'",
        r"o' = (i' - 1)s + k_{\mathrm{eff}} - 2q + a"), _check_r28),
    "rel:jax": Box(33, (
        r"o = \left\lfloor \frac{(i - 1)d_{\mathrm{in}} + 1 + q_{\mathrm{lo}} + q_{\mathrm{hi}}"
        r" - k_{\mathrm{eff}}}{s} \right\rfloor + 1",
        r"q_{\mathrm{lo}} = k_{\mathrm{eff}} - 1 - p",
        r"q_{\mathrm{hi}} = k_{\mathrm{eff}} - 1 - p + a"), _check_r29),
    "rel:im2col": Box(34, (r"E = n_{\mathrm{in}} k_h k_w o_h o_w",), _check_r30),
}


def test_every_box_has_a_check_in_numbering_order():
    in_report = [label for label, _ in relationship_boxes()]
    registered = sorted(BOXES, key=lambda label: BOXES[label].number)
    assert in_report == registered
    assert [BOXES[label].number for label in registered] == list(range(1, len(BOXES) + 1))


@pytest.mark.parametrize("label", list(BOXES))
def test_box_typesets_the_checked_equations(label):
    bodies = dict(relationship_boxes())
    assert label in bodies, f"no relationship box labelled {label} in the report"
    for equation in BOXES[label].equations:
        assert typeset(equation, bodies[label]), f"{label} does not show: {equation}"


@pytest.mark.parametrize("label", list(BOXES))
def test_box_holds(label):
    BOXES[label].check(BOXES[label])


# ---------------------------------------------------------------------------
# Worked examples of the text


@dataclass(frozen=True)
class Example:
    """An equation exactly as typeset, its left side (None if it has no name),
    the result the text states, and how geometry computes it."""

    equation: str
    lhs: str | None
    result: int
    computed: Callable[[], int]


RF_STACK = [(3, 1, 1), (3, 1, 1), (2, 2, 1), (3, 1, 2)]

EXAMPLES: dict[str, Example] = {
    "padding and strides": Example(
        r"o = \left\lfloor \frac{5 + 2\cdot 1 - 3}{2} \right\rfloor + 1 = 3", "o", 3,
        lambda: DirectAxis(5, 3, 2, 1).o),
    "odd input, same output": Example(
        r"o = \left\lfloor \frac{6 + 2\cdot 1 - 3}{2} \right\rfloor + 1 = 3", "o", 3,
        lambda: DirectAxis(6, 3, 2, 1).o),
    "overlapping pooling": Example(
        r"\lfloor (13 - 3)/2 \rfloor + 1 = 6", None, 6, lambda: conv_output_size(13, 3, 2)),
    "transposed of arbitrary padding": Example(
        r"6 + 3 - 4 = 5", None, 5, lambda: DirectAxis(5, 4, 1, 2).transposed().o),
    "transposed of strides": Example(
        r"o' = 2 \cdot 1 + 3 = 5", "o'", 5, lambda: DirectAxis(5, 3, 2, 0).transposed().o),
    "transposed of padding and strides": Example(
        r"2 \cdot 2 + 3 - 2 = 5", None, 5, lambda: DirectAxis(5, 3, 2, 1).transposed().o),
    "numerical transposed": Example(
        r"o' = (3 - 1)\cdot 2 - 2\cdot 1 + 1\cdot(3 - 1) + 0 + 1 = 5", "o'", 5,
        lambda: TransposedAxis(3, 3, s=2, p=1).o),
    "dilation span": Example(
        r"k_{\mathrm{eff}} = 3 + (3 - 1)(2 - 1) = 5", r"k_{\mathrm{eff}}", 5,
        lambda: effective_kernel_size(3, 2)),
    "dilation output": Example(
        r"o = \left\lfloor \frac{7 + 2\cdot 0 - 5}{1} \right\rfloor + 1 = 3", "o", 3,
        lambda: DirectAxis(7, 3, d=2).o),
    "output padding": Example(
        r"o' = (2 - 1)\cdot 2 - 2\cdot 0 + 1\cdot(3 - 1) + 1 + 1 = 6", "o'", 6,
        lambda: TransposedAxis(2, 3, s=2, p=0, a=1).o),
    "upsampling": Example(
        r"o' = (3 - 1)\cdot 2 - 2\cdot 0 + 1\cdot(2 - 1) + 0 + 1 = 6", "o'", 6,
        lambda: TransposedAxis(3, 2, s=2).o),
    "dilated transposed padding": Example(
        r"p' = 5 - 0 - 1 = 4", "p'", 4, lambda: DirectAxis(7, 3, d=2).transposed().pad_before),
    "dilated transposed": Example(
        r"o' = (3 - 1)\cdot 1 - 2\cdot 0 + 2\cdot(3 - 1) + 0 + 1 = 7", "o'", 7,
        lambda: DirectAxis(7, 3, d=2).transposed().o),
    "rectangular height": Example(
        r"o_h = \left\lfloor \frac{5 + 2\cdot 0 - 3}{1} \right\rfloor + 1 = 3", "o_h", 3,
        lambda: DirectAxis(5, 3, 1, 0, axis="height").o),
    "rectangular width": Example(
        r"o_w = \left\lfloor \frac{7 + 2\cdot 1 - 3}{2} \right\rfloor + 1 = 4", "o_w", 4,
        lambda: DirectAxis(7, 3, 2, 1, axis="width").o),
    "same padding, even kernel": Example(
        r"P = \max\bigl((\lceil 6/1 \rceil - 1)\cdot 1 + 2 - 6,\ 0\bigr) = 1", "P", 1,
        lambda: sum(same_padding(6, 2, 1))),
    "same padding, stride 2": Example(
        r"P = \max\bigl((\lceil 7/2 \rceil - 1)\cdot 2 + 4 - 7,\ 0\bigr) = 3", "P", 3,
        lambda: sum(same_padding(7, 4, 2))),
    "same padding, output": Example(
        r"o = \left\lfloor \frac{7 + 1 + 2 - 4}{2} \right\rfloor + 1 = 4 = \lceil 7/2 \rceil",
        "o", 4, lambda: conv_output_size(7 + sum(same_padding(7, 4, 2)), 4, 2)),
    "same padding, stride 2, even input": Example(
        r"P = \max\bigl((\lceil 8/2 \rceil - 1)\cdot 2 + 3 - 8,\ 0\bigr) = 1", "P", 1,
        lambda: sum(same_padding(8, 3, 2))),
    "symmetric padding, stride 2, even input": Example(
        r"\lfloor (8 + 2 - 3)/2 \rfloor + 1 = 4 = \lceil 8/2 \rceil", None, 4,
        lambda: conv_output_size(8, 3, 2, 1)),
    "im2col copy": Example(
        r"E = 64 \cdot 3 \cdot 3 \cdot 56 \cdot 56 = 1806336", "E", 1806336,
        lambda: layer_arithmetic.multiply_accumulates(
            64, 1, (3, 3), (conv_output_size(56, 3, 1, 1),) * 2)),
    "receptive field": Example(
        r"R = 1 + 2\cdot 1 + 2\cdot 1 + 1\cdot 1 + 4\cdot 2 = 14", "R", 14,
        lambda: receptive_field(RF_STACK)[0]),
    "jump": Example(
        r"J = 1\cdot 1\cdot 2\cdot 1 = 2", "J", 2, lambda: receptive_field(RF_STACK)[1]),
    # the stem of a ResNet: 7 x 7 convolution, s = 2, p = 3; 3 x 3 max pooling, s = 2, p = 1
    "centre of a padded stack": Example(
        r"\mu = 0 + (3 - 3)\cdot 1 + (1 - 1)\cdot 2 = 0", r"\mu", 0,
        lambda: sum(padded_field([(7, 2, 3, 1), (3, 2, 1, 1)], 0)) // 2),
    "parameters": Example(
        r"n_{\mathrm{param}} = 128 \cdot 64 \cdot 3 \cdot 3 + 128 = 73856", r"n_{\mathrm{param}}",
        73856,
        lambda: layer_arithmetic.parameter_count(64, 128, (3, 3))),
    "multiply-accumulates": Example(
        r"M = 56 \cdot 56 \cdot 128 \cdot 64 \cdot 9 = 231211008", "M", 231211008,
        lambda: layer_arithmetic.multiply_accumulates(64, 128, (3, 3), (56, 56))),
    "separable ratio": Example(
        r"\rho = \frac{1}{128} + \frac{1}{9} = \frac{137}{1152}", r"\rho", Fraction(137, 1152),
        lambda: Fraction(
            layer_arithmetic.separable_cost_ratio(64, 128, 9)).limit_denominator(10**6)),
    "ceil mode": Example(
        r"o = \left\lceil \frac{6 + 2\cdot 0 - 3}{2} \right\rceil + 1 = 3", "o", 3,
        lambda: layer_arithmetic.pool_output_size(6, 3, 2, 0, ceil_mode=True)),
    "ceil mode, before the guard": Example(
        r"o = \left\lceil \frac{5 + 2\cdot 1 - 2}{2} \right\rceil + 1 = 4", "o", 4,
        lambda: layer_arithmetic.pool_output_size(5, 2, 2, 1, ceil_mode=True) + 1),
    "ceil mode, dropped window": Example(
        r"(4 - 1)\cdot 2 = 6", None, 6,
        lambda: layer_arithmetic.pool_output_size(5, 2, 2, 1, ceil_mode=True) * 2),
    "wavenet block": Example(
        r"R = 1 + (2 - 1)(1 + 2 + 4 + 8 + 16 + 32 + 64 + 128 + 256 + 512) = 1024", "R", 1024,
        lambda: layer_arithmetic.causal_stack_receptive_field(2, [2 ** n for n in range(10)])),
    "pixel shuffle elements": Example(
        r"48 \cdot 64 \cdot 64 = 3 \cdot 256 \cdot 256", None, 196608,
        lambda: int(np.prod(layer_arithmetic.pixel_shuffle_shape((48, 64, 64), 4)))),
    "resize then convolve": Example(
        r"o = 2\cdot 3 - 3 + 2\cdot 1 + 1 = 6", "o", 6,
        lambda: layer_arithmetic.resize_then_convolve_size(3, 2, 3, 1)),
    "blur pooling": Example(
        r"o = \left\lfloor \frac{8 + 2 - 3}{2} \right\rfloor + 1 = 4", "o", 4,
        lambda: conv_output_size(conv_output_size(9, 2, 1) + 2, 3, 2)),
    "patch embedding": Example(
        r"o_h = \lfloor 224/16 \rfloor = 14", "o_h", 14, lambda: conv_output_size(224, 16, 16)),
    "patch embedding parameters": Example(
        r"n_{\mathrm{param}} = 768 \cdot 3 \cdot 16 \cdot 16 + 768 = 590592", r"n_{\mathrm{param}}",
        590592, lambda: layer_arithmetic.parameter_count(3, 768, (16, 16))),
    "one dimension": Example(
        r"o = \left\lfloor \frac{100 + 2\cdot 2 - 5}{2} \right\rfloor + 1 = 50", "o", 50,
        lambda: conv_output_size(100, 5, 2, 2)),
    "three dimensions, time": Example(
        r"o_t = \left\lfloor \frac{16 + 2\cdot 1 - 3}{1} \right\rfloor + 1 = 16", "o_t", 16,
        lambda: conv_output_size(16, 3, 1, 1)),
    "three dimensions, space": Example(
        r"o_h = \left\lfloor \frac{112 + 2\cdot 1 - 3}{2} \right\rfloor + 1 = 56", "o_h", 56,
        lambda: conv_output_size(112, 3, 2, 1)),
    # Yu & Koltun's context module: seven 3x3 layers, then a 1x1 layer
    "context module": Example(
        r"1 + 2(1 + 1 + 2 + 4 + 8 + 16 + 1) = 67", None, 67,
        lambda: receptive_field([(3, 1, d) for d in (1, 1, 2, 4, 8, 16, 1)]
                                + [(1, 1, 1)])[0]),
}


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_worked_example(name):
    example = EXAMPLES[name]
    assert typeset(example.equation, report_source()), \
        f"the report no longer shows: {example.equation}"
    sides = split_equation(example.equation)
    if example.lhs is not None:
        assert sides[0] == example.lhs
        sides = sides[1:]
    assert [evaluate(side) for side in sides] == [example.result] * len(sides)
    assert example.computed() == example.result


def test_worked_examples_fit_their_stories():
    # the rectangular figure: 3 x 4 output, 12 steps, stride (1, 2), padding (0, 1)
    height, width = DirectAxis(5, 3, 1, 0, axis="height"), DirectAxis(7, 3, 2, 1, axis="width")
    assert count_windows_2d((5, 7), (3, 3), (1, 2), (0, 1), (1, 1)) == (height.o, width.o)
    assert height.o * width.o == 12
    # output padding: without it the layer gives 5, and it undoes i = 6, k = 3, s = 2
    assert TransposedAxis(2, 3, s=2).o == 5
    assert DirectAxis(6, 3, 2, 0).o == 2 and DirectAxis(6, 3, 2, 0).a == 1
    assert DirectAxis(6, 3, 2, 0).transposed() == TransposedAxis(2, 3, s=2, p=0, a=1)
    with pytest.raises(ParameterError):
        TransposedAxis(2, 3, s=2, p=0, a=2)
    # same padding: one cell before and two after
    assert same_padding(7, 4, 2) == (1, 2)
    assert same_padding(6, 2, 1) == (0, 1)
    # the receptive field figure: rows of 16, 14, 12, 6, 2 cells
    sizes = [16]
    for k, s, d in RF_STACK:
        sizes.append(conv_output_size(sizes[-1], k, s, 0, d))
    assert sizes == [16, 14, 12, 6, 2]
    # upsampling with k = s: every output cell gets exactly one contribution
    assert np.array_equal(scatter_transposed(np.ones(3), np.ones(2), 2, 0), np.ones(6))


def test_summary_tables_agree_with_geometry():
    source = report_source()
    direct_rows = re.findall(r"\$(\d+), (\d+), (\d+), (\d+) \\to (\d+)\$", source)
    assert len(direct_rows) == 6
    for i, k, s, p, o in (map(int, row) for row in direct_rows):
        assert conv_output_size(i, k, s, p) == o
    transposed_rows = re.findall(r"\\cref\{fig:tr-[a-z-]+\}((?: & \d+){9}) \\\\", source)
    assert len(transposed_rows) == 7
    for row in transposed_rows:
        i, k, s, p, i_t, stretched, p_t, a, o_t = (int(x) for x in row.split("&")[1:])
        tr = DirectAxis(i, k, s, p).transposed()
        assert (tr.i, tr.stretched, tr.pad_before, tr.a, tr.o) == (i_t, stretched, p_t, a, o_t)


# ---------------------------------------------------------------------------
# The frames the report includes


def _pair(axis):
    return (axis, axis)


def _transposed(axis):
    return (axis.transposed(), axis.transposed())


# (height axis, width axis) of every animation the report shows frames of;
# a transposed animation computes the transposed axis's output.
ANIMATIONS = {
    "no_padding_no_strides": _pair(DirectAxis(4, 3)),
    "no_padding_no_strides_transposed": _transposed(DirectAxis(4, 3)),
    "arbitrary_padding_no_strides": _pair(DirectAxis(5, 4, 1, 2)),
    "arbitrary_padding_no_strides_transposed": _transposed(DirectAxis(5, 4, 1, 2)),
    "same_padding_no_strides": _pair(DirectAxis(5, 3, 1, 1)),
    "same_padding_no_strides_transposed": _transposed(DirectAxis(5, 3, 1, 1)),
    "full_padding_no_strides": _pair(DirectAxis(5, 3, 1, 2)),
    "full_padding_no_strides_transposed": _transposed(DirectAxis(5, 3, 1, 2)),
    "no_padding_strides": _pair(DirectAxis(5, 3, 2, 0)),
    "no_padding_strides_transposed": _transposed(DirectAxis(5, 3, 2, 0)),
    "padding_strides": _pair(DirectAxis(5, 3, 2, 1)),
    "padding_strides_transposed": _transposed(DirectAxis(5, 3, 2, 1)),
    "padding_strides_odd": _pair(DirectAxis(6, 3, 2, 1)),
    "padding_strides_odd_transposed": _transposed(DirectAxis(6, 3, 2, 1)),
    "dilation": _pair(DirectAxis(7, 3, 1, 0, 2)),
    "numerical_no_padding_no_strides": _pair(DirectAxis(5, 3)),
    "numerical_padding_strides": _pair(DirectAxis(5, 3, 2, 1)),
    "numerical_average_pooling": _pair(DirectAxis(5, 3)),
    "numerical_max_pooling": _pair(DirectAxis(5, 3)),
    "rectangular": (DirectAxis(5, 3, 1, 0), DirectAxis(7, 3, 2, 1)),
    "dilation_transposed": _transposed(DirectAxis(7, 3, 1, 0, 2)),
    "output_padding_transposed": _pair(TransposedAxis(2, 3, s=2, p=0, a=1)),
    "upsampling_transposed": _pair(TransposedAxis(3, 2, s=2)),
    "numerical_transposed": _pair(TransposedAxis(3, 3, s=2, p=1)),
    "numerical_dilation": _pair(DirectAxis(7, 3, 1, 0, 2)),
}


def test_included_frames_exist_and_subcaptions_name_their_cell():
    pattern = (r"\\includegraphics\[width=[^\]]*\]\{pdf/([a-z_]+)_(\d{2})\.pdf\} "
               r"\\caption\{step (\d+), cell \$\((\d+),(\d+)\)\$(?:, output channel (\d+))?\}")
    frames = re.findall(pattern, report_source())
    # the frames of real layers the build draws into figures/ are checked by
    # test_report_real_layers; every other figure is a catalogue frame
    real_layers = re.findall(r"\\includegraphics\{figures/", report_source())
    assert len(frames) + len(real_layers) == len(re.findall(r"\\includegraphics",
                                                            report_source()))
    assert len(frames) > 100
    for name, step, caption_step, row, column, channel in frames:
        assert int(step) == int(caption_step)
        if name in ANIMATIONS:
            height, width = ANIMATIONS[name]
            assert int(step) < height.o * width.o, f"{name} has no step {step}"
            assert divmod(int(step), width.o) == (int(row), int(column))
            assert not channel
            continue
        # later catalogue entries (channels, padding modes): their own spec
        # numbers the steps, channel by channel
        spec = catalogue_spec(catalogue_entry(name))
        assert int(step) < spec.steps, f"{name} has no step {step}"
        assert spec.step_cell(int(step)) == (int(row), int(column))
        assert (channel != "") == spec.multichannel
        if channel:
            assert spec.step_channel(int(step)) == int(channel)


# ---------------------------------------------------------------------------
# Lists and tables of the later chapters, computed again here


def test_weight_shape_table_agrees_with_layer_arithmetic():
    rows = re.findall(r"(PyTorch|TensorFlow) & \\code\{(\w+)\} & \$(\(.*?\))\$ \\\\",
                      report_source())
    assert len(rows) == 4
    for n_in, n_out, g in _channel_cases():
        for framework, layer, shape in rows:
            transposed = "Transpose" in layer
            if transposed and framework == "TensorFlow" and g > 1:
                continue
            values = {"n_{\\mathrm{in}}": n_in, "n_{\\mathrm{out}}": n_out, "g": g,
                      "k_h": 3, "k_w": 5}
            typeset_shape = tuple(int(x) for x in evaluate(shape, values))
            assert typeset_shape == layer_arithmetic.weight_shape(
                framework.lower(), n_in, n_out, (3, 5), g, transposed), (framework, layer)


def test_pooling_claims_agree_with_layer_arithmetic():
    source = report_source()
    with_pad = layer_arithmetic.average_divisors(5, 3, 2, 1, count_include_pad=True)
    without = layer_arithmetic.average_divisors(5, 3, 2, 1, count_include_pad=False)
    assert (with_pad, without) == ([3, 3, 3], [2, 3, 2])
    assert "divide by $3, 3, 3$ when padding counts and by $2, 3, 2$" in source
    windows = layer_arithmetic.adaptive_windows(10, 4)
    listed = ", ".join(f"${a}$--${b - 1}$" for a, b in windows[:-1])
    a, b = windows[-1]
    assert f"cells {listed} and ${a}$--${b - 1}$" in source


def test_padding_mode_examples_agree_with_numpy():
    source = report_source()
    row = np.array([1, 2, 3, 4])
    for name, numpy_mode in (("reflect", "reflect"), ("replicate", "edge"),
                             ("circular", "wrap")):
        padded = np.pad(row, 2, mode=numpy_mode).tolist()
        text = (", ".join(map(str, padded[:2])) + r" \mid " + ", ".join(map(str, padded[2:6]))
                + r" \mid " + ", ".join(map(str, padded[6:])))
        assert re.search(r"\\code\{" + name + r"\}[^$]*\$" + re.escape(text) + r"\$", source), name


def test_checkerboard_figure_counts_are_computed_ones():
    source = report_source()
    for macro, k in (("tapsThree", 3), ("tapsFour", 4)):
        match = re.search(r"\\def\\" + macro + r"\{([\d,]+)\}", source)
        assert match, f"the checkerboard figure lost its {macro} list"
        counts = [int(x) for x in match.group(1).split(",")]
        assert counts == layer_arithmetic.transposed_tap_counts(4, k, 2)
        # the figure multiplies row and column counts: that is the 2-D count
        grid = np.zeros(((4 - 1) * 2 + k,) * 2, dtype=int)
        for r, c in itertools.product(range(4), repeat=2):
            grid[r * 2:r * 2 + k, c * 2:c * 2 + k] += 1
        assert np.array_equal(grid, np.outer(counts, counts))
