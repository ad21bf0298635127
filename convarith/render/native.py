"""The native renderer: a scene's step as SVG text, with the standard library only.

The SVG's width and height are the frame's pixels at the chosen resolution
(the TeX frame's size), its viewBox the same, and every position is written
out in those pixels: shapes as paths of already projected points, text as
<text> in Latin Modern with font-size in pixels and no scaling transform.
The same code runs in a browser through Pyodide.
"""

from __future__ import annotations

from typing import Dict, Iterable, List, Optional, Tuple

from ..scene.measure import PlacedText, frame_size, place_text, step_frame
from ..scene.text import measure
from ..scene.types import (Bounds, Cells, Grid, Legend, Paint, Plane, Scene, Segment, Span,
                           Stroke, Text)

#: TikZ's "dashed": 3 pt on, 3 pt off; the hatch's line spacing and width
#: (PGF's north east lines), in points of the plane it hatches.
DASH, HATCH_STEP, HATCH_WIDTH = 3.0, 3.0, 0.4
#: The shipped Latin Modern faces (render/fonts), one family per optical
#: size in points, and the one italic (math letters at 8 pt).
ROMAN_SIZES = (5, 6, 7, 8, 9)
ITALIC_SIZE = 8


def roman_family(size: float, italic: bool = False) -> str:
    nearest = ITALIC_SIZE if italic else min(ROMAN_SIZES, key=lambda s: (abs(s - size), -s))
    return f"'Convarith Roman {nearest}', serif"


def escape(text: str) -> str:
    """Text for an SVG element's content (xml.sax.saxutils would import
    urllib, a tenth of a frame's time, for three replacements)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _number(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


class Canvas:
    """Maps the scene's points (TeX points, y up) to the frame's pixels."""

    def __init__(self, scene: Scene, bounds: Bounds, dpi: float, prefix: str = "",
                 line_scale: float = 1.0):
        self.scale = dpi / 72.27
        self.left = bounds.left - scene.border
        self.top = bounds.top + scene.border
        self.width, self.height = frame_size(bounds, scene.border, dpi)
        self.colours = dict(scene.colours)
        self.unit = scene.unit
        self.patterns: Dict[tuple, str] = {}
        self.prefix = prefix
        #: Lines (and their dashes) drawn this much wider (a preset's choice).
        self.line_scale = line_scale
        #: Whether each run of several letters is held to its width in TeX's
        #: metrics (textLength): a browser without the shipped faces draws
        #: another font, whose runs would otherwise overlap.
        self.fit_text = False

    def hatch(self, transform) -> str:
        """The id of the hatch pattern for cells of a plane drawn by
        `transform`: as in the TeX frames, the hatch follows the plane's
        slant (not the figure's scale)."""
        key = tuple(round(v, 6) for v in (transform.a, transform.b, transform.c,
                                                   transform.d))
        if key not in self.patterns:
            self.patterns[key] = f"{self.prefix}hatch{len(self.patterns)}"
        return self.patterns[key]

    def pattern_defs(self) -> List[str]:
        step = _number(HATCH_STEP)
        width = HATCH_WIDTH * self.line_scale
        defs = []
        for (a, b, c, d), name in self.patterns.items():
            s = self.scale
            matrix = " ".join(_number(v) for v in (a * s, -b * s, -c * s, d * s, 0,
                                                   self.height))
            defs.append(
                f'<pattern id="{name}" patternUnits="userSpaceOnUse" width="{step}" '
                f'height="{step}" patternTransform="matrix({matrix})"><path d="M0,{step} '
                f'L{step},0 M-1,1 L1,-1 M{_number(HATCH_STEP - 1)},{_number(HATCH_STEP + 1)} '
                f'L{_number(HATCH_STEP + 1)},{_number(HATCH_STEP - 1)}" fill="none" '
                f'stroke="{self.colour("lines")}" stroke-width="{_number(width)}"/>'
                f'</pattern>')
        return defs

    def xy(self, x: float, y: float) -> str:
        return f"{_number((x - self.left) * self.scale)},{_number((self.top - y) * self.scale)}"

    def length(self, points: float) -> str:
        return _number(points * self.scale)

    def colour(self, paint_or_role) -> str:
        if isinstance(paint_or_role, Paint):
            rgb, tint = self.colours[paint_or_role.colour], paint_or_role.tint
            rgb = tuple(round(tint * c + (1 - tint) * 255) for c in rgb)
        else:
            rgb = self.colours[paint_or_role]
        return "#%02x%02x%02x" % rgb


def _stroke_attributes(canvas: Canvas, stroke: Optional[Stroke]) -> str:
    if stroke is None:
        return ' stroke="none"'
    wide = canvas.line_scale
    attributes = (f' stroke="{canvas.colour(stroke.colour)}"'
                  f' stroke-width="{canvas.length(stroke.width * wide)}"')
    if stroke.dashed:
        dash = canvas.length(DASH * wide)
        attributes += f' stroke-dasharray="{dash} {dash}"'
    if stroke.opacity != 1:
        attributes += f' stroke-opacity="{_number(stroke.opacity)}"'
    return attributes


def _fill_attributes(canvas: Canvas, paint: Optional[Paint]) -> str:
    if paint is None:
        return ' fill="none"'
    attributes = f' fill="{canvas.colour(paint)}"'
    if paint.opacity != 1:
        attributes += f' fill-opacity="{_number(paint.opacity)}"'
    return attributes


def _rect_path(canvas: Canvas, transform, rect, unit: float) -> str:
    x, y, w, h = rect
    points = [transform(px, py) for px, py in ((x, y), (x, y + h), (x + w, y + h), (x + w, y))]
    return "M" + " L".join(canvas.xy(px * unit, py * unit) for px, py in points) + " Z"


def _cells(canvas: Canvas, transform, cells: Cells, hatch_transform=None) -> List[str]:
    if cells.invisible or not cells.rects:
        return []
    d = " ".join(_rect_path(canvas, transform, rect, canvas.unit) for rect in cells.rects)
    out = []
    if cells.fill is not None:
        out.append(f'<path d="{d}"{_fill_attributes(canvas, cells.fill)} stroke="none"/>')
    if cells.hatch:
        pattern = canvas.hatch(hatch_transform or transform)
        out.append(f'<path d="{d}" fill="url(#{pattern})" stroke="none"/>')
    if cells.stroke is not None:
        out.append(f'<path d="{d}" fill="none"{_stroke_attributes(canvas, cells.stroke)}/>')
    return out


def _grid(canvas: Canvas, transform, grid: Grid) -> str:
    x, y, w, h = grid.rect
    unit, parts = canvas.unit, []

    def line(a, b):
        (ax, ay), (bx, by) = transform(*a), transform(*b)
        parts.append(f"M{canvas.xy(ax * unit, ay * unit)} L{canvas.xy(bx * unit, by * unit)}")

    for k in range(int(w) + 1):
        line((x + k, y), (x + k, y + h))
    for k in range(int(h) + 1):
        line((x, y + k), (x + w, y + k))
    return f'<path d="{" ".join(parts)}" fill="none"{_stroke_attributes(canvas, grid.stroke)}/>'


def _font(size: float, face: str) -> str:
    italic = face == "italic"
    style = ' font-style="italic"' if italic else ""
    return f'font-family="{roman_family(size, italic)}"{style}'


def _text(canvas: Canvas, placed: PlacedText) -> List[str]:
    out = []
    text = placed.text
    if text.background is not None:
        box = placed.box
        out.append(f'<rect x="{_number((box.left - canvas.left) * canvas.scale)}" '
                   f'y="{_number((canvas.top - box.top) * canvas.scale)}" '
                   f'width="{canvas.length(box.width)}" height="{canvas.length(box.height)}"'
                   f'{_fill_attributes(canvas, text.background)}/>')
    opacity = f' fill-opacity="{_number(text.opacity)}"' if text.opacity != 1 else ""
    for dx, dy, chars, size, face in placed.runs:
        x, y = canvas.xy(placed.x + dx, placed.y - dy).split(",")
        fit = ""
        if canvas.fit_text and face == "roman" and len(chars.strip()) > 1:
            # Browsers drop the spaces at either end: fit what they draw.
            lead = measure((Span(chars[:len(chars) - len(chars.lstrip())]),), size)[0]
            x = _number(float(x) + lead * canvas.scale)
            chars = chars.strip()
            width = canvas.length(measure((Span(chars),), size)[0])
            fit = f' textLength="{width}" lengthAdjust="spacingAndGlyphs"'
        out.append(f'<text x="{x}" y="{y}" font-size="{canvas.length(size)}" '
                   f'{_font(size, face)} fill="#000000"{opacity}{fit}>{escape(chars)}</text>')
    return out


def _plane(canvas: Canvas, plane: Plane, sizes: Dict[str, float]) -> List[str]:
    out: List[str] = []
    for item in plane.items:
        if isinstance(item, Cells):
            out += _cells(canvas, plane.transform, item)
        elif isinstance(item, Grid):
            out.append(_grid(canvas, plane.transform, item))
        elif isinstance(item, Text):
            out += _text(canvas, place_text(item, plane.transform, canvas.unit, sizes))
    return out


def _legend(canvas: Canvas, placed, key: Legend) -> List[str]:
    out = []
    for swatch, entry in zip(placed.swatches, key.entries):
        square = swatch.square
        unit = Cells(((0, 0, 1, 1),), fill=entry.cells.fill, stroke=entry.cells.stroke,
                     hatch=entry.cells.hatch)
        from ..scene.types import Affine
        side = square.width / canvas.unit
        transform = Affine(a=side, d=side, e=square.left / canvas.unit,
                           f=square.bottom / canvas.unit)
        # A swatch is a picture of its own, without the figure's scale.
        out += _cells(canvas, transform, unit, hatch_transform=Affine())
        out += _text(canvas, swatch.label)
    return out


def _layers(canvas: Canvas, layers: Iterable, sizes, legend=None) -> List[str]:
    out: List[str] = []
    for layer in layers:
        if isinstance(layer, Plane):
            out += _plane(canvas, layer, sizes)
        elif isinstance(layer, Segment):
            out.append(f'<path d="M{canvas.xy(*(v * canvas.unit for v in layer.start))} '
                       f'L{canvas.xy(*(v * canvas.unit for v in layer.end))}" fill="none"'
                       f'{_stroke_attributes(canvas, layer.stroke)}/>')
        elif isinstance(layer, Legend) and legend is not None:
            out += _legend(canvas, legend, layer)
    return out


def frame_body(scene: Scene, index: int, dpi: float = 150, prefix: str = "",
               line_scale: float = 1.0) -> Tuple[int, int, List[str]]:
    """The width, height (pixels) and SVG elements of the scene's step number
    `index`; `prefix` keeps its pattern ids apart from other frames'."""
    step = scene.steps[index]
    frame = step_frame(scene, step.layers)
    canvas = Canvas(scene, frame.bounds, dpi, prefix, line_scale)
    sizes = dict(scene.text_sizes)
    body = [f'<rect width="{canvas.width}" height="{canvas.height}" fill="#ffffff"/>']
    body += _layers(canvas, scene.static, sizes)
    body += _layers(canvas, step.layers, sizes, frame.legend)
    if frame.caption is not None:
        body += _text(canvas, frame.caption)
    if canvas.patterns:
        body.insert(1, "<defs>" + "".join(canvas.pattern_defs()) + "</defs>")
    return canvas.width, canvas.height, body


def _svg(width, height, body: List[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}">\n'
            + "\n".join(body) + "\n</svg>\n")


def frame_svg(scene: Scene, index: int, dpi: float = 150, line_scale: float = 1.0) -> str:
    """The SVG of the scene's step number `index` (its position in scene.steps)."""
    return _svg(*frame_body(scene, index, dpi, line_scale=line_scale))


def frame_pixels(scene: Scene, index: int, dpi: float = 150) -> Tuple[int, int]:
    frame = step_frame(scene, scene.steps[index].layers)
    return frame_size(frame.bounds, scene.border, dpi)
