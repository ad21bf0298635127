"""Write convarith/scene/fonts.json: TeX's own metrics of the fonts the figures use.

The native renderer sizes text boxes exactly as TeX does (a frame's size
depends on its labels), without TeX: this script reads the Computer Modern
TFM files of a TeX installation once and keeps what the layout needs (each
character's width, height and depth, the fonts' kerns and ligatures, and the
math spacing unit).  Run it after changing the set of fonts:

    python tests/refresh_font_metrics.py
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "convarith" / "scene" / "fonts.json"
#: Text sizes of the 10 pt standalone class and their math script sizes:
#: every font a figure's text can be set in.
FONTS = ["cmr5", "cmr6", "cmr7", "cmr8", "cmr9", "cmr10",
         "cmmi5", "cmmi6", "cmmi7", "cmmi8", "cmmi9", "cmmi10",
         "cmsy5", "cmsy6", "cmsy7", "cmsy8", "cmsy9", "cmsy10"]


def fix_word(raw: int) -> float:
    return raw / 2 ** 20


def read_tfm(path: Path) -> dict:
    """Widths, heights, depths (in ems of the design size), kerns and plain ligatures."""
    data = path.read_bytes()
    lf, lh, bc, ec, nw, nh, nd, ni, nl, nk, ne, np_ = struct.unpack(">12H", data[:24])
    words = [struct.unpack(">i", data[i:i + 4])[0] for i in range(0, len(data), 4)]
    base = 6
    design = fix_word(words[base + 1])
    info_at = base + lh
    width_at = info_at + ec - bc + 1
    height_at, depth_at = width_at + nw, width_at + nw + nh
    italic_at = depth_at + nd
    lig_at = italic_at + ni
    kern_at = lig_at + nl
    widths = [fix_word(w) for w in words[width_at:width_at + nw]]
    heights = [fix_word(w) for w in words[height_at:height_at + nh]]
    depths = [fix_word(w) for w in words[depth_at:depth_at + nd]]
    kerns = [fix_word(w) for w in words[kern_at:kern_at + nk]]
    program = [data[4 * (lig_at + j):4 * (lig_at + j) + 4] for j in range(nl)]
    chars, pairs, ligatures = {}, {}, {}
    for code in range(bc, ec + 1):
        b0, b1, b2, b3 = data[4 * (info_at + code - bc):4 * (info_at + code - bc) + 4]
        if b0 == 0:
            continue
        chars[code] = [widths[b0], heights[b1 >> 4], depths[b1 & 15]]
        if b2 & 3 != 1:
            continue
        index = b3
        if program[index][0] > 128:
            index = 256 * program[index][2] + program[index][3]
        while True:
            skip, following, op, remainder = program[index]
            if skip <= 128:
                if op >= 128:
                    pairs.setdefault(f"{code},{following}", kerns[256 * (op - 128) + remainder])
                elif op == 0:
                    ligatures.setdefault(f"{code},{following}", remainder)
            if skip >= 128:
                break
            index += skip + 1
    params = [fix_word(w) for w in words[kern_at + nk + ne:kern_at + nk + ne + np_]]
    return {"design": round(design, 6), "space": round(params[1], 6),
            "xheight": round(params[4], 6), "quad": round(params[5], 6),
            "chars": {str(c): [round(v, 6) for v in m] for c, m in sorted(chars.items())},
            "kerns": {k: round(v, 6) for k, v in pairs.items()},
            "ligatures": ligatures}


def main() -> int:
    metrics = {}
    for name in FONTS:
        found = subprocess.run(["kpsewhich", f"{name}.tfm"], capture_output=True, text=True)
        if found.returncode != 0:
            print(f"refresh_font_metrics: {name}.tfm not found (is TeX installed?)",
                  file=sys.stderr)
            return 1
        metrics[name] = read_tfm(Path(found.stdout.strip()))
    TARGET.write_text(json.dumps(metrics, separators=(",", ":"), sort_keys=True) + "\n")
    print(f"wrote {TARGET.relative_to(ROOT)} ({TARGET.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
