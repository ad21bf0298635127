"""Native frames as pictures: the SVG rasterised by resvg (a pip package), with our fonts only.

resvg has wheels for Linux, macOS and Windows (Python 3.10 and newer) and
needs no system library; it is given the Latin Modern faces shipped in
render/fonts and no system font, so a frame looks the same on every machine.
The binding used here (the `resvg` package) keeps the fonts loaded between
frames and draws a catalogue frame in half the time `resvg-py` takes, pixel
for pixel the same (bench/rasterisers.py).
"""

from __future__ import annotations

import io
import threading
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from ..errors import ToolError

FONT_DIR = Path(__file__).resolve().parent / "fonts"
SVG_ROOT = "{http://www.w3.org/2000/svg}svg"
# The binding's affine transform is (a, b, c, d, e, f) of x' = a x + b y + c,
# y' = d x + e y + f.
IDENTITY = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0)
WHITE = (255, 255, 255, 255)

# resvg's options hold the font database, and the binding lets only the
# thread that made them use them: each thread loads the fonts once.
_local = threading.local()


def _resvg():
    try:
        import resvg
    except ImportError:
        raise ToolError("The native renderer rasterises SVG with the resvg package, which "
                        "is not installed for this Python: 'pip install resvg' installs it "
                        "(Python 3.10 or newer), or use --renderer tex.") from None
    return resvg


def _options():
    """This thread's resvg options: the shipped fonts and no system font."""
    options = getattr(_local, "options", None)
    if options is None:
        options = _resvg().usvg.Options.default()     # starts with no font at all
        fonts = sorted(FONT_DIR.glob("*.otf"))
        if not fonts:
            raise ToolError(f"The native renderer's fonts are missing from {FONT_DIR}: "
                            "reinstall convarith.")
        for font in fonts:
            options.load_font_file(str(font))
        _local.options = options
    return options


def _check(svg: str) -> None:
    """Raise ToolError unless `svg` is an <svg> document of positive size in
    pixels: the binding meets anything else with a Rust panic and a backtrace
    on stderr rather than an exception."""
    try:
        root = ElementTree.fromstring(svg)
    except ElementTree.ParseError as error:
        raise ToolError(f"A native frame is not well-formed SVG ({error}).") from None
    if root.tag != SVG_ROOT:
        raise ToolError(f"A native frame's root element is {root.tag!r}, not an SVG <svg>.")
    for side in ("width", "height"):
        value = root.get(side, "")
        try:
            positive = float(value[:-2] if value.endswith("px") else value) > 0
        except ValueError:
            positive = False
        if not positive:
            raise ToolError(f"A native frame's <svg> needs a positive {side} in pixels, "
                            f"not {root.get(side)!r}.")


def svg_to_png_bytes(svg: str) -> bytes:
    """The SVG's pixels as PNG, on white: one pixel per SVG unit."""
    _check(svg)
    resvg = _resvg()
    options = _options()
    try:
        tree = resvg.usvg.Tree.from_str(svg, options)
        return bytes(resvg.render(tree, IDENTITY, bg_color=WHITE))
    except BaseException as error:      # the binding's failures are Rust panics
        if type(error).__name__ != "PanicException":
            raise
        raise ToolError(f"resvg could not rasterise a frame: {error}") from None


def svg_to_image(svg: str):
    """The SVG as a PIL RGB image, on white, the size of its width and height."""
    from PIL import Image
    with Image.open(io.BytesIO(svg_to_png_bytes(svg))) as image:
        return image.convert("RGB")


#: Bytes of frames kept in memory after a first pass, for the next one.
KEEP_BYTES = 256 * 2 ** 20


class NativeFrames:
    """Every step of a scene as an RGB image, rasterised when iterated:
    re-iterable and len()-able like the TeX path's PageFrames, and kept in
    memory after a whole pass while they fit in KEEP_BYTES."""

    def __init__(self, scene, dpi: float, line_scale: float = 1.0):
        self.scene = scene
        self.dpi = dpi
        self.line_scale = line_scale
        self._cache = None

    def __len__(self) -> int:
        return len(self.scene.steps)

    def __getitem__(self, index: int):
        if self._cache is not None:
            return self._cache[index]
        from .native import frame_svg
        return svg_to_image(frame_svg(self.scene, index, self.dpi, self.line_scale))

    @property
    def kept(self) -> bool:
        return self._cache is not None

    def __iter__(self):
        if self._cache is not None:
            return iter(self._cache)
        return self._generate()

    def _generate(self):
        from .native import frame_svg
        kept, kept_bytes = [], 0
        for index in range(len(self)):
            image = svg_to_image(frame_svg(self.scene, index, self.dpi, self.line_scale))
            if kept is not None:
                kept_bytes += image.width * image.height * 3
                kept.append(image)
                if kept_bytes > KEEP_BYTES:
                    kept = None
            yield image
        if kept is not None:
            self._cache = kept
