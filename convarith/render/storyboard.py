"""Storyboards from the native renderer: every step on one sheet, or on pages.

A sheet lays the steps' SVG frames out in a grid, each labelled under it;
pages (A4 or Letter) hold as many rows and columns of frames as fit at a
legible size, each page the paper's size in pixels.  Standard library only.
"""

from __future__ import annotations

import math
from typing import List, Sequence, Tuple

from ..scene.types import Scene
from .native import _number, _svg, escape, frame_body, roman_family

#: Paper sizes in points (1/72.27 inch): width, height.
PAGE_SIZES = {"a4": (210 / 25.4 * 72.27, 297 / 25.4 * 72.27),
              "letter": (8.5 * 72.27, 11 * 72.27)}
#: Frames are not drawn smaller than this on a page (of their size on a sheet).
SMALLEST_ON_PAGE = 0.4


#: Storyboard sheet: room under a frame for its label, between rows, around
#: the sheet, and the label's size (points, as the TeX sheet's).
LABEL_GAP, ROW_GAP, SHEET_BORDER, COLUMN_GAP, LABEL_SIZE = 4.0, 12.0, 10.0, 12.0, 9.0


def storyboard_size(frame_width: float, frame_height: float, count: int, columns: int,
                    dpi: float = 150) -> Tuple[int, int]:
    """Pixels of a sheet of `count` frames of the given size (pixels at
    `dpi`), `columns` to a row; at 72.27 dpi, points."""
    scale = dpi / 72.27
    label_h = (LABEL_GAP + LABEL_SIZE * 1.2) * scale
    border, column_gap, row_gap = (v * scale for v in (SHEET_BORDER, COLUMN_GAP, ROW_GAP))
    rows = -(-count // columns)
    return (round(2 * border + columns * frame_width + (columns - 1) * column_gap),
            round(2 * border + rows * (frame_height + label_h) + (rows - 1) * row_gap))


def storyboard_svg(scene: Scene, labels, columns: int, dpi: float = 150,
                   line_scale: float = 1.0) -> str:
    """Every step of the scene on one sheet, `columns` to a row, each with
    its label under it."""
    frames = [frame_body(scene, index, dpi, prefix=f"s{index}-", line_scale=line_scale)
              for index in range(len(scene.steps))]
    return _sheet(frames, labels, columns, dpi)


def _sheet(frames, labels, columns: int, dpi: float, size=None) -> str:
    """Frames (width, height, elements) in a grid with their labels; the
    sheet is `size` (pixels) if given, else as large as the grid."""
    scale = dpi / 72.27
    cell_w = max(w for w, _, _ in frames)
    frame_h = max(h for _, h, _ in frames)
    label_h = (LABEL_GAP + LABEL_SIZE * 1.2) * scale
    cell_h = frame_h + label_h
    border, column_gap, row_gap = (v * scale for v in (SHEET_BORDER, COLUMN_GAP, ROW_GAP))
    width, height = storyboard_size(cell_w, frame_h, len(frames), columns, dpi)
    if size is not None:
        width, height = size
    body = [f'<rect width="{width}" height="{height}" fill="#ffffff"/>']
    family = roman_family(LABEL_SIZE)
    for index, ((w, h, parts), label) in enumerate(zip(frames, labels)):
        row, col = divmod(index, columns)
        x = border + col * (cell_w + column_gap)
        y = border + row * (cell_h + row_gap)
        # A translation only: every length stays in the sheet's pixels.
        body.append(f'<g transform="translate({_number(x + (cell_w - w) / 2)},'
                    f'{_number(y + frame_h - h)})">' + "".join(parts) + "</g>")
        body.append(f'<text x="{_number(x + cell_w / 2)}" '
                    f'y="{_number(y + frame_h + (LABEL_GAP + LABEL_SIZE * 0.8) * scale)}" '
                    f'font-size="{_number(LABEL_SIZE * scale)}" font-family="{family}" '
                    f'text-anchor="middle" fill="#000000">{escape(label)}</text>')
    return _svg(width, height, body)


def _page_grid(frame: Tuple[int, int], page: Tuple[int, int], dpi: float,
               count: int) -> Tuple[int, int, float]:
    """(columns, rows, frame scale) of a page: as many frames as fit, each
    drawn at least SMALLEST_ON_PAGE of its size, as large as that allows."""
    scale = dpi / 72.27
    border, gap, row_gap = (v * scale for v in (SHEET_BORDER, COLUMN_GAP, ROW_GAP))
    label = (LABEL_GAP + LABEL_SIZE * 1.2) * scale
    best = (1, 1, min(1.0, (page[0] - 2 * border) / frame[0],
                      (page[1] - 2 * border - label) / frame[1]))
    for columns in range(1, 13):
        fit = min(1.0, (page[0] - 2 * border - (columns - 1) * gap) / (columns * frame[0]))
        if fit < SMALLEST_ON_PAGE:
            break
        rows = max(1, int((page[1] - 2 * border + row_gap) // (frame[1] * fit + label + row_gap)))
        shown, best_shown = min(columns * rows, count), min(best[0] * best[1], count)
        if shown > best_shown or (shown == best_shown and fit > best[2]):
            best = (columns, rows, fit)
    return best


def page_pixels(page: str, dpi: float) -> Tuple[int, int]:
    """Pixels of a page of paper `page` drawn at `dpi`."""
    width_pt, height_pt = PAGE_SIZES[page]
    return math.floor(width_pt * dpi / 72.27), math.floor(height_pt * dpi / 72.27)


def storyboard_pages(scene: Scene, labels: Sequence[str], page: str, dpi: float = 150,
                     line_scale: float = 1.0) -> List[str]:
    """The steps on pages of paper size `page` ("a4" or "letter"), in
    order, each page an SVG the paper's size in pixels at `dpi`."""
    size = page_pixels(page, dpi)
    first = frame_body(scene, 0, dpi, line_scale=line_scale)
    columns, rows, fit = _page_grid(first[:2], size, dpi, len(scene.steps))
    small = dpi * fit
    frames = [frame_body(scene, index, small, prefix=f"s{index}-", line_scale=line_scale)
              for index in range(len(scene.steps))]
    per_page = columns * rows
    return [_sheet(frames[start:start + per_page], labels[start:start + per_page], columns,
                   dpi, size) for start in range(0, len(frames), per_page)]
