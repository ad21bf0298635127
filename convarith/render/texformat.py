"""A pdflatex format with the figures' preamble already loaded.

Loading the document class and TikZ is about half of pdflatex's time on a
small figure.  `preloaded_format()` dumps that preamble once into a format
file (`pdflatex -ini`), kept in the user's cache, and every figure document
then starts from it.  The pages are the same either way (a test compares
them pixel for pixel).

The format is used only while nothing it was made from has changed: beside
it lies the list of every file pdflatex read to make it (from its -recorder
file, the base format and every .sty included) with their sizes and times,
and the pdflatex program's own.  Anything that differs, or any failure to
make or read it, means the figure is compiled the plain way, never an error.

The format is kept uncompressed.  pdflatex writes it gzip-compressed, and
inflating those 18 MB took more than half of its start-up from the format
(70 ms against 25 ms); it reads a plain file just as well.

Set CONVARITH_TEX_FORMAT=0 to always compile the plain way, and
CONVARITH_CACHE_DIR to keep the cache somewhere other than
$XDG_CACHE_HOME/convarith (or ~/.cache/convarith).
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import subprocess
from pathlib import Path

from ..settings import tex_format_enabled

PREAMBLE_TEMPLATE = "preamble.tex.j2"
DUMP_TIMEOUT_SECONDS = 120
# The job name of the dump, inside its private directory.
JOBNAME = "preamble"
#: Part of the cache key: formats kept another way are not taken for ours.
LAYOUT = "uncompressed"
#: Formats kept (the most recently made): each takes about 18 MB, and a new
#: one is made whenever the templates' preamble, TeX or its search path change.
KEEP_FORMATS = 3
GZIP_MAGIC = b"\x1f\x8b"


def preamble_tex() -> str:
    """The class and packages that every figure document loads, with the
    scenes' border around each page."""
    from ..scene.build import BORDER
    from .tikz import environment
    return environment().get_template(PREAMBLE_TEMPLATE).render(border=f"{BORDER:g}")


def _stamp(path: str) -> list | None:
    try:
        status = os.stat(path)
    except (OSError, ValueError):   # a damaged list may name no possible file
        return None
    return [status.st_size, status.st_mtime_ns]


def _key(pdflatex: str, preamble: str, env: dict) -> str:
    """The program, the preamble, and the settings that tell TeX where its
    files are (TEXINPUTS, TEXMFHOME, ...): a format is made for all three."""
    program = os.path.realpath(pdflatex)
    search = sorted((name, value) for name, value in env.items() if name.startswith("TEX"))
    text = json.dumps([LAYOUT, program, _stamp(program), preamble, search])
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _read_files(recorder: Path) -> list[str]:
    """Absolute paths of the files a -recorder run read (its .fls)."""
    paths = []
    for line in recorder.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("INPUT ") and os.path.isabs(line[6:]):
            paths.append(line[6:])
    return sorted(set(paths))


def _still_valid(manifest: Path) -> bool:
    try:
        stamps = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(stamps, dict) and bool(stamps) and all(
        _stamp(path) == stamp for path, stamp in stamps.items())


def _dump(pdflatex: str, preamble: str, fmt: Path, manifest: Path, env: dict) -> bool:
    """Make the format; True if it is in place."""
    from ..errors import ToolError
    from ..files import private_workdir, write_bytes_atomic
    with private_workdir("texformat") as workdir:
        Path(workdir, f"{JOBNAME}.tex").write_text(preamble + "\\dump\n", encoding="utf-8")
        try:
            result = subprocess.run(
                [pdflatex, "-ini", "-interaction=nonstopmode", "-halt-on-error",
                 "-no-shell-escape", "-recorder", f"-jobname={JOBNAME}",
                 "&pdflatex", f"{JOBNAME}.tex"],
                cwd=workdir, env=env, stdin=subprocess.DEVNULL,
                capture_output=True, timeout=DUMP_TIMEOUT_SECONDS)
        except (OSError, subprocess.TimeoutExpired):
            return False
        made = Path(workdir, f"{JOBNAME}.fmt")
        recorder = Path(workdir, f"{JOBNAME}.fls")
        if result.returncode != 0 or not made.is_file() or not recorder.is_file():
            return False
        read = _read_files(recorder)
        if not read:
            return False
        stamps = {path: _stamp(path) for path in read}
        try:
            # Each file is moved into place whole, the list last, so a format
            # is only ever taken with its list; a concurrent run's copy is
            # as good as ours.
            write_bytes_atomic(fmt, _uncompressed(made.read_bytes()))
            write_bytes_atomic(manifest, json.dumps(stamps).encode())
        except (OSError, ToolError):
            return False
    _prune(fmt.parent)
    return True


def _prune(directory: Path) -> None:
    """Remove all but the KEEP_FORMATS newest formats (and their lists).  A
    figure that was about to start from a removed one compiles the plain way."""
    def made(path: Path) -> int:
        try:
            return path.stat().st_mtime_ns
        except OSError:
            return 0
    formats = sorted(directory.glob("figure-*.fmt"), key=made, reverse=True)
    for old in formats[KEEP_FORMATS:]:
        forget(old)


def _uncompressed(data: bytes) -> bytes:
    """The format as pdflatex reads it fastest: TeX reads formats through
    zlib, which takes a file without gzip's header as it is."""
    if data.startswith(GZIP_MAGIC):
        try:
            return gzip.decompress(data)
        except (OSError, EOFError):
            return data
    return data


def preloaded_format(pdflatex: str, env: dict, preamble: str | None = None) -> Path | None:
    """The format file with `preamble` (default: preamble_tex()) loaded, to
    start figure documents from, made if need be; None when it is switched
    off or cannot be had (then compile the plain way)."""
    if not tex_format_enabled():
        return None
    preamble = preamble_tex() if preamble is None else preamble
    from ..files import cache_subdir
    directory = cache_subdir("tex")
    if directory is None:
        return None
    key = _key(pdflatex, preamble, env)
    fmt, manifest = directory / f"figure-{key}.fmt", directory / f"figure-{key}.files"
    if fmt.is_file() and _still_valid(manifest):
        return fmt
    if _dump(pdflatex, preamble, fmt, manifest, env) and _still_valid(manifest):
        return fmt
    return None


def forget(fmt: Path) -> None:
    """Remove a format and its list (one pdflatex could not start from, or
    an old one)."""
    for path in (fmt, fmt.with_suffix(".files")):
        with contextlib.suppress(OSError):
            path.unlink()
