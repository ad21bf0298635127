"""Output writers: suffix registry, exact timing, and every animated format
read back (synthetic frames, so no TeX is needed)."""

from fractions import Fraction

import numpy as np
import pytest
from PIL import Image

from convarith.errors import ParameterError
from convarith.export.writers import WRITERS, Timing, write_outputs, writer_for
from convarith.export.canvas import canvas_size
from convarith.export.timing import check_timing

ANIMATED = (".gif", ".webp", ".apng")
COLOURS = [(38, 139, 210), (42, 161, 152), (7, 54, 66), (220, 50, 47)]


class Frames:
    """What the writers are given: frames of slightly different sizes, as
    pdflatex's cropped pages are."""

    dpi = 72

    def __init__(self, count=4):
        self._frames = [Image.new("RGB", (41 + n % 2, 30), COLOURS[n % len(COLOURS)])
                        for n in range(count)]

    def frames(self):
        return self._frames


def test_every_documented_suffix_has_a_writer():
    assert set(WRITERS) == {".gif", ".mp4", ".webm", ".webp", ".apng", ".pdf", ".svg", ".png",
                            ".html"}
    assert writer_for("a/B.MP4").suffix == ".mp4"


@pytest.mark.parametrize("path", ["out.txt", "movie", "board.jpeg"])
def test_unknown_suffix_names_the_path_and_every_format(path):
    with pytest.raises(ParameterError) as error:
        writer_for(path, "--out")
    message = str(error.value)
    assert f"--out {path}" in message
    for suffix in WRITERS:
        assert suffix in message
    # Unnamed (as Animation.save gives it), the message names no flag.
    with pytest.raises(ParameterError, match=f"^The file name '{path}': ") as error:
        writer_for(path)
    assert "--" not in str(error.value)


@pytest.mark.parametrize("fps, hold, steps, ms", [
    (1, 0, 3, [1000, 1000, 1000]),
    (2, 1.5, 3, [500, 500, 2000]),
    (0.5, 0, 2, [2000, 2000]),
])
def test_durations_per_step(fps, hold, steps, ms):
    assert Timing(fps, hold).durations_ms(steps) == ms


@pytest.mark.parametrize("fps", [0.01, 0.3, 0.7, 1, 2, 3, 7, 24, 25, 50])
def test_each_video_step_spans_a_whole_number_of_frames_of_exactly_its_time(fps):
    timing = Timing(fps)
    rate = timing.video_rate
    assert rate >= 24
    [per_step] = set(timing.video_repeats(5))
    assert Fraction(per_step) / rate == 1 / Fraction(str(fps))


def test_the_hold_is_added_to_the_last_step_only():
    repeats = Timing(1, hold_last=2).video_repeats(4)
    assert repeats == [24, 24, 24, 24 + 48]


@pytest.mark.parametrize("fps, hold", [(0, 0), (51, 0), (float("nan"), 0), (1, -1),
                                       ("2", 0), (True, 0)])
def test_bad_timing_is_refused_with_the_flag_name(fps, hold):
    with pytest.raises(ParameterError, match="--fps|--hold-last"):
        check_timing(fps, hold)


def test_canvas_rounds_up_to_even_sizes_for_video():
    frames = Frames().frames()
    assert canvas_size(frames) == (42, 30)
    assert canvas_size([Image.new("RGB", (41, 31))], multiple=2) == (42, 32)


def read_durations(path):
    with Image.open(path) as image:
        durations = []
        for index in range(image.n_frames):
            image.seek(index)
            image.load()
            durations.append(image.info["duration"])
        return durations, image.info.get("loop")


@pytest.mark.parametrize("suffix", ANIMATED)
def test_animated_images_have_one_frame_per_step_with_exact_durations(tmp_path, suffix):
    path = tmp_path / f"a{suffix}"
    write_outputs(Frames(), [path], Timing(fps=2, hold_last=1))
    durations, loop = read_durations(path)
    assert durations == [500, 500, 500, 1500]
    assert loop == 0
    with Image.open(path) as image:
        image.seek(2)
        colour = image.convert("RGB").getpixel((5, 5))
    assert np.abs(np.subtract(colour, COLOURS[2])).max() <= 2


@pytest.mark.parametrize("suffix, codec", [(".mp4", "h264"), (".webm", "vp9")])
def test_videos_show_each_step_for_exactly_its_time(tmp_path, suffix, codec):
    import imageio.v3 as iio
    path = tmp_path / f"a{suffix}"
    write_outputs(Frames(), [path], Timing(fps=1, hold_last=0.5))
    meta = iio.immeta(path, plugin="FFMPEG")
    assert meta["codec"] == codec
    assert meta["pix_fmt"].startswith("yuv420p")
    # Read at 24 frames a second, as a player shows it (the hold is stored as
    # one frame, so the stream's mean rate depends on the container).
    frames = iio.imread(path, plugin="FFMPEG", fps=24)
    assert frames.shape[1] % 2 == 0 and frames.shape[2] % 2 == 0
    # Which synthetic step each encoded frame shows: the nearest colour.
    centre = frames[:, 15, 10].astype(int)
    shown = [int(np.argmin([np.abs(c - COLOURS[n]).sum() for n in range(4)])) for c in centre]
    assert shown == [0] * 24 + [1] * 24 + [2] * 24 + [3] * 36


def test_no_temporary_file_is_left_and_a_failed_write_keeps_the_old_file(tmp_path,
                                                                          monkeypatch):
    path = tmp_path / "a.gif"
    path.write_bytes(b"old")
    import convarith.export.animated as animated

    def broken(*args, **kwargs):
        raise RuntimeError("encoder failed")
    monkeypatch.setattr(animated, "write_gif_frames", broken)
    with pytest.raises(RuntimeError):
        write_outputs(Frames(), [path], Timing())
    assert path.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.gif"]
