"""Long holds and slow steps, up to the documented maxima (--hold-last 3600,
--fps 0.01), in every format: the time on screen is exact, and a video
encodes at most a second's frames per step, the hold included."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from PIL import Image

from convarith.export.timing import FPS_RANGE, HOLD_RANGE, MAX_FRAMES_PER_STEP, Timing
from test_bad_input import base_env

STEPS = 4      # -i 3 -k 2


def animate(tmp_path, *flags):
    result = subprocess.run([sys.executable, "-m", "convarith", "animate", "hold", "-i", "3",
                             "-k", "2", "--dpi", "40", *flags], cwd=tmp_path, env=base_env(),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr


def shown_frames(path):
    """(duration in ms, the RGB picture shown) of every frame of an animated image."""
    shown = []
    with Image.open(path) as image:
        for index in range(image.n_frames):
            image.seek(index)
            image.load()
            shown.append((image.info["duration"], image.convert("RGB").tobytes()))
    return shown


@pytest.mark.parametrize("suffix", [".gif", ".apng", ".webp"])
def test_the_longest_hold_in_an_animated_image_is_exact(tmp_path, suffix):
    hold = HOLD_RANGE[1]
    animate(tmp_path, "--hold-last", str(hold), "--out", f"a{suffix}")
    frames = shown_frames(tmp_path / f"a{suffix}")
    assert sum(duration for duration, _ in frames) == STEPS * 1000 + hold * 1000
    # Four steps, then at most frames that carry the hold on, showing the last step.
    assert len({picture for _, picture in frames[:STEPS]}) == STEPS
    assert {picture for _, picture in frames[STEPS - 1:]} == {frames[STEPS - 1][1]}
    assert [duration for duration, _ in frames[:STEPS - 1]] == [1000] * (STEPS - 1)


def video_facts(path) -> tuple[int, float]:
    """(frames stored, duration in seconds) of a video, as ffmpeg reads it."""
    import imageio_ffmpeg
    out = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-i", str(path), "-map", "0:v:0",
                          "-c", "copy", "-f", "null", "-"], capture_output=True,
                         text=True).stderr
    frames = int(re.findall(r"frame=\s*(\d+)", out)[-1])
    h, m, s = re.search(r"Duration: (\d+):(\d+):([0-9.]+)", out).groups()
    return frames, int(h) * 3600 + int(m) * 60 + float(s)


@pytest.mark.parametrize("suffix", [".mp4", ".webm"])
def test_the_longest_hold_in_a_video_adds_no_frame_and_lasts_exactly(tmp_path, suffix):
    hold = HOLD_RANGE[1]
    animate(tmp_path, "--hold-last", str(hold), "--out", f"a{suffix}")
    frames, seconds = video_facts(tmp_path / f"a{suffix}")
    assert frames == STEPS * MAX_FRAMES_PER_STEP      # 86,496 before
    assert seconds == pytest.approx(STEPS + hold, abs=0.05)


@pytest.mark.parametrize("suffix", [".mp4", ".webm"])
def test_the_slowest_steps_in_a_video_are_a_frame_or_so_per_second(tmp_path, suffix):
    fps = FPS_RANGE[0]
    animate(tmp_path, "--fps", str(fps), "--out", f"a{suffix}")
    frames, seconds = video_facts(tmp_path / f"a{suffix}")
    assert frames == STEPS * MAX_FRAMES_PER_STEP
    assert seconds == pytest.approx(STEPS / fps, abs=0.05)


def evaluate(expression: str, n: int, rate: float) -> float:
    """ffmpeg's setpts expression in Python, at frame n, in seconds (TB = 1)."""
    python = (expression.replace("if(", "iff(").replace("FR", str(rate)).replace("TB", "1"))
    functions = {"iff": lambda c, a, b: a if c else b, "lt": lambda a, b: a < b,
                 "eq": lambda a, b: a == b, "mod": lambda a, b: a % b,
                 "floor": lambda a: a // 1, "N": n}
    return eval(python, functions)  # noqa: S307 (our own expression)


@pytest.mark.parametrize("fps, hold, steps", [(1, 0, 4), (1, 3600, 4), (0.01, 2, 3),
                                              (2, 0.5, 1), (0.5, 700, 9), (50, 0, 7)])
def test_the_timestamps_given_to_ffmpeg_are_the_plan(fps, hold, steps):
    timing = Timing(fps, hold)
    rate = float(timing.video_rate)
    expression = timing.video_timestamps(steps)
    plan = timing.video_plan(steps)
    assert [round(evaluate(expression, n, rate) * rate) for n in range(len(plan))] == \
        [tick for _, tick in plan]
    assert plan[-1][1] + 1 == sum(timing.video_repeats(steps))
