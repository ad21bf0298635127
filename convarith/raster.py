"""Rasterising PDF pages to PNG with pdf2image (poppler's pdftoppm)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .errors import ToolError
from .files import write_all_atomic
from .latex import merge_pages
from .tools import require_program

DEFAULT_DPI = 150


def merge_pdfs(pdfs: list[Path], merged: Path) -> None:
    """Join the PDFs into one file: with poppler's pdfunite when there is more
    than one (much faster than pypdf), checking each input first."""
    for pdf in pdfs:
        if not Path(pdf).is_file():
            raise ToolError(f"The PDF '{pdf}' does not exist; build it first "
                            "(make all_animations builds every frame).")
    pdfunite = shutil.which("pdfunite")
    if pdfunite is None or len(pdfs) == 1:
        merged.write_bytes(merge_pages(pdfs))
        return
    result = subprocess.run([pdfunite, *map(str, pdfs), str(merged)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        # pypdf reads them one by one, so its error names the damaged file.
        merged.write_bytes(merge_pages(pdfs))


def render_pages(pdfs: list[Path], dpi: int = DEFAULT_DPI,
                 threads: int | None = None) -> list:
    """Render the first page of each PDF to an RGB image, on white.

    All pages go through one merged PDF, so poppler starts once per thread
    rather than once per frame.
    """
    from pdf2image import convert_from_path
    from pdf2image.exceptions import PDFInfoNotInstalledError, PDFPageCountError

    require_program("pdftoppm")
    # Under make -j the other cores are busy with other animations, and each
    # extra poppler process parses the whole PDF again.
    in_parallel_make = "-j" in os.environ.get("MAKEFLAGS", "") or "--jobserver" in \
        os.environ.get("MAKEFLAGS", "")
    threads = threads or (1 if in_parallel_make else min(os.cpu_count() or 1, 4))
    with tempfile.TemporaryDirectory(prefix="convarith-raster-") as workdir:
        merged = Path(workdir, "pages.pdf")
        merge_pdfs(pdfs, merged)
        try:
            images = convert_from_path(merged, dpi=dpi, thread_count=threads)
        except PDFInfoNotInstalledError:
            require_program("pdftoppm", "pdfinfo")
            raise
        except PDFPageCountError as error:
            raise ToolError(f"poppler could not read the PDFs: {error}") from None
    if len(images) != len(pdfs):
        raise ToolError(f"poppler rendered {len(images)} pages for {len(pdfs)} PDFs.")
    return [image.convert("RGB") for image in images]


def encode_png(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def rasterise(pdfs: list[Path], pngs: list[Path], dpi: int = DEFAULT_DPI) -> list:
    """Write each PDF's page to the matching PNG path; return the images."""
    if len(pdfs) != len(pngs):
        raise ValueError("one PNG path is needed for each PDF")
    images = render_pages(pdfs, dpi)
    write_all_atomic({Path(png): encode_png(image) for image, png in zip(images, pngs)})
    return images
