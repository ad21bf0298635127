"""The size of a piece of text as TeX sets it, from TeX's own font metrics.

A frame's size depends on its labels, so the scene measures text the way
TeX does: Computer Modern at the sizes of the 10 pt standalone class, with
the fonts' kerns and ligatures, and math set with TeX's spacing between
ordinary symbols, binary operators and relations.  The metrics are read
once from fonts.json (tests/refresh_font_metrics.py writes it from the TFM
files).  Standard library only.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Tuple

from .types import Span

#: Script and scriptscript sizes of each text size in the 10 pt class.
SCRIPT_SIZES = {5: (5, 5), 6: (5, 5), 7: (5, 5), 8: (6, 5), 9: (6, 5), 10: (7, 5)}
#: Characters set from the math symbol font (cmsy), by their code there.
SYMBOLS = {"\u2212": 0, "\u221e": 49, "\u2192": 33, "\u00b7": 1}
#: Math classes: binary operators and relations get space around them.
BINARY = {"+", "\u2212", "\u00b7"}
RELATIONS = {"=", "\u2192", ":"}
#: Space after a subscript (TeX's \scriptspace).
SCRIPT_SPACE = 0.5
#: A subscript's drop below the baseline, in ems of the text size (cmsy's sub1).
SUBSCRIPT_DROP = 0.15


@lru_cache(maxsize=1)
def _metrics() -> dict:
    return json.loads((Path(__file__).resolve().parent / "fonts.json").read_text())


def font_size(points: float) -> int:
    """The Computer Modern design size TeX uses for text of `points`."""
    return min(SCRIPT_SIZES, key=lambda size: (abs(size - points), -size))


def _font(family: str, points: float) -> dict:
    return _metrics()[f"{family}{font_size(points)}"]


def x_height(points: float) -> float:
    return _font("cmr", points)["xheight"] * points


def em(points: float) -> float:
    return _font("cmr", points)["quad"] * points


#: Width, height and depth (em) taken for a character the TeX font lacks
#: (a caption's "×", "→"; the frame's fonts have them): as wide as the widest
#: of them, so that the frame holds the line.
OUTSIDE_TFM = (1.05, 0.7, 0.0)


def _roman(text: str, points: float) -> Tuple[float, float, float]:
    """Width, height and depth of a line of roman text, with ligatures and kerns."""
    font = _font("cmr", points)
    codes = [ord(ch) for ch in text]
    merged: list = []
    for code in codes:
        merged.append(code)
        while len(merged) > 1:
            lig = font["ligatures"].get(f"{merged[-2]},{merged[-1]}")
            if lig is None:
                break
            merged[-2:] = [lig]
    width = height = depth = 0.0
    for index, code in enumerate(merged):
        if code == 32:
            width += font["space"]
            continue
        w, h, d = font["chars"].get(str(code), OUTSIDE_TFM)
        width += w
        height, depth = max(height, h), max(depth, d)
        if index + 1 < len(merged):
            width += font["kerns"].get(f"{code},{merged[index + 1]}", 0.0)
    return width * points, height * points, depth * points


def _glyph(ch: str, points: float) -> Tuple[float, float, float]:
    """Width, height and depth of one math character."""
    if ch in SYMBOLS:
        font, code = _font("cmsy", points), SYMBOLS[ch]
    elif ch.isalpha():
        font, code = _font("cmmi", points), ord(ch)
    else:
        font, code = _font("cmr", points), ord(ch)
    w, h, d = font["chars"].get(str(code), (0.5, 0.7, 0.0))
    return w * points, h * points, d * points


def _math_class(ch: str) -> str:
    if ch in BINARY:
        return "bin"
    if ch in RELATIONS:
        return "rel"
    return "ord"


def _space(left: str, right: str, mu: float) -> float:
    """TeX's space between two math atoms in text style."""
    pair = {left, right}
    if "rel" in pair and left != right:
        return 5 * mu
    if "bin" in pair:
        return 4 * mu
    return 0.0


def math_atoms(spans: Iterable[Span]) -> list:
    """[(class, text, style)] of a math formula: one atom per character,
    a subscript attached to the atom before it; binary operators with
    nothing to combine become ordinary, as in TeX."""
    atoms: list = []
    for span in spans:
        if span.style == "sub":
            atoms.append(("sub", span.text, "sub"))
            continue
        for ch in span.text:
            if ch != " ":
                atoms.append((_math_class(ch), ch, span.style))
    for index, (kind, ch, style) in enumerate(atoms):
        if kind != "bin":
            continue
        before = next((a[0] for a in reversed(atoms[:index]) if a[0] != "sub"), None)
        after = next((a[0] for a in atoms[index + 1:] if a[0] != "sub"), None)
        if before in (None, "bin", "rel") or after in (None, "rel"):
            atoms[index] = ("ord", ch, style)
    return atoms


def math_layout(spans: Iterable[Span], points: float) -> list:
    """[(x, dy, text, size, is_symbol_or_letter)] of each atom of a math
    formula, and its width, height and depth: x from the formula's start,
    dy the baseline's drop (subscripts)."""
    atoms = math_atoms(spans)
    mu = _font("cmsy", points)["quad"] * points / 18
    script = SCRIPT_SIZES[font_size(points)][0]
    placed, x, height, depth, previous = [], 0.0, 0.0, 0.0, None
    for kind, ch, style in atoms:
        if kind == "sub":
            w, h, d = _roman(ch, script)
            drop = SUBSCRIPT_DROP * points
            placed.append((x, drop, ch, script, "roman"))
            x += w + SCRIPT_SPACE
            height, depth = max(height, h - drop), max(depth, d + drop)
            continue
        if previous is not None:
            x += _space(previous, kind, mu)
        w, h, d = _glyph(ch, points)
        face = "symbol" if ch in SYMBOLS else ("italic" if ch.isalpha() else "roman")
        placed.append((x, 0.0, ch, points, face))
        x += w
        height, depth, previous = max(height, h), max(depth, d), kind
    return placed, (x, height, depth)


def runs(spans: Tuple[Span, ...]) -> list:
    """The spans cut into roman text and math formulas: [(is_math, spans)]."""
    pieces: list = []
    for span in spans:
        is_math = span.style != "roman"
        if pieces and pieces[-1][0] == is_math:
            pieces[-1][1].append(span)
        else:
            pieces.append((is_math, [span]))
    return pieces


def layout(spans: Tuple[Span, ...], points: float) -> Tuple[list, Tuple[float, float, float]]:
    """Each glyph run of a text as (x, dy, text, size, face), and the text's
    width, height and depth, all in points from the start of its baseline."""
    placed, x, height, depth = [], 0.0, 0.0, 0.0
    for is_math, pieces in runs(spans):
        if is_math:
            atoms, (w, h, d) = math_layout(pieces, points)
            placed += [(x + ax, dy, ch, size, face) for ax, dy, ch, size, face in atoms]
        else:
            text = "".join(span.text for span in pieces)
            w, h, d = _roman(text, points)
            placed.append((x, 0.0, text, points, "roman"))
        x += w
        height, depth = max(height, h), max(depth, d)
    return placed, (x, height, depth)


def measure(spans: Tuple[Span, ...], points: float) -> Tuple[float, float, float]:
    """Width, height and depth of a text in points, as TeX's box of it."""
    return layout(spans, points)[1]
