"""Every output writer, registered by suffix, and `write_outputs`, which picks them.

Importing this module registers the writers (see registry).  Writers take
(target, rendering, timing): `rendering.frames()` is a re-iterable,
len()-able sequence of PIL RGB images, `rendering.storyboard_pdf()` the
one-page sheet of all steps, and `rendering.dpi` its raster resolution.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from ..errors import ToolError
from ..files import StagedFiles, check_output_path
from ..model.vocabulary import KEYWORDS, Vocabulary
from . import animated, player, storyboard, video  # noqa: F401  (they register their writers)
from .registry import WRITERS, Writer, describe_suffixes, writer_for
from .timing import Timing, check_timing

__all__ = ["WRITERS", "Timing", "Writer", "check_outputs", "describe_suffixes",
           "writer_for", "write_outputs"]


def check_outputs(rendering, paths, given_as: str | None = None,
                  words: Vocabulary = KEYWORDS) -> list[tuple[Path, Writer]]:
    """Each path with its writer, once every output has been checked (its
    suffix, the format's limits): a ParameterError or ToolError here comes
    before any work.  `words` names the parameters in messages."""
    writers = [(Path(path), writer_for(path, given_as)) for path in paths]
    for _, writer in writers:
        writer.check(rendering, words)
    return writers


def write_outputs(rendering, paths, timing: Timing, staged: StagedFiles | None = None,
                  given_as: str | None = None, words: Vocabulary = KEYWORDS) -> list[Path]:
    """Write every path with the writer its suffix chooses, each into a
    temporary beside it; all are moved into place together when every one is
    complete (by the caller's commit, when `staged` is given)."""
    writers = check_outputs(rendering, paths, given_as, words)
    with contextlib.ExitStack() as stack:
        own = staged is None
        if own:
            staged = stack.enter_context(StagedFiles())
        for path, writer in writers:
            target = staged.stage(path)
            try:
                writer.write(target, rendering, timing)
            except OSError as error:
                if error.errno is None:
                    raise
                raise ToolError(f"Could not write '{path}' ({error.strerror}); nothing "
                                "was changed there.") from None
        if own:
            staged.commit()
    return [path for path, _ in writers]


def save_one(rendering, path, fps, hold_last) -> Path:
    """What save(path, fps, hold_last) does for an animation or a chain: the
    timing and the path checked in the API's words, then the rendering's
    own _write (its formats' limits, the drawing, the move into place)."""
    timing = check_timing(fps, hold_last, KEYWORDS)
    target = check_output_path(os.fspath(path) if isinstance(path, os.PathLike) else path,
                               "path")
    [written] = rendering._write([target], timing, KEYWORDS, "path")
    return written
