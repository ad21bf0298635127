"""Shared test set-up: import the package and the test helpers from the
checkout, and give the test session a cache of its own."""

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
sys.path[:0] = [str(TESTS.parent), str(TESTS)]


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
