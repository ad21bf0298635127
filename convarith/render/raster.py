"""Rasterising PDF pages with pdf2image (poppler's pdftoppm), a few at a time,
and reading frames back from PNG files.

`PageFrames(pdfs, dpi)` is how every output writer gets frames: a sequence
of RGB PIL images, one per single-page PDF, that renders lazily in bounded
batches.  `len()` and indexing work, and it can be iterated more than once
(the GIF writer reads it twice: palette, then encoding), so writers never
need all frames in memory.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Iterator, Sequence

from ..errors import DamagedInput, ToolError
from ..files import StagedFiles, private_workdir
from ..settings import DEFAULT_DPI, under_parallel_make
from .latex import merge_pages
from .tools import missing_program_message, require_program

#: Bytes of decoded frames rendered at once; bounds memory whatever the step count.
BATCH_BYTES = 96 * 2**20
#: Frames are kept after the first pass when all of them fit in this many
#: bytes, so a small animation is rasterised once, not twice.
CACHE_BYTES = 160 * 2**20
MAX_BATCH = 64


def _threads() -> int:
    # Under make -j the other cores are busy with other animations, and each
    # extra poppler process parses the whole PDF again.
    if under_parallel_make():
        return 1
    return min(os.cpu_count() or 1, 4)


def _page_count(pdf: Path) -> int | None:
    from pypdf import PdfReader
    try:
        return len(PdfReader(pdf).pages)
    except Exception:    # unreadable: merge_pages names it
        return None


def check_single_pages(pdfs: Sequence[Path]) -> None:
    """Name the input that is not a one-page PDF (called when counts disagree)."""
    merge_pages(list(pdfs))     # raises, naming an unreadable file
    for pdf in pdfs:
        pages = _page_count(pdf)
        if pages != 1:
            raise DamagedInput(pdf, f"it has {pages} pages, a frame has one")


def merge_pdfs(pdfs: Sequence[Path], merged: Path) -> Path:
    """The PDFs as one file, checking each input first: a single PDF as it
    is, several joined into `merged` with poppler's pdfunite (much faster
    than pypdf)."""
    for pdf in pdfs:
        if not Path(pdf).is_file():
            raise ToolError(f"The PDF '{pdf}' does not exist; build it first "
                            "(make all_animations builds every frame).")
    if len(pdfs) == 1:
        return Path(pdfs[0])
    pdfunite = shutil.which("pdfunite")
    if pdfunite is None:
        merged.write_bytes(merge_pages(list(pdfs)))
        return merged
    result = subprocess.run([pdfunite, *map(str, pdfs), str(merged)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        # pypdf reads them one by one, so its error names the damaged file.
        merged.write_bytes(merge_pages(list(pdfs)))
    return merged


def _render(merged: Path, first: int, last: int, dpi: int, threads: int) -> list:
    from pdf2image import convert_from_path
    from pdf2image.exceptions import PDFInfoNotInstalledError, PDFPageCountError
    try:
        images = convert_from_path(merged, dpi=dpi, first_page=first, last_page=last,
                                   thread_count=min(threads, last - first + 1))
    except PDFInfoNotInstalledError:
        raise ToolError(missing_program_message("pdfinfo")) from None
    except PDFPageCountError as error:
        raise ToolError(f"poppler could not read the PDFs: {error}") from None
    return [image if image.mode == "RGB" else image.convert("RGB") for image in images]


class PageFrames:
    """The first page of each PDF as an RGB image, rendered lazily in batches."""

    def __init__(self, pdfs: Sequence[Path], dpi: int = DEFAULT_DPI,
                 threads: int | None = None):
        self.pdfs = [Path(p) for p in pdfs]
        self.dpi = dpi
        self.threads = threads or _threads()
        self._cache: list | None = None

    def __len__(self) -> int:
        return len(self.pdfs)

    def __getitem__(self, index: int):
        if self._cache is not None:
            return self._cache[index]
        pdf = self.pdfs[index]
        return next(iter(PageFrames([pdf], self.dpi, 1)))

    @property
    def kept(self) -> bool:
        """Whether a whole pass kept every frame in memory for the next."""
        return self._cache is not None

    def __iter__(self) -> Iterator:
        if self._cache is not None:
            return iter(self._cache)
        return self._generate()

    def _generate(self) -> Iterator:
        require_program("pdftoppm")
        require_program("pdfinfo")
        kept, kept_bytes = [], 0
        with private_workdir("raster") as workdir:
            merged = merge_pdfs(self.pdfs, workdir / "pages.pdf")
            pages, frame_bytes = self._pages_and_frame_bytes(merged)
            if pages != len(self.pdfs):
                check_single_pages(self.pdfs)
                raise ToolError(f"The {len(self.pdfs)} frames from '{self.pdfs[0]}' on "
                                "do not make one page each.")
            done, batch = 0, self._batch(frame_bytes)
            while done < len(self.pdfs):
                last = min(done + batch, len(self.pdfs))
                images = _render(merged, done + 1, last, self.dpi, self.threads)
                if len(images) != last - done:
                    check_single_pages(self.pdfs)
                    raise ToolError(f"poppler rendered {len(images)} pages for the "
                                    f"{last - done} frames from '{self.pdfs[done]}'.")
                for image in images:
                    if kept is not None:
                        kept_bytes += image.width * image.height * 3
                        kept.append(image)
                        if kept_bytes > CACHE_BYTES:
                            kept = None
                    yield image
                done = last
                batch = self._batch(max(image.width * image.height * 3 for image in images))
        if kept is not None:
            self._cache = kept

    @staticmethod
    def _batch(frame_bytes: int) -> int:
        return max(1, min(MAX_BATCH, BATCH_BYTES // max(frame_bytes, 1)))

    def _pages_and_frame_bytes(self, merged: Path) -> tuple[int, int]:
        """The page count of the merged PDF, and the bytes of its first page
        as a frame: the first batch is as large as memory allows, so most
        animations take one run of the rasteriser."""
        from pdf2image import pdfinfo_from_path
        from pdf2image.exceptions import PDFInfoNotInstalledError, PDFPageCountError
        try:
            info = pdfinfo_from_path(merged)
            pages = int(info["Pages"])
        except PDFInfoNotInstalledError:
            raise ToolError(missing_program_message("pdfinfo")) from None
        except (PDFPageCountError, KeyError, ValueError):
            return -1, BATCH_BYTES
        # 'Page size:      357.5 x 391.6 pts' (points: 1/72 inch)
        size = re.match(r"\s*([0-9.]+) x ([0-9.]+) pts", str(info.get("Page size", "")))
        if not size:
            return pages, BATCH_BYTES
        width, height = (float(v) * self.dpi / 72 + 1 for v in size.groups())
        return pages, int(width * height * 3)


def encode_png(image) -> bytes:
    import io
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def staging_pngs(frames, pngs: Sequence[Path], staged: StagedFiles) -> Iterator:
    """Yield each frame after staging it as its PNG (moved into place by the
    caller's commit), so one pass both writes PNGs and feeds another writer."""
    if len(frames) != len(pngs):
        raise ValueError("one PNG path is needed for each frame")
    for image, png in zip(frames, pngs):
        extrema = image.getextrema()
        if extrema and all(low == high for low, high in extrema):
            raise ToolError(f"The frame for '{png}' is blank (one colour all over): "
                            "the figure's template drew nothing. No file was changed.")
        staged.stage(png).write_bytes(encode_png(image))
        yield image


class FramesAgain:
    """The frames of a PageFrames once more, after staging_pngs has staged
    them as `pngs`: from the PageFrames' cache when it kept them, else by
    reading the staged PNGs back one at a time, which is far cheaper than
    rendering large pages a second time (and gives the same pixels)."""

    def __init__(self, frames: PageFrames, pngs: Sequence[Path], staged: StagedFiles):
        self.frames, self.pngs, self.staged = frames, pngs, staged

    def __len__(self) -> int:
        return len(self.frames)

    def __iter__(self) -> Iterator:
        if self.frames.kept:
            return iter(self.frames)
        return iter(PngFrames([self.staged.staged_as(png) for png in self.pngs]))


class PngFrames:
    """PNG files as a re-iterable sequence of RGB frames, read one at a time."""

    def __init__(self, paths):
        self.paths = [Path(p) for p in paths]

    def __len__(self):
        return len(self.paths)

    def __getitem__(self, index):
        from PIL import Image
        path = self.paths[index]
        try:
            with Image.open(path) as image:
                return image.convert("RGB")
        except (OSError, SyntaxError) as error:
            raise ToolError(f"Cannot read the frame '{path}' ({error}); rebuild it, "
                            "e.g. by deleting it and running make again.") from None

    def __iter__(self):
        return (self[n] for n in range(len(self)))


def write_pngs(frames, pngs: Sequence[Path], staged: StagedFiles) -> None:
    """Stage each frame as its PNG."""
    for _ in staging_pngs(frames, pngs, staged):
        pass


def render_pages(pdfs: list[Path], dpi: int = DEFAULT_DPI, threads: int | None = None):
    """All pages at once, as a list (for a handful of frames only)."""
    return list(PageFrames(pdfs, dpi, threads))


def rasterise(pdfs: list[Path], pngs: list[Path], dpi: int = DEFAULT_DPI) -> None:
    """Write each PDF's page to the matching PNG path."""
    if len(pdfs) != len(pngs):
        raise ValueError("one PNG path is needed for each PDF")
    with StagedFiles() as staged:
        write_pngs(PageFrames(pdfs, dpi), pngs, staged)
        staged.commit()
