"""Storyboards: every step on one sheet, as PDF, SVG or PNG.

The renderer makes the sheet (rendering.storyboard_pdf, _svg, _png).  The
TeX renderer's is typeset from the same TikZ pictures as the step PDFs, in
one pdflatex run (storyboard_pdf here), and poppler turns it into SVG or
PNG; the native renderer lays out its SVG frames.
"""

from __future__ import annotations

from pathlib import Path

from ..model.describe import figure_values
from ..model.spec import FigureSpec
from ..scene.meaning import grid_columns, step_label
from .registry import register

STORYBOARD_TEMPLATE = "storyboard.tex.j2"


def storyboard_tex(spec: FigureSpec, steps=None) -> str:
    """TeX source of the storyboard sheet (pure)."""
    from ..render.tikz import environment, render_pictures
    shown = list(range(spec.steps) if steps is None else steps)
    columns = grid_columns(spec, len(shown))
    document = render_pictures(spec, shown, figure_values(spec))
    cells = [{"picture": picture, "label": step_label(spec, step)}
             for step, picture in zip(shown, document.pop("pictures"))]
    rows = [cells[start:start + columns] for start in range(0, len(cells), columns)]
    return environment().get_template(STORYBOARD_TEMPLATE).render(
        document, rows=rows, columns=columns)


def storyboard_pdf(spec: FigureSpec, steps=None) -> bytes:
    from ..render.latex import compile_tex
    from ..settings import TEX_SHEET_MEMORY
    return compile_tex(storyboard_tex(spec, steps), label=f"{spec.name} (storyboard)",
                       extra_memory=TEX_SHEET_MEMORY)


def storyboard_png(pdf: bytes, dpi: int) -> bytes:
    from pdf2image import convert_from_bytes

    from ..render.raster import encode_png
    from ..render.tools import require_program
    require_program("pdftoppm")
    [page] = convert_from_bytes(pdf, dpi=dpi)
    return encode_png(page.convert("RGB"))


def _check_sheet(picture_from_native: bool, picture_from_tex: bool):
    def check(rendering, words) -> None:
        from .limits import check_storyboard
        picture = picture_from_native if rendering.renderer == "native" else picture_from_tex
        check_storyboard(rendering, words, picture=picture)
    return check


def _check_pdf(rendering, words) -> None:
    """TeX's PDF is one vector sheet, checked as such; the native renderer's
    PDF goes onto pages of paper, each drawn on its own."""
    if rendering.renderer != "native":
        _check_sheet(False, False)(rendering, words)
    else:
        from .limits import check_pages
        check_pages(rendering, words)


@register(".pdf", "storyboard", check=_check_pdf, frames=False)
def write_storyboard_pdf(target: Path, rendering, timing) -> None:
    if rendering.renderer == "native":
        with open(target, "wb") as handle:      # page by page
            rendering._write_pages(handle)
    else:
        target.write_bytes(rendering.storyboard_pdf())


@register(".svg", "storyboard", check=_check_sheet(False, False), frames=False)
def write_storyboard_svg(target: Path, rendering, timing) -> None:
    target.write_bytes(rendering.storyboard_svg())


@register(".png", "storyboard", check=_check_sheet(True, True), frames=False)
def write_storyboard_png(target: Path, rendering, timing) -> None:
    target.write_bytes(rendering.storyboard_png())
