"""The documented limits hold: the largest figures they allow build, large
figures reach TeX as short lines and few paths, and a TeX capacity error is
one clear message."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from PIL import Image

from convarith.render import latex, raster
from convarith.build import figure_tex
from convarith.cli import geometry_spec
from convarith.errors import ParameterError, ToolError
from convarith.model.spec import MAX_EXTENT, MAX_NUMERICAL_EXTENT, WORK_LIMITS
from convarith.scene.cells import rectangles, runs
from test_bad_input import run_program
from test_frames import peak_rss_kib

ROOT = Path(__file__).resolve().parent.parent

#: The largest figure of each kind within the limits: the widest drawn input
#: with the most steps the work limit then allows, and the most steps.
LARGEST = {
    "arithmetic-widest": ["-i", "100", "-k", "87"],
    "arithmetic-most-steps": ["-i", "32", "-k", "1"],
    "numerical-widest": ["--type", "numerical", "-i", "32", "-k", "19"],
    # Channel planes multiply the work: four input and four output planes.
    "arithmetic-channels": ["-i", "50", "-k", "44", "--in-channels", "4", "--out-channels", "4"],
    "numerical-channels": ["--type", "numerical", "-i", "16", "-k", "12",
                           "--in-channels", "4", "--out-channels", "4"],
}


def kind_and_flags(argv):
    """The figure kind named by --type (arithmetic by default), and the other flags."""
    kind = argv[argv.index("--type") + 1] if "--type" in argv else "arithmetic"
    return kind, [a for a in argv if a not in ("--type", kind)]


def spec_of(argv):
    kind, flags = kind_and_flags(argv)
    return geometry_spec(kind, "largest", flags)


def test_the_largest_figures_are_at_the_limits():
    widest, most, numerical, *channels = (spec_of(LARGEST[k]) for k in LARGEST)
    assert widest.drawn_size == (MAX_EXTENT, MAX_EXTENT)
    assert most.steps == 1024
    assert numerical.drawn_size == (MAX_NUMERICAL_EXTENT, MAX_NUMERICAL_EXTENT)
    for spec in (widest, most, numerical, *channels):
        assert spec.work() <= WORK_LIMITS[spec.kind]
    # One more output row and column is past the limits: TeX refuses it
    # before any work, the native renderer draws it elided.
    for argv in (["-i", "50", "-k", "43", "--in-channels", "4", "--out-channels", "4"],
                 ["-i", "100", "-k", "86"]):
        spec = geometry_spec("arithmetic", "x", argv)
        assert spec.elided
        with pytest.raises(ParameterError, match="above the limit"):
            spec.check_whole()
    with pytest.raises(ParameterError, match="above the limit"):
        geometry_spec("numerical", "x", ["-i", "32", "-k", "18"])
    with pytest.raises(ParameterError, match="at most 32 cells"):
        geometry_spec("numerical", "x", ["-i", "33", "-k", "33"])


def test_runs_and_rectangles():
    assert runs([5, 1, 2, 3, 7, 8]) == [(1, 3), (5, 1), (7, 2)]
    assert rectangles([0, 1], [0, 1, 3], 4, merge=True) == [(0, 2, 2, 2), (3, 2, 1, 2)]
    assert len(rectangles([0, 1], [0, 1, 3], 4, merge=False)) == 6


@pytest.mark.parametrize("argv", [["-i", "100", "-k", "100"], ["-i", "100", "-k", "34", "-d", "3"],
                                  ["--type", "numerical", "-i", "32", "-k", "32"],
                                  ["-i", "100", "-k", "50", "-d", "2"],
                                  ["-i", "100", "-k", "100", "--in-channels", "4",
                                   "--out-channels", "4"]])
def test_large_figures_reach_tex_as_short_lines(argv):
    """TeX reads a line into a buffer of 200000 characters, and a path of
    thousands of squares exhausts its memory: the biggest figures draw runs of
    cells as one rectangle each."""
    spec = spec_of(argv)
    tex = figure_tex(spec, [0])
    assert max(len(line) for line in tex.splitlines()) < 100000
    # At most 50 x 50 separate cells (every other one, at 100 per axis).
    assert tex.count("rectangle") <= 2 * 2500 + 20


@pytest.mark.integration
def test_the_most_separate_cells_compile(tmp_path):
    """2500 separate footprint cells (a dilated 50 x 50 kernel) in one path."""
    spec = spec_of(["-i", "100", "-k", "50", "-d", "2"])
    pdf = latex.compile_tex(figure_tex(spec, [0]), "separate")
    assert pdf.startswith(b"%PDF")


@pytest.mark.integration
def test_a_tex_capacity_error_is_one_clear_message():
    tex = ("\\documentclass{article}\\begin{document}\n"
           + "x" * 250000 + "\n\\end{document}\n")
    with pytest.raises(ToolError) as caught:
        latex.compile_tex(tex, "huge")
    message = str(caught.value)
    assert "'huge' is too large for pdflatex" in message and "smaller sizes" in message
    assert ".tex)" not in message and "texmf-dist" not in message


#: Whole builds in `make test`.  The two widest arithmetic figures spend ten
#: minutes or more in poppler alone (each of their 196 frames takes seconds to
#: rasterise), so the suite builds only their first and last frames (below);
#: `LARGEST_ALL=1` builds them whole too.
WHOLE = [case for case in LARGEST
         if os.environ.get("LARGEST_ALL") or not case.startswith("arithmetic-")
         or case == "arithmetic-most-steps"]
#: The figure with the most steps is built whole at a third of the default
#: dpi (a ninth of the pixels): its 1024 frames of 1655 x 2105 pixels at the
#: default dpi cost about eight CPU-minutes in poppler, zlib and the GIF
#: encoder, half of the whole suite, and what the whole build shows does not
#: depend on their size: one pdflatex run makes the 1024 pages, every frame
#: becomes a PNG and a GIF frame, and the frame stage still streams (the
#: frames together exceed the raster cache, checked below, and come in many
#: batches, whose bounds are in bytes).  Its first and last frames are built
#: at the default dpi below, and `LARGEST_ALL=1` builds it whole at the
#: default dpi too.
WHOLE_DPI = {} if os.environ.get("LARGEST_ALL") else {"arithmetic-most-steps": 50}
#: Peak memory allowed for any figure within the limits, at the default dpi.
PEAK_KIB = 1024 * 1024


@pytest.mark.integration
@pytest.mark.slow
@pytest.mark.parametrize("case", WHOLE)
def test_the_largest_figure_builds(case, tmp_path):
    argv = LARGEST[case]
    spec = spec_of(argv)
    dpi = ["--dpi", str(WHOLE_DPI[case])] if case in WHOLE_DPI else []
    peak = peak_rss_kib([sys.executable, str(ROOT / "bin" / "animate"), "largest", *argv,
                         *dpi], cwd=tmp_path, timeout=3600)
    assert peak < PEAK_KIB, f"{case}: {peak} KiB"
    with Image.open(tmp_path / "gif" / "largest.gif") as gif:
        assert gif.n_frames == spec.steps
        lo, hi = gif.convert("RGB").getextrema()[0]
        assert lo < hi                                   # something is drawn
        # Too many frames to keep: the frame stage streamed them.
        assert gif.size[0] * gif.size[1] * 3 * spec.steps > raster.CACHE_BYTES
    assert len(list((tmp_path / "png").iterdir())) == spec.steps


#: The figures not built whole at the default dpi above.
FIRST_AND_LAST = [case for case in LARGEST if case not in WHOLE or case in WHOLE_DPI]


@pytest.mark.integration
@pytest.mark.slow
@pytest.mark.parametrize("case", FIRST_AND_LAST)
def test_the_first_and_last_frames_of_the_largest_figures_build(case, tmp_path):
    """Every frame of a figure draws the same planes, so its first and last
    show what TeX and poppler must cope with: each compiles, and the frame
    stage turns them into PNGs and a GIF, within the memory limit."""
    kind, flags = kind_and_flags(LARGEST[case])
    spec = geometry_spec(kind, "largest", flags)
    pdfs = []
    for step in (0, spec.steps - 1):
        result = run_program("produce_figure", [kind, "largest", str(step), *flags],
                             cwd=tmp_path, timeout=600)
        assert result.returncode == 0, result.stderr
        pdfs.append(f"pdf/{spec.step_name(step)}.pdf")
        assert (tmp_path / pdfs[-1]).exists(), sorted(p.name for p in tmp_path.rglob("*"))
    peak = peak_rss_kib([sys.executable, "-m", "convarith.stages", "frames", "gif/largest.gif",
                         *pdfs], cwd=tmp_path)
    assert peak < PEAK_KIB, f"{case}: {peak} KiB"
    with Image.open(tmp_path / "gif" / "largest.gif") as gif:
        assert gif.n_frames == 2
        assert gif.size[0] > 1000                        # drawn at full size
    assert len(list((tmp_path / "png").iterdir())) == 2
