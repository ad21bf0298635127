"""What killed runs of the newer front doors leave behind (the report's
figures of real layers, make site) is removed by a later run, as the
command line's own temporaries are."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from test_bad_input import base_env
from test_concurrency import dead_pid
from test_site import run_site


def _ours(directory) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.startswith("convarith-"))


def test_a_killed_report_figure_build_leaves_nothing_a_later_save_keeps(tmp_path):
    pytest.importorskip("cairosvg")
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = base_env(TMPDIR=str(temp))
    build = subprocess.Popen([sys.executable, "-m", "convarith.report_figures", "--out",
                              str(tmp_path / "figures")], env=env, cwd=tmp_path,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not [name for name in _ours(temp) if "locks" not in name]:
            assert build.poll() is None and time.monotonic() < deadline, "no directory made"
            time.sleep(0.05)
    finally:
        build.send_signal(signal.SIGKILL)
        build.wait()
    assert _ours(temp), "the killed build left nothing to sweep"
    save = subprocess.run([sys.executable, "-c", "import convarith; "
                           "convarith.conv2d(4, 3).save('a.gif')"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert save.returncode == 0, save.stderr
    assert [name for name in _ours(temp) if "locks" not in name] == []


def test_what_killed_site_builds_left_is_swept_by_the_next(tmp_path):
    gone, running = dead_pid(), os.getpid()
    left = [tmp_path / f".site.build-{gone}", tmp_path / f".site.old-{gone}"]
    kept = tmp_path / f".site.build-{running}"
    for directory in (*left, kept):
        (directory / "pyodide").mkdir(parents=True)
        (directory / "pyodide" / "pyodide.asm.wasm").write_bytes(b"\0" * 1000)
    env = dict(os.environ, PATH=str(tmp_path / "no-npm-here"))
    result = run_site("--out", str(tmp_path / "site"), "--no-report", "--gallery", "dilation",
                      "--cache", str(tmp_path / "cache"), env=env)
    assert "npm is not installed" in result.stderr       # the build itself fails here
    assert [p for p in left if p.exists()] == []
    assert kept.exists()                                   # a running build's is kept
