"""The compiled report: its LaTeX log and BibTeX log must be free of errors,
of undefined references or citations, and of overfull boxes.

`make test` builds conv_arithmetic.pdf before pytest runs, so the logs exist
then; run on its own, this test fails until the report has been built.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOG = ROOT / "conv_arithmetic-build.log"
BLG = ROOT / "conv_arithmetic-build.blg"

# Each entry: (what it means, pattern searched line by line in the .log).
LOG_PROBLEMS = [
    ("LaTeX error", re.compile(r"^! ")),
    ("undefined references", re.compile(r"undefined references", re.IGNORECASE)),
    ("undefined citation", re.compile(r"Citation .* undefined")),
    ("undefined reference", re.compile(r"Reference .* undefined")),
    ("undefined references or citations", re.compile(r"There were undefined")),
    ("overfull box (text or figure sticks out)", re.compile(r"^Overfull \\[hv]box")),
]

BLG_PROBLEMS = [
    ("missing bibliography entry", re.compile(r"I didn't find a database entry")),
    ("BibTeX error", re.compile(r"\(There (?:was|were) \d+ error messages?\)")),
    ("BibTeX error", re.compile(r"^I couldn't open")),
]


def problems(text: str, patterns) -> list[str]:
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for meaning, pattern in patterns:
            if pattern.search(line):
                found.append(f"line {number}: {meaning}: {line.strip()}")
    return found


def test_problem_patterns_catch_what_they_should():
    sample = "\n".join([
        "! Undefined control sequence.",
        "LaTeX Warning: Reference `rel:nothing' on page 3 undefined on input line 12.",
        "Package natbib Warning: Citation `nobody2020' on page 1 undefined on input line 5.",
        "LaTeX Warning: There were undefined references.",
        "Overfull \\hbox (3.1pt too wide) in paragraph at lines 10--12",
        "Output written on conv_arithmetic.pdf (32 pages, 1000 bytes).",
    ])
    assert len(problems(sample, LOG_PROBLEMS)) == 6
    assert problems("Output written on conv_arithmetic.pdf (32 pages).", LOG_PROBLEMS) == []
    assert problems('Warning--I didn\'t find a database entry for "x"\n'
                    "(There was 1 error message)", BLG_PROBLEMS)


@pytest.mark.integration
def test_report_log_is_clean():
    assert LOG.exists(), f"{LOG.name} is missing: build the report first (make)"
    text = LOG.read_text(encoding="latin-1")
    assert "Output written on conv_arithmetic-build.pdf" in text, \
        f"{LOG.name} does not record a finished run"
    found = problems(text, LOG_PROBLEMS)
    if BLG.exists():
        found += [f"{BLG.name} {problem}"
                  for problem in problems(BLG.read_text(encoding="latin-1"), BLG_PROBLEMS)]
    assert not found, "\n".join(found)
