#!/usr/bin/env python3
"""Rewrite the golden TeX files on purpose, after a deliberate template change.

Run `python tests/refresh_golden.py`, then review `git diff tests/golden`.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from golden_cases import CASES, GOLDEN_DIR, render  # noqa: E402

GOLDEN_DIR.mkdir(exist_ok=True)
for stem, factory, step in CASES:
    (GOLDEN_DIR / f"{stem}.tex").write_text(render(factory, step), encoding="utf-8")
    print(f"wrote tests/golden/{stem}.tex")
