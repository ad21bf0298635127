"""The API's save() as a script or a notebook reaches it: it checks before it
works, streams its frames as the command line does, leaves the images that
frames() handed out alone, and sweeps what killed saves left behind."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time

import pytest
from PIL import Image, ImageDraw

import convarith
from convarith.errors import ParameterError
from test_bad_input import base_env


def test_changing_the_frames_handed_out_changes_nothing_else(tmp_path):
    layer = convarith.conv2d(4, 3)
    frames = layer.frames()
    pristine = [frame.tobytes() for frame in frames]
    for frame in frames:
        ImageDraw.Draw(frame).rectangle((0, 0, frame.width, frame.height), fill="black")
    frames.clear()
    assert [frame.tobytes() for frame in layer.frames()] == pristine
    assert [frame.tobytes() for frame in convarith.conv2d(4, 3).frames()] == pristine
    layer.save(tmp_path / "a.apng")
    with Image.open(tmp_path / "a.apng") as saved:
        saved.seek(0)
        assert saved.convert("RGB").tobytes() == pristine[0]


def count_rendered_frames(monkeypatch) -> list:
    """Every native frame rasterised from now on (the spy keeps the pixels)."""
    from convarith.render import native_png
    rendered = []
    original = native_png.svg_to_png_bytes

    def spy(svg):
        rendered.append(1)
        return original(svg)
    monkeypatch.setattr(native_png, "svg_to_png_bytes", spy)
    return rendered


@pytest.mark.parametrize("where", ["under a file", "no suffix", "a directory",
                                   "empty", "catalogue"])
def test_save_checks_its_path_before_drawing_anything(tmp_path, monkeypatch, where):
    from test_bad_input import ROOT
    (tmp_path / "file.txt").write_text("x")
    path = {"under a file": tmp_path / "file.txt" / "a.gif",
            "no suffix": tmp_path / "animation",
            "a directory": tmp_path,
            "empty": "",
            "catalogue": ROOT / "gif" / "padding_strides.gif"}[where]
    rendered = count_rendered_frames(monkeypatch)
    layer = convarith.conv2d(12, 3)
    with pytest.raises(ParameterError) as caught:
        layer.save(path)
    assert rendered == []
    message = str(caught.value)
    assert message.startswith("path") and "--" not in message, message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]


def test_save_checks_the_format_limits_before_drawing_anything(tmp_path, monkeypatch):
    rendered = count_rendered_frames(monkeypatch)
    layer = convarith.conv2d(100, 100, in_channels=4, out_channels=4)
    with pytest.raises(ParameterError, match=r"use dpi=\d+ or lower"):
        layer.save(tmp_path / "a.gif")
    with pytest.raises(ParameterError, match="above the limit of 16,000 pt"):
        convarith.conv2d(32, 1, steps="all").save(tmp_path / "board.svg")
    assert rendered == [] and list(tmp_path.iterdir()) == []


KILLED_SAVE = """
import convarith
convarith.conv2d(16, 3, stride=1).save({target!r})
"""


def test_what_a_killed_save_left_is_swept_by_the_next(tmp_path):
    """A save killed while it encodes a video leaves its private directory in
    the temporary folder and a temporary beside its output; the next save
    removes both."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    target = tmp_path / "out" / "a.mp4"
    target.parent.mkdir()
    env = base_env(TMPDIR=str(temporary))
    process = subprocess.Popen([sys.executable, "-c", KILLED_SAVE.format(target=str(target))],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not any(p.name.startswith("convarith-") for p in temporary.iterdir()):
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.02)
        time.sleep(0.3)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    left = [p.name for p in temporary.iterdir() if p.name.startswith("convarith-")]
    assert left
    assert [p.name for p in target.parent.iterdir()]        # the staged output
    again = subprocess.run([sys.executable, "-c", textwrap.dedent(f"""
        import convarith
        convarith.conv2d(4, 3).save({str(target)!r})
        """)], env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert not [p for p in temporary.iterdir() if p.name in left]
    assert [p.name for p in target.parent.iterdir()] == ["a.mp4"]


PEAK = """
import resource, sys, convarith
layer = convarith.conv2d(8, 1, steps="all")
layer.dpi = 600
layer.save(sys.argv[1])
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


@pytest.mark.slow
def test_save_streams_its_frames(tmp_path):
    """64 frames of 4.2 megapixels, 800 MB if they were all held at once (as
    save() did, at 1.2 GB peak): the writer holds a few, and the renderer
    keeps at most 256 MB of them for the GIF's second pass."""
    spec = convarith.conv2d(8, 1).spec
    from convarith.animation import Animation
    from convarith.export.limits import frame_sizer
    width, height = frame_sizer(Animation(spec))(600)
    held = spec.steps * width * height * 3
    result = subprocess.run([sys.executable, "-c", PEAK, str(tmp_path / "a.gif")],
                            env=base_env(), capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stderr
    peak_bytes = int(result.stdout.split()[-1]) * 1024
    assert peak_bytes < 0.75 * held, (peak_bytes, held)
    with Image.open(tmp_path / "a.gif") as gif:
        assert gif.n_frames == spec.steps and gif.size == (width, height)
