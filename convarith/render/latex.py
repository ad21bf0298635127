"""Running pdflatex: preflight, a private temporary directory, clear errors.

`compile_tex` turns TeX source into PDF bytes and never writes outside its
own temporary directory; `split_pages` cuts a multi-page PDF into one PDF
per page.  Writing into pdf/ is the caller's job (see convarith.files).
"""

from __future__ import annotations

import io
import logging
import re
import subprocess
from pathlib import Path

from ..errors import DamagedInput, ToolError
from ..files import private_workdir
from ..settings import pdflatex_program, tool_environment
from .tools import TEX_FILES, missing_tex_file_message, require_program

TIMEOUT_SECONDS = 300
EXCERPT_CONTEXT = 2
# Fixed date for every PDF, so two builds are byte-identical.
REPRODUCIBLE_ENV = {"SOURCE_DATE_EPOCH": "0", "FORCE_SOURCE_DATE": "1"}
# Besides -no-shell-escape: kpathsea's paranoid mode, so TeX reads and writes
# no absolute paths, parent directories or dot files (only its own tree and
# the private working directory).  The figures need nothing else.
PARANOID_ENV = {"openin_any": "p", "openout_any": "p"}
# Unwrapped log lines (TeX wraps at 79 characters by default), so error
# lines and file names reach the message whole.
LOG_ENV = {"max_print_line": "10000", "error_line": "254", "half_error_line": "238"}


def pdflatex_command(pdflatex: str, jobname: str) -> list[str]:
    """The pdflatex command line: no shell escape, stop at the first error.

    Errors keep TeX's classic form ('! message' and 'l.N context'), which
    names the line of the generated TeX; -file-line-error would replace the
    '!' lines with 'file:N:' lines that may point into any package file.
    """
    return [pdflatex, "-interaction=nonstopmode", "-halt-on-error",
            "-no-shell-escape", f"-jobname={jobname}", f"{jobname}.tex"]


# '!' lines that only say that TeX stopped, not why.
_STOP_LINES = re.compile(r"^!\s*(Emergency stop\.|==> Fatal error occurred)")
_LOCATION = re.compile(r"^l\.(\d+) ?(.*)$")


def log_excerpt(log: str, tex: str) -> str:
    """The '!' error lines and 'l.N' lines of a LaTeX log, plus the generated
    TeX around each line N that is a line of `tex`."""
    wanted, locations = [], []
    for line in log.splitlines():
        location = _LOCATION.match(line)
        if location:
            wanted.append(line.rstrip())
            locations.append((int(location.group(1)), location.group(2)))
        elif line.startswith("!") and not _STOP_LINES.match(line):
            wanted.append(line.rstrip())
    excerpt = "\n".join(dict.fromkeys(wanted))
    source = tex.splitlines()
    shown_numbers = set()
    for number, context in locations:
        if number in shown_numbers or not 1 <= number <= len(source):
            continue
        # 'l.N' counts lines of whichever file TeX was reading; show our TeX
        # only when the context TeX prints is on our line N.
        context = context.strip().lstrip(".").strip()
        if context and context not in source[number - 1]:
            continue
        shown_numbers.add(number)
        low = max(number - 1 - EXCERPT_CONTEXT, 0)
        high = min(number + EXCERPT_CONTEXT, len(source))
        shown = [f"{'>' if n + 1 == number else ' '}{n + 1:5d}: {source[n]}"
                 for n in range(low, high)]
        excerpt += f"\nGenerated TeX around line {number}:\n" + "\n".join(shown)
        if len(shown_numbers) == 3:
            break
    return excerpt.strip()


#: The job name inside the private directory: fixed, so that no figure name
#: can shadow a TeX file (a figure called 'keyval' would be read for keyval.sty).
JOBNAME = "figure"
_CAPACITY = re.compile(r"^! (TeX capacity exceeded.*|Unable to read an entire line.*)$",
                       re.MULTILINE)


def capacity_message(label: str, output: str) -> str | None:
    """A clear message when pdflatex ran out of one of its fixed capacities."""
    match = _CAPACITY.search(output)
    if match is None:
        return None
    return (f"The figure '{label}' is too large for pdflatex ({match.group(1).strip()}); "
            "no PDF was written. Use smaller sizes (fewer cells per axis or a "
            "smaller kernel).")


def _missing_file(log: str) -> str | None:
    match = re.search(r"File `([^']+)' not found", log)
    return match.group(1) if match else None


def _run_pdflatex(command: list[str], workdir: Path, env: dict, label: str):
    """pdflatex's result and its log (empty when it wrote none)."""
    try:
        result = subprocess.run(command, cwd=workdir, env=env, stdin=subprocess.DEVNULL,
                                capture_output=True, timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        raise ToolError(f"pdflatex did not finish within {TIMEOUT_SECONDS} s "
                        f"on '{label}'; use smaller sizes.") from None
    log_path = Path(workdir, f"{JOBNAME}.log")
    return result, log_path.read_text(encoding="latin-1") if log_path.exists() else ""


def _with_format(tex: str, pdflatex: str, env: dict) -> tuple[str, Path] | None:
    """`tex` for a start from the preloaded format, and the format; None when
    `tex` has another preamble or there is no format to be had.  The preamble's
    lines become comments, so line numbers in errors stay those of `tex`."""
    from .texformat import preamble_tex, preloaded_format
    preamble = preamble_tex()
    if preamble not in tex:
        return None
    fmt = preloaded_format(pdflatex, env, preamble)
    if fmt is None:
        return None
    return tex.replace(preamble, "%\n" * preamble.count("\n"), 1), fmt


def compile_tex(tex: str, label: str = "figure", extra_memory: int = 0) -> bytes:
    """Compile `tex` with pdflatex in a private temporary directory; return the
    PDF.  `label` names the figure in messages; `extra_memory` adds words to
    pdflatex's main memory (5,000,000), for a page that holds a whole
    animation.  A document with the figures' preamble starts from the
    preloaded format (convarith.texformat)."""
    pdflatex = require_program("pdflatex", pdflatex_program())
    memory = {"extra_mem_bot": str(extra_memory)} if extra_memory else {}
    env = tool_environment(**REPRODUCIBLE_ENV, **PARANOID_ENV, **LOG_ENV, **memory)
    preloaded = _with_format(tex, pdflatex, env)
    with private_workdir("tex") as workdir:
        source = Path(workdir, f"{JOBNAME}.tex")
        pdf_path = Path(workdir, f"{JOBNAME}.pdf")
        command = pdflatex_command(pdflatex, JOBNAME)
        if preloaded is not None:
            source.write_text(preloaded[0], encoding="utf-8")
            result, log = _run_pdflatex([*command[:1], f"-fmt={preloaded[1]}", *command[1:]],
                                        workdir, env, label)
            if result.returncode == 0 and pdf_path.exists():
                return pdf_path.read_bytes()
            # The format may be what failed (it was removed under us, or made
            # from another preamble, so the document's commands are unknown to
            # it): the plain way decides, and drops the format if it succeeds.
            pdf_path.unlink(missing_ok=True)
        source.write_text(tex, encoding="utf-8")
        result, log = _run_pdflatex(command, workdir, env, label)
        if preloaded is not None and result.returncode == 0 and pdf_path.exists():
            from .texformat import forget
            forget(preloaded[1])
        if result.returncode != 0 or not pdf_path.exists():
            missing = _missing_file(log)
            if missing in TEX_FILES:
                raise ToolError(missing_tex_file_message(missing))
            # Some errors (a line longer than TeX's buffer) reach only the
            # terminal, never the log.
            terminal = (result.stdout + b"\n" + result.stderr).decode("latin-1")
            too_large = capacity_message(label, log + "\n" + terminal)
            if too_large:
                raise ToolError(too_large)
            detail = (log_excerpt(log, tex) or log_excerpt(terminal, tex)
                      or terminal.strip()[-2000:])
            raise ToolError(f"pdflatex failed on '{label}' (exit status "
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
    from pypdf.errors import PyPdfError

    writer = PdfWriter()
    # pypdf logs repairs of damaged files ("EOF marker not found") on stderr;
    # a damaged file becomes one clear message below instead.
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        for path in pdfs:
            try:
                for page in PdfReader(path).pages:
                    writer.add_page(page)
            except OSError as error:
                raise ToolError(f"Cannot read the PDF '{path}': "
                                f"{error.strerror or error}.") from None
            except (PyPdfError, ValueError) as error:
                raise DamagedInput(path, f"it is not a readable PDF ({error})") from None
    finally:
        logger.setLevel(level)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
