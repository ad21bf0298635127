"""What the site's explorer runs in the browser: Pyodide from npm, and our own wheel.

Pyodide comes from the npm package, packed once into a cache directory and
checked against the registry's published digest; five of its files are a
whole Python for the page.  The wheel is built by pip from this checkout.
Each tool is run by one function that turns a missing program or a failure
into a ToolError of one paragraph.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

from .errors import ToolError

PYODIDE_VERSION = "314.0.7"
#: npm's `dist.integrity` of pyodide@PYODIDE_VERSION: a tarball that does not
#: match is refused.
PYODIDE_INTEGRITY = ("sha512-0YvXxEhfEdpLfb/XkM2BFAeMROq0iMUX2bzzH9pOttyMcWkwq+HbE5uyuGD82LN7y"
                     "2q+SNvi/6V5JEsOlD2R1A==")
#: The files of the npm package a static page needs (the rest are maps,
#: types, consoles and the CommonJS loader).
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip",
                 "pyodide-lock.json")
NPM_MISSING = ("npm is not installed, and the site's explorer needs Pyodide from the npm "
               "package 'pyodide'. Install it with 'sudo apt-get install npm' on "
               "Debian/Ubuntu, 'sudo dnf install nodejs-npm' on Fedora or 'brew install "
               "node' on macOS (make setup installs it on Debian/Ubuntu when run as root), "
               "then run make site again.")


def _run(command: list, what: str, cwd: Path | None = None) -> None:
    try:
        result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    except FileNotFoundError:
        raise ToolError(NPM_MISSING if command[0] == "npm" else
                        f"'{command[0]}' was not found, so {what} failed.") from None
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()[-8:]
        raise ToolError(f"{what} failed (exit status {result.returncode}): "
                        + " | ".join(line.strip() for line in lines if line.strip()))


def integrity(data: bytes) -> str:
    """npm's integrity string (sha512, base64) of `data`."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def pyodide_tarball(cache: Path) -> Path:
    """The npm tarball of Pyodide in `cache`, packed there by npm if absent,
    and checked against its published digest."""
    tarball = cache / f"pyodide-{PYODIDE_VERSION}.tgz"
    if not tarball.exists():
        if shutil.which("npm") is None:
            raise ToolError(NPM_MISSING)
        cache.mkdir(parents=True, exist_ok=True)
        _run(["npm", "pack", "--silent", f"pyodide@{PYODIDE_VERSION}"],
             f"'npm pack pyodide@{PYODIDE_VERSION}' (which downloads Pyodide from the "
             "npm registry)", cwd=cache)
    found = integrity(tarball.read_bytes())
    if found != PYODIDE_INTEGRITY:
        tarball.unlink()
        raise ToolError(f"The Pyodide tarball from npm does not match the digest published "
                        f"for pyodide@{PYODIDE_VERSION} ({found[:24]}... instead of "
                        f"{PYODIDE_INTEGRITY[:24]}...); it was removed. Run make site "
                        "again to download it anew.")
    return tarball


def copy_pyodide(cache: Path, target: Path) -> list[Path]:
    """The five files of Pyodide a page needs, written into `target`."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    with tarfile.open(pyodide_tarball(cache), "r:gz") as archive:
        for name in PYODIDE_FILES:
            # Read member by member, by name: nothing else of the archive is
            # written, wherever its paths point.
            try:
                member = archive.extractfile(f"package/{name}")
            except KeyError:
                member = None
            if member is None:
                raise ToolError(f"The Pyodide package from npm has no {name}; the site "
                                "cannot run Python in the browser without it.")
            (target / name).write_bytes(member.read())
            written.append(target / name)
    return written


def build_wheel(source: Path, target: Path) -> Path:
    """Our wheel, built by pip from the checkout `source` into `target`."""
    target.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
               "--disable-pip-version-check", "--wheel-dir", str(target)]
    # Without isolation, pip builds with the installed setuptools, offline.
    try:
        import setuptools  # noqa: F401
        command.append("--no-build-isolation")
    except ImportError:
        pass
    _run(command + [str(source)], "Building convarith's wheel with pip")
    wheels = sorted(target.glob("convarith-*-py3-none-any.whl"))
    if len(wheels) != 1:
        raise ToolError(f"pip built {len(wheels)} wheels of convarith in {target}, not one.")
    return wheels[0]
