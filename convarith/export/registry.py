"""One registry from file suffix to writer, so a new format adds a module, not a branch."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import ParameterError

#: suffix -> Writer, filled in by the writer modules as they are imported.
WRITERS: dict = {}


def _nothing_to_check(rendering, words) -> None:
    return None


@dataclass(frozen=True)
class Writer:
    """Writes one output file: `write(target, rendering, timing)` fills
    `target`, a temporary file beside the output that is moved into place
    once every output is complete.  `check(rendering, words)` raises, before any
    work, if this output of `rendering` cannot be made (naming its
    parameters in `words`, a Vocabulary); `kind` names what the file holds,
    for help texts; `frames` whether it reads the rendered frames (a
    storyboard draws its own sheet, a player its own SVG)."""

    suffix: str
    kind: str
    write: Callable
    check: Callable = _nothing_to_check
    frames: bool = True


def register(suffix: str, kind: str, check: Callable = _nothing_to_check,
             frames: bool = True):
    """Decorator: make `write` the writer for files ending in `suffix`."""
    def add(write: Callable) -> Callable:
        WRITERS[suffix] = Writer(suffix, kind, write, check, frames)
        return write
    return add


def writer_for(path, given_as: str | None = None) -> Writer:
    """The writer that `path`'s suffix chooses, or a ParameterError listing
    them; `given_as` is how the caller named the path (e.g. '--out')."""
    suffix = Path(path).suffix.lower()
    writer = WRITERS.get(suffix)
    if writer is None:
        named = f"{given_as} {path}" if given_as else f"The file name {str(path)!r}"
        raise ParameterError(
            f"{named}: the suffix {suffix or '(none)'!r} names no output "
            f"format; use one of {', '.join(WRITERS)} ({describe_suffixes()}).")
    return writer


def describe_suffixes() -> str:
    kinds: dict[str, list[str]] = {}
    for writer in WRITERS.values():
        kinds.setdefault(writer.kind, []).append(writer.suffix)
    return "; ".join(f"{' '.join(s)}: {kind}" for kind, s in kinds.items())
