"""Storyboards: every step on one sheet. PDF and SVG stay vector; PNG is rasterised.

The sheet is typeset from the same TikZ pictures as the step PDFs, in one
pdflatex run; poppler's pdftocairo turns it into SVG.
"""

from __future__ import annotations

import math
from pathlib import Path

from ..files import write_bytes_atomic
from ..model.describe import figure_values
from ..model.spec import FigureSpec
from .registry import register
from .svg import pdf_to_svg

#: Widest grid: wider outputs wrap into a near-square grid instead.
MAX_COLUMNS = 8
STORYBOARD_TEMPLATE = "storyboard.tex.j2"


def grid_columns(spec: FigureSpec) -> int:
    """Columns of the sheet: the output's width, so the grid mirrors the output."""
    width = spec.output_size[1]
    return width if width <= MAX_COLUMNS else math.ceil(math.sqrt(spec.steps))


def step_label(spec: FigureSpec, step: int) -> str:
    """'step 4: output cell (1, 1)', naming the output channel when there are several."""
    row, col = spec.step_cell(step)
    channel = (f"channel {spec.step_channel(step)}, "
               if spec.out_channels > 1 else "")
    return f"step {step}: output {channel}cell ({row}, {col})"


def storyboard_tex(spec: FigureSpec) -> str:
    """TeX source of the storyboard sheet (pure)."""
    from ..render.tikz import environment, render_pictures
    columns = grid_columns(spec)
    document = render_pictures(spec, range(spec.steps), figure_values(spec))
    cells = [{"picture": picture, "label": step_label(spec, step)}
             for step, picture in enumerate(document.pop("pictures"))]
    rows = [cells[start:start + columns] for start in range(0, len(cells), columns)]
    return environment().get_template(STORYBOARD_TEMPLATE).render(
        document, rows=rows, columns=columns)


def storyboard_pdf(spec: FigureSpec) -> bytes:
    from ..render.latex import compile_tex
    return compile_tex(storyboard_tex(spec), label=f"{spec.name} (storyboard)")


def storyboard_png(pdf: bytes, dpi: int) -> bytes:
    from pdf2image import convert_from_bytes

    from ..render.raster import encode_png
    from ..render.tools import require_program
    require_program("pdftoppm")
    [page] = convert_from_bytes(pdf, dpi=dpi)
    return encode_png(page.convert("RGB"))


@register(".pdf", "storyboard")
def write_storyboard_pdf(path: Path, rendering, timing) -> None:
    write_bytes_atomic(path, rendering.storyboard_pdf())


@register(".svg", "storyboard")
def write_storyboard_svg(path: Path, rendering, timing) -> None:
    write_bytes_atomic(path, pdf_to_svg(rendering.storyboard_pdf()))


@register(".png", "storyboard")
def write_storyboard_png(path: Path, rendering, timing) -> None:
    write_bytes_atomic(path, storyboard_png(rendering.storyboard_pdf(), rendering.dpi))
