#!/usr/bin/env python3
"""Writes convarith/render/fonts/metrics.json: the extents of what resvg draws.

For every shipped face (convarith/render/fonts/*.otf, see bench/ship_fonts.py)
and each character the frames may show (printable ASCII, U+2212 minus,
U+221E infinity, U+2192 rightwards arrow): the advance width and the height
and depth of the glyph's outline, in font units; the font's kerning between
those characters and its ligatures (fi, ffl, ...), which a shaping renderer
such as resvg applies.  Only the standard library reads the result.  TeX's
own metrics, which size the text boxes, are convarith/scene/fonts.json.

Usage: python bench/font_metrics.py [--check]   (fontTools needed; --check
sets a few strings with pdflatex and prints TeX's width beside the sum of the
fonts' advances and beside the width from TeX's metric files)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
from pathlib import Path

from fontTools.pens.boundsPen import BoundsPen
from fontTools.tfmLib import TFM
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "convarith" / "render" / "fonts"
SYMBOLS = {"\u2212": 0x00, "\u221e": 0x31, "\u2192": 0x21}     # and their cmsy codes
CHARACTERS = [chr(c) for c in range(0x20, 0x7F)] + list(SYMBOLS)
# OT1 (cmr, cmmi) puts other glyphs at these ASCII positions: TeX never
# shows these characters from those fonts.
NOT_OT1 = set('"<>\\_{|}^`~')
LIGATURE_TEXTS = ["ff", "fi", "fl", "ffi", "ffl"]
OT1_LIGATURES = {"ff": 11, "fi": 12, "fl": 13, "ffi": 14, "ffl": 15}     # cmr's codes


def glyph_box(glyphs, name: str) -> tuple[int, int]:
    """(height, depth) of a glyph's outline, in font units (0, 0 for a space)."""
    pen = BoundsPen(glyphs)
    glyphs[name].draw(pen)
    if pen.bounds is None:
        return 0, 0
    return round(pen.bounds[3]), max(0, round(-pen.bounds[1]))


def pair_kerning(font: TTFont, names: dict[str, str]) -> dict[str, dict[str, int]]:
    """{"A": {"V": -83}, "fi": {...}}: the GPOS 'kern' adjustments between our
    characters and ligatures (`names` maps each to its glyph)."""
    gpos = font["GPOS"].table
    lookups = {index for record in gpos.FeatureList.FeatureRecord
               if record.FeatureTag == "kern" for index in record.Feature.LookupListIndex}
    by_glyph = {glyph: text for text, glyph in names.items()}
    kerns: dict[str, dict[str, int]] = {}

    def add(first: str, second: str, value) -> None:
        advance = getattr(value, "XAdvance", 0) if value else 0
        if advance:     # the first subtable that pairs them wins, as in a shaper
            kerns.setdefault(by_glyph[first], {}).setdefault(by_glyph[second], advance)

    for index in sorted(lookups):
        lookup = gpos.LookupList.Lookup[index]
        for table in lookup.SubTable:
            if lookup.LookupType == 9:
                table = table.ExtSubTable
            if getattr(table, "Format", None) == 1:
                for first, pairs in zip(table.Coverage.glyphs, table.PairSet):
                    for pair in pairs.PairValueRecord:
                        if first in by_glyph and pair.SecondGlyph in by_glyph:
                            add(first, pair.SecondGlyph, pair.Value1)
            elif getattr(table, "Format", None) == 2:
                classes1, classes2 = table.ClassDef1.classDefs, table.ClassDef2.classDefs
                for first in table.Coverage.glyphs:
                    if first in by_glyph:
                        row = table.Class1Record[classes1.get(first, 0)]
                        for second in by_glyph:
                            add(first, second, row.Class2Record[classes2.get(second, 0)].Value1)
    return kerns


def ligatures(font: TTFont, names: dict[str, str]) -> dict[str, str]:
    """{"fi": glyph name, ...}: the 'liga' substitutions among LIGATURE_TEXTS
    (ffi is f_f then i, so ligatures already found name their glyphs too)."""
    gsub = font["GSUB"].table
    lookups = {index for record in gsub.FeatureList.FeatureRecord
               if record.FeatureTag == "liga" for index in record.Feature.LookupListIndex}
    texts = {glyph: char for char, glyph in names.items()}
    found: dict[str, str] = {}
    for index in sorted(lookups):
        lookup = gsub.LookupList.Lookup[index]
        for table in lookup.SubTable:
            if lookup.LookupType == 7:
                table = table.ExtSubTable
            for first, entries in getattr(table, "ligatures", {}).items():
                for entry in entries:
                    glyphs = [first] + list(entry.Component)
                    text = "".join(texts.get(glyph, "\0") for glyph in glyphs)
                    if text in LIGATURE_TEXTS and text not in found:
                        found[text] = entry.LigGlyph
                        texts[entry.LigGlyph] = text
    return found


def tfm_path(name: str) -> Path | None:
    try:
        found = subprocess.run(["kpsewhich", f"{name}.tfm"], capture_output=True, text=True)
    except FileNotFoundError:
        return None
    return Path(found.stdout.strip()) if found.returncode == 0 and found.stdout.strip() else None


def tex_metrics(size: int, italic: bool, scale: int) -> dict | None:
    """TeX's [width, height, depth] of each character this face stands in for
    (cmrN, cmsyN for the symbols, cmmiN for the italic face), in the face's
    units, with TeX's kerns, ligatures and space; None without TeX."""
    text_tfm = tfm_path(f"cmmi{size}" if italic else f"cmr{size}")
    symbol_tfm = tfm_path(f"cmsy{size}")
    if text_tfm is None or symbol_tfm is None:
        return None
    text, symbols = TFM(str(text_tfm)), TFM(str(symbol_tfm))

    def box(tfm, code):
        metrics = tfm.chars.get(code)
        if metrics is None:
            return None
        return [round(metrics.get(key, 0.0) * scale, 1) for key in ("width", "height", "depth")]

    chars = {}
    for char in CHARACTERS:
        if char in SYMBOLS:
            chars[char] = box(symbols, SYMBOLS[char])
        elif char != " " and char not in NOT_OT1 and not (italic and not char.isalpha()):
            chars[char] = box(text, ord(char))
    named = {ord(c): c for c in chars if len(c) == 1 and c not in SYMBOLS}
    if not italic:
        named.update({code: lig for lig, code in OT1_LIGATURES.items()})
    kerns: dict[str, dict[str, float]] = {}
    for left, pairs in (text.kerning or {}).items():
        for right, value in pairs.items():
            if left in named and right in named:
                kerns.setdefault(named[left], {})[named[right]] = round(value * scale, 1)
    dimens = text.fontdimens
    result = {"font": text_tfm.stem, "chars": {c: v for c, v in chars.items() if v},
              "kerning": kerns, "ligatures": {}}
    if not italic:
        result["ligatures"] = {lig: box(text, code) for lig, code in OT1_LIGATURES.items()}
        result["space"] = [round(dimens[key] * scale, 1)
                           for key in ("SPACE", "STRETCH", "SHRINK")]
    return result


def face_metrics(path: Path) -> dict:
    font = TTFont(path)
    units = font["head"].unitsPerEm
    cmap, advances, glyphs = font.getBestCmap(), font["hmtx"], font.getGlyphSet()
    names = {char: cmap[ord(char)] for char in CHARACTERS if ord(char) in cmap}
    chars = {}
    for char, glyph in names.items():
        chars[char] = [advances[glyph][0], *glyph_box(glyphs, glyph)]
    lig_glyphs = ligatures(font, names)
    ligs = {text: [advances[glyph][0], *glyph_box(glyphs, glyph)]
            for text, glyph in lig_glyphs.items()}
    size = int(path.stem.split("-")[1].removeprefix("roman"))
    italic = path.stem.endswith("italic")
    os2 = font["OS/2"]
    return {
        "file": path.name,
        "family": font["name"].getDebugName(1),
        "style": "italic" if italic else "normal",
        "design_size_pt": size,
        "units_per_em": units,
        "ascender": os2.sTypoAscender, "descender": -os2.sTypoDescender,
        "x_height": os2.sxHeight, "cap_height": os2.sCapHeight,
        "chars": chars,
        "kerning": pair_kerning(font, {**names, **lig_glyphs}),
        "ligatures": ligs,
    }


def width(table: dict, text: str) -> float:
    """Width of `text` in font units, with kerning and ligatures applied the
    way a shaper or TeX would: longest ligature first, then pair kerning."""
    ligs = table["ligatures"]
    parts, k = [], 0
    while k < len(text):
        for length in (3, 2):
            if text[k:k + length] in ligs:
                parts.append(text[k:k + length])
                k += length
                break
        else:
            parts.append(text[k])
            k += 1
    total = 0.0
    for part in parts:
        if part in ligs:
            total += ligs[part][0]
        elif part == " " and "space" in table:       # TeX's interword glue
            total += table["space"][0]
        else:
            total += table["chars"][part][0]
    for left, right in zip(parts, parts[1:]):
        total += table["kerning"].get(left, {}).get(right, 0)
    return total


# Strings typeset by pdflatex (standalone, 10 pt) and by the metrics:
# (TeX source, [(face, text), ...]) where a face is "roman8", "italic8", ...
CHECKS = [
    (r"\small input", [("roman9", "input")]),
    (r"\small output", [("roman9", "output")]),
    (r"\scriptsize output channel 0", [("roman7", "output channel 0")]),
    (r"\scriptsize filter 1", [("roman7", "filter 1")]),
    (r"\footnotesize 12", [("roman8", "12")]),
    (r"\scriptsize 4.5", [("roman7", "4.5")]),
    (r"\footnotesize AVAWTo", [("roman8", "AVAWTo")]),
    (r"\footnotesize $-\infty$", [("roman8", "\u2212\u221e")]),
    (r"\tiny $-\infty$", [("roman5", "\u2212\u221e")]),
    (r"\scriptsize $-$3", [("roman7", "\u22123")]),
    (r"\footnotesize $\to$", [("roman8", "\u2192")]),
    (r"\footnotesize $p$", [("italic8", "p")]),
]


def check(metrics: dict) -> None:
    """Prints TeX's width of each CHECKS string beside the metrics' (in pt)."""
    lines = [r"\documentclass{standalone}\begin{document}"]
    for k, (source, _) in enumerate(CHECKS):
        lines.append(rf"\setbox0\hbox{{{source}}}\typeout{{CHECK{k}=\the\wd0}}")
    lines.append(r"x\end{document}")
    with tempfile.TemporaryDirectory() as workdir:
        Path(workdir, "w.tex").write_text("\n".join(lines))
        subprocess.run(["pdflatex", "-interaction=nonstopmode", "w.tex"], cwd=workdir,
                       capture_output=True, check=True)
        log = Path(workdir, "w.log").read_text()
    measured = {int(line[5:line.index("=")]): float(line.split("=")[1][:-2])
                for line in log.splitlines() if line.startswith("CHECK")}
    print(f"{'TeX source':32s} {'TeX pt':>8s} {'font pt':>8s} {'diff':>6s} "
          f"{'plain sum':>9s} {'TFM pt':>8s}")
    for k, (source, runs) in enumerate(CHECKS):
        font_pt = plain_pt = tfm_pt = 0.0
        for name, text in runs:
            face = metrics["faces"][name]
            scale = face["design_size_pt"] / face["units_per_em"]
            font_pt += width(face, text) * scale
            plain_pt += sum(face["chars"][c][0] for c in text) * scale
            tex = tex_metrics(face["design_size_pt"], face["style"] == "italic",
                              face["units_per_em"])
            tfm_pt += width(tex, text) * scale if tex else float("nan")
        print(f"{source:32s} {measured[k]:8.3f} {font_pt:8.3f} {font_pt - measured[k]:+6.3f} "
              f"{plain_pt:9.3f} {tfm_pt:8.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare widths with pdflatex's")
    args = parser.parse_args()
    faces = {}
    for path in sorted(FONTS.glob("*.otf")):
        face = face_metrics(path)
        key = ("italic" if face["style"] == "italic" else "roman") + str(face["design_size_pt"])
        faces[key] = face
    metrics = {
        "about": ("Font units (units_per_em to the design size). chars: character -> "
                  "[advance, height, depth] of the shipped glyph; kerning: left -> right "
                  "-> advance change (left and right: characters or ligatures); "
                  "ligatures: text -> [advance, height, depth]. TeX's own metrics, "
                  "which size the text boxes, are in convarith/scene/fonts.json. "
                  "Made by bench/font_metrics.py."),
        "faces": faces,
    }
    out = FONTS / "metrics.json"
    out.write_text(json.dumps(metrics, ensure_ascii=False, separators=(",", ":"),
                              sort_keys=True) + "\n")
    print(f"{out.relative_to(ROOT)}: {len(faces)} faces, {out.stat().st_size // 1024} KB")
    if args.check:
        check(metrics)


if __name__ == "__main__":
    main()
