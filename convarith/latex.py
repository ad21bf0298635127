"""Running pdflatex: preflight, a private temporary directory, clear errors.

`compile_tex` turns TeX source into PDF bytes and never writes outside its
own temporary directory; `split_pages` cuts a multi-page PDF into one PDF
per page.  Writing into pdf/ is the caller's job (see convarith.files).
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import tempfile
from pathlib import Path

from .errors import ToolError
from .tools import TEX_FILES, missing_tex_file_message, require_program

PDFLATEX_ENV = "PDFLATEX"
TIMEOUT_SECONDS = 300
EXCERPT_CONTEXT = 2
# Fixed date for every PDF, so two builds are byte-identical.
REPRODUCIBLE_ENV = {"SOURCE_DATE_EPOCH": "0", "FORCE_SOURCE_DATE": "1"}


def pdflatex_command(pdflatex: str, jobname: str) -> list[str]:
    """The pdflatex command line: no shell escape, stop at the first error."""
    return [pdflatex, "-interaction=nonstopmode", "-halt-on-error",
            "-no-shell-escape", "-file-line-error", f"-jobname={jobname}",
            f"{jobname}.tex"]


def log_excerpt(log: str, tex: str) -> str:
    """The error lines of a LaTeX log, plus the generated TeX around `l.N`."""
    lines = log.splitlines()
    wanted = []
    for index, line in enumerate(lines):
        if line.startswith("!") or re.match(r"^[^:\s]+\.tex:\d+: ", line):
            wanted.extend(lines[index:index + 3])
    line_numbers = [int(m.group(1)) for m in
                    re.finditer(r"(?:^l\.|\.tex:)(\d+)", log, re.MULTILINE)]
    excerpt = "\n".join(dict.fromkeys(l for l in wanted if l.strip()))
    source = tex.splitlines()
    for number in sorted(set(line_numbers))[:3]:
        low = max(number - 1 - EXCERPT_CONTEXT, 0)
        high = min(number + EXCERPT_CONTEXT, len(source))
        shown = [f"{'>' if n + 1 == number else ' '}{n + 1:5d}: {source[n]}"
                 for n in range(low, high)]
        excerpt += f"\nGenerated TeX around line {number}:\n" + "\n".join(shown)
    return excerpt.strip()


def _missing_file(log: str) -> str | None:
    match = re.search(r"File `([^']+)' not found", log)
    return match.group(1) if match else None


def compile_tex(tex: str, jobname: str = "figure") -> bytes:
    """Compile `tex` with pdflatex in a private temporary directory; return the PDF."""
    pdflatex = require_program("pdflatex", os.environ.get(PDFLATEX_ENV) or None)
    env = dict(os.environ, **REPRODUCIBLE_ENV)
    with tempfile.TemporaryDirectory(prefix="convarith-") as workdir:
        source = Path(workdir, f"{jobname}.tex")
        source.write_text(tex, encoding="utf-8")
        try:
            result = subprocess.run(pdflatex_command(pdflatex, jobname), cwd=workdir,
                                    env=env, stdin=subprocess.DEVNULL,
                                    capture_output=True, timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            raise ToolError(f"pdflatex did not finish within {TIMEOUT_SECONDS} s "
                            f"on '{jobname}'.") from None
        log_path = Path(workdir, f"{jobname}.log")
        log = log_path.read_text(encoding="latin-1") if log_path.exists() else ""
        pdf_path = Path(workdir, f"{jobname}.pdf")
        if result.returncode != 0 or not pdf_path.exists():
            missing = _missing_file(log)
            if missing in TEX_FILES:
                raise ToolError(missing_tex_file_message(missing))
            detail = log_excerpt(log, tex) or result.stdout.decode("latin-1")[-2000:]
            raise ToolError(f"pdflatex failed on '{jobname}' (exit status "
                            f"{result.returncode}); no PDF was written.\n{detail}")
        return pdf_path.read_bytes()


def split_pages(pdf: bytes) -> list[bytes]:
    """One single-page PDF per page of `pdf`, byte-for-byte reproducible."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(pdf))
    pages = []
    for page in reader.pages:
        writer = PdfWriter()
        writer.add_page(page)
        writer.add_metadata({"/Producer": "convarith"})
        buffer = io.BytesIO()
        writer.write(buffer)
        pages.append(buffer.getvalue())
    return pages


def merge_pages(pdfs: list[Path]) -> bytes:
    """One multi-page PDF from several PDF files (for a single rasteriser run)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for path in pdfs:
        for page in PdfReader(path).pages:
            writer.add_page(page)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
