"""Which steps an animation shows: all of them, a selection that tells the
story of a large layer, or the ones asked for.

A step is one output cell of one output channel (FigureSpec.step_cell and
step_channel say which).  Small figures show every step; a layer with more
steps than STORY_ABOVE shows by default a short story: the first cells of
the first output channel, a cell beyond the middle of the map (for an
elided figure, whose long axes are broken, the first cell of its last row),
its last cell, and the first and last cells of the
last output channel.  `parse_steps` reads what a user asks for: "all",
numbers and ranges ("0-8,17"), a row ("row:2", in every output channel) or
a channel ("channel:1").  Standard library only.
"""

from __future__ import annotations

import re
from typing import List

from ..errors import ParameterError

#: Steps above which a figure shows its story rather than every step.
STORY_ABOVE = 60
#: How many cells of the first row the story shows at its start.
FIRST_CELLS = 3
STEP_ITEM = re.compile(r"\s*(?:(all)|(\d+)(?:\s*-\s*(\d+))?|(row|channel)\s*:\s*(\d+))\s*")


def story_steps(spec) -> List[int]:
    """The default steps: every one for a small figure, else its story."""
    if spec.steps <= STORY_ABOVE:
        return list(range(spec.steps))
    out_h, out_w = spec.output_size
    per_channel = out_h * out_w
    last_channel = (spec.out_channels - 1) * per_channel
    chosen = list(range(min(FIRST_CELLS, out_w)))
    chosen.append(out_w)                                       # the next row's start
    if spec.elided:
        # Past the break, in the last row, so that its window lies beside
        # the last cell's and the broken axes keep few cells.
        chosen.append((out_h - 1) * out_w)
    else:
        chosen.append((out_h // 2 + 1) * out_w + out_w // 2 + 1)  # beyond the middle
    chosen.append(per_channel - 1)                             # the last cell
    chosen += [last_channel, last_channel + per_channel - 1]
    return sorted({step for step in chosen if 0 <= step < spec.steps})


def parse_steps(text: str, spec, words: str = "--steps") -> List[int]:
    """The steps `text` names, in order, each once."""
    if not isinstance(text, str) or not text.strip():
        raise ParameterError(f"{words} must name steps, such as 'all', '0-8,17', 'row:2' "
                             f"or 'channel:1', not {text!r}.")
    out_h, out_w = spec.output_size
    per_channel = out_h * out_w
    chosen: List[int] = []
    for item in text.split(","):
        match = STEP_ITEM.fullmatch(item)
        if match is None:
            raise ParameterError(f"{words}: {item.strip()!r} is not a step, a range (3-8), "
                                 "'all', 'row:R' or 'channel:C'.")
        every, first, last, kind, number = match.groups()
        if every:
            chosen += range(spec.steps)
        elif first is not None:
            low, high = int(first), int(last if last is not None else first)
            if low > high or high >= spec.steps:
                raise ParameterError(
                    f"{words}: {item.strip()!r} is outside this figure's steps, numbered "
                    f"0 to {spec.steps - 1:,}.")
            chosen += range(low, high + 1)
        elif kind == "row":
            row = int(number)
            if row >= out_h:
                raise ParameterError(f"{words}: the output has rows 0 to {out_h - 1}, "
                                     f"not {row}.")
            chosen += [c * per_channel + row * out_w + col
                       for c in range(spec.out_channels) for col in range(out_w)]
        else:
            channel = int(number)
            if channel >= spec.out_channels:
                raise ParameterError(f"{words}: the output has channels 0 to "
                                     f"{spec.out_channels - 1}, not {channel}.")
            chosen += range(channel * per_channel, (channel + 1) * per_channel)
    chosen = sorted(set(chosen))
    check_step_count(spec, len(chosen), words)
    return chosen


def check_step_count(spec, count: int, words: str = "--steps") -> None:
    """Refuse more frames than the steps limit (spec.max_steps, else the
    setting): a large layer has far more steps than anyone should render."""
    from ..settings import MAX_STEPS_ENV
    from .spec import max_steps_limit
    limit = max_steps_limit(spec.max_steps)
    raise_it = "--max-steps N" if words.startswith("--") else "max_steps=N"
    if count > limit:
        raise ParameterError(
            f"{words} names {count:,} steps of this figure's {spec.steps:,}, above the limit "
            f"of {limit:,} frames; name fewer (a range such as 0-99, or one row of one "
            f"channel), or raise the limit with {raise_it} or {MAX_STEPS_ENV}.")
