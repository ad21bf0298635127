"""Every output writer, registered by suffix, and `write_outputs`, which picks them.

Importing this module registers the writers (see registry).  Writers take
(path, rendering, timing): `rendering.frames()` is a re-iterable, len()-able
sequence of PIL RGB images, `rendering.storyboard_pdf()` the one-page sheet
of all steps, and `rendering.dpi` its raster resolution.
"""

from __future__ import annotations

from pathlib import Path

from . import animated, storyboard, video  # noqa: F401  (they register their writers)
from .registry import WRITERS, Writer, describe_suffixes, writer_for
from .timing import Timing

__all__ = ["WRITERS", "Timing", "Writer", "describe_suffixes", "writer_for", "write_outputs"]


def write_outputs(rendering, paths, timing: Timing) -> list[Path]:
    """Write every path with the writer its suffix chooses."""
    writers = [(Path(path), writer_for(path)) for path in paths]   # all checked first
    for path, writer in writers:
        writer.write(path, rendering, timing)
    return [path for path, _ in writers]
