"""The preloaded pdflatex format (convarith.texformat): the same pages as a
plain compile, remade when what it was made from changes, and never the
cause of an error."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil

import numpy as np
import pytest

from convarith.cli import catalogue_spec
from convarith.render import texformat
from convarith.build import figure_tex
from convarith.model.catalogue import CATALOGUE
from convarith.render.latex import compile_tex, split_pages
from convarith.settings import TEX_FORMAT_ENV

pytestmark = pytest.mark.skipif(shutil.which("pdflatex") is None, reason="needs pdflatex")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CONVARITH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv(TEX_FORMAT_ENV, raising=False)
    return tmp_path / "cache" / "tex"


def entry(name):
    return next(e for e in CATALOGUE if e.name == name)


def pixels(pdf: bytes) -> list[np.ndarray]:
    from pdf2image import convert_from_bytes
    return [np.asarray(page.convert("RGB")) for page in convert_from_bytes(pdf, dpi=100)]


def formats(cache):
    return sorted(cache.glob("*.fmt")) if cache.is_dir() else []


@pytest.mark.integration
@pytest.mark.parametrize("name", ["padding_strides", "numerical_transposed",
                                  "numerical_multichannel"])
def test_pages_from_the_format_equal_plain_pages(cache, monkeypatch, name):
    """Labelled, numerical and channel figures: every page pixel for pixel."""
    spec = catalogue_spec(entry(name))
    if name == "numerical_transposed":     # with its labels and legend
        spec = dataclasses.replace(spec, labels=True)
    tex = figure_tex(spec, range(spec.steps))
    preloaded = compile_tex(tex, name)
    assert len(formats(cache)) == 1, "the first compile made the format"
    monkeypatch.setenv(TEX_FORMAT_ENV, "0")
    plain = compile_tex(tex, name)
    assert len(split_pages(preloaded)) == len(split_pages(plain)) == spec.steps
    for number, (ours, theirs) in enumerate(zip(pixels(preloaded), pixels(plain))):
        assert ours.shape == theirs.shape, f"page {number}"
        assert np.array_equal(ours, theirs), f"page {number} differs"


@pytest.mark.integration
def test_format_is_kept_uncompressed_and_pdflatex_starts_from_it(cache, monkeypatch):
    """pdflatex dumps a gzip file; the cache keeps it inflated, and the next
    compile starts from it (one pdflatex run, with -fmt) and keeps it."""
    spec = catalogue_spec(entry("no_padding_no_strides"))
    compile_tex(figure_tex(spec, [0]), "first")
    [fmt] = formats(cache)
    with open(fmt, "rb") as handle:
        assert handle.read(2) != texformat.GZIP_MAGIC
    runs = []
    real_run = __import__("subprocess").run

    def recording_run(command, *args, **kwargs):
        runs.append(command)
        return real_run(command, *args, **kwargs)

    monkeypatch.setattr("convarith.render.latex.subprocess.run", recording_run)
    assert len(split_pages(compile_tex(figure_tex(spec, [0, 1]), "second"))) == 2
    assert len(runs) == 1 and f"-fmt={fmt}" in runs[0]
    assert formats(cache) == [fmt]


@pytest.mark.integration
def test_only_the_newest_formats_are_kept(cache):
    """Formats made for other preambles or TeX installations are pruned to
    the newest few when a format is made, each with its list."""
    cache.mkdir(parents=True)
    for age, name in enumerate("abcd", start=1):
        for suffix in (".fmt", ".files"):
            old = cache / f"figure-{name * 24}{suffix}"
            old.write_text("{}")
            os.utime(old, (1e9 - age * 1000, 1e9 - age * 1000))
    ours = texformat.preloaded_format(shutil.which("pdflatex"), dict(os.environ))
    assert ours is not None
    kept = formats(cache)
    assert texformat.KEEP_FORMATS == 3
    # ours, and the two most recent of the four older ones ("a" is the newest)
    assert {p.name for p in kept} == {ours.name, f"figure-{'a' * 24}.fmt",
                                      f"figure-{'b' * 24}.fmt"}
    assert sorted(cache.glob("*.files")) == [p.with_suffix(".files") for p in kept]


@pytest.mark.integration
def test_switched_off_makes_no_format(cache, monkeypatch):
    monkeypatch.setenv(TEX_FORMAT_ENV, "0")
    spec = catalogue_spec(entry("no_padding_no_strides"))
    compile_tex(figure_tex(spec, [0]), "off")
    assert formats(cache) == []


@pytest.mark.integration
def test_format_is_remade_when_a_file_it_read_changes(cache):
    pdflatex = shutil.which("pdflatex")
    env = dict(os.environ)
    first = texformat.preloaded_format(pdflatex, env)
    assert first is not None and first.is_file()
    made = first.stat().st_mtime_ns
    assert texformat.preloaded_format(pdflatex, env) == first
    assert first.stat().st_mtime_ns == made, "a valid format is reused"
    # As if tikz.sty had been updated since: its recorded size no longer matches.
    listing = first.with_suffix(".files")
    stamps = json.loads(listing.read_text())
    tikz = next(path for path in stamps if path.endswith("/tikz.sty"))
    stamps[tikz][0] += 1
    listing.write_text(json.dumps(stamps))
    again = texformat.preloaded_format(pdflatex, env)
    assert again == first
    assert json.loads(listing.read_text())[tikz] == [os.stat(tikz).st_size,
                                                     os.stat(tikz).st_mtime_ns]


@pytest.mark.integration
def test_tex_search_path_is_part_of_the_key(cache):
    pdflatex = shutil.which("pdflatex")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEX")}
    ours = texformat.preloaded_format(pdflatex, env)
    # TeX's own tree hidden: no format can be made, and the first is not taken.
    assert texformat.preloaded_format(pdflatex, {**env, "TEXINPUTS": "."}) is None
    assert ours is not None and ours.is_file()


@pytest.mark.integration
def test_a_damaged_format_is_dropped_and_the_figure_still_compiles(cache):
    spec = catalogue_spec(entry("padding_strides"))
    tex = figure_tex(spec, range(spec.steps))
    compile_tex(tex, "first")
    [fmt] = formats(cache)
    fmt.write_bytes(b"not a format")       # its listing still matches
    pages = split_pages(compile_tex(tex, "damaged"))
    assert len(pages) == spec.steps
    assert not fmt.exists() or fmt.read_bytes() != b"not a format"


@pytest.mark.integration
def test_an_error_in_the_document_is_reported_once_and_the_format_kept(cache, monkeypatch):
    """A run from the format that fails is tried once the plain way (the format
    may be what failed); the document's own error is then reported, once, and
    the format, which was not at fault, is kept."""
    from convarith.errors import ToolError
    spec = catalogue_spec(entry("padding_strides"))
    tex = figure_tex(spec, [0]).replace("\\end{document}", "\\undefinedmacro\n\\end{document}")
    calls = []
    real_run = __import__("subprocess").run

    def counting_run(command, *args, **kwargs):
        if "-ini" not in command:
            calls.append(command)
        return real_run(command, *args, **kwargs)

    compile_tex(figure_tex(spec, [0]), "warm")          # the format exists now
    monkeypatch.setattr("convarith.render.latex.subprocess.run", counting_run)
    with pytest.raises(ToolError, match="Undefined control sequence"):
        compile_tex(tex, "broken")
    assert len(calls) == 2 and any(str(a).startswith("-fmt=") for a in calls[0])
    assert not any(str(a).startswith("-fmt=") for a in calls[1])
    assert len(formats(cache)) == 1, "the format is kept: the error was the document's"


@pytest.mark.integration
def test_no_cache_to_write_means_no_format_and_no_time_spent(tmp_path, monkeypatch):
    """A cache under a regular file cannot exist: the figure compiles the plain
    way, and no pdflatex -ini run is attempted."""
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("CONVARITH_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.delenv(TEX_FORMAT_ENV, raising=False)
    dumps = []
    real_run = __import__("subprocess").run

    def recording_run(command, *args, **kwargs):
        if "-ini" in command:
            dumps.append(command)
        return real_run(command, *args, **kwargs)

    monkeypatch.setattr("subprocess.run", recording_run)
    spec = catalogue_spec(entry("no_padding_no_strides"))
    assert len(split_pages(compile_tex(figure_tex(spec, [0, 1]), "nocache"))) == 2
    assert dumps == []
