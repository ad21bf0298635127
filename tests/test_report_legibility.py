"""The compiled report must be legible in print: no word under 5 pt high.

Heights are the word bounding boxes that poppler's ``pdftotext -bbox`` reports
for conv_arithmetic.pdf as laid out on the page, so text inside an included
figure frame counts at the size it is printed, after scaling. `make test`
builds the report before pytest runs.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PDF = ROOT / "conv_arithmetic.pdf"
MINIMUM_HEIGHT_PT = 5.0

_PAGE = re.compile(r"<page\b[^>]*>(.*?)</page>", re.DOTALL)
_WORD = re.compile(r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" '
                   r'yMax="([-\d.]+)">([^<]*)</word>')


def word_heights(bbox_xhtml: str) -> list[tuple[int, str, float]]:
    """(page number, word, height in pt) of every word in `pdftotext -bbox` output."""
    words = []
    for number, page in enumerate(_PAGE.findall(bbox_xhtml), start=1):
        for _x0, y0, _x1, y1, text in _WORD.findall(page):
            words.append((number, text, float(y1) - float(y0)))
    return words


def too_small(words, minimum: float = MINIMUM_HEIGHT_PT) -> list[tuple[int, str, float]]:
    return [word for word in words if word[2] < minimum]


def test_word_heights_reads_pages_and_finds_small_words():
    sample = """<doc>
<page width="595.28" height="841.89">
<word xMin="10.0" yMin="100.0" xMax="30.0" yMax="109.7">Body</word>
</page>
<page width="595.28" height="841.89">
<word xMin="10.0" yMin="200.0" xMax="14.0" yMax="203.5">0.0</word>
<word xMin="20.0" yMin="200.0" xMax="24.0" yMax="205.0">ok</word>
</page>
</doc>"""
    words = word_heights(sample)
    assert [(page, text) for page, text, _ in words] == [(1, "Body"), (2, "0.0"), (2, "ok")]
    assert too_small(words) == [(2, "0.0", pytest.approx(3.5))]


@pytest.mark.integration
def test_no_word_in_the_report_is_under_five_points():
    assert PDF.exists(), f"{PDF.name} is missing: build the report first (make)"
    result = subprocess.run(["pdftotext", "-bbox", str(PDF), "-"],
                            capture_output=True, text=True, check=True)
    words = word_heights(result.stdout)
    assert len(words) > 5000, "pdftotext found almost no words in the report"
    small = too_small(words)
    listing = "\n".join(f"page {page}: {text!r} is {height:.1f} pt high"
                        for page, text, height in small[:40])
    assert not small, (f"{len(small)} words are under {MINIMUM_HEIGHT_PT} pt high "
                       f"as printed:\n{listing}")
