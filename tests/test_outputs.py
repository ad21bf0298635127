"""The documented command, drawing through TeX, writes every format from real
frames: 9 steps of 1 s each in every animation, one sheet per storyboard,
and an SVG storyboard that renders like the PNG one; it writes nothing else,
where bin/animate also keeps the frames in pdf/ and png/.  (The native
renderer's outputs: tests/test_native_outputs.py.)"""

import io
import os
import shlex
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from convarith.cli import geometry_spec
from convarith.console import console
from test_bad_input import ROOT, base_env
from test_export import read_durations

COMMAND = ("animate demo -i 5 -k 3 -s 2 -p 1 --out demo.gif --out demo.mp4 --out demo.webm "
           "--out demo.webp --out demo.apng --out board.pdf --out board.png --out board.svg "
           "--svg-frames svg --renderer tex")
STEPS = 9
#: The SVG and PNG storyboards are compared at 1/8 of the PNG's resolution
#: (box-filtered), because cairo and poppler anti-alias the thin lines
#: differently (RMS about 25 at full size, 5 at 1/8 for the same drawing,
#: over 40 for a different one).
COMPARE_SCALE = 8
SVG_RMS_TOLERANCE = 8.0
pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("outputs")
    cwd = os.getcwd()
    os.chdir(workdir)
    try:
        assert console(shlex.split(COMMAND)) == 0
    finally:
        os.chdir(cwd)
    return workdir


@pytest.fixture(scope="module")
def make_frames(tmp_path_factory):
    """The demo's frames as make's stages build them: pdf/ and png/."""
    from convarith.build import build_pdfs, build_pngs
    workdir = tmp_path_factory.mktemp("frames")
    spec = geometry_spec("arithmetic", "demo", shlex.split(COMMAND)[2:10])
    assert "--out" not in shlex.split(COMMAND)[2:10]
    pdfs = build_pdfs(spec, range(spec.steps), workdir / "pdf")
    build_pngs(pdfs, workdir / "png", 150)
    return workdir


def test_the_command_writes_the_named_files_and_nothing_else(outputs):
    written = {p.name for p in outputs.iterdir()}
    named = {word for word in COMMAND.split() if "." in word} | {"svg"}
    assert "board.svg" in named and len(named) == 9
    assert written == named


def test_only_bin_animate_keeps_the_frames_beside_the_output(tmp_path):
    """`convarith animate x --out file.gif` in an empty directory leaves
    file.gif alone; bin/animate leaves the same GIF with its frames."""
    commands = {"convarith": [sys.executable, "-m", "convarith", "animate"],
                "animate": [sys.executable, str(ROOT / "bin" / "animate")]}
    left, gifs = {}, {}
    for program, command in commands.items():
        empty = tmp_path / program
        empty.mkdir()
        result = subprocess.run([*command, "x", "-i", "4", "-k", "3", "--out", "file.gif",
                                 "--renderer", "tex"],
                                cwd=empty, env=base_env(), capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        left[program] = sorted(str(p.relative_to(empty)) for p in empty.rglob("*"))
        gifs[program] = (empty / "file.gif").read_bytes()
    assert left["convarith"] == ["file.gif"]
    assert left["animate"] == ["file.gif", "pdf", *[f"pdf/x_{n:02d}.pdf" for n in range(4)],
                               "png", *[f"png/x_{n:02d}.png" for n in range(4)]]
    assert gifs["convarith"] == gifs["animate"]


def rms(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.sqrt(np.mean((a.astype(float) - b.astype(float)) ** 2)))


@pytest.mark.parametrize("name", ["demo.gif", "demo.webp", "demo.apng"])
def test_animated_images_have_nine_steps_of_one_second(outputs, name):
    durations, loop = read_durations(outputs / name)
    assert durations == [1000] * STEPS and loop == 0


@pytest.mark.parametrize("name, codec", [("demo.mp4", "h264"), ("demo.webm", "vp9")])
def test_videos_have_nine_steps_of_one_second_in_order(outputs, make_frames, name, codec):
    import imageio.v3 as iio
    meta = iio.immeta(outputs / name, plugin="FFMPEG")
    assert meta["codec"] == codec and meta["pix_fmt"].startswith("yuv420p")
    frames = iio.imread(outputs / name, plugin="FFMPEG")
    rate = meta["fps"]
    assert len(frames) / rate == pytest.approx(STEPS)
    assert frames.shape[1] % 2 == 0 and frames.shape[2] % 2 == 0
    # Each encoded frame shows the step whose PNG frame it is closest to.
    pngs = [np.asarray(Image.open(make_frames / "png" / f"demo_{n:02d}.png").convert("RGB"))
            for n in range(STEPS)]
    h, w = min(p.shape[0] for p in pngs), min(p.shape[1] for p in pngs)
    shown = [int(np.argmin([rms(frame[:h, :w], png[:h, :w]) for png in pngs]))
             for frame in frames]
    assert shown == [step for step in range(STEPS) for _ in range(int(rate))]


def test_the_gif_is_the_one_make_builds(outputs, make_frames):
    from convarith.build import build_frames
    pdfs = sorted((make_frames / "pdf").glob("demo_*.pdf"))
    gif = make_frames / "again" / "demo.gif"
    build_frames(pdfs, make_frames / "again" / "png", gif, 150, 1000)
    assert gif.read_bytes() == (outputs / "demo.gif").read_bytes()


def test_storyboards_are_one_sheet(outputs):
    from pypdf import PdfReader
    assert len(PdfReader(outputs / "board.pdf").pages) == 1
    with Image.open(outputs / "board.png") as png:
        assert getattr(png, "n_frames", 1) == 1
    svg = (outputs / "board.svg").read_text(encoding="utf-8")
    assert svg.count("<svg") == 1


def test_storyboard_holds_every_step_label(outputs):
    import subprocess
    text = subprocess.run(["pdftotext", str(outputs / "board.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    for step in range(STEPS):
        assert f"step {step}: output cell ({step // 3}, {step % 3})" in text


def test_svg_storyboard_renders_like_the_png_one(outputs):
    import cairosvg
    png = Image.open(outputs / "board.png").convert("RGB")
    rendered = Image.open(io.BytesIO(cairosvg.svg2png(
        url=str(outputs / "board.svg"), output_width=png.width, output_height=png.height,
        background_color="white"))).convert("RGB")
    small = (png.width // COMPARE_SCALE, png.height // COMPARE_SCALE)
    rendered, png = (np.asarray(image.resize(small, Image.BOX)) for image in (rendered, png))
    difference = rms(rendered, png)
    assert difference < SVG_RMS_TOLERANCE, f"RMS {difference:.2f}"
    # The comparison can fail: the same sheet mirrored is far away.
    assert rms(rendered, png[:, ::-1]) > 4 * SVG_RMS_TOLERANCE


def test_svg_frames_one_per_step(outputs):
    svgs = sorted(p.name for p in (outputs / "svg").iterdir())
    assert svgs == [f"demo_{n:02d}.svg" for n in range(STEPS)]


@pytest.mark.parametrize("flags", [
    "--transposed-input 4 -k 3 -s 2 -p 3 --labels",          # hatched cropped border
    "--type numerical -i 6 -k 3 -s 2 -m max --ceil-mode",    # hatched overhang
])
def test_storyboards_of_hatched_figures_compile(tmp_path, flags):
    """Figures that hatch cells need TikZ's patterns library on the sheet too."""
    from pypdf import PdfReader
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        assert console(shlex.split(f"animate hatched {flags} --out board.pdf")) == 0
    finally:
        os.chdir(cwd)
    assert len(PdfReader(tmp_path / "board.pdf").pages) == 1
