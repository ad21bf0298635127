"""Writing outputs safely: to a temporary name first, then moved into place.

A killed build therefore never leaves a file that looks complete, and a
failed one never replaces a good file with a broken one.  Temporaries carry
the writer's process id, so a writer removes only its own and those of
writers that are provably dead; `output_lock` serialises the writers of one
animation, so that concurrent runs leave one whole set of files, never a mix.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import shutil
import signal
import tempfile
import threading
from pathlib import Path

from .errors import ParameterError, ToolError
from .settings import cache_dir


def cache_subdir(name: str) -> Path | None:
    """The cache's directory `name`, made if need be; None when it cannot be
    made or written (then nothing is cached, and no time spent on it)."""
    directory = cache_dir() / name
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return directory if os.access(directory, os.W_OK | os.X_OK) else None


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


# Our temporary names: '.' + stem + '.' + writer's pid + '-' + 8 random
# characters + suffix + '.tmp'.
TEMPORARY_NAME = re.compile(
    r"^\.(?P<stem>.+)\.(?P<pid>[0-9]+)-[a-z0-9_]{8}(?P<suffix>\.[^.]+)\.tmp$")
#: Room a temporary name needs beyond the output's own name.
TEMPORARY_OVERHEAD = len(".") + len(".4194304-abcdefgh") + len(".tmp")
#: Private working directories of pdflatex and the rasteriser in the system
#: temporary directory: 'convarith-' + pid + '-' + random.
WORKDIR_PREFIX = "convarith-"
WORKDIR_NAME = re.compile(r"^convarith-(?P<pid>[0-9]+)-[a-z0-9_]+$")


def process_alive(pid: int) -> bool:
    """Whether a process with this id exists (on this machine)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _temporary_beside(path: Path) -> tuple[int, str]:
    return tempfile.mkstemp(prefix=f".{path.stem}.{os.getpid()}-",
                            suffix=path.suffix + ".tmp", dir=path.parent)


def _owned_by_dead_or_us(pid_text: str) -> bool:
    pid = int(pid_text)
    return pid != os.getpid() and not process_alive(pid)


def stale_temporaries(directory: Path) -> dict[tuple[str, str], list[str]]:
    """Temporaries in `directory` that killed writers left, by the (stem,
    suffix) of the output each was for.

    A temporary whose writer is still running is never among them: another
    build may be writing the same output right now."""
    stale: dict[tuple[str, str], list[str]] = {}
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return stale
    for entry in entries:
        match = TEMPORARY_NAME.match(entry.name)
        if match and _owned_by_dead_or_us(match["pid"]):
            stale.setdefault((match["stem"], match["suffix"]), []).append(entry.path)
    return stale


def _unlink_all(names) -> None:
    for name in names:
        with contextlib.suppress(OSError):
            os.unlink(name)


def sweep_stale_temporaries(paths) -> None:
    """Remove the temporaries of these outputs that killed writers left."""
    wanted: dict[Path, set] = {}
    for path in map(Path, paths):
        wanted.setdefault(path.parent, set()).add((path.stem, path.suffix))
    for directory, names in wanted.items():
        for name, leftovers in stale_temporaries(directory).items():
            if name in names:
                _unlink_all(leftovers)


def sweep_dead_workdirs(root: str | None = None, ours: bool = False) -> None:
    """Remove private working directories that killed runs left behind, or
    (`ours`) this process's own: an interrupted command's last act, whatever
    unfinished generator still holds one open."""
    root = root or tempfile.gettempdir()
    try:
        entries = list(os.scandir(root))
    except OSError:
        return
    for entry in entries:
        match = WORKDIR_NAME.match(entry.name)
        if match and (int(match["pid"]) == os.getpid() if ours
                      else _owned_by_dead_or_us(match["pid"])):
            with contextlib.suppress(OSError):
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)


@contextlib.contextmanager
def private_workdir(purpose: str):
    """A temporary directory owned by this process, swept by later runs if
    this one is killed.  Interrupts are held while it is made and removed,
    so that one cannot fall between making it and owning it, or cut its
    removal short."""
    sweep_dead_workdirs()
    with _signals_held():
        workdir = tempfile.mkdtemp(prefix=f"{WORKDIR_PREFIX}{os.getpid()}-{purpose}")
    try:
        yield Path(workdir)
    finally:
        with _signals_held():
            shutil.rmtree(workdir, ignore_errors=True)


def _remove(paths) -> None:
    """Remove temporary files, with interrupts held so a second signal cannot
    cut the clean-up short."""
    with _signals_held():
        for tmp in paths:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)


def write_error(where: Path, error: OSError) -> ToolError:
    reason = error.strerror or str(error)
    if error.filename:
        reason += f": {error.filename}"
    return ToolError(f"Could not write into the output directory '{where}' "
                     f"({reason}); nothing half-written was left there.")


class StagedFiles:
    """Files written to temporaries one by one and moved into place together.

    `stage(path)` returns the temporary to write for `path`; `commit()` moves
    every staged file into place; leaving the `with` block without a commit
    removes the temporaries, so outputs are never left half-written."""

    def __init__(self):
        self._staged: list[tuple[Path, Path]] = []
        # Each directory is scanned once for what killed writers left; an
        # animation stages hundreds of frames into one directory.
        self._stale: dict[Path, dict] = {}

    def __enter__(self):
        return self

    def stage(self, path) -> Path:
        path = Path(path)
        ensure_directory(path.parent)
        if path.parent not in self._stale:
            self._stale[path.parent] = stale_temporaries(path.parent)
        _unlink_all(self._stale[path.parent].pop((path.stem, path.suffix), []))
        try:
            with _signals_held():
                fd, tmp = _temporary_beside(path)
                self._staged.append((Path(tmp), path))
        except OSError as error:
            raise write_error(path.parent, error) from None
        os.close(fd)
        return Path(tmp)

    def staged_as(self, path) -> Path:
        """The temporary last staged for `path`."""
        path = Path(path)
        return next(tmp for tmp, target in reversed(self._staged) if target == path)

    def commit(self) -> None:
        path = None
        try:
            for tmp, path in self._staged:
                os.chmod(tmp, 0o644)
            for tmp, path in self._staged:
                os.replace(tmp, path)
        except OSError as error:
            raise write_error(path.parent if path else Path("."), error) from None

    def __exit__(self, *exc):
        _remove([tmp for tmp, _ in self._staged])
        return False


@contextlib.contextmanager
def atomic_output(path: Path):
    """Yield a temporary path beside `path`; move it into place on success."""
    path = Path(path)
    with StagedFiles() as staged:
        tmp = staged.stage(path)
        try:
            yield tmp
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except OSError as error:
            raise ToolError(f"Could not write '{path}' in '{path.parent}': "
                            f"{error.strerror}. Nothing was changed there.") from None


def write_bytes_atomic(path: Path, data: bytes) -> None:
    with atomic_output(path) as tmp:
        tmp.write_bytes(data)


def write_all_atomic(files: dict[Path, bytes]) -> None:
    """Write several files; all temporaries are complete before any is moved."""
    with StagedFiles() as staged:
        for path, data in files.items():
            tmp = staged.stage(path)
            try:
                tmp.write_bytes(data)
            except OSError as error:
                raise write_error(Path(path).parent, error) from None
        staged.commit()


# --- one writer per animation at a time ------------------------------------

def _lock_directory() -> Path:
    directory = Path(tempfile.gettempdir()) / f"convarith-locks-{os.getuid()}"
    directory.mkdir(mode=0o700, exist_ok=True)
    return directory


@contextlib.contextmanager
def output_lock(directory: Path, name: str):
    """Hold an exclusive lock on animation `name`'s files in `directory`.

    Every writer of an animation's pdf/, png/ and gif/ files takes it, so two
    runs on one name follow each other instead of mixing their frames.  The
    lock is the kernel's (flock): it is released when its holder dies."""
    key = f"{os.path.realpath(directory)}\0{name}".encode()
    lock_path = _lock_directory() / (hashlib.sha256(key).hexdigest()[:32] + ".lock")
    with open(lock_path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --- output paths checked before any work ----------------------------------

def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if os.path.lexists(candidate):
            return candidate
    return Path(".")


#: File systems of the kernel's own (no outputs can be created there).
KERNEL_FILE_SYSTEMS = {"proc", "sysfs", "devtmpfs", "devpts", "cgroup", "cgroup2",
                       "debugfs", "tracefs", "securityfs", "configfs", "bpf", "pstore"}


def _file_system_type(path: Path) -> str | None:
    """The type of the file system holding `path`, from /proc/self/mountinfo."""
    try:
        lines = Path("/proc/self/mountinfo").read_text().splitlines()
    except OSError:
        return None
    real = os.path.realpath(path)
    best, kind = "", None
    for line in lines:
        fields = line.split()
        if " - " not in line or len(fields) < 5:
            continue
        mount_point = fields[4].replace("\\040", " ")
        inside = real == mount_point or real.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) >= len(best):
            best, kind = mount_point, line.split(" - ", 1)[1].split()[0]
    return kind


def _unwritable(directory: Path) -> str | None:
    """Why no file can be created in `directory`, or None.  Checked without
    creating anything (permissions alone say nothing for root)."""
    if not os.access(directory, os.W_OK | os.X_OK):
        return "is not writable"
    if os.statvfs(directory).f_flag & os.ST_RDONLY:
        return "is on a read-only file system"
    kind = _file_system_type(directory)
    if kind in KERNEL_FILE_SYSTEMS:
        return f"is on the kernel's {kind} file system, where files cannot be created"
    return None


def check_output_path(text, what: str, suffix: str | None = None,
                      directory: bool = False) -> Path:
    """The output path `text`, or a ParameterError saying why it cannot be
    written, found before anything is built (and without writing anything).
    `what` names the option in messages; `suffix` (e.g. '.gif') is required when given; `directory`
    says the path is a directory to write into rather than a file."""
    if text is None or str(text).strip() == "":
        raise ParameterError(f"{what} is empty; give a path, or leave the option "
                             "out for the default.")
    path = Path(os.path.expanduser(str(text)))
    if "\0" in str(text):
        raise ParameterError(f"{what} contains a NUL character.")
    if len(str(path).encode()) > 4000:
        raise ParameterError(f"{what} is {len(str(path).encode())} bytes long, longer "
                             "than this system allows for a path; use a shorter one.")
    limit = 255
    for part in path.parts:
        budget = limit - (TEMPORARY_OVERHEAD if part == path.name and not directory else 0)
        if len(part.encode()) > budget:
            raise ParameterError(f"{what} has a name component of {len(part.encode())} "
                                 f"bytes, longer than this system allows ({budget} for "
                                 "an output); use a shorter name.")
    if not directory:
        if suffix is not None and path.suffix.lower() != suffix:
            raise ParameterError(f"{what} must name a {suffix} file, not '{text}'.")
        if path.is_dir() or str(text).endswith(os.sep):
            raise ParameterError(f"{what} '{text}' is a directory; name a file in it, "
                                 f"such as '{path / ('figure' + (suffix or ''))}'.")
    elif os.path.lexists(path) and not path.is_dir():
        raise ParameterError(f"{what} '{text}' exists and is not a directory.")
    existing = _nearest_existing(path if directory else path.parent)
    if not existing.is_dir():
        raise ParameterError(f"{what} '{text}' lies under '{existing}', which is a file, "
                             "not a directory.")
    problem = _unwritable(existing)
    if problem:
        raise ParameterError(f"{what} '{text}' cannot be written: '{existing}' {problem}.")
    return path
