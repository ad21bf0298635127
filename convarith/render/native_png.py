"""Native frames as pictures: the SVG rasterised by resvg (a pip package), with our fonts only.

resvg has wheels for Linux, macOS and Windows and needs no system library;
it is given the Latin Modern faces shipped in render/fonts and no system
font, so a frame looks the same on every machine.
"""

from __future__ import annotations

import io
from pathlib import Path

from ..errors import ToolError

FONT_DIR = Path(__file__).resolve().parent / "fonts"


def svg_to_png_bytes(svg: str) -> bytes:
    """The SVG's pixels as PNG, on white."""
    try:
        import resvg_py
    except ImportError:
        raise ToolError("The native renderer rasterises SVG with the resvg-py package, "
                        "which is not installed for this Python: 'pip install resvg-py' "
                        "installs it (or use --renderer tex).") from None
    try:
        return bytes(resvg_py.svg_to_bytes(svg_string=svg, background="white",
                                           skip_system_fonts=True,
                                           font_dirs=[str(FONT_DIR)]))
    except ValueError as error:
        raise ToolError(f"resvg could not rasterise a frame: {error}") from None


def svg_to_image(svg: str):
    """The SVG as a PIL RGB image, on white."""
    from PIL import Image
    with Image.open(io.BytesIO(svg_to_png_bytes(svg))) as image:
        return image.convert("RGB")


#: Bytes of frames kept in memory after a first pass, for the next one.
KEEP_BYTES = 256 * 2 ** 20


class NativeFrames:
    """Every step of a scene as an RGB image, rasterised when iterated:
    re-iterable and len()-able like the TeX path's PageFrames, and kept in
    memory after a whole pass while they fit in KEEP_BYTES."""

    def __init__(self, scene, dpi: float):
        self.scene = scene
        self.dpi = dpi
        self._cache = None

    def __len__(self) -> int:
        return len(self.scene.steps)

    def __getitem__(self, index: int):
        if self._cache is not None:
            return self._cache[index]
        from .native import frame_svg
        return svg_to_image(frame_svg(self.scene, index, self.dpi))

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
            image = svg_to_image(frame_svg(self.scene, index, self.dpi))
            if kept is not None:
                kept_bytes += image.width * image.height * 3
                kept.append(image)
                if kept_bytes > KEEP_BYTES:
                    kept = None
            yield image
        if kept is not None:
            self._cache = kept
