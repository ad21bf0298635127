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

from convarith.cli import catalogue_spec
from convarith.build import build_pdfs, build_pngs
from convarith.model.catalogue import CATALOGUE, CHANNELS, EXTENDED

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


def channel_extent_cm(spec) -> tuple[float, float]:
    """Channel figures (README): arithmetic planes stacked in depth, one cell
    apart, at a common pitch, the output planes centred over the input ones
    and lifted by the amount convarith.scene.planes computes (whose clearance
    test_channels checks); numerical maps in columns two cells apart, the
    filter's k x k slices one cell right of the inputs with four cells for
    the partial sums, and two cells below for the sum line."""
    rows, cols = spec.drawn_size
    out_h, out_w = spec.output_size
    if spec.kind == "arithmetic":
        from convarith.scene.planes import arithmetic_planes
        pitch = max(rows, out_h) + 1
        lift = arithmetic_planes(spec, 0, rows, cols)["lift"]
        centre = ((cols - out_w) / 2, (rows - out_h) / 2)
        corners = [oblique(rectangle(cols, rows, 0, n * pitch))
                   for n in range(spec.in_channels)]
        for n in range(spec.out_channels):
            above = oblique(rectangle(out_w, out_h, centre[0], n * pitch + centre[1]))
            above[:, 1] += lift
            corners.append(above)
        corners = np.vstack(corners)
        return (np.ptp(corners[:, 0]) * SCALE_CM + LINE_CM,
                np.ptp(corners[:, 1]) * SCALE_CM + LINE_CM)
    tallest = max(spec.in_channels * (rows + 2) - 2, spec.out_channels * (out_h + 2) - 2)
    if spec.mode == "convolution":
        right = cols + 1 + spec.axes[1].k + 4 + out_w
        below = 2
    else:
        right, below = cols + 2 + out_w, 0.5
    return (right + 1) * SCALE_CM, (tallest + 0.5 + below) * SCALE_CM


def overhang(ax) -> int:
    """Cells past the padded input that a ceil_mode pooling's last window reaches."""
    k_eff = (ax.k - 1) * ax.d + 1
    if not getattr(ax, "ceil_mode", False):
        return 0
    return max(0, (ax.o - 1) * ax.s + k_eff - (ax.i + 2 * ax.p))


def predicted_size(spec) -> tuple[int, int]:
    rows, cols = spec.drawn_size
    out_h, out_w = spec.output_size
    if spec.multichannel:
        width_cm, height_cm = channel_extent_cm(spec)
    elif spec.kind == "arithmetic":
        below = oblique(rectangle(cols, rows))
        above = oblique(rectangle(out_w, out_h))
        above[:, 1] += rows + 1                              # lifted, in cells
        # nudged 5 pt left in the picture's own units (1 cell = 1 cm), which
        # its scale of 0.5 halves on the page
        above[:, 0] -= 5 * CM_PER_PT
        corners = np.vstack([below, above])
        width_cm = np.ptp(corners[:, 0]) * SCALE_CM + LINE_CM
        height_cm = np.ptp(corners[:, 1]) * SCALE_CM + LINE_CM
    else:
        # Flat maps side by side, output (drawn input + 1) cells to the right,
        # with half a cell of margin all round.  A ceil_mode window hanging
        # over the bottom/right edge (README) adds its cells on those sides,
        # and the output moves right by as many.
        hang_h, hang_w = (overhang(ax) for ax in spec.axes)
        width_cm = (cols + hang_w + 1 + out_w + 1) * SCALE_CM
        height_cm = (max(rows, out_h) + hang_h + 1) * SCALE_CM
    to_px = DPI / 2.54
    # poppler rounds the page size up to whole pixels
    return (math.ceil((width_cm + BORDER_CM) * to_px), math.ceil((height_cm + BORDER_CM) * to_px))


def first_frame_size(spec, tmp_path) -> tuple[int, int]:
    [pdf] = build_pdfs(spec, [0], tmp_path / "pdf")
    [png] = build_pngs([pdf], tmp_path / "png", DPI)
    with Image.open(png) as image:
        return image.size


def test_model_reproduces_the_stated_size():
    from convarith.model.catalogue import entry
    assert predicted_size(catalogue_spec(entry("padding_strides"))) == (395, 382)


@pytest.mark.parametrize("item", CATALOGUE, ids=[e.name for e in CATALOGUE])
def test_first_frame_has_the_predicted_size(item, tmp_path):
    spec = replace(catalogue_spec(item), labels=False)
    width, height = first_frame_size(spec, tmp_path)
    expected_w, expected_h = predicted_size(spec)
    assert abs(width - expected_w) <= TOLERANCE_PX and abs(height - expected_h) <= TOLERANCE_PX, \
        f"{item.name}: {width}x{height} px, predicted {expected_w}x{expected_h}"


@pytest.mark.parametrize("item", EXTENDED, ids=[e.name for e in EXTENDED])
def test_labelled_first_frame_adds_only_the_labels(item, tmp_path):
    """The new entries carry labels (and a legend when transposed): the frame
    grows by the labels' room and no more."""
    spec = catalogue_spec(item)
    assert spec.labels
    width, height = first_frame_size(spec, tmp_path)
    bare_w, bare_h = predicted_size(spec)
    legend = 30 if spec.transposed else 0
    assert bare_w - TOLERANCE_PX <= width <= bare_w + 60
    assert bare_h + TOLERANCE_PX < height <= bare_h + 40 + legend


@pytest.mark.parametrize("item", EXTENDED + CHANNELS, ids=[e.name for e in EXTENDED + CHANNELS])
def test_new_entries_gif_frame_count(item):
    from pathlib import Path
    gif = Path(__file__).resolve().parent.parent / "gif" / f"{item.name}.gif"
    with Image.open(gif) as image:
        assert image.n_frames == catalogue_spec(item).steps


#: C_out x o_h x o_w, worked out by hand from each entry's flags.
CHANNEL_FRAMES = {"multichannel": 3 * 2 * 2, "numerical_multichannel": 2 * 3 * 3,
                  "grouped": 4 * 2 * 2, "depthwise": 3 * 2 * 2, "pointwise": 2 * 3 * 3,
                  "numerical_depthwise": 3 * 2 * 2}


@pytest.mark.parametrize("item", CHANNELS, ids=[e.name for e in CHANNELS])
def test_channel_gif_has_one_frame_per_output_cell_per_channel(item):
    from pathlib import Path
    gif = Path(__file__).resolve().parent.parent / "gif" / f"{item.name}.gif"
    with Image.open(gif) as image:
        assert image.n_frames == CHANNEL_FRAMES[item.name]


@pytest.mark.parametrize("item", CHANNELS, ids=[e.name for e in CHANNELS])
def test_labelled_channel_frame_adds_only_the_labels(item, tmp_path):
    """Channel labels ('in 0', 'input channel 0', ...) widen or heighten the
    frame by their own room and no more."""
    spec = catalogue_spec(item)
    assert spec.labels
    width, height = first_frame_size(spec, tmp_path)
    bare_w, bare_h = predicted_size(spec)
    assert bare_w - TOLERANCE_PX <= width <= bare_w + 60
    assert bare_h - TOLERANCE_PX <= height <= bare_h + 40
    assert (width, height) != (bare_w, bare_h)
