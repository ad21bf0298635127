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
