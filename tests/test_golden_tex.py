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
    [line] = [l for l in tex.splitlines() if l.startswith(r"\draw[fill=input, draw=lines")]
    return line.count("rectangle")


def test_golden_files_show_the_geometry():
    """Spot checks that tie the goldens to FIGURES.md rather than to themselves."""
    tex = (GOLDEN_DIR / "padding_strides_00.tex").read_text()
    # padded input 7x7 dashed grid, 5x5 units, 3x3 output lifted by 7+1 cells
    assert r"(0,0) grid (7,7);" in tex
    assert unit_squares(tex) == 25
    assert "yshift=8cm" in tex and "xshift=-5pt" in tex
    assert "(0,0) grid (3,3);" in tex
    odd = (GOLDEN_DIR / "padding_strides_odd_transposed_00.tex").read_text()
    assert r"(0,0) grid (8,8);" in odd          # i + k - 1 = 6 + 3 - 1
    assert unit_squares(odd) == 9                # 3x3 units


def test_channel_goldens_show_the_groups_and_the_sum():
    """Tie the channel goldens to what they must show, not to themselves."""
    import re
    grouped = (GOLDEN_DIR / "grouped_09.tex").read_text()
    # 4 input planes 4x4 stacked in depth one cell apart; step 9 of 2x2 outputs
    # is output channel 2, in group 1: inputs 2 and 3 feed it, 0 and 1 idle.
    for depth in (0, 5, 10, 15):
        assert f"shift={{(0,{depth})}}]" in grouped
    lines = re.findall(r"\\draw \(in(\d)-tl\) -- \(out-tl\)", grouped)
    assert lines == ["2", "3"]
    idle = grouped.count(r"\fill[white, opacity=0.75, overlay]")
    assert idle == 2 + 2              # input planes 0, 1 and output planes 0, 1
    numerical = (GOLDEN_DIR / "numerical_multichannel_13.tex").read_text()
    # step 13 of 3x3 outputs is output channel 1, cell (1, 1)
    partials = [int(v) for v in re.findall(r"\\to p_\{\d\} = (\d+)", numerical)]
    assert len(partials) == 3
    [line] = re.findall(r"output channel 1: \$p_\{0\} \+ p_\{1\} \+ p_\{2\} = (.*) = (\d+)\$",
                        numerical)
    assert [int(t) for t in line[0].split(" + ")] == partials
    assert sum(partials) == int(line[1])
