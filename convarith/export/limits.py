"""An output measured against the limits in convarith.settings, before any work.

A frame's size comes from the figure's scene, which both renderers draw to
the same pixels (tests/test_native_parity.py); a storyboard's sheet is laid
out from it as both renderers lay it out (render/native.py, and TeX's
tabular with the same gaps).  Every message names the limit, what this
figure would need and what fits instead, in the words of the front door.
"""

from __future__ import annotations

import math

from ..errors import ParameterError
from ..model.vocabulary import KEYWORDS, Vocabulary
from ..settings import (DPI_RANGE, MAX_FRAME_PIXELS, MAX_SHEET_POINTS, MAX_VIDEO_PIXELS,
                        TEX_SHEET_CELLS)

#: Points per inch, as TeX counts them.
POINTS = 72.27


def megapixels(pixels: int) -> str:
    """40000000 -> '40', 8294400 -> '8.3'."""
    return f"{pixels / 1e6:.1f}".removesuffix(".0")


def check_dpi(dpi, words: Vocabulary = KEYWORDS) -> int:
    low, high = DPI_RANGE
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not low <= dpi <= high:
        raise ParameterError(f"{words['dpi']} must be a whole number between {low} and "
                             f"{high}, not {dpi!r}.")
    return dpi


def frame_sizer(rendering):
    """A function from a resolution to the pixels (width, height) of the
    figure's largest frame, as both renderers draw it: the scene as its
    preset presents it, with its captions (a caption may be wider than the
    figure, and an elided figure's steps differ), over every step shown."""
    from ..scene.measure import frame_size
    presented = getattr(rendering, "presented", None)
    scene = presented().scene if presented is not None else rendering.scene()
    bounds = _extreme_bounds(scene)

    def size(dpi: float) -> tuple[int, int]:
        sizes = [frame_size(box, scene.border, dpi) for box in bounds]
        return max(w for w, _ in sizes), max(h for _, h in sizes)
    return size


#: The widest and the tallest step of recent scenes, by identity (a scene
#: is checked once per output, and measuring a numerical one's every step
#: lays out all its numbers).
_MEASURED: dict = {}


def _extreme_bounds(scene) -> list:
    import weakref
    from ..scene.measure import step_frame
    known = _MEASURED.get(id(scene))
    if known is not None and known[0]() is scene:
        return known[1]
    boxes = {step_frame(scene, step.layers).bounds for step in scene.steps}
    bounds = [max(boxes, key=lambda box: box.width), max(boxes, key=lambda box: box.height)]
    if len(_MEASURED) > 16:
        _MEASURED.clear()
    _MEASURED[id(scene)] = (weakref.ref(scene), bounds)
    return bounds


def drawn_dpi(rendering) -> float:
    """The resolution the frames are drawn at: the rendering's, unless its
    preset fits a screen and chooses its own."""
    presented = getattr(rendering, "presented", None)
    return presented().dpi if presented is not None else rendering.dpi


def frame_points(rendering) -> tuple[float, float]:
    return frame_sizer(rendering)(POINTS)


def _largest_dpi(size, limit: int) -> int:
    """The highest whole resolution at which `size(dpi)` stays within
    `limit` pixels (0 if none does)."""
    width, height = size(POINTS)
    dpi = int(POINTS * math.sqrt(limit / (width * height))) + 2
    while dpi > 0 and math.prod(size(dpi)) > limit:
        dpi -= 1
    # Pixels are whole, so the estimate may fall a few short of the highest.
    while dpi < DPI_RANGE[1] and math.prod(size(dpi + 1)) <= limit:
        dpi += 1
    return dpi


def _check_picture(size, dpi: float, limit: int, what: str, words: Vocabulary,
                   preset: str | None = None) -> None:
    """Refuse a picture of `size(dpi)` above `limit` pixels, offering the
    highest resolution that fits, or when a `preset` chose `dpi` (slides
    fit a screen), fewer steps."""
    width, height = size(dpi)
    if width * height <= limit:
        return
    if preset is not None:
        fix = f"show fewer {words['steps']}, or draw it with another {words['preset']}"
    else:
        best = _largest_dpi(size, limit)
        fix = (f"use {words.setting('dpi', best)} or lower" if best >= DPI_RANGE[0]
               else "use smaller sizes")
    raise ParameterError(
        f"At {dpi:g} dpi {what} would be {width}x{height} pixels "
        f"({megapixels(width * height)} megapixels), above the limit of "
        f"{megapixels(limit)} megapixels that keeps drawing and encoding it within "
        f"memory; {fix}.")


def check_frames(rendering, words: Vocabulary = KEYWORDS, video: bool = False) -> None:
    """Refuse frames larger than MAX_FRAME_PIXELS (MAX_VIDEO_PIXELS for a
    video); frames given without a figure (no `spec`) are taken as they are."""
    if getattr(rendering, "spec", None) is None:
        return
    check_dpi(rendering.dpi, words)
    limit = MAX_VIDEO_PIXELS if video else MAX_FRAME_PIXELS
    what = f"a {'video ' if video else ''}frame of '{rendering.spec.name}'"
    _check_picture(frame_sizer(rendering), drawn_dpi(rendering), limit, what, words)


def check_shared_canvas(renderings, what: str, words: Vocabulary = KEYWORDS,
                        video: bool = False) -> tuple[int, int]:
    """Refuse frames of several figures drawn on one canvas (a chain's) when
    any figure's frame, or the canvas as large as the largest of each side,
    is above the limit; else the canvas's pixels (width, height)."""
    limit = MAX_VIDEO_PIXELS if video else MAX_FRAME_PIXELS
    parts = []
    for rendering in renderings:
        check_frames(rendering, words, video)
        drawn = drawn_dpi(rendering)
        parts.append((frame_sizer(rendering), None if drawn == rendering.dpi else drawn))

    def size(dpi: float) -> tuple[int, int]:
        sizes = [sizer(dpi if fixed is None else fixed) for sizer, fixed in parts]
        return max(w for w, _ in sizes), max(h for _, h in sizes)
    dpi = renderings[0].dpi
    _check_picture(size, dpi, limit, what, words)
    return size(dpi)


def sheet_sizer(rendering):
    """A function from a resolution to the pixels of the storyboard sheet
    (at 72.27 dpi, its points)."""
    from ..render.storyboard import storyboard_size
    from ..scene.meaning import grid_columns
    frame = frame_sizer(rendering)
    steps = len(rendering.steps)
    columns = grid_columns(rendering.spec, steps)
    return lambda dpi: storyboard_size(*frame(dpi), steps, columns, dpi)


def sheet_points(rendering) -> tuple[float, float]:
    return sheet_sizer(rendering)(POINTS)


def check_storyboard(rendering, words: Vocabulary = KEYWORDS, picture: bool = False) -> None:
    """Refuse a storyboard whose sheet is too large for TeX or, drawn as a
    picture (`picture`), for memory; or too full for pdflatex's memory.
    Frames given without a figure (no `spec`) are taken as they are."""
    spec = getattr(rendering, "spec", None)
    if spec is None:
        return
    sheet = sheet_sizer(rendering)
    points = sheet(POINTS)
    if max(points) > MAX_SHEET_POINTS:
        raise ParameterError(
            f"A storyboard of '{spec.name}' would be a sheet of {points[0]:,.0f} x "
            f"{points[1]:,.0f} pt ({points[0] / POINTS * 0.0254:.1f} x "
            f"{points[1] / POINTS * 0.0254:.1f} m, {len(rendering.steps):,} steps in a grid "
            f"like the output), above the limit of {MAX_SHEET_POINTS:,} pt a side (TeX's largest "
            f"dimension); make an animation of it instead (.gif, .mp4, ...), show fewer "
            f"{words['steps']}, or use smaller sizes.")
    cells = TEX_SHEET_CELLS.get(spec.kind)
    shown = len(rendering.steps)
    work = spec.work() // spec.steps * shown
    if rendering.renderer == "tex" and cells is not None and work > cells:
        raise ParameterError(
            f"A storyboard of '{spec.name}' drawn by TeX would show {work:,} cells "
            f"over its {shown} steps, above the limit of {cells:,} for a {spec.kind} "
            f"figure: pdflatex holds the whole sheet in its memory. Use "
            f"{words.setting('renderer', 'native')}, which has no such limit, or smaller "
            f"sizes.")
    if picture:
        check_dpi(rendering.dpi, words)
        drawn = drawn_dpi(rendering)
        _check_picture(sheet, drawn, MAX_FRAME_PIXELS, f"the storyboard of '{spec.name}'",
                       words, None if drawn == rendering.dpi else rendering.preset)


def check_pages(rendering, words: Vocabulary = KEYWORDS) -> None:
    """Refuse a native PDF storyboard whose pages, each drawn as a picture
    of the paper's size at the chosen resolution, are above MAX_FRAME_PIXELS
    (an A4 page at 1200 dpi is 139 megapixels)."""
    from ..render.storyboard import page_pixels
    spec = getattr(rendering, "spec", None)
    if spec is None:
        return
    dpi = check_dpi(rendering.dpi, words)
    page = rendering.page_size
    _check_picture(lambda resolution: page_pixels(page, resolution), dpi, MAX_FRAME_PIXELS,
                   f"a page ({page.upper() if page == 'a4' else page}) of the storyboard of "
                   f"'{spec.name}'", words)

