"""Frame sizes in pixels, predicted from the drawing geometry of FIGURES.md.

The model below is written from the figure description, not from the
templates: cells of 1 cm at scale 0.5, a 10 pt border, thick (0.8 pt) lines,
and for arithmetic figures the oblique planes (xslant -0.7, then yslant 0.5)
with the output plane lifted by (drawn input + 1) cells and nudged 5 pt left.
At 150 dpi it gives 395 x 382 px for padding_strides, as FIGURES.md states.
"""

import math
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from convarith.build import build_pdfs, build_pngs
from convarith.catalogue import CATALOGUE, EXTENDED

CM_PER_PT = 2.54 / 72.27
BORDER_CM = 2 * 10 * CM_PER_PT
LINE_CM = 0.8 * CM_PER_PT
SCALE_CM = 0.5                      # one cell
DPI = 150
TOLERANCE_PX = 2

pytestmark = pytest.mark.integration


def oblique(points):
    """xslant=-0.7 applied first, then yslant=0.5 (TikZ applies the last option first)."""
    x, y = np.asarray(points, dtype=float).T
    x1 = x - 0.7 * y
    return np.stack([x1, y + 0.5 * x1], 1)


def rectangle(width, height, dx=0.0, dy=0.0):
    return [(dx, dy), (dx + width, dy), (dx, dy + height), (dx + width, dy + height)]


def predicted_size(spec) -> tuple[int, int]:
    rows, cols = spec.drawn_size
    out_h, out_w = spec.output_size
    if spec.kind == "arithmetic":
        below = oblique(rectangle(cols, rows))
        above = oblique(rectangle(out_w, out_h))
        above[:, 1] += rows + 1                              # lifted, in cells
        above[:, 0] -= 5 * CM_PER_PT / SCALE_CM              # nudged 5 pt left
        corners = np.vstack([below, above])
        width_cm = np.ptp(corners[:, 0]) * SCALE_CM + LINE_CM
        height_cm = np.ptp(corners[:, 1]) * SCALE_CM + LINE_CM
    else:
        # Flat maps side by side, output (drawn input + 1) cells to the right,
        # with half a cell of margin all round.
        width_cm = (cols + 1 + out_w + 1) * SCALE_CM
        height_cm = (max(rows, out_h) + 1) * SCALE_CM
    to_px = DPI / 2.54
    # poppler rounds the page size up to whole pixels
    return (math.ceil((width_cm + BORDER_CM) * to_px), math.ceil((height_cm + BORDER_CM) * to_px))


def first_frame_size(spec, tmp_path) -> tuple[int, int]:
    [pdf] = build_pdfs(spec, [0], tmp_path / "pdf")
    [png] = build_pngs([pdf], tmp_path / "png", DPI)
    with Image.open(png) as image:
        return image.size


def test_model_reproduces_the_stated_size():
    from convarith.catalogue import entry
    assert predicted_size(entry("padding_strides").spec()) == (395, 382)


@pytest.mark.parametrize("item", CATALOGUE, ids=[e.name for e in CATALOGUE])
def test_first_frame_has_the_predicted_size(item, tmp_path):
    spec = replace(item.spec(), labels=False)
    width, height = first_frame_size(spec, tmp_path)
    expected_w, expected_h = predicted_size(spec)
    assert abs(width - expected_w) <= TOLERANCE_PX and abs(height - expected_h) <= TOLERANCE_PX, \
        f"{item.name}: {width}x{height} px, predicted {expected_w}x{expected_h}"


@pytest.mark.parametrize("item", EXTENDED, ids=[e.name for e in EXTENDED])
def test_labelled_first_frame_adds_only_the_labels(item, tmp_path):
    """The new entries carry labels (and a legend when transposed): the frame
    grows by the labels' room and no more."""
    spec = item.spec()
    assert spec.labels
    width, height = first_frame_size(spec, tmp_path)
    bare_w, bare_h = predicted_size(spec)
    legend = 30 if spec.transposed else 0
    assert bare_w - TOLERANCE_PX <= width <= bare_w + 60
    assert bare_h + TOLERANCE_PX < height <= bare_h + 40 + legend


@pytest.mark.parametrize("item", EXTENDED, ids=[e.name for e in EXTENDED])
def test_new_entries_gif_frame_count(item):
    from pathlib import Path
    gif = Path(__file__).resolve().parent.parent / "gif" / f"{item.name}.gif"
    with Image.open(gif) as image:
        assert image.n_frames == item.spec().steps
