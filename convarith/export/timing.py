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
        """Encoded frames per step: exact for the steps; the hold is rounded to
        the nearest encoded frame."""
        per_step = int(self.step_seconds * self.video_rate)
        hold = round(Fraction(str(self.hold_last)) * self.video_rate)
        return [per_step] * (steps - 1) + [per_step + hold]


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
