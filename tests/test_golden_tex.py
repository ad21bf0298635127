"""Layer 2: the generated TeX equals the reviewed golden files.

A difference is shown as a unified diff. After a deliberate change to the
templates, run `python tests/refresh_golden.py` and review the diff.
"""

import difflib
import subprocess
import sys
from pathlib import Path

import pytest

from golden_cases import CASES, GOLDEN_DIR, render

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("stem,factory,step", CASES, ids=[c[0] for c in CASES])
def test_tex_matches_golden(stem, factory, step):
    expected = (GOLDEN_DIR / f"{stem}.tex").read_text(encoding="utf-8")
    actual = render(factory, step)
    if actual != expected:
        diff = "".join(difflib.unified_diff(
            expected.splitlines(keepends=True), actual.splitlines(keepends=True),
            fromfile=f"tests/golden/{stem}.tex", tofile="generated"))
        pytest.fail(f"generated TeX differs from the golden file "
                    f"(run tests/refresh_golden.py if intended):\n{diff}")


def test_rendering_is_identical_across_processes():
    """Two separate interpreters render byte-identical TeX (no hash-order effects)."""
    code = ("import sys; sys.path[:0] = ['.', 'tests']; from golden_cases import CASES, render;"
            "sys.stdout.write(''.join(render(f, s) for _, f, s in CASES))")
    outputs = {subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True,
                              capture_output=True, text=True,
                              env={"PYTHONHASHSEED": seed, "PATH": ""}).stdout
               for seed in ("1", "2", "3")}
    assert len(outputs) == 1
    assert len(next(iter(outputs))) > 1000


def unit_squares(tex: str) -> int:
    """Number of input units in the path that draws them."""
    [path] = [text for text in tex.splitlines()
              if text.startswith(r"\draw[fill=input, draw=lines")]
    return path.count("rectangle")


def test_golden_files_show_the_geometry():
    """Spot checks that tie the goldens to FIGURES.md rather than to themselves."""
    tex = (GOLDEN_DIR / "padding_strides_00.tex").read_text()
    # padded input 7x7 dashed grid, 5x5 units, 3x3 output lifted by 7+1 cells
    assert r"(0,0) grid (7,7);" in tex
    assert unit_squares(tex) == 25
    assert "yshift=8cm" in tex and "xshift=-5pt" in tex
    assert r"\cellgrid{0}{0}{3}{3}" in tex
    odd = (GOLDEN_DIR / "padding_strides_odd_transposed_00.tex").read_text()
    assert r"(0,0) grid (8,8);" in odd          # i + k - 1 = 6 + 3 - 1
    assert unit_squares(odd) == 9                # 3x3 units


def cells_of(tex: str, style_start: str) -> set:
    """Cells (x, y) filled by the line that starts with `style_start`: each
    '(x,y) rectangle ++(w,h)' (TikZ) covers w x h cells, and so does each
    '\\cellrect{x}{y}{x+w}{y+h}' (drawing.tex.j2)."""
    import re
    [line] = [text for text in tex.splitlines() if text.startswith(style_start)]
    boxes = [(int(x), int(y), int(w), int(h)) for x, y, w, h in re.findall(
        r"\((-?\d+),(-?\d+)\) rectangle \+\+\((\d+),(\d+)\)", line)]
    boxes += [(int(x), int(y), int(u) - int(x), int(v) - int(y)) for x, y, u, v in re.findall(
        r"\\cellrect\{(-?\d+)\}\{(-?\d+)\}\{(-?\d+)\}\{(-?\d+)\}", line)]
    return {(x + dx, y + dy) for x, y, w, h in boxes for dx in range(w) for dy in range(h)}


def test_new_golden_files_show_the_geometry():
    """The padding, cropping and overhang goldens against numbers worked out by hand."""
    # ConvTranspose2d(k=3, s=2, p=3) on 4x4: stretched 7x7, k_eff - 1 - p = -1, so
    # a 1-cell border of the stretched input is cropped (7*7 - 5*5 = 24 cells) and
    # the 3x3 output's step 4 reads the block 1 + (1, 1) from the corner.
    cropped = (GOLDEN_DIR / "cropped_transposed_04.tex").read_text()
    assert r"\usetikzlibrary{patterns}" in cropped
    hatched = cells_of(cropped, r"\fill[white, fill opacity=0.55")
    assert len(hatched) == 24 and (0, 0) in hatched and (3, 3) not in hatched
    assert cells_of(cropped, r"\shadecells{\cellrect{2}{2}{5}{5}") == {
        (x, y) for x in (2, 3, 4) for y in (2, 3, 4)}
    assert "(1.6ex,1.6ex); cropped%\n\\end{lrbox}" in cropped      # last in the key
    # reflect padding 2 on a 5x5 input: 9x9 drawn, 81 - 25 = 56 tinted cells
    reflect = (GOLDEN_DIR / "numerical_reflect_padding_05.tex").read_text()
    assert len(cells_of(reflect, r"\fill[input!35]")) == 56
    assert "reflect padding%\n\\end{lrbox}" in reflect
    # causal, k=2, d=2 on 1x16: 2 cells of padding on the left only; step 5 reads
    # drawn cells 5 and 7 (inputs 3 and 5) for output 5
    causal = (GOLDEN_DIR / "causal_dilated_05.tex").read_text()
    assert r"(0,0) grid (18,1);" in causal
    assert unit_squares(causal) == 16
    assert cells_of(causal, r"\shadecells{\cellrect{5}{0}{6}{1}\cellrect{7}") \
        == {(5, 0), (7, 0)}
    # ceil_mode max pooling k=3, s=2 on 6x6: 3x3 outputs; the last window starts at
    # 4 and hangs one cell past the bottom and the right edge (5 hatched cells)
    ceil = (GOLDEN_DIR / "numerical_max_pooling_ceil_08.tex").read_text()
    hanging = cells_of(ceil, r"\fill[footprint, fill opacity=0.15")
    assert hanging == {(6, 1), (6, 0), (4, -1), (5, -1), (6, -1)}
    # TensorFlow SAME, i=6, k=3, s=2: o = 3, total padding 1, all of it after
    same = (GOLDEN_DIR / "same_strided_08.tex").read_text()
    assert r"(0,0) grid (7,7);" in same and unit_squares(same) == 36
    assert "(0,1) rectangle ++(1,1)" in same and "(0,0) rectangle ++(1,1)" not in \
        same.split(r"\draw[fill=input")[1].split("\n")[0]


def test_channel_goldens_show_the_groups_and_the_sum():
    """Tie the channel goldens to what they must show, not to themselves."""
    import re
    grouped = (GOLDEN_DIR / "grouped_09.tex").read_text()
    # 4 input planes 4x4 stacked in depth one cell apart; step 9 of 2x2 outputs
    # is output channel 2, in group 1: inputs 2 and 3 feed it, 0 and 1 idle.
    for depth in (0, 5, 10, 15):
        assert f"shift={{(0,{depth})}}]" in grouped
    lines = re.findall(r"\\joinpoints\{in(\d)-tl\}\{out-tl\}", grouped)
    assert lines == ["2", "3"]
    idle = sum(line.startswith(r"\fadecells{") for line in grouped.splitlines())
    assert idle == 2 + 2              # input planes 0, 1 and output planes 0, 1
    numerical = (GOLDEN_DIR / "numerical_multichannel_13.tex").read_text()
    # step 13 of 3x3 outputs is output channel 1, cell (1, 1)
    partials = [int(v) for v in re.findall(r"\\to s_\{\d\} = (\d+)", numerical)]
    assert len(partials) == 3
    [line] = re.findall(r"output channel 1: \$s_\{0\} \+ s_\{1\} \+ s_\{2\} = (.*) = (\d+)\$",
                        numerical)
    assert [int(t) for t in line[0].split(" + ")] == partials
    assert sum(partials) == int(line[1])
