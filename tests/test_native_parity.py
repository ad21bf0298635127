"""Native frames look like the TeX frames: every catalogue step, checked against gif/.

The committed GIFs hold the TeX renderer's frames (pdflatex and poppler at
150 dpi), so every native frame is compared with them without running TeX:
the same number of frames, the same size (within a pixel), the same colour
at every cell of every grid, and a mean difference within MEAN_TOLERANCE.
A failing frame leaves native | TeX | difference side by side in
PARITY_DIFF_DIR (default: the test's temporary directory).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from convarith.model.describe import figure_values
from convarith.cli import catalogue_spec, geometry_spec
from convarith.model.catalogue import CATALOGUE
from convarith.render.native import frame_svg
from convarith.scene.figure import build_scene
from convarith.scene.types import Cells, Grid, Plane

ROOT = Path(__file__).resolve().parent.parent
#: Mean absolute difference over a frame's pixels and channels (0-255).  The
#: frames differ in anti-aliasing and in the glyphs' rasterisation (Latin
#: Modern by resvg against poppler's Type 1 Computer Modern): at most 4.2 on
#: the catalogue, most frames under 1.  Hatched cells (cropped borders,
#: ceil_mode overhangs) differ in the hatch's phase and line weight: at most
#: 7.4.  A misplaced plane, cell or value gives tens.
MEAN_TOLERANCE, HATCHED_MEAN_TOLERANCE = 4.5, 8.0
#: Largest difference of one channel at a cell's sample point (GIF palette,
#: anti-aliasing of a nearby line).
CELL_TOLERANCE = 24


def svg_to_image(svg: str) -> Image.Image:
    from convarith.render.native_png import svg_to_image as rasterise
    return rasterise(svg)


def cell_points(scene, step) -> list:
    """Pixel positions of a sample point in every cell of every grid drawn on
    the step: the cell's centre, or for numerical figures (whose values sit
    at the centres) a point near the cell's top-left corner."""
    from convarith.scene.measure import step_frame
    frame = step_frame(scene, step.layers)
    scale = 150 / 72.27
    left, top = frame.bounds.left - scene.border, frame.bounds.top + scene.border
    inside = (0.5, 0.5) if not _numerical(scene) else (0.2, 0.8)
    layers = [layer for layer in (*scene.static, *step.layers) if isinstance(layer, Plane)]
    # Hatched cells are left to the mean difference: the two hatches differ
    # in phase and weight.
    hatched = {(layer.transform, x, y) for layer in layers for item in layer.items
               if isinstance(item, Cells) and item.hatch for x, y, _, _ in item.rects}
    points = set()
    for layer in layers:
        for item in layer.items:
            if not isinstance(item, Grid):
                continue
            x0, y0, w, h = item.rect
            for i in range(int(w)):
                for j in range(int(h)):
                    if (layer.transform, x0 + i, y0 + j) in hatched:
                        continue
                    px, py = layer.transform(x0 + i + inside[0], y0 + j + inside[1])
                    points.add((round((px * scene.unit - left) * scale - 0.5),
                                round((top - py * scene.unit) * scale - 0.5)))
    return sorted(points)


def cell_colour(frame, x: int, y: int):
    """A cell's colour at a sample point: the median of the 7x7 pixels around
    it, so that the thin joining lines across a cell (up to a dozen meet near
    the current output cell of a channel figure) do not decide it."""
    patch = frame[max(y - 3, 0):y + 4, max(x - 3, 0):x + 4].reshape(-1, 3)
    return np.median(patch, axis=0).astype(np.int16)


def _numerical(scene) -> bool:
    return all(layer.transform.linear for layer in scene.static if isinstance(layer, Plane))


def gif_frames(name: str) -> list:
    with Image.open(ROOT / "gif" / f"{name}.gif") as gif:
        frames = []
        for index in range(gif.n_frames):
            gif.seek(index)
            frames.append(np.asarray(gif.convert("RGB"), dtype=np.int16))
        return frames


def keep_difference(native, tex, name: str, index: int, tmp_path: Path) -> Path:
    directory = Path(os.environ.get("PARITY_DIFF_DIR", tmp_path))
    directory.mkdir(parents=True, exist_ok=True)
    height = max(native.shape[0], tex.shape[0])
    width = min(native.shape[1], tex.shape[1])
    canvas = np.full((height, native.shape[1] + tex.shape[1] + width, 3), 255, np.int16)
    canvas[:native.shape[0], :native.shape[1]] = native
    canvas[:tex.shape[0], native.shape[1]:native.shape[1] + tex.shape[1]] = tex
    rows = min(native.shape[0], tex.shape[0])
    difference = np.abs(native[:rows, :width] - tex[:rows, :width])
    canvas[:rows, native.shape[1] + tex.shape[1]:] = 255 - np.minimum(difference * 4, 255)
    path = directory / f"{name}_{index:02d}_native_tex_diff.png"
    Image.fromarray(canvas.astype(np.uint8)).save(path)
    return path


@pytest.mark.parametrize("entry", CATALOGUE, ids=[e.name for e in CATALOGUE])
def test_native_frames_match_the_tex_frames(entry, tmp_path):
    spec = catalogue_spec(entry)
    assert_parity(spec, gif_frames(entry.name), tmp_path)


#: Figures beyond the catalogue: (type, flags); their TeX frames are drawn here.
CUSTOM = {
    "channels_3_to_2": ("arithmetic", "-i 5 -k 3 -s 2 -p 1 --in-channels 3 --out-channels 2"),
    "groups_4_2": ("numerical", "-i 4 -k 2 --in-channels 4 --out-channels 2 --groups 2"),
    "replicate_asymmetric": ("numerical", "-i 4,5 -k 3 -p 1,2 --padding-mode replicate"),
    "circular_channels": ("numerical",
                          "-i 4 -k 3 -p 1 --padding-mode circular --in-channels 2"),
    "same_even_kernel": ("numerical", "-i 5 -k 4 -p same"),
    "causal": ("numerical", "-i 1,8 -k 1,3 -p causal"),
    "cropped_grouped": ("arithmetic", "--transposed-input 3 -k 3 -s 2 -p 2 "
                        "--in-channels 2 --out-channels 2 --groups 2"),
    "average_uncounted": ("numerical", "-i 5 -k 3 -s 2 -p 1 -m average "
                          "--no-count-include-pad"),
    "max_ceil_dilated": ("numerical", "-i 7 -k 2 -s 2 -d 2 --ceil-mode -m max"),
    "transposed_numerical_channels": ("numerical", "--transposed-input 2 -k 3 -s 2 "
                                      "--in-channels 2 --out-channels 2"),
}


@pytest.mark.integration
@pytest.mark.parametrize("name", CUSTOM)
def test_native_frames_match_tex_for_other_figures(name, tmp_path):
    from convarith.animation import Animation
    kind, flags = CUSTOM[name]
    spec = geometry_spec(kind, name, flags.split())
    tex = [np.asarray(frame.convert("RGB"), dtype=np.int16)
           for frame in Animation(spec, renderer="tex").frames()]
    assert_parity(spec, tex, tmp_path)


def assert_parity(spec, tex_frames, tmp_path) -> None:
    """Every native step of `spec` against the TeX frame of the same step."""
    scene = build_scene(spec, figure_values(spec))
    assert len(scene.steps) == len(tex_frames) == spec.steps
    for index, (step, tex) in enumerate(zip(scene.steps, tex_frames)):
        native = np.asarray(svg_to_image(frame_svg(scene, index)).convert("RGB"),
                            dtype=np.int16)
        where = f"{spec.name} step {index}"
        if abs(native.shape[0] - tex.shape[0]) > 1 or abs(native.shape[1] - tex.shape[1]) > 1:
            path = keep_difference(native, tex, spec.name, index, tmp_path)
            pytest.fail(f"{where}: native frame {native.shape[1]}x{native.shape[0]}, TeX "
                        f"frame {tex.shape[1]}x{tex.shape[0]} (see {path})")
        rows, cols = min(native.shape[0], tex.shape[0]), min(native.shape[1], tex.shape[1])
        a, b = native[:rows, :cols], tex[:rows, :cols]
        mean = float(np.abs(a - b).mean())
        wrong = [(x, y, cell_colour(a, x, y), cell_colour(b, x, y))
                 for x, y in cell_points(scene, step)
                 if np.abs(cell_colour(a, x, y) - cell_colour(b, x, y)).max() > CELL_TOLERANCE]
        tolerance = HATCHED_MEAN_TOLERANCE if scene.hatched else MEAN_TOLERANCE
        if mean > tolerance or wrong:
            path = keep_difference(native, tex, spec.name, index, tmp_path)
            pytest.fail(f"{where}: mean difference {mean:.2f} (at most {tolerance}), "
                        f"{len(wrong)} cells of another colour, e.g. {wrong[:3]} (see {path})")
