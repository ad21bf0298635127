"""Every setting convarith takes from the environment or a default, read here and only here.

Values are read when asked for, not at import, so a test or a caller that
changes the environment is seen.  Standard library only.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .errors import ParameterError

#: Raster resolution of frames (the Makefile's DPI has the same default).
DEFAULT_DPI = 150
#: Resolution of the animation shown inline in a notebook (small and quick).
NOTEBOOK_DPI = 100
#: Resolutions the commands accept.
DPI_RANGE = (10, 1200)
#: Pixels of a frame, and of a storyboard sheet drawn as a picture, at most:
#: larger pictures take more than 2 GiB to draw and encode (and Pillow
#: refuses to open them).  A figure whose frames would be larger at the
#: chosen resolution is refused before any work, with the largest that fits.
MAX_FRAME_PIXELS = 40_000_000
#: Pixels of a video frame at most, as many as 3840 x 2160 (8.3 megapixels):
#: ffmpeg's encoders hold a dozen frames and more, about 130 bytes a pixel.
MAX_VIDEO_SIZE = (3840, 2160)
MAX_VIDEO_PIXELS = MAX_VIDEO_SIZE[0] * MAX_VIDEO_SIZE[1]
#: The longest side of a storyboard sheet, in points (TeX's largest
#: dimension is 16383.99 pt, about 5.76 m).
MAX_SHEET_POINTS = 16_000
#: Words pdflatex adds to its main memory of 5,000,000 for a storyboard,
#: which holds a whole animation on one page (240 MB more at most).
TEX_SHEET_MEMORY = 30_000_000
#: Cells a numerical storyboard drawn by TeX shows at most, over all its steps
#: (the work FigureSpec counts): each is a typeset value, and even the larger
#: memory holds no more.  An arithmetic sheet is bounded by its size; the
#: native renderer by neither.
TEX_SHEET_CELLS = {"numerical": 60_000}
#: How long a GIF shows each step, in milliseconds.
DEFAULT_FRAME_MS = 1000

#: Steps above which a figure is refused unless the limit is raised.
DEFAULT_MAX_STEPS = 1024
MAX_STEPS_ENV = "CONVARITH_MAX_STEPS"
#: Where convarith keeps what it can remake at any time (the preloaded TeX
#: format, compiled templates): $CONVARITH_CACHE_DIR, else the XDG cache.
CACHE_ENV = "CONVARITH_CACHE_DIR"
#: 0, no, off or false (in any case): compile every figure without the preloaded format.
TEX_FORMAT_ENV = "CONVARITH_TEX_FORMAT"
#: The pdflatex program to run, if not the one on PATH.
PDFLATEX_ENV = "PDFLATEX"
#: Set to show the traceback of an internal error.
DEBUG_ENV = "CONVARITH_DEBUG"
#: imageio-ffmpeg's own setting: the ffmpeg to use instead of the one it ships.
FFMPEG_ENV = "IMAGEIO_FFMPEG_EXE"


def max_steps() -> int:
    """The step limit: $CONVARITH_MAX_STEPS, else the default."""
    raw = os.environ.get(MAX_STEPS_ENV)
    if raw is None:
        return DEFAULT_MAX_STEPS
    if re.fullmatch(r"[0-9]+", raw.strip(), re.ASCII) is None or int(raw) < 1:
        raise ParameterError(
            f"{MAX_STEPS_ENV} must be a positive whole number, not {raw!r}; "
            f"unset it for the default of {DEFAULT_MAX_STEPS}.")
    return int(raw)


def cache_dir() -> Path:
    """An absolute path: pdflatex runs in a directory of its own, where a
    relative path to its format would name another file.  A relative
    XDG_CACHE_HOME is ignored, as the XDG base directory rules require."""
    if os.environ.get(CACHE_ENV):
        return Path(os.path.abspath(os.path.expanduser(os.environ[CACHE_ENV])))
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "convarith"


#: How CONVARITH_TEX_FORMAT is switched off, and on (in any case).
SWITCHED_OFF = ("0", "no", "off", "false")
SWITCHED_ON = ("", "1", "yes", "on", "true")


def tex_format_enabled() -> bool:
    return os.environ.get(TEX_FORMAT_ENV, "1").strip().lower() not in SWITCHED_OFF


def tex_format_problem() -> str | None:
    """What is wrong with $CONVARITH_TEX_FORMAT (a value that is neither on
    nor off: the format is then used, as by default), or None."""
    raw = os.environ.get(TEX_FORMAT_ENV, "1")
    if raw.strip().lower() in SWITCHED_OFF + SWITCHED_ON:
        return None
    return (f"{TEX_FORMAT_ENV} is {raw!r}, which is neither off ({', '.join(SWITCHED_OFF)}) "
            f"nor on ({', '.join(SWITCHED_ON[1:])}), so the preloaded format is used; set "
            "it to one of those, or unset it.")


def pdflatex_program() -> str | None:
    """$PDFLATEX when set, else None (pdflatex from PATH)."""
    return os.environ.get(PDFLATEX_ENV) or None


def tool_environment(**overrides: str) -> dict[str, str]:
    """The environment for an external program: ours, with `overrides`."""
    return dict(os.environ, **overrides)


def debug() -> bool:
    return bool(os.environ.get(DEBUG_ENV))


def under_parallel_make() -> bool:
    """Whether a make -jN runs us, so the other cores are busy already."""
    flags = os.environ.get("MAKEFLAGS", "")
    return "-j" in flags or "--jobserver" in flags


def single_blas_thread() -> None:
    """Start numpy without OpenBLAS's thread pool, unless the user chose a size.

    The commands do no linear algebra, but importing numpy starts one
    OpenBLAS thread per core, which costs each of the build's processes
    about 50 ms of CPU time that the other make jobs could use."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def setting_problem(program: str) -> str | None:
    """Why the program a setting names cannot be run, or None."""
    import shutil
    if os.path.isdir(program):
        return "is a directory"
    if os.sep in program and not os.path.exists(program):
        return "does not exist"
    if os.sep in program and not os.access(program, os.X_OK):
        return "is not executable"
    if shutil.which(program) is None:
        return "was not found"
    return None


def chosen_ffmpeg() -> str | None:
    """The ffmpeg named by $IMAGEIO_FFMPEG_EXE, if any (else imageio-ffmpeg's own)."""
    return os.environ.get(FFMPEG_ENV) or None
