"""Atomic writes: temporaries beside the output, moved into place, never left behind."""

import os
import signal

import pytest

from convarith.errors import ToolError
from convarith.files import (TEMPORARY_NAME, atomic_output, sweep_stale_temporaries,
                             write_all_atomic, write_bytes_atomic)


def names(directory):
    return sorted(p.name for p in directory.iterdir())


def test_all_files_appear_together_and_no_temporary_remains(tmp_path):
    write_all_atomic({tmp_path / "a_00.pdf": b"one", tmp_path / "a_01.pdf": b"two"})
    assert names(tmp_path) == ["a_00.pdf", "a_01.pdf"]
    assert (tmp_path / "a_01.pdf").read_bytes() == b"two"


def test_a_failed_write_keeps_the_old_file(tmp_path):
    target = tmp_path / "x.gif"
    target.write_bytes(b"good")
    with pytest.raises(RuntimeError):
        with atomic_output(target) as tmp:
            tmp.write_bytes(b"half")
            raise RuntimeError("killed halfway")
    assert target.read_bytes() == b"good"
    assert names(tmp_path) == ["x.gif"]


def test_an_interrupt_while_writing_leaves_nothing(tmp_path):
    files = {tmp_path / f"a_{n:02d}.png": b"data" for n in range(5)}
    calls = {"n": 0}
    original = os.replace

    def interrupt_on_third(src, dst):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        original(src, dst)

    os.replace = interrupt_on_third
    try:
        with pytest.raises(KeyboardInterrupt):
            write_all_atomic(files)
    finally:
        os.replace = original
    assert not [n for n in names(tmp_path) if n.endswith(".tmp")]


def test_stale_temporaries_of_the_same_outputs_are_swept(tmp_path):
    import subprocess
    import sys
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    (tmp_path / f".a_00.{gone.pid}-k2j4h5g6.pdf.tmp").write_bytes(b"killed")
    (tmp_path / f".a_01.{gone.pid}-abcdefgh.pdf.tmp").write_bytes(b"killed")
    (tmp_path / f".b_00.{gone.pid}-abcdefgh.pdf.tmp").write_bytes(b"another animation's")
    (tmp_path / "notes.tmp").write_bytes(b"not ours")
    write_all_atomic({tmp_path / "a_00.pdf": b"1", tmp_path / "a_01.pdf": b"2"})
    assert names(tmp_path) == [f".b_00.{gone.pid}-abcdefgh.pdf.tmp", "a_00.pdf", "a_01.pdf",
                               "notes.tmp"]


def test_temporary_name_pattern_matches_what_is_created(tmp_path):
    with atomic_output(tmp_path / "my.anim.gif") as tmp:
        match = TEMPORARY_NAME.match(tmp.name)
        assert match and match["stem"] == "my.anim" and match["suffix"] == ".gif"
    sweep_stale_temporaries([tmp_path / "missing-dir" / "x.png"])   # no error


def test_signals_are_held_only_briefly(tmp_path):
    """After a write, SIGINT is deliverable again (the mask was restored)."""
    write_bytes_atomic(tmp_path / "x.pdf", b"1")
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, [])


def test_unwritable_directory_is_named(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_bytes(b"")
    with pytest.raises(ToolError, match=str(blocker)):
        write_bytes_atomic(blocker / "sub" / "x.pdf", b"1")
