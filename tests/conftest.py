"""Shared test set-up: import the package and the test helpers from the
checkout, give the test session a cache of its own, and (with --without-tex)
hide TeX and poppler so the fast tier shows that it needs neither."""

import os
import re
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


def shares_a_module_fixture(item) -> bool:
    info = getattr(item, "_fixtureinfo", None)
    return info is not None and any(
        definition.scope in ("module", "class", "package")
        for definitions in info.name2fixturedefs.values() for definition in definitions)


@pytest.hookimpl(tryfirst=True)   # before xdist reads the groups
def pytest_collection_modifyitems(config, items):
    """For pytest-xdist (`make test` runs `--dist loadgroup`): the tests of a
    module that share a module-scoped fixture (a build, an install) form one
    group, so one worker makes it once; and the slow tests come first, so
    the longest do not start last and leave one worker running alone."""
    for item in items:
        if shares_a_module_fixture(item):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


#: Why a test of a group that xdist did not keep together fails.
UNGROUPED = pytest.StashKey[str]()


def pytest_collection_finish(session):
    """Under `--dist loadgroup`, xdist groups a test by a suffix it adds to the
    test's id; pytest 9.2 no longer lets it (pytest-xdist 3.8 then spreads a
    group over the workers without a word).  Fail those tests instead."""
    if not getattr(session.config.option, "loadgroup", False):
        return
    ungrouped = [item for item in session.items
                 if item.get_closest_marker("xdist_group") and "@" not in item.nodeid]
    for item in ungrouped:
        item.stash[UNGROUPED] = (
            "--dist loadgroup did not keep this test's group on one worker: this "
            "pytest-xdist cannot group tests under this pytest; install the versions "
            "that pyproject.toml's test extra names (make setup)")


def pytest_runtest_setup(item):
    if UNGROUPED in item.stash:
        pytest.fail(item.stash[UNGROUPED], pytrace=False)


#: Reasons a test gives for skipping itself where a tool or PyTorch is missing.
MISSING_TOOL = re.compile(r"torch|pdflatex|poppler|pdftoppm|resvg|chromium|could not import|"
                          r"catalogue's frames", re.IGNORECASE)


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """CI installs every tool and PyTorch (.ci/run): there, a test that skips
    itself for want of one fails, so a broken install cannot pass unseen."""
    report = yield
    if in_ci() and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
        if MISSING_TOOL.search(reason):
            report.outcome = "failed"
            report.longrepr = f"skipped in CI, where every tool is installed: {reason}"
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector):
    """The same for a whole module that skips itself (pytest.importorskip)."""
    report = yield
    if in_ci() and report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
        if MISSING_TOOL.search(reason):
            report.outcome = "failed"
            report.longrepr = f"skipped in CI, where every tool is installed: {reason}"
    return report


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


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium (Debian's, never a downloaded one), driven by Playwright."""
    sync_api = pytest.importorskip("playwright.sync_api")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("chromium is not installed (bin/setup --test installs Debian's chromium)")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def as_if_tex_were_installed(monkeypatch):
    """renderer="tex" asked of the API, as where pdflatex is installed: the
    refusals checked here come before any TeX runs, so TeX need not be."""
    import convarith.animation
    monkeypatch.setattr(convarith.animation, "available_renderer",
                        lambda renderer, say=None: renderer)
