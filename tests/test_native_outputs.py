"""Without TeX, poppler or a system ffmpeg, the native renderer writes every output.

The command runs with PATH holding the Python environment's bin alone, as a
fresh `pip install` on a machine without TeX would: every animated, video
and storyboard format, and the SVG frames, whose sizes are pixels that a
reader can check.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

from test_bad_input import ROOT
from test_export import read_durations

SVG = "{http://www.w3.org/2000/svg}"
COMMAND = ["animate", "demo", "-i", "5", "-k", "3", "-s", "2", "-p", "1",
           "--out", "demo.gif", "--out", "demo.mp4", "--out", "demo.webm", "--out",
           "demo.webp", "--out", "demo.apng", "--out", "board.png", "--out", "board.svg",
           "--out", "board.pdf", "--svg-frames", "svg/"]
STEPS = 9


def without_tex_env() -> dict:
    """The environment of a machine with Python and this package only."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("PDFLATEX", "IMAGEIO_FFMPEG_EXE")}
    env["PATH"] = str(Path(sys.executable).parent)
    env["PYTHONPATH"] = str(ROOT)
    return env


def run(args, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "convarith", *args], cwd=cwd,
                          env=without_tex_env(), capture_output=True, text=True)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("native")
    result = run(COMMAND, workdir)
    assert result.returncode == 0, result.stderr
    return workdir


def test_nothing_but_the_named_files(outputs):
    named = {word.rstrip("/") for word in COMMAND if "." in word or word.endswith("/")}
    assert {p.name for p in outputs.iterdir()} == named


@pytest.mark.parametrize("name", ["demo.gif", "demo.webp", "demo.apng"])
def test_animations_have_nine_steps_of_one_second(outputs, name):
    durations, loop = read_durations(outputs / name)
    assert durations == [1000] * STEPS and loop == 0


@pytest.mark.parametrize("name", ["demo.mp4", "demo.webm"])
def test_videos_last_nine_seconds(outputs, name):
    import imageio.v3 as iio
    meta = iio.immeta(outputs / name, plugin="FFMPEG")
    frames = iio.imread(outputs / name, plugin="FFMPEG")
    assert len(frames) / meta["fps"] == pytest.approx(STEPS)


def test_storyboards_are_one_sheet_with_every_step(outputs):
    from pypdf import PdfReader
    assert len(PdfReader(outputs / "board.pdf").pages) == 1
    with Image.open(outputs / "board.png") as png:
        assert getattr(png, "n_frames", 1) == 1 and png.width > 3 * 390
    svg = (outputs / "board.svg").read_text(encoding="utf-8")
    assert svg.count("<svg") == 1
    texts = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]
    for step in range(STEPS):
        assert f"step {step}: output cell ({step // 3}, {step % 3})" in texts


def test_svg_frames_are_in_pixels_of_the_frames(outputs):
    """Each SVG frame is as wide and high, in px, as the GIF's frame, with a
    viewBox of the same size; its text is <text> with font-size in those
    pixels, and nothing scales it."""
    with Image.open(outputs / "demo.gif") as gif:
        size = gif.size
    frames = sorted((outputs / "svg").glob("demo_*.svg"))
    assert [f.name for f in frames] == [f"demo_{n:02d}.svg" for n in range(STEPS)]
    for frame in frames:
        root = ET.parse(frame).getroot()
        assert (int(root.get("width")), int(root.get("height"))) == size
        assert root.get("viewBox") == f"0 0 {size[0]} {size[1]}"
        texts = list(root.iter(f"{SVG}text"))
        assert {t.text for t in texts} >= {"input", "output"}
        for text in texts:
            assert re.fullmatch(r"[0-9.]+", text.get("font-size"))
            assert float(text.get("font-size")) == pytest.approx(9 * 150 / 72.27, abs=0.01)
        assert not [e for e in root.iter() if e.get("transform")]


def test_tex_falls_back_to_native_where_pdflatex_is_missing(tmp_path):
    result = run(["animate", "x", "-i", "4", "-k", "3", "--out", "x.gif",
                  "--renderer", "tex"], tmp_path)
    assert result.returncode == 0, result.stderr
    notices = [line for line in result.stderr.splitlines() if "native renderer" in line]
    assert len(notices) == 1 and "pdflatex is not installed" in notices[0]
    with Image.open(tmp_path / "x.gif") as gif:
        assert gif.n_frames == 4


def test_the_api_draws_without_tex(tmp_path):
    script = ("import warnings, convarith\n"
              "a = convarith.conv2d(4, 3, in_channels=2, out_channels=2, groups=2)\n"
              "a.save('a.gif'); print(a.renderer, len(a.frames()))\n"
              "with warnings.catch_warnings(record=True) as caught:\n"
              "    warnings.simplefilter('always')\n"
              "    b = convarith.max_pool2d(5, 3, renderer='tex')\n"
              "print(b.renderer, len(caught), caught[0].filename)\n"
              "try:\n"
              "    convarith.conv2d(4, 3, renderer='cairo')\n"
              "except ValueError as error:\n"
              "    print('refused:', error)\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path,
                            env=without_tex_env(), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    # one notice, and it names the caller's line, not the package's
    assert lines[0] == "native 8" and lines[1] == "native 1 <string>"
    assert lines[2].startswith("refused: renderer must be one of 'native', 'tex'")
    with Image.open(tmp_path / "a.gif") as gif:
        assert gif.n_frames == 8
