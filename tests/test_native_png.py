"""Native PNG frames: resvg draws shapes, opacity and text where the SVG says, in our fonts only."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from convarith.errors import ToolError
from convarith.render import native_png

METRICS = json.loads((native_png.FONT_DIR / "metrics.json").read_text())["faces"]
DARK = 128


def svg(body: str, width: int = 100, height: int = 60) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">'
            f'{body}</svg>')


def text(x, y, face: str, size_px: float, body: str, extra: str = "") -> str:
    family = METRICS[face]["family"]
    return (f'<text x="{x}" y="{y}" font-family="\'{family}\'" font-size="{size_px}" '
            f'{extra}>{body}</text>')


def dark_box(image):
    """Bounding box (left, top, right, bottom) of the dark pixels, or None."""
    grey = image.convert("L").point(lambda v: 255 if v < DARK else 0)
    return grey.getbbox()


def test_shapes_land_on_their_pixels_on_white():
    image = native_png.svg_to_image(svg(
        '<rect x="10" y="20" width="20" height="20" fill="#ff0000"/>'))
    assert image.mode == "RGB" and image.size == (100, 60)
    assert image.getpixel((20, 30)) == (255, 0, 0)
    assert image.getpixel((10, 20)) == (255, 0, 0) and image.getpixel((29, 39)) == (255, 0, 0)
    for outside in [(9, 30), (30, 30), (20, 19), (20, 40), (0, 0), (99, 59)]:
        assert image.getpixel(outside) == (255, 255, 255), outside


def test_fill_opacity_blends_with_white():
    image = native_png.svg_to_image(svg(
        '<rect x="0" y="0" width="50" height="60" fill="#073642" fill-opacity="0.4"/>'))
    blended = image.getpixel((25, 30))
    for got, channel in zip(blended, (7, 54, 66)):
        assert abs(got - (0.4 * channel + 0.6 * 255)) <= 1.5, blended


def test_text_is_drawn_inside_its_box_from_the_font_metrics():
    face = METRICS["roman9"]
    size = 9 * 150 / 72                       # \small at 150 dpi, in pixels
    scale = size / face["units_per_em"]
    x, baseline, word = 20, 40, "input"
    advance = sum(face["chars"][c][0] for c in word) * scale
    top = baseline - max(face["chars"][c][1] for c in word) * scale
    bottom = baseline + max(face["chars"][c][2] for c in word) * scale
    image = native_png.svg_to_image(svg(text(x, baseline, "roman9", size, word)))
    left, ink_top, right, ink_bottom = dark_box(image)
    margin = 2
    assert x - margin <= left and right <= x + advance + margin
    assert top - margin <= ink_top and ink_bottom <= bottom + margin
    # and it fills most of that box: the word was drawn, not a stray mark
    assert right - left > 0.8 * advance and ink_bottom - ink_top > 0.8 * (bottom - top)


def test_each_optical_size_is_its_own_font():
    """The same digits at the same pixel size are as wide as each design's
    advances say: 5 pt Latin Modern is much wider than 9 pt."""
    widths = {}
    for face in ("roman5", "roman9"):
        image = native_png.svg_to_image(svg(text(5, 40, face, 30, "0000"), width=200))
        left, _, right, _ = dark_box(image)
        widths[face] = right - left
    expected = METRICS["roman5"]["chars"]["0"][0] / METRICS["roman9"]["chars"]["0"][0]
    assert widths["roman5"] / widths["roman9"] == pytest.approx(expected, rel=0.05)
    assert expected > 1.2


def test_symbols_and_italic_come_from_shipped_fonts():
    for face, body in [("roman8", "\u2212\u221e"), ("roman8", "\u2192"),
                       ("italic8", "p")]:
        extra = 'font-style="italic"' if face == "italic8" else ""
        image = native_png.svg_to_image(svg(text(10, 40, face, 17, body, extra)))
        assert dark_box(image) is not None, (face, body)


def test_system_fonts_are_never_used():
    # Latin Modern Roman is the original family name, installed wherever TeX
    # Live is; resvg must not find it, nor any other family we do not ship.
    for family in ("Latin Modern Roman", "DejaVu Sans", "serif"):
        image = native_png.svg_to_image(svg(
            f'<text x="5" y="40" font-family="{family}" font-size="20">input</text>'))
        assert dark_box(image) is None, family


def test_png_bytes_and_threads():
    source = svg('<rect x="10" y="20" width="20" height="20" fill="#ff0000"/>')
    assert native_png.svg_to_png_bytes(source).startswith(b"\x89PNG\r\n\x1a\n")
    with ThreadPoolExecutor(2) as pool:
        images = list(pool.map(native_png.svg_to_image, [source] * 4))
    assert all(image.getpixel((20, 30)) == (255, 0, 0) for image in images)


@pytest.mark.parametrize("bad", [
    "",
    "<svg",
    '<html xmlns="http://www.w3.org/1999/xhtml"/>',
    '<svg xmlns="http://www.w3.org/2000/svg" width="0" height="5"/>',
])
def test_bad_svg_is_a_tool_error(bad, capfd):
    with pytest.raises(ToolError, match="frame"):
        native_png.svg_to_image(bad)
    assert "panicked" not in capfd.readouterr().err     # no Rust backtrace either
