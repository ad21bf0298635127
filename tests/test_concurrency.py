"""Concurrent writers: temporaries belong to their process, and two runs on
one animation leave one whole set of files, never a mix."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from convarith.files import (StagedFiles, TEMPORARY_NAME, output_lock,
                             sweep_dead_workdirs, sweep_stale_temporaries,
                             write_all_atomic)
from test_bad_input import base_env, run_program

ROOT = Path(__file__).resolve().parent.parent


def dead_pid() -> int:
    """The id of a process that has exited."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_live_writers_temporary_is_kept_and_a_dead_ones_removed(tmp_path):
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        live = tmp_path / f".a_00.{alive.pid}-abcdefgh.pdf.tmp"
        dead = tmp_path / f".a_00.{dead_pid()}-abcdefgh.pdf.tmp"
        live.write_bytes(b"being written")
        dead.write_bytes(b"killed")
        write_all_atomic({tmp_path / "a_00.pdf": b"1"})
        assert live.exists() and not dead.exists()
    finally:
        alive.kill()
        alive.wait()


def test_our_temporaries_name_their_writer(tmp_path):
    with StagedFiles() as staged:
        tmp = staged.stage(tmp_path / "x.gif")
        match = TEMPORARY_NAME.match(tmp.name)
        assert match and int(match["pid"]) == os.getpid()
        sweep_stale_temporaries([tmp_path / "x.gif"])    # our own, but in use
        assert tmp.exists()


def test_dead_private_directories_are_swept(tmp_path):
    dead = tmp_path / f"convarith-{dead_pid()}-texabc123"
    mine = tmp_path / f"convarith-{os.getpid()}-rasterxyz"
    other = tmp_path / "convarith-unrelated"
    for directory in (dead, mine, other):
        directory.mkdir()
        (directory / "figure.log").write_text("x")
    sweep_dead_workdirs(str(tmp_path))
    assert not dead.exists() and other.exists()


def test_the_lock_makes_a_second_writer_wait(tmp_path):
    script = ("import sys, time; sys.path.insert(0, %r)\n"
              "from convarith.files import output_lock\n"
              "with output_lock(%r, 'x'):\n"
              "    print('locked', flush=True); time.sleep(1.5)\n") % (str(ROOT), str(tmp_path))
    holder = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    began = time.monotonic()
    with output_lock(tmp_path, "x"):
        waited = time.monotonic() - began
    holder.wait()
    assert waited > 0.5
    with output_lock(tmp_path, "y"):      # another animation: no wait
        pass


def gif_frames(path: Path) -> list[np.ndarray]:
    with Image.open(path) as image:
        frames = []
        for index in range(image.n_frames):
            image.seek(index)
            frames.append(np.asarray(image.convert("RGB")))
    return frames


#: Two geometries for one name: 9 and 4 steps.
GEOMETRY = {"nine": ["-i", "5", "-k", "3"], "four": ["-i", "4", "-k", "3"]}


def build_alone(directory: Path) -> None:
    """What each geometry makes when it runs alone, in directory/<label>."""
    for label, flags in GEOMETRY.items():
        alone = directory / label
        alone.mkdir()
        result = run_program("animate", ["same", *flags], cwd=alone)
        assert result.returncode == 0, result.stderr


def race(directory: Path, delay: float, alone: Path) -> str:
    """Start both geometries on one name in `directory`, the second `delay`
    seconds later; check the files afterwards are wholly one run's (as built
    in alone/<label>) and return that run's label."""
    directory.mkdir()
    command = [sys.executable, str(ROOT / "bin" / "animate"), "same"]
    first = subprocess.Popen(command + GEOMETRY["nine"], cwd=directory, env=base_env(),
                             stderr=subprocess.PIPE, text=True)
    time.sleep(delay)
    second = subprocess.Popen(command + GEOMETRY["four"], cwd=directory, env=base_env(),
                              stderr=subprocess.PIPE, text=True)
    assert first.wait(timeout=300) == 0, first.stderr.read()
    assert second.wait(timeout=300) == 0, second.stderr.read()
    frames = gif_frames(directory / "gif" / "same.gif")
    winner = {9: "nine", 4: "four"}[len(frames)]
    expected = alone / winner
    for sub in ("pdf", "png", "gif"):
        names = sorted(p.name for p in (directory / sub).iterdir())
        assert names == sorted(p.name for p in (expected / sub).iterdir())
    for png in (expected / "png").iterdir():
        assert np.array_equal(np.asarray(Image.open(directory / "png" / png.name)),
                              np.asarray(Image.open(png)))
    assert ((directory / "gif" / "same.gif").read_bytes()
            == (expected / "gif" / "same.gif").read_bytes())
    return winner


@pytest.mark.integration
@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.0, 0.3, 0.8])
def test_two_animate_runs_on_one_name_leave_one_whole_result(tmp_path, delay):
    """Different geometry (9 and 4 steps): the GIF, PDFs and PNGs afterwards
    are wholly one run's, whichever finished last.  (20 such races at varied
    delays: tests/concurrent_animate_trials.py.)"""
    build_alone(tmp_path)
    race(tmp_path / "shared", delay, tmp_path)


@pytest.mark.integration
@pytest.mark.slow
def test_two_makes_at_once_both_finish_with_the_same_files(tmp_path):
    """Two `make` of the same animations in one tree: both succeed, and every
    file is complete and as a single build makes it."""
    import interrupt_trials as trials
    names = ["no_padding_no_strides", "padding_strides_transposed", "numerical_max_pooling"]
    expected = trials.expected_outputs(names)
    box = trials.Sandbox.create(tmp_path, "twice", targets=sorted(expected))
    makes = [box.start(2, f"make-{n}.log") for n in range(2)]
    statuses = [m.wait(timeout=900) for m in makes]
    assert statuses == [0, 0], box.log_tail("make-0.log") + box.log_tail("make-1.log")
    report = trials.check_tree(box.root, expected, temps_allowed=False)
    assert report.problems == [] and report.complete == len(expected)
    for name in names:
        assert (box.root / "gif" / f"{name}.gif").read_bytes() == \
            (ROOT / "gif" / f"{name}.gif").read_bytes()
    assert box.up_to_date()


def test_an_interrupted_command_removes_its_own_working_directories(tmp_path, monkeypatch):
    """Ctrl-C may come while an unfinished generator (the rasteriser's) holds
    a working directory open; the command removes it on its way out."""
    import tempfile

    from convarith.cli import run
    from convarith.files import private_workdir
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    held = []

    def main(argv):
        def frames():
            with private_workdir("raster") as workdir:
                (workdir / "pages.pdf").write_text("x")
                yield workdir
        generator = frames()
        held.append(generator)        # still open when the interrupt comes
        next(generator)
        raise KeyboardInterrupt
    assert run(main, [], prog="convarith") == 130
    assert held and list(tmp_path.iterdir()) == []
