"""Building an animation's files: one pdflatex run for all requested steps,
then one PDF per step in pdf/, PNGs in png/ and the GIF in gif/.

Every writer of an animation's files holds its lock (convarith.files.
output_lock), so concurrent runs on one name follow each other and leave one
whole set.  Frames stream through convarith.raster.PageFrames, so memory
does not grow with the number of steps.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Sequence

from .errors import DamagedInput, ToolError
from .files import StagedFiles, output_lock, write_all_atomic
from .model.describe import figure_values
from .model.spec import FigureSpec


def figure_tex(spec: FigureSpec, steps: Sequence[int]) -> str:
    """TeX source of a document with one page per step."""
    from .render.tikz import render_document
    for step in steps:
        spec.check_step(step)
    return render_document(spec, steps, figure_values(spec))


def step_paths(spec: FigureSpec, steps: Sequence[int], directory: Path,
               suffix: str) -> list[Path]:
    return [Path(directory) / f"{spec.step_name(step)}{suffix}" for step in steps]


def figure_pages(spec: FigureSpec, steps: Sequence[int]) -> list[bytes]:
    """One single-page PDF per step, from a single pdflatex run."""
    from .render.latex import compile_tex, split_pages
    pages = split_pages(compile_tex(figure_tex(spec, steps), label=spec.name))
    if len(pages) != len(steps):
        raise ToolError(f"pdflatex made {len(pages)} pages for {len(steps)} steps "
                        f"of '{spec.name}'; no PDF was written.")
    return pages


def build_pdfs(spec: FigureSpec, steps: Sequence[int], pdf_dir: Path) -> list[Path]:
    """Compile the steps with a single pdflatex run and write pdf/NAME_NN.pdf."""
    pages = figure_pages(spec, steps)
    paths = step_paths(spec, steps, pdf_dir, ".pdf")
    with output_lock(pdf_dir, spec.name):
        write_all_atomic(dict(zip(paths, pages)))
    return paths


def png_paths(pdfs: Sequence[Path], png_dir: Path) -> list[Path]:
    return [Path(png_dir) / (Path(p).stem + ".png") for p in pdfs]


@contextlib.contextmanager
def memory_guard(name: str, dpi: int, dpi_name: str = "--dpi"):
    """A MemoryError becomes a message that names the figure and the way out
    (the resolution named as the front door names it: --dpi, or dpi)."""
    try:
        yield
    except MemoryError:
        raise ToolError(f"Not enough memory to rasterise '{name}' at {dpi} dpi; "
                        f"no file was changed. Use a lower {dpi_name} or smaller "
                        "sizes.") from None


def write_frames(pdfs: Sequence[Path], png_dir: Path, gif: Path | None, dpi: int,
                 frame_ms: int) -> list[Path]:
    """PNGs (and the GIF, unless None) from the PDFs, all moved into place
    together once every file is complete."""
    from .export.gif import write_gif_staged
    from .render.raster import FramesAgain, PageFrames, staging_pngs, write_pngs
    pngs = png_paths(pdfs, png_dir)
    frames = PageFrames(list(pdfs), dpi)
    with StagedFiles() as staged:
        if gif is None:
            write_pngs(frames, pngs, staged)
        else:
            # The palette pass renders the pages and writes the PNGs; the
            # encoding pass reads the frames again (from PageFrames' cache
            # when they are few, else from the staged PNGs).
            write_gif_staged(staged, Path(gif), FramesAgain(frames, pngs, staged), frame_ms,
                             first_pass=staging_pngs(frames, pngs, staged))
        staged.commit()
    return pngs


def build_pngs(pdfs: Sequence[Path], png_dir: Path, dpi: int) -> list[Path]:
    with memory_guard(Path(pdfs[0]).stem, dpi):
        return write_frames(pdfs, png_dir, None, dpi, 0)


def build_gif(pngs: Sequence[Path], gif: Path, frame_ms: int) -> Path:
    from .export.gif import write_gif
    write_gif(list(pngs), gif, frame_ms)
    return Path(gif)


def build_frames(pdfs: Sequence[Path], png_dir: Path, gif: Path, dpi: int,
                 frame_ms: int, forget_damaged: bool = False) -> list[Path]:
    """PNGs and the GIF in one go, under the animation's lock.

    With `forget_damaged` (Make's frame rule), a damaged input PDF is removed,
    so that the next make rebuilds it with the rule that made it."""
    pdfs = [Path(p) for p in pdfs]
    name = Path(gif).stem
    directory = pdfs[0].parent if pdfs else Path(".")
    with output_lock(directory, name), memory_guard(name, dpi):
        try:
            return write_frames(pdfs, png_dir, gif, dpi, frame_ms)
        except DamagedInput as error:
            if not forget_damaged:
                raise
            Path(error.path).unlink(missing_ok=True)
            raise ToolError(f"{error} It was removed; run make again, and the rule "
                            "that made it rebuilds it.") from None


def stale_frames(directory: Path, name: str, suffix: str, keep: Sequence[Path]) -> list[Path]:
    """Frames of animation `name` in `directory` that are not in `keep` (left by
    an earlier run with more steps)."""
    pattern = re.compile(rf"{re.escape(name)}_[0-9]+{re.escape(suffix)}")
    kept = {Path(p).name for p in keep}
    if not Path(directory).is_dir():
        return []
    return [p for p in Path(directory).iterdir()
            if pattern.fullmatch(p.name) and p.name not in kept]
