"""Building an animation's files: one pdflatex run for all requested steps,
then one PDF per step in pdf/, PNGs in png/ and the GIF in gif/."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from .files import write_all_atomic
from .spec import FigureSpec


def figure_values(spec: FigureSpec):
    """The numbers of a numerical figure, or None for an arithmetic one."""
    if spec.kind != "numerical":
        return None
    from .values import compute
    return compute(spec)


def figure_tex(spec: FigureSpec, steps: Sequence[int]) -> str:
    """TeX source of a document with one page per step."""
    from .tikz import render_document
    for step in steps:
        spec.check_step(step)
    return render_document(spec, steps, figure_values(spec))


def step_paths(spec: FigureSpec, steps: Sequence[int], directory: Path,
               suffix: str) -> list[Path]:
    return [Path(directory) / f"{spec.step_name(step)}{suffix}" for step in steps]


def build_pdfs(spec: FigureSpec, steps: Sequence[int], pdf_dir: Path) -> list[Path]:
    """Compile the steps with a single pdflatex run and write pdf/NAME_NN.pdf."""
    from .latex import compile_tex, split_pages
    tex = figure_tex(spec, steps)
    pages = split_pages(compile_tex(tex, jobname=spec.name))
    paths = step_paths(spec, steps, pdf_dir, ".pdf")
    if len(pages) != len(paths):
        from .errors import ToolError
        raise ToolError(f"pdflatex made {len(pages)} pages for {len(paths)} steps "
                        f"of '{spec.name}'; no PDF was written.")
    write_all_atomic(dict(zip(paths, pages)))
    return paths


def build_pngs(pdfs: Sequence[Path], png_dir: Path, dpi: int) -> list[Path]:
    from .raster import rasterise
    pngs = [Path(png_dir) / (Path(p).stem + ".png") for p in pdfs]
    rasterise(list(pdfs), pngs, dpi=dpi)
    return pngs


def build_gif(pngs: Sequence[Path], gif: Path, frame_ms: int) -> Path:
    from .gif import write_gif
    write_gif(list(pngs), gif, frame_ms)
    return Path(gif)


def build_frames(pdfs: Sequence[Path], png_dir: Path, gif: Path, dpi: int,
                 frame_ms: int) -> list[Path]:
    """PNGs and the GIF in one go, without reading the PNGs back."""
    import numpy as np

    from .files import write_bytes_atomic
    from .gif import encode_gif
    from .raster import rasterise
    pngs = [Path(png_dir) / (Path(p).stem + ".png") for p in pdfs]
    images = rasterise(list(pdfs), pngs, dpi=dpi)
    write_bytes_atomic(Path(gif), encode_gif([np.asarray(i) for i in images], frame_ms))
    return pngs
