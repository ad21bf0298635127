"""Shared test set-up: import the package and the test helpers from the
checkout, give the test session a cache of its own, and (with --without-tex)
hide TeX and poppler so the fast tier shows that it needs neither."""

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
sys.path[:0] = [str(TESTS.parent), str(TESTS)]

#: Programs of TeX Live and poppler that --without-tex hides: everything the
#: pipeline or a test could run to compile or read a PDF.
TEX_AND_POPPLER = (
    "pdflatex", "pdftex", "latex", "tex", "etex", "latexmk", "bibtex", "kpsewhich",
    "fmtutil", "mktexfmt", "pdftoppm", "pdfinfo", "pdftocairo", "pdftotext", "pdftops",
    "pdfimages", "pdffonts", "pdfseparate", "pdfunite",
)


def pytest_addoption(parser):
    parser.addoption("--without-tex", action="store_true",
                     help="hide pdflatex, latexmk and poppler's programs from PATH "
                          "(the fast tier, `make check`, passes so)")


def path_without(programs, path: str, farm: Path) -> str:
    """PATH with every directory that holds one of `programs` replaced by
    `farm`, a directory of links to everything else those directories hold."""
    kept, farmed = [], False
    for directory in path.split(os.pathsep):
        if not directory or not os.path.isdir(directory):
            continue
        if not any(os.path.exists(os.path.join(directory, p)) for p in programs):
            kept.append(directory)
            continue
        for name in os.listdir(directory):
            link = farm / name
            if name not in programs and not os.path.lexists(link):
                os.symlink(os.path.join(directory, name), link)
        if not farmed:
            kept.append(str(farm))
            farmed = True
    return os.pathsep.join(kept)


def pytest_configure(config):
    if not config.getoption("--without-tex"):
        return
    farm = Path(tempfile.mkdtemp(prefix="convarith-test-path-"))
    config.add_cleanup(lambda: shutil.rmtree(farm, ignore_errors=True))
    os.environ["PATH"] = path_without(TEX_AND_POPPLER, os.environ.get("PATH", ""), farm)
    os.environ.pop("PDFLATEX", None)   # an absolute path there would get past PATH
    found = [p for p in TEX_AND_POPPLER if shutil.which(p)]
    if found:
        raise pytest.UsageError(f"--without-tex could not hide {', '.join(found)}")


@pytest.fixture(scope="session", autouse=True)
def private_cache():
    """The tests (and the programs they run) keep the preloaded TeX format and
    compiled templates in a cache of their own, not in the user's."""
    directory = tempfile.mkdtemp(prefix="convarith-test-cache-")
    previous = os.environ.get("CONVARITH_CACHE_DIR")
    os.environ["CONVARITH_CACHE_DIR"] = directory
    yield directory
    if previous is None:
        os.environ.pop("CONVARITH_CACHE_DIR", None)
    else:
        os.environ["CONVARITH_CACHE_DIR"] = previous
    shutil.rmtree(directory, ignore_errors=True)
