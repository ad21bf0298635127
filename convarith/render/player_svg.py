"""Every step of a scene in one SVG for the HTML player, with a hit area on each drawn cell.

All steps share one canvas (the union of their frames), so what several
steps draw alike is written once: each layer of a step is drawn on its own,
and the players show, layer by layer, the variant the current step uses.
A variant used by some steps only is a `<g data-at="0 3 5">`, hidden
unless the first step uses it.  Over the drawing lies a transparent square
(or, on an oblique plane, a parallelogram) per drawn cell, tagged
`data-cell="in:C:R:X"`, `"pad:C:R:X"` (padding and inserted zeros, in the
padded grid's indices) or `"out:C:R:X"`.  Standard library only: the same
code can run in a browser through Pyodide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, List, Sequence

from ..scene.elision import GridView, figure_views
from ..scene.measure import step_frame
from ..scene.types import Bounds, Caption, Plane, Scene
from .native import Canvas, _layers, _number, _text

PLANE_NAME = re.compile(r"(in|out)(\d+)")


@dataclass(frozen=True)
class PlayerSvg:
    """The SVG's size in pixels and its markup (without an xmlns: it is
    meant to sit inside an HTML page)."""

    width: int
    height: int
    markup: str


def _union(boxes: Sequence[Bounds]) -> Bounds:
    box = boxes[0]
    for other in boxes[1:]:
        box = box.union(other)
    return box


def _step_chunks(canvas: Canvas, scene: Scene, index: int, sizes) -> List[str]:
    """What each layer of step `index` draws, one string per layer."""
    step = scene.steps[index]
    frame = step_frame(scene, step.layers)
    chunks = []
    for layer in step.layers:
        if isinstance(layer, Caption):
            chunks.append("".join(_text(canvas, frame.caption)) if frame.caption else "")
        else:
            chunks.append("".join(_layers(canvas, [layer], sizes, frame.legend)))
    return chunks


def plane_matrix(canvas: Canvas, transform) -> str:
    """SVG matrix from a plane's units (y up) to the canvas's pixels."""
    s, u = canvas.scale, canvas.unit
    values = (s * u * transform.a, -s * u * transform.b, s * u * transform.c,
              -s * u * transform.d, s * (u * transform.e - canvas.left),
              s * (canvas.top - u * transform.f))
    return " ".join(f"{v:.4f}".rstrip("0").rstrip(".") for v in values)


def _cell_rects(view: GridView, tag) -> str:
    return "".join(
        f'<rect x="{_number(x)}" y="{_number(y)}" width="1" height="1" '
        f'data-cell="{tag(r, c)}"/>'
        for r in view.rows.kept for c in view.cols.kept for x, y in [view.cell(r, c)])


def _planes_of(scene: Scene, index: int) -> Dict[str, object]:
    """{plane name: its transform} of the input and output planes step
    `index` draws (the first plane of each name places it)."""
    found: Dict[str, object] = {}
    for layer in (*scene.static, *scene.steps[index].layers):
        if isinstance(layer, Plane) and PLANE_NAME.fullmatch(layer.name):
            found.setdefault(layer.name, layer.transform)
    return found


def _overlay(canvas: Canvas, spec, planes: Dict[str, object], views) -> str:
    rows, cols = spec.layouts
    unit_row = {cell: n for n, cell in enumerate(rows.units)}
    unit_col = {cell: n for n, cell in enumerate(cols.units)}
    parts = []
    ordered = sorted(planes.items(), key=lambda item: (item[0].startswith("out"),
                                                       int(item[0].lstrip("inout"))))
    for name, transform in ordered:
        side, channel = PLANE_NAME.fullmatch(name).groups()
        if side == "in":
            def tag(r, c, channel=channel):
                if r in unit_row and c in unit_col:
                    return f"in:{channel}:{unit_row[r]}:{unit_col[c]}"
                return f"pad:{channel}:{r}:{c}"
            view = views.inputs
        else:
            def tag(r, c, channel=channel):
                return f"out:{channel}:{r}:{c}"
            view = views.outputs
        matrix = plane_matrix(canvas, transform)
        parts.append(f'<g data-plane="{name}" transform="matrix({matrix})">'
                     f'{_cell_rects(view, tag)}</g>')
    return '<g data-cells="">' + "".join(parts) + "</g>"


def _variants(slots: List[Dict[str, List[int]]], count: int) -> List[str]:
    out = []
    for slot in slots:
        for chunk, positions in slot.items():
            if not chunk:
                continue
            if len(positions) == count:
                out.append(chunk)
                continue
            hidden = "" if positions[0] == 0 else ' display="none"'
            out.append(f'<g data-at="{" ".join(map(str, positions))}"{hidden}>{chunk}</g>')
    return out


def player_svg(scene: Scene, spec, dpi: float, line_scale: float = 1.0,
               prefix: str = "") -> PlayerSvg:
    """Every step of `scene` (a scene of `spec`) in one SVG at `dpi`;
    `prefix` starts the ids of its patterns, so that players on one page
    keep theirs apart."""
    count = len(scene.steps)
    bounds = _union([step_frame(scene, step.layers).bounds for step in scene.steps])
    canvas = Canvas(scene, bounds, dpi, prefix, line_scale)
    canvas.fit_text = True
    sizes = dict(scene.text_sizes)
    shared = "".join(_layers(canvas, scene.static, sizes))
    slots: List[Dict[str, List[int]]] = []
    for index in range(count):
        for depth, chunk in enumerate(_step_chunks(canvas, scene, index, sizes)):
            if depth == len(slots):
                slots.append({})
            slots[depth].setdefault(chunk, []).append(index)
    views = figure_views(spec, [step.meaning.index for step in scene.steps])
    overlays: Dict[str, List[int]] = {}
    for index in range(count):
        overlays.setdefault(_overlay(canvas, spec, _planes_of(scene, index), views),
                            []).append(index)
    body = [f'<rect width="{canvas.width}" height="{canvas.height}" fill="#ffffff"/>']
    if canvas.patterns:
        body.append("<defs>" + "".join(canvas.pattern_defs()) + "</defs>")
    body.append(shared)
    body += _variants(slots, count)
    body += _variants([overlays], count)
    markup = (f'<svg width="{canvas.width}" height="{canvas.height}" '
              f'viewBox="0 0 {canvas.width} {canvas.height}">' + "\n".join(body) + "</svg>")
    return PlayerSvg(canvas.width, canvas.height, markup)

