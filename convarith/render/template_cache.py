"""Compiled templates kept in the cache directory: a help when it works, never a failure.

Jinja's own file cache raises when its directory disappears under a running
process (someone cleans ~/.cache) or the disk is full, and an unreadable
entry stops the template from loading.  The cache only saves time, so here
every such failure means compiling the template again, and nothing more.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path

import jinja2

#: An entry being written: its name, the writer's process id, random letters.
TEMPORARY = re.compile(r"^__jinja2_[0-9a-f]+\.cache\.(?P<pid>[0-9]+)-[^.]+\.tmp$")


class TemplateCache(jinja2.BytecodeCache):
    """Jinja's FileSystemBytecodeCache, with the same file names, but every
    failure to read or write an entry is a cache miss."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self._sweep_dead_writers()

    def _sweep_dead_writers(self) -> None:
        """Remove entries half-written by processes that were killed."""
        from ..files import process_alive
        try:
            names = os.listdir(self.directory)
        except OSError:
            return
        for name in names:
            match = TEMPORARY.match(name)
            if match and int(match["pid"]) != os.getpid() and not process_alive(
                    int(match["pid"])):
                with contextlib.suppress(OSError):
                    os.unlink(self.directory / name)

    def _path(self, bucket: jinja2.bccache.Bucket) -> Path:
        return self.directory / f"__jinja2_{bucket.key}.cache"

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            with open(self._path(bucket), "rb") as handle:
                bucket.load_bytecode(handle)
        except Exception:  # any entry that does not load is a miss
            # Missing, unreadable, cut short (a disk that filled up while it
            # was written) or damaged (pickle and marshal raise what they
            # like on bad bytes): compile the template again.
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        path = self._path(bucket)
        temporary = None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("wb", dir=self.directory,
                                             prefix=f"{path.name}.{os.getpid()}-",
                                             suffix=".tmp", delete=False) as handle:
                temporary = handle.name
                bucket.write_bytecode(handle)
            os.replace(temporary, path)
        except OSError:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
