"""make site's build, short of a browser: its refusals, Pyodide's tarball and its pages.

The build's network step (npm) is replaced here by tarballs made in the
test; tests/test_site_browser.py builds a real site and opens it.
"""

import html
import io
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from convarith import site, site_assets
from convarith.errors import ParameterError, ToolError
from convarith.model.catalogue import CATALOGUE
from test_bad_input import ROOT


def fake_pyodide(path: Path, leave_out: str = "") -> bytes:
    """An npm-like tarball with the files Pyodide's page needs (and one it does not)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name in (*site_assets.PYODIDE_FILES, "pyodide.js.map"):
            if name == leave_out:
                continue
            data = f"contents of {name}".encode()
            member = tarfile.TarInfo(f"package/{name}")
            member.size = len(data)
            archive.addfile(member, io.BytesIO(data))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())
    return buffer.getvalue()


def tarball_path(cache: Path) -> Path:
    return cache / f"pyodide-{site_assets.PYODIDE_VERSION}.tgz"


def run_site(*args, env=None):
    return subprocess.run([sys.executable, "-m", "convarith.site", *args], cwd=ROOT,
                          capture_output=True, text=True, env=env, timeout=120)


def test_the_five_files_of_pyodide_are_copied_and_nothing_else(tmp_path, monkeypatch):
    data = fake_pyodide(tarball_path(tmp_path / "cache"))
    monkeypatch.setattr(site_assets, "PYODIDE_INTEGRITY", site_assets.integrity(data))
    written = site_assets.copy_pyodide(tmp_path / "cache", tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        site_assets.PYODIDE_FILES)
    assert (tmp_path / "out" / "pyodide.mjs").read_text() == "contents of pyodide.mjs"
    assert len(written) == 5


def test_a_tarball_that_is_not_the_published_one_is_refused_and_removed(tmp_path):
    fake_pyodide(tarball_path(tmp_path))
    with pytest.raises(ToolError, match="does not match the digest published"):
        site_assets.copy_pyodide(tmp_path, tmp_path / "out")
    assert not tarball_path(tmp_path).exists()
    assert not (tmp_path / "out" / "pyodide.mjs").exists()


def test_a_tarball_without_a_needed_file_is_refused(tmp_path, monkeypatch):
    data = fake_pyodide(tarball_path(tmp_path), leave_out="python_stdlib.zip")
    monkeypatch.setattr(site_assets, "PYODIDE_INTEGRITY", site_assets.integrity(data))
    with pytest.raises(ToolError, match="has no python_stdlib.zip"):
        site_assets.copy_pyodide(tmp_path, tmp_path / "out")


def test_the_pinned_digest_is_npm_s_sha512():
    assert site_assets.PYODIDE_INTEGRITY.startswith("sha512-")
    assert site_assets.integrity(b"") == ("sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5"
                                          "H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==")


def test_without_npm_the_build_says_how_to_install_it(tmp_path):
    env = dict(os.environ, PATH=str(tmp_path))          # no npm on this PATH
    result = run_site("--out", str(tmp_path / "site"), "--no-report", "--gallery",
                      "dilation", "--cache", str(tmp_path / "cache"), env=env)
    assert result.returncode != 0
    assert "npm is not installed" in result.stderr and "apt-get install npm" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "site").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []


def test_an_unknown_gallery_name_is_refused_before_any_work(tmp_path):
    result = run_site("--out", str(tmp_path / "site"), "--no-report", "--gallery",
                      "dilation,no_such_animation", "--cache", str(tmp_path / "cache"))
    assert result.returncode == ParameterError.exit_code
    assert "no_such_animation is not one" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "cache").exists()


def test_a_missing_report_is_refused(tmp_path):
    with pytest.raises(ParameterError, match="run make"):
        site.build_site(tmp_path / "site", tmp_path / "none.pdf", ["dilation"], tmp_path)


def test_a_directory_that_is_not_a_site_is_never_replaced(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "notes.txt").write_text("mine")
    result = run_site("--out", str(tmp_path / "site"), "--no-report")
    assert result.returncode == ParameterError.exit_code
    assert "is not a site built by make site" in result.stderr
    assert (tmp_path / "site" / "notes.txt").read_text() == "mine"


def test_the_report_or_its_absence_is_required():
    result = run_site("--out", "elsewhere")
    assert result.returncode != 0 and "--report" in result.stderr


def test_the_gallery_has_the_catalogue_in_its_sections():
    sections = site.gallery_entries(None)
    names = [entry.name for _, _, entries in sections for entry in entries]
    assert sorted(names) == sorted(entry.name for entry in CATALOGUE)
    assert len(names) == len(set(names)) == 35
    chosen = site.gallery_entries(["grouped", "dilation"])
    assert [[e.name for e in entries] for _, _, entries in chosen] == [["dilation"],
                                                                        ["grouped"]]


def test_the_pages_hold_one_player_script_and_name_only_the_site(tmp_path):
    report = tmp_path / "r.pdf"
    report.write_bytes(b"%PDF-1.4\n" + b"0" * 4000)
    pages = site.render_pages(site.gallery_sections(["dilation", "grouped"]),
                              "convarith-0-py3-none-any.whl", report)
    gallery, explorer = pages["index.html"], pages["explore.html"]
    assert gallery.count("data-convarith-player ") == 2
    assert gallery.count("<script>") == 1 and gallery.count("<style>") == 1
    assert 'href="conv_arithmetic.pdf"' in gallery and "(PDF, 3 KB)" in gallery
    assert '"wheel": "py/convarith-0-py3-none-any.whl"' in explorer
    for text in (gallery, explorer, pages["explorer.js"]):
        assert "http://" not in text and "https://" not in text and "//cdn" not in text
    assert "connect-src 'self'" in html.unescape(explorer)


def test_without_the_report_the_gallery_says_so():
    gallery = site.render_pages(site.gallery_sections(["dilation"]), "w.whl",
                                None)["index.html"]
    assert "conv_arithmetic.pdf" not in gallery and site.NO_REPORT_NOTE in gallery
