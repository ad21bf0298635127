"""SVG from PDF with poppler's pdftocairo: the storyboard, and one file per step."""

from __future__ import annotations

import subprocess
from pathlib import Path

from ..errors import ToolError
from ..files import write_all_atomic
from ..render.tools import require_program


def pdf_to_svg(pdf: bytes) -> bytes:
    """The first page of `pdf` as SVG (vector: text and paths stay so)."""
    from ..files import private_workdir
    pdftocairo = require_program("pdftocairo")
    with private_workdir("svg") as workdir:
        source, target = Path(workdir, "page.pdf"), Path(workdir, "page.svg")
        source.write_bytes(pdf)
        result = subprocess.run([pdftocairo, "-svg", "-f", "1", "-l", "1",
                                 str(source), str(target)],
                                capture_output=True, text=True)
        if result.returncode != 0 or not target.exists():
            raise ToolError(f"pdftocairo could not convert a PDF to SVG (exit status "
                            f"{result.returncode}): {result.stderr.strip()[-500:]}")
        return target.read_bytes()


def svg_frames(step_pdfs: dict[str, bytes]) -> dict[str, bytes]:
    """{file stem: SVG bytes} for {file stem: one-page PDF}."""
    return {stem: pdf_to_svg(pdf) for stem, pdf in step_pdfs.items()}


def write_svg_frames(directory: Path, frames: dict[str, bytes]) -> list[Path]:
    """DIR/NAME_NN.svg for every step ({file stem: SVG}), all moved into place together."""
    files = {Path(directory) / f"{stem}.svg": svg for stem, svg in frames.items()}
    write_all_atomic(files)
    return list(files)
