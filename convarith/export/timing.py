"""How long each step is shown: the same exact schedule for every output format."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from numbers import Real

from ..errors import ParameterError
from ..model.vocabulary import Vocabulary

#: How the command line names the timing (the API passes KEYWORDS).
FLAGS = Vocabulary("flag")

#: Videos are encoded at no fewer frames per second than this, so players and
#: slide software seek and loop smoothly; each step spans a whole number of them.
MIN_VIDEO_RATE = 24
#: Frames encoded for one step at most: longer steps and the hold are one
#: more frame, shown until the step's last tick (the video's frame rate is
#: variable there).
MAX_FRAMES_PER_STEP = MIN_VIDEO_RATE
FPS_RANGE = (0.01, 50)
HOLD_RANGE = (0, 3600)


@dataclass(frozen=True)
class Timing:
    """`fps` steps per second; the last step stays `hold_last` seconds longer."""

    fps: float = 1.0
    hold_last: float = 0.0

    @property
    def step_seconds(self) -> Fraction:
        return 1 / Fraction(str(self.fps))

    def durations_ms(self, steps: int) -> list[int]:
        """Milliseconds per step, for formats that store a duration per frame."""
        step_ms = round(1000 * self.step_seconds)
        return [step_ms] * (steps - 1) + [step_ms + round(1000 * self.hold_last)]

    @property
    def video_rate(self) -> Fraction:
        """Encoded frames per second: a whole multiple of `fps`, at least MIN_VIDEO_RATE."""
        fps = Fraction(str(self.fps))
        return fps * max(1, math.ceil(MIN_VIDEO_RATE / fps))

    def video_repeats(self, steps: int) -> list[int]:
        """Ticks (1 / video_rate s) per step: exact for the steps; the hold is
        rounded to the nearest tick."""
        per_step = int(self.step_seconds * self.video_rate)
        hold = round(Fraction(str(self.hold_last)) * self.video_rate)
        return [per_step] * (steps - 1) + [per_step + hold]

    def video_plan(self, steps: int) -> list[tuple[int, int]]:
        """The frames a video encodes, as (step shown, tick it starts at): a
        step's ticks up to MAX_FRAMES_PER_STEP, then one frame at its last
        tick, so a slow step or a long hold adds a frame, not one per tick
        (an hour's hold would be 86,400 frames).  The video lasts
        sum(video_repeats(steps)) ticks."""
        plan, start = [], 0
        for step, repeats in enumerate(self.video_repeats(steps)):
            shown = min(repeats, MAX_FRAMES_PER_STEP)
            ticks = [*range(start, start + shown - 1), start + repeats - 1]
            plan += [(step, tick) for tick in ticks]
            start += repeats
        return plan

    def video_timestamps(self, steps: int) -> str:
        """ffmpeg's setpts expression that moves the N-th encoded frame to
        its tick in video_plan (frames arrive at video_rate, N from 0)."""
        repeats = self.video_repeats(steps)
        per_step, last = repeats[0], repeats[-1]
        shown, shown_last = min(per_step, MAX_FRAMES_PER_STEP), min(last, MAX_FRAMES_PER_STEP)
        first_of_last = (steps - 1) * shown
        within = f"mod(N,{shown})"
        before = (f"floor(N/{shown})*{per_step}+{within}"
                  f"+eq({within},{shown - 1})*{per_step - shown}")
        final = (f"{(steps - 1) * per_step}+N-{first_of_last}"
                 f"+eq(N-{first_of_last},{shown_last - 1})*{last - shown_last}")
        return f"(if(lt(N,{first_of_last}),{before},{final}))/(FR*TB)"


def check_timing(fps, hold_last, words: Vocabulary = FLAGS) -> Timing:
    """A Timing, or a ParameterError naming the value as `words` do (the
    command line's flags by default, the API's keywords with KEYWORDS)."""
    for key, value, (low, high) in (("fps", fps, FPS_RANGE),
                                    ("hold_last", hold_last, HOLD_RANGE)):
        if isinstance(value, bool) or not isinstance(value, Real) \
                or not low <= value <= high:   # also refuses nan
            raise ParameterError(f"{words[key]} must be a number between {low} and "
                                 f"{high}, not {value!r}.")
    return Timing(float(fps), float(hold_last))
