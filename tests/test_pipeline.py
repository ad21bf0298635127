"""Layer 3: real pdflatex and poppler. PDFs, PNGs and GIFs as a user gets them."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from convarith.cli import catalogue_spec
from convarith.build import build_gif, build_pdfs, build_pngs
from convarith.model.catalogue import CATALOGUE, CLASSIC, entry

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT.parent / "shared" / "reference"
PRODUCE_FIGURE = [sys.executable, str(ROOT / "bin" / "produce_figure")]
# Edges move by a pixel between TeX and poppler versions; a wrong geometry
# (a cell out of place) gives an RMS difference above 20 on these frames.
REFERENCE_RMS_TOLERANCE = 6.0

pytestmark = pytest.mark.integration


def rms(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.sqrt(((a.astype(float) - b.astype(float)) ** 2).mean()))


@pytest.fixture(scope="module")
def padding_strides(tmp_path_factory):
    """padding_strides built end to end into a temporary directory."""
    out = tmp_path_factory.mktemp("padding_strides")
    spec = catalogue_spec(entry("padding_strides"))
    pdfs = build_pdfs(spec, range(spec.steps), out / "pdf")
    pngs = build_pngs(pdfs, out / "png", 150)
    gif = build_gif(pngs, out / "gif" / "padding_strides.gif", 1000)
    return spec, pdfs, pngs, gif


def test_one_single_page_pdf_per_step(padding_strides):
    spec, pdfs, _, _ = padding_strides
    assert [p.name for p in pdfs] == [f"padding_strides_{n:02d}.pdf" for n in range(9)]
    for pdf in pdfs:
        assert len(PdfReader(pdf).pages) == 1


def test_png_frames_have_the_original_size_on_white(padding_strides):
    _, _, pngs, _ = padding_strides
    for png in pngs:
        with Image.open(png) as image:
            assert image.mode == "RGB"
            width, height = image.size
            assert abs(width - 395) <= 2 and abs(height - 382) <= 2
            corners = [image.getpixel(xy) for xy in
                       [(0, 0), (width - 1, 0), (0, height - 1), (width - 1, height - 1)]]
            assert corners == [(255, 255, 255)] * 4


def test_gif_frames_durations_and_loop(padding_strides):
    _, _, pngs, gif = padding_strides
    with Image.open(gif) as image:
        assert image.n_frames == 9
        assert image.info.get("loop") == 0
        durations = []
        for index in range(image.n_frames):
            image.seek(index)
            durations.append(image.info["duration"])
            frame = np.asarray(image.convert("RGB"))
            with Image.open(pngs[index]) as png:
                # Shared 16-colour palette: only anti-aliased edges may move.
                assert rms(frame, np.asarray(png.convert("RGB"))) < 8.0
    assert durations == [1000] * 9


def test_steps_move_the_footprint_row_by_row(padding_strides):
    """Frame n differs from frame 0 exactly when n > 0, and consecutive frames differ."""
    _, _, pngs, _ = padding_strides
    frames = [np.asarray(Image.open(p).convert("RGB")) for p in pngs]
    for previous, current in zip(frames, frames[1:]):
        assert rms(previous, current) > 1.0


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="shared/reference is not beside the checkout")
@pytest.mark.parametrize("stem", [
    "padding_strides_00", "dilation_00", "no_padding_strides_transposed_05",
    "padding_strides_odd_transposed_00", "full_padding_no_strides_transposed_07",
])
def test_arithmetic_frames_match_the_reference_pictures(stem, tmp_path):
    name, step = stem.rsplit("_", 1)
    spec = catalogue_spec(entry(name))
    pdfs = build_pdfs(spec, [int(step)], tmp_path / "pdf")
    [png] = build_pngs(pdfs, tmp_path / "png", 150)
    ours = np.asarray(Image.open(png).convert("RGB"))
    reference = np.asarray(Image.open(REFERENCE / f"{stem}.png").convert("RGB"))
    assert ours.shape == reference.shape
    difference = rms(ours, reference)
    if difference >= REFERENCE_RMS_TOLERANCE:
        diff = np.abs(ours.astype(int) - reference.astype(int)).astype(np.uint8)
        Image.fromarray(255 - diff).save(tmp_path / f"{stem}-diff.png")
        pytest.fail(f"{stem}: RMS {difference:.2f} >= {REFERENCE_RMS_TOLERANCE}; "
                    f"diff image in {tmp_path}")


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="shared/reference is not beside the checkout")
@pytest.mark.parametrize("stem", ["numerical_padding_strides_01", "numerical_max_pooling_04"])
def test_numerical_frames_have_the_reference_size(stem, tmp_path):
    """Numbers differ (our seed is ours), so only the frame size is compared."""
    name, step = stem.rsplit("_", 1)
    spec = catalogue_spec(entry(name))
    [png] = build_pngs(build_pdfs(spec, [int(step)], tmp_path / "pdf"), tmp_path / "png", 150)
    with Image.open(png) as ours, Image.open(REFERENCE / f"{stem}.png") as reference:
        assert ours.size == reference.size


def test_single_step_command_writes_only_that_step(tmp_path):
    result = subprocess.run(
        PRODUCE_FIGURE + ["arithmetic", "padding_strides", "3", "-i", "5", "-o", "3",
                          "-p", "1", "-k", "3", "-s", "2", "--pdf-dir", str(tmp_path)],
        capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert sorted(os.listdir(tmp_path)) == ["padding_strides_03.pdf"]


def test_single_step_equals_the_same_page_of_the_batch(tmp_path):
    """Rendering step 5 alone or within 'all' gives the same picture."""
    spec = catalogue_spec(entry("numerical_padding_strides"))
    [alone] = build_pdfs(spec, [5], tmp_path / "alone")
    batch = build_pdfs(spec, range(spec.steps), tmp_path / "batch")
    [a] = build_pngs([alone], tmp_path / "a", 100)
    [b] = build_pngs([batch[5]], tmp_path / "b", 100)
    assert np.array_equal(np.asarray(Image.open(a)), np.asarray(Image.open(b)))


@pytest.mark.parametrize("name", ["dilation", "numerical_average_pooling"])
def test_builds_are_byte_identical(name, tmp_path):
    """Two builds give the same PDF, PNG and GIF bytes: no dates, IDs or randomness."""
    spec = catalogue_spec(entry(name))
    steps = range(min(spec.steps, 4))
    outputs = []
    for run in ("one", "two"):
        pdfs = build_pdfs(spec, steps, tmp_path / run / "pdf")
        pngs = build_pngs(pdfs, tmp_path / run / "png", 150)
        gif = build_gif(pngs, tmp_path / run / f"{name}.gif", 1000)
        outputs.append([p.read_bytes() for p in [*pdfs, *pngs, gif]])
    assert outputs[0] == outputs[1]
    assert b"CreationDate" not in outputs[0][0]


def test_committed_gifs_cover_the_catalogue():
    """gif/ holds one GIF per catalogue entry with one frame per step."""
    total_classic = 0
    for item in CATALOGUE:
        spec = catalogue_spec(item)
        with Image.open(ROOT / "gif" / f"{item.name}.gif") as image:
            assert image.n_frames == spec.steps, item.name
        if item in CLASSIC:
            total_classic += spec.steps
    assert len(CLASSIC) == 19 and total_classic == 358
