"""The cache only saves time: deleted under running processes, on a full
disk, holding a format made from another preamble, or named by a relative
XDG_CACHE_HOME, it never changes what a command does or makes it fail."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PIL import Image

from convarith import settings
from test_bad_input import base_env


def test_a_relative_xdg_cache_home_is_ignored(monkeypatch, tmp_path):
    monkeypatch.delenv("CONVARITH_CACHE_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    assert settings.cache_dir() == tmp_path / ".cache" / "convarith"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert settings.cache_dir() == tmp_path / "xdg" / "convarith"


def test_a_relative_cache_directory_setting_is_made_absolute(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CONVARITH_CACHE_DIR", "here")
    assert settings.cache_dir() == tmp_path / "here"


def animate_tex(cwd: Path, name: str, *flags: str, env: dict | None = None):
    return subprocess.run([sys.executable, "-m", "convarith", "animate", name, "--renderer",
                           "tex", *flags], cwd=cwd, env=env or base_env(), text=True,
                           capture_output=True, timeout=300)


@pytest.mark.integration
def test_a_relative_xdg_cache_home_writes_nothing_where_the_command_runs(tmp_path):
    env = base_env(XDG_CACHE_HOME="relcache", HOME=str(tmp_path / "home"))
    env.pop("CONVARITH_CACHE_DIR", None)
    result = animate_tex(tmp_path, "rel", "-i", "4", "-k", "3", "--out", "rel.gif", env=env)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "rel.gif"]
    assert list((tmp_path / "home" / ".cache" / "convarith" / "tex").glob("figure-*.fmt"))


@pytest.mark.integration
def test_deleting_the_cache_under_a_running_process_costs_only_time(tmp_path):
    """One process renders with TeX, its cache is deleted, and it renders
    figures with other templates (numerical, a storyboard) all the same."""
    cache = tmp_path / "cache"
    script = textwrap.dedent(f"""
        import shutil, convarith
        convarith.conv2d(4, 3, renderer="tex").frames()
        shutil.rmtree({str(cache)!r})
        convarith.conv2d(4, 3, numerical=True, renderer="tex").save({str(tmp_path / "n.gif")!r})
        shutil.rmtree({str(cache)!r}, ignore_errors=True)
        convarith.max_pool2d(4, 2, renderer="tex").save({str(tmp_path / "board.pdf")!r})
        print("done")
        """)
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, text=True,
                            env=base_env(CONVARITH_CACHE_DIR=str(cache)),
                            capture_output=True, timeout=300)
    assert result.returncode == 0 and result.stdout == "done\n", result.stderr
    with Image.open(tmp_path / "n.gif") as gif:
        assert gif.n_frames == 4
    assert (tmp_path / "board.pdf").read_bytes().startswith(b"%PDF")


FILL_AND_RUN = """
set -e
mount -t tmpfs -o size=96k tmpfs "$CACHE_FS"
head -c 1000000 /dev/zero > "$CACHE_FS/filler" 2>/dev/null || true
exec "$@"
"""


@pytest.mark.integration
def test_a_cache_on_a_full_disk_costs_only_time(tmp_path):
    """The cache on a full file system (a tmpfs filled up, in a mount
    namespace of the test's own): the figure is made all the same."""
    unshare = shutil.which("unshare")
    probe = subprocess.run([unshare or "unshare", "-rm", "true"], capture_output=True)
    if unshare is None or probe.returncode != 0:
        pytest.skip("needs unshare -rm to mount a full file system privately")
    cache_fs = tmp_path / "cachefs"
    cache_fs.mkdir()
    env = base_env(CACHE_FS=str(cache_fs), CONVARITH_CACHE_DIR=str(cache_fs / "convarith"))
    result = subprocess.run(
        [unshare, "-rm", "sh", "-c", FILL_AND_RUN, "sh", sys.executable, "-m", "convarith",
         "animate", "full", "-i", "4", "-k", "3", "--renderer", "tex", "--out",
         str(tmp_path / "full.gif")], cwd=tmp_path, env=env, text=True, capture_output=True,
        timeout=300)
    assert result.returncode == 0, result.stderr
    with Image.open(tmp_path / "full.gif") as gif:
        assert gif.n_frames == 4


@pytest.mark.integration
def test_a_format_made_from_another_preamble_is_dropped(tmp_path):
    """A format in the figures' place that holds another preamble (so the
    figures' commands are unknown to it) is found out and dropped, and the
    figure is made the plain way."""
    cache = tmp_path / "cache"
    env = base_env(CONVARITH_CACHE_DIR=str(cache))
    script = textwrap.dedent("""
        import shutil, sys
        from convarith.render import latex, texformat
        from convarith.render.tools import require_program
        from convarith.settings import pdflatex_program, tool_environment
        pdflatex = require_program("pdflatex", pdflatex_program())
        env = tool_environment(**latex.REPRODUCIBLE_ENV, **latex.PARANOID_ENV, **latex.LOG_ENV)
        other = texformat.preloaded_format(pdflatex, env, "\\\\documentclass{article}\\n")
        ours = texformat.preloaded_format(pdflatex, env)
        shutil.copy(other, ours)
        shutil.copy(other.with_suffix(".files"), ours.with_suffix(".files"))
        print(ours)
        """)
    made = subprocess.run([sys.executable, "-c", script], env=env, text=True,
                          capture_output=True, timeout=300)
    assert made.returncode == 0, made.stderr
    planted = Path(made.stdout.strip())
    planted_bytes = planted.read_bytes()
    for attempt in ("first", "second"):
        result = animate_tex(tmp_path, attempt, "-i", "4", "-k", "3", "--out",
                             f"{attempt}.gif", env=env)
        assert result.returncode == 0, result.stderr
    assert not planted.exists() or planted.read_bytes() != planted_bytes


DAMAGE_ENTRIES = """
import glob, sys
import jinja2.bccache
entries = glob.glob(sys.argv[1] + "/templates/*.cache")
assert entries, "no compiled templates were kept"
for entry in entries:
    # the header of a good entry, then bytes pickle and marshal cannot read
    with open(entry, "wb") as handle:
        handle.write(jinja2.bccache.bc_magic + b"\\x80\\x05garbage\\xff" * 8)
"""


def _damage_compiled_templates(cache: Path) -> None:
    done = subprocess.run([sys.executable, "-c", DAMAGE_ENTRIES, str(cache)], text=True,
                          capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_damaged_compiled_templates_are_compiled_again(tmp_path):
    """A compiled template whose bytes were damaged after its header (a bad
    disk, a crash while it was written) is a cache miss, never an error."""
    cache = tmp_path / "cache"
    script = ("import convarith\nfrom convarith.render.tikz import render_document\n"
              "print(len(render_document(convarith.conv2d(4, 3).spec, [0])) > 0)")
    env = base_env(CONVARITH_CACHE_DIR=str(cache))
    for _ in ("keep", "read damaged"):
        result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env,
                                text=True, capture_output=True, timeout=120)
        assert result.returncode == 0 and result.stdout == "True\n", result.stderr
        _damage_compiled_templates(cache)


@pytest.mark.integration
def test_a_command_reads_damaged_compiled_templates_as_a_miss(tmp_path):
    cache = tmp_path / "cache"
    env = base_env(CONVARITH_CACHE_DIR=str(cache))
    for attempt in ("first", "second"):
        result = animate_tex(tmp_path, attempt, "-i", "4", "-k", "3", "--out",
                             f"{attempt}.gif", env=env)
        assert result.returncode == 0, result.stderr
        _damage_compiled_templates(cache)


def test_compiled_templates_half_written_by_killed_processes_are_removed(tmp_path):
    from test_concurrency import dead_pid
    templates = tmp_path / "cache" / "templates"
    templates.mkdir(parents=True)
    left = templates / f"__jinja2_0123abcd.cache.{dead_pid()}-k2j4h5g6.tmp"
    left.write_bytes(b"half")
    script = ("import convarith\nfrom convarith.render.tikz import render_document\n"
              "render_document(convarith.conv2d(4, 3).spec, [0])")
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, text=True,
                            env=base_env(CONVARITH_CACHE_DIR=str(tmp_path / "cache")),
                            capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert not left.exists()
    assert [p.name for p in templates.iterdir() if p.name.endswith(".tmp")] == []
