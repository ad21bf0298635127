"""The documented output limits hold at their edges, for both renderers:
--dpi up to 1200 within MAX_FRAME_PIXELS (MAX_VIDEO_PIXELS for a video),
storyboard sheets within MAX_SHEET_POINTS and, drawn by TeX, within
TEX_SHEET_CELLS.  What they accept is made; what they refuse is refused
before any work, in one paragraph that says what fits."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from PIL import Image

import convarith
from convarith.animation import Animation
from convarith.cli import geometry_spec
from convarith.errors import ParameterError
from convarith.export.limits import _largest_dpi, frame_sizer, sheet_points, sheet_sizer
from convarith.settings import (DPI_RANGE, MAX_FRAME_PIXELS, MAX_SHEET_POINTS,
                                MAX_VIDEO_PIXELS, TEX_SHEET_CELLS)
from test_bad_input import ROOT, base_env
from test_frames import peak_rss_kib

README = (ROOT / "README.md").read_text(encoding="utf-8")
#: A figure within every geometry limit whose frames are the largest there are.
LARGEST_FRAMES = ["-i", "100", "-k", "100", "--in-channels", "4", "--out-channels", "4"]


def animate(tmp_path, argv, env=None, timeout=600):
    return subprocess.run([sys.executable, "-m", "convarith", "animate", *argv],
                          cwd=tmp_path, env=env or base_env(), capture_output=True,
                          text=True, timeout=timeout)


def refused(result) -> str:
    """The one-paragraph error of a run refused before any work (which would
    have printed the figure's steps first)."""
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("convarith: error:")
    return result.stderr


def dpi_that_fits(flags, limit=MAX_FRAME_PIXELS, kind="arithmetic") -> int:
    return _largest_dpi(frame_sizer(Animation(geometry_spec(kind, "x", flags))), limit)


#: The renderers; TeX's cases need pdflatex (without it, "tex" falls back to
#: native with a notice), so they are integration tests.
RENDERERS = ["native", pytest.param("tex", marks=pytest.mark.integration)]


@pytest.mark.parametrize("renderer", RENDERERS)
@pytest.mark.parametrize("suffix, limit", [(".gif", MAX_FRAME_PIXELS),
                                           (".mp4", MAX_VIDEO_PIXELS)])
def test_frames_above_the_limit_are_refused_before_any_work(tmp_path, renderer, suffix,
                                                            limit):
    best = dpi_that_fits(LARGEST_FRAMES, limit)
    assert DPI_RANGE[0] <= best < 150          # refused at the default resolution
    for dpi in (150, best + 1):
        message = refused(animate(tmp_path, ["big", *LARGEST_FRAMES, "--renderer", renderer,
                                             "--dpi", str(dpi), "--out", f"big{suffix}"]))
        assert f"use --dpi {best} or lower" in message
        assert f"above the limit of {limit / 1e6:.1f}".removesuffix(".0") in message
    assert list(tmp_path.iterdir()) == []


def test_the_api_refuses_such_frames_naming_its_keyword():
    layer = convarith.conv2d(100, 100, in_channels=4, out_channels=4)
    with pytest.raises(ParameterError, match=r"use dpi=\d+ or lower"):
        layer.frames()
    layer.dpi = 1201
    with pytest.raises(ParameterError, match="^dpi must be a whole number between 10 and 1200"):
        layer.frames()


def test_the_edge_of_the_limit_is_exact():
    spec = geometry_spec("arithmetic", "x", LARGEST_FRAMES)
    size = frame_sizer(Animation(spec))
    best = _largest_dpi(size, MAX_FRAME_PIXELS)
    assert size(best)[0] * size(best)[1] <= MAX_FRAME_PIXELS < size(best + 1)[0] * size(best + 1)[1]
    from convarith.export.limits import check_frames
    check_frames(Animation(spec, best))
    with pytest.raises(ParameterError):
        check_frames(Animation(spec, best + 1))


@pytest.mark.slow
@pytest.mark.parametrize("suffix, limit, renderer", [
    (".gif", MAX_FRAME_PIXELS, "native"), (".mp4", MAX_VIDEO_PIXELS, "native"),
    (".webp", MAX_FRAME_PIXELS, "native"),
    pytest.param(".gif", MAX_FRAME_PIXELS, "tex", marks=pytest.mark.integration)])
def test_frames_at_the_limit_are_made_in_under_2_gib(tmp_path, suffix, limit, renderer):
    best = dpi_that_fits(LARGEST_FRAMES, limit)
    peak = peak_rss_kib([sys.executable, "-m", "convarith", "animate", "big", *LARGEST_FRAMES,
                         "--dpi", str(best), "--renderer", renderer, "--out", f"big{suffix}"],
                        cwd=tmp_path, timeout=1800)
    print(f"peak {peak / 2**20:.2f} GiB")
    assert peak < 2 * 2**20, f"{peak} KiB"
    assert (tmp_path / f"big{suffix}").stat().st_size > 0


@pytest.mark.slow
def test_the_highest_dpi_draws_a_catalogue_sized_figure(tmp_path):
    peak = peak_rss_kib([sys.executable, "-m", "convarith", "animate", "fine", "-i", "5", "-k",
                         "3", "-s", "2", "-p", "1", "--dpi", str(DPI_RANGE[1]), "--out",
                         "fine.gif"], cwd=tmp_path, timeout=1800)
    assert peak < 2 * 2**20, f"{peak} KiB"
    with Image.open(tmp_path / "fine.gif") as gif:
        assert gif.n_frames == 9 and gif.width > 3000


# --- storyboards ------------------------------------------------------------

#: The README's largest figures, and tests/test_limits.py's numerical one with channels.
BIG_SHEETS = [["-i", "100", "-k", "87"], ["-i", "32", "-k", "1"],
              ["--type", "numerical", "-i", "16", "-k", "12", "--in-channels", "4",
               "--out-channels", "4"]]


#: Every storyboard that is one picture. The native PDF storyboard is not among them: it goes
#: onto pages of paper (below).
ONE_SHEET = [(renderer, suffix) if renderer == "native"
             else pytest.param(renderer, suffix, marks=pytest.mark.integration)
             for renderer in ("native", "tex")
             for suffix in (".pdf", ".svg", ".png") if (renderer, suffix) != ("native", ".pdf")]


@pytest.mark.parametrize("renderer, suffix", ONE_SHEET)
@pytest.mark.parametrize("flags", BIG_SHEETS, ids=" ".join)
def test_storyboards_larger_than_a_sheet_are_refused_before_any_work(tmp_path, renderer,
                                                                     suffix, flags):
    message = refused(animate(tmp_path, ["board", *flags, "--steps", "all", "--renderer",
                                         renderer, "--out", f"board{suffix}"]))
    assert f"above the limit of {MAX_SHEET_POINTS:,} pt a side" in message
    assert list(tmp_path.iterdir()) == []


def test_a_native_pdf_storyboard_larger_than_a_sheet_goes_onto_pages(tmp_path):
    from pypdf import PdfReader
    flags = BIG_SHEETS[2]
    result = animate(tmp_path, ["board", *flags, "--steps", "all", "--out", "board.pdf"])
    assert result.returncode == 0, result.stderr
    assert [path.name for path in tmp_path.iterdir()] == ["board.pdf"]
    pages = PdfReader(tmp_path / "board.pdf").pages
    assert len(pages) > 1
    assert all(float(page.mediabox.height) <= MAX_SHEET_POINTS for page in pages)


def test_readme_examples_are_among_them():
    for flags in BIG_SHEETS[:2]:
        assert " ".join(flags) in README


@pytest.mark.integration
@pytest.mark.parametrize("flags", [["--type", "numerical", "-i", "16", "-k", "4"],
                                   ["--type", "numerical", "-i", "32", "-k", "19"]], ids=" ".join)
def test_a_numerical_tex_storyboard_above_its_cells_is_refused(tmp_path, flags):
    spec = geometry_spec("numerical", "x", flags[2:])
    assert spec.work() > TEX_SHEET_CELLS["numerical"]
    assert max(sheet_points(Animation(spec, steps=range(spec.steps)))) <= MAX_SHEET_POINTS
    for suffix in (".pdf", ".svg", ".png"):
        message = refused(animate(tmp_path, ["board", *flags, "--steps", "all", "--renderer",
                                             "tex", "--out",
                                             f"board{suffix}"]))
        assert f"above the limit of {TEX_SHEET_CELLS['numerical']:,}" in message
        assert "--renderer native" in message


def test_a_storyboard_picture_above_the_pixel_limit_names_the_dpi_that_fits(tmp_path):
    flags = ["--type", "numerical", "-i", "12", "-k", "3"]
    spec = geometry_spec("numerical", "x", flags[2:])
    best = _largest_dpi(sheet_sizer(Animation(spec)), MAX_FRAME_PIXELS)
    message = refused(animate(tmp_path, ["board", *flags, "--dpi", str(best + 1), "--out",
                                         "board.png"]))
    assert f"use --dpi {best} or lower" in message


@pytest.mark.integration
@pytest.mark.slow
@pytest.mark.parametrize("flags", [
    # 12 x 12 values: TeX ran out of memory here before.
    ["--type", "numerical", "-i", "12", "-k", "3"],
    # The most cells a numerical TeX sheet takes, with the most per cell.
    ["--type", "numerical", "-i", "9", "-k", "2", "--in-channels", "4", "--out-channels", "2"],
    # Close to the sheet's size: a tall one with channels, a wide one with many steps.
    ["-i", "7", "-k", "1", "--in-channels", "4", "--out-channels", "4"],
    ["-i", "21", "-k", "1"],
], ids=" ".join)
def test_tex_storyboards_within_the_limits_are_made(tmp_path, flags):
    spec = geometry_spec(flags[1] if flags[0] == "--type" else "arithmetic", "x",
                         flags[2:] if flags[0] == "--type" else flags)
    assert max(sheet_points(Animation(spec, steps=range(spec.steps)))) <= MAX_SHEET_POINTS
    assert spec.work() <= TEX_SHEET_CELLS.get(spec.kind, spec.work())
    result = animate(tmp_path, ["board", *flags, "--renderer", "tex", "--out", "board.pdf",
                                "--out", "board.svg"], timeout=1800)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "board.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.slow
def test_a_native_storyboard_picture_at_the_pixel_limit_is_made_in_under_2_gib(tmp_path):
    flags = ["--type", "numerical", "-i", "12", "-k", "3"]
    spec = geometry_spec("numerical", "x", flags[2:])
    best = _largest_dpi(sheet_sizer(Animation(spec)), MAX_FRAME_PIXELS)
    peak = peak_rss_kib([sys.executable, "-m", "convarith", "animate", "board", *flags,
                         "--dpi", str(best), "--out", "board.png", "--out", "board.pdf"],
                        cwd=tmp_path, timeout=1800)
    assert peak < 2 * 2**20, f"{peak} KiB"
    with Image.open(tmp_path / "board.png") as sheet:
        assert sheet.width * sheet.height <= MAX_FRAME_PIXELS


def test_readme_and_help_state_the_same_limits():
    from convarith.commands import animate_parser
    from convarith.export.limits import megapixels
    help_text = re.sub(r"\s+", " ", animate_parser("convarith animate", False).format_help())
    readme = re.sub(r"\s+", " ", README)
    for text in (f"{megapixels(MAX_FRAME_PIXELS)} megapixels",
                 f"{megapixels(MAX_VIDEO_PIXELS)}, as 3840x2160", f"{MAX_SHEET_POINTS:,} pt",
                 f"{TEX_SHEET_CELLS['numerical']:,} cells", "from 10 to 1200",
                 "at most 3600", "from 0.01 to 50"):
        assert text in help_text, text
        assert text in readme, text


def test_every_catalogue_figure_fits_at_the_highest_dpi():
    """As the README says: the limits refuse only figures larger than the catalogue's."""
    from convarith.cli import catalogue_spec
    from convarith.model.catalogue import CATALOGUE
    for entry in CATALOGUE:
        size = frame_sizer(Animation(catalogue_spec(entry)))
        assert _largest_dpi(size, MAX_FRAME_PIXELS) >= DPI_RANGE[1], entry.name
    assert dpi_that_fits(LARGEST_FRAMES) == 90
    assert "up to 90 dpi" in re.sub(r"\s+", " ", README)
