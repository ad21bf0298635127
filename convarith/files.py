"""Writing outputs safely: to a temporary name first, then moved into place.

A killed build therefore never leaves a file that looks complete, and a
failed one never replaces a good file with a broken one.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import tempfile
import threading
from pathlib import Path

from .errors import ToolError


def ensure_directory(directory: Path) -> None:
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ToolError(f"Cannot create the output directory '{directory}': "
                        f"{error.strerror}.") from None
    if not os.access(directory, os.W_OK | os.X_OK):
        raise ToolError(f"The output directory '{directory}' is not writable; "
                        "change its permissions or choose another directory.")


@contextlib.contextmanager
def _signals_held():
    """Hold SIGINT and SIGTERM while a temporary file is created and recorded,
    so that an interrupt cannot fall between the two and leave it behind."""
    if (threading.current_thread() is not threading.main_thread()
            or not hasattr(signal, "pthread_sigmask")):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


# Our temporary names: '.' + stem + '.' + 8 characters from mkstemp + suffix + '.tmp'.
TEMPORARY_NAME = re.compile(r"^\.(?P<stem>.+)\.[a-z0-9_]{8}(?P<suffix>\.[^.]+)\.tmp$")


def _temporary_beside(path: Path) -> tuple[int, str]:
    return tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix + ".tmp",
                            dir=path.parent)


def sweep_stale_temporaries(paths) -> None:
    """Remove temporaries that killed earlier writes of these outputs left.
    Only one build writes a given output, so they cannot be in use."""
    wanted: dict[Path, set] = {}
    for path in map(Path, paths):
        wanted.setdefault(path.parent, set()).add((path.stem, path.suffix))
    for directory, names in wanted.items():
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue
        for entry in entries:
            match = TEMPORARY_NAME.match(entry.name)
            if match and (match["stem"], match["suffix"]) in names:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _remove(paths) -> None:
    """Remove temporary files, with interrupts held so a second signal cannot
    cut the clean-up short."""
    with _signals_held():
        for tmp in paths:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)


@contextlib.contextmanager
def atomic_output(path: Path):
    """Yield a temporary path beside `path`; move it into place on success."""
    path = Path(path)
    ensure_directory(path.parent)
    sweep_stale_temporaries([path])
    tmp = None
    try:
        with _signals_held():
            fd, tmp = _temporary_beside(path)
        os.close(fd)
        yield Path(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as error:
        raise ToolError(f"Could not write '{path}' in '{path.parent}': "
                        f"{error.strerror}. Nothing was changed there.") from None
    finally:
        if tmp is not None:
            _remove([tmp])


def write_bytes_atomic(path: Path, data: bytes) -> None:
    with atomic_output(path) as tmp:
        tmp.write_bytes(data)


def write_all_atomic(files: dict[Path, bytes]) -> None:
    """Write several files; all temporaries are complete before any is moved."""
    staged = []
    path = None
    sweep_stale_temporaries(files)
    try:
        for path, data in files.items():
            path = Path(path)
            ensure_directory(path.parent)
            with _signals_held():
                fd, tmp = _temporary_beside(path)
                staged.append((Path(tmp), path))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(tmp, 0o644)
        for tmp, path in staged:
            os.replace(tmp, path)
    except OSError as error:
        where = path.parent if path is not None else Path(".")
        reason = error.strerror or str(error)
        if error.filename:
            reason += f": {error.filename}"
        raise ToolError(f"Could not write into the output directory '{where}' "
                        f"({reason}); nothing half-written was left there.") from None
    finally:
        _remove([tmp for tmp, _ in staged])
