#!/usr/bin/env python3
"""Copies the Latin Modern faces native frames use into convarith/render/fonts/, renamed.

Every optical size of Latin Modern Roman carries the same typographic family
name ("Latin Modern Roman"), and resvg picks fonts by that name alone, so it
cannot tell LM Roman 8 from LM Roman 5.  Each copy here is therefore its own
family, "Convarith Roman N".  Renaming a modified font is what the GUST Font
License asks of derived works; glyphs, metrics and every other table are
left as they are.  Run with fontTools installed and Debian's fonts-lmodern
(or a TeX Live tree) present; it rewrites the fonts, the licence and a README.

Usage: python bench/ship_fonts.py [--source DIR]
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "convarith" / "render" / "fonts"
SOURCES = [Path("/usr/share/texmf/fonts/opentype/public/lm"),
           Path("/usr/share/texmf-dist/fonts/opentype/public/lm")]
LICENCE = [Path("/usr/share/texmf/doc/fonts/lm/GUST-FONT-LICENSE.TXT"),
           Path("/usr/share/texmf-dist/doc/fonts/lm/GUST-FONT-LICENSE.TXT")]
# (optical size, style): \small 9 pt, \footnotesize 8 pt, \scriptsize 7 pt,
# math subscripts of 8 pt text 6 pt, \tiny 5 pt; math italic p at 8 pt.
FACES = [(5, "regular"), (6, "regular"), (7, "regular"), (8, "regular"), (9, "regular"),
         (8, "italic")]
# Name records that name the font; the others (copyright, licence,
# designer, description) are kept word for word.
NAMING_IDS = {1, 3, 4, 6, 18, 21, 22}
DROPPED_IDS = {16, 17}      # typographic family: the name shared by all sizes


def renamed(size: int, style: str, text: str) -> str:
    """`text` with every Latin Modern Roman name of this face replaced."""
    for old, new in [(f"LMRoman{size}", f"ConvarithRoman{size}"),
                     (f"Latin Modern Roman {size}", f"Convarith Roman {size}"),
                     ("Latin Modern Roman", f"Convarith Roman {size}"),
                     (f"LM Roman {size}", f"Convarith Roman {size}")]:
        text = text.replace(old, new)
    return text


def rename(font: TTFont, size: int, style: str) -> None:
    name = font["name"]
    # Records 256 and up are the 'size' feature's menu names.
    keep = [r for r in name.names if r.nameID not in DROPPED_IDS]
    for record in keep:
        if record.nameID in NAMING_IDS or record.nameID >= 256:
            record.string = renamed(size, style, record.toUnicode())
    name.names = keep
    cff = font["CFF "].cff
    cff.fontNames = [renamed(size, style, n) for n in cff.fontNames]
    top = cff.topDictIndex[0]
    for key in ("FullName", "FamilyName"):
        if hasattr(top, key):
            setattr(top, key, renamed(size, style, getattr(top, key)))
    leftover = [r.toUnicode() for r in name.names
                if (r.nameID in NAMING_IDS or r.nameID >= 256)
                and ("LM" in r.toUnicode() or "Latin Modern" in r.toUnicode())]
    assert not leftover, leftover


def first_existing(paths: list[Path]) -> Path:
    for path in paths:
        if path.exists():
            return path
    raise SystemExit(f"none of {', '.join(map(str, paths))} exists: "
                     "install fonts-lmodern (apt-get install fonts-lmodern)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help="directory of lmroman*.otf")
    args = parser.parse_args()
    source = args.source or first_existing(SOURCES)
    TARGET.mkdir(parents=True, exist_ok=True)
    for old in TARGET.glob("*.otf"):
        old.unlink()
    rows = []
    for size, style in FACES:
        original = source / f"lmroman{size}-{style}.otf"
        font = TTFont(original, recalcTimestamp=False)   # same bytes on every run
        version = font["name"].getDebugName(5).split(";")[0]     # "Version 2.004"
        rename(font, size, style)
        target = TARGET / f"convarith-roman{size}-{style}.otf"
        font.save(target)
        rows.append(f"| {target.name} | {original.name} | {target.stat().st_size // 1024} KB |")
        print(f"{original.name} -> {target.name} ({version.lower()})")
    shutil.copyfile(first_existing(LICENCE), TARGET / "GUST-FONT-LICENSE.txt")
    readme = README.format(rows="\n".join(rows), version_lower=version.lower())
    (TARGET / "README.md").write_text(readme)


README = """\
# Fonts of the native renderer

These fonts are made from Latin Modern Roman (font {version_lower}) by Bogusław Jackowski and
Janusz M. Nowacki (GUST e-foundry, on behalf of the TeX Users Groups), which is
based on Donald E. Knuth's Computer Modern. They are distributed under the GUST
Font License (GUST-FONT-LICENSE.txt here), an instance of the LaTeX Project
Public License 1.3c.

| file | made from | size |
| --- | --- | --- |
{rows}

What was changed: only the names. Every optical size of Latin Modern Roman
shares the family name "Latin Modern Roman", and a renderer that selects fonts
by family cannot then tell one size from another, so each size is here a
family of its own, "Convarith Roman N". The font names, PostScript names and
file names were changed, as the licence asks of modified versions; the
glyphs, metrics, kerning and every other table are unchanged, and so are the
copyright and licence notices inside the fonts. These files are not Latin
Modern and are not maintained by its authors.

The complete, unmodified Latin Modern fonts are on CTAN (fonts/lm) and in the
fonts-lmodern package of Debian and Ubuntu. bench/ship_fonts.py made these
files from them; bench/font_metrics.py made metrics.json.
"""


if __name__ == "__main__":
    main()
