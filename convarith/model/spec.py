"""The full description of one animation: kind, per-axis geometry, mode, look.

A `FigureSpec` is validated when it is made, so everything downstream may
assume it is drawable.  Height comes first in every (height, width) pair.
Messages name parameters in the words of the front door that made the spec
(see vocabulary.py); convarith.model.parameters builds a spec from a layer's
parameters.
"""

from __future__ import annotations

import re
from dataclasses import InitVar, dataclass, field
from typing import Union

from ..errors import ParameterError
from ..settings import MAX_STEPS_ENV
from ..settings import max_steps as max_steps_setting
from .geometry import AxisLayout, DirectAxis, TransposedAxis
from .theme import Theme, DEFAULT_THEME
from .vocabulary import KEYWORDS, Vocabulary

KINDS = ("arithmetic", "numerical")
MODES = ("convolution", "average", "max")

#: Drawn cells per axis above which a figure is refused (TeX dimensions and
#: legibility both give out long before this).
MAX_EXTENT = 100
#: Cells drawn over a whole animation (per step: input plane plus output
#: plane, and for numerical figures each cell is a typeset value, with the
#: kernel's weights too) above which a figure is refused before any work:
#: pdflatex's time grows with it (faster than linearly for numerical
#: figures), and these bounds are what tests/test_limits.py builds.
WORK_LIMITS = {"arithmetic": 2_200_000, "numerical": 320_000}
#: Drawn cells per axis of a numerical figure: each is a typeset value.
MAX_NUMERICAL_EXTENT = 32
#: Channels per side above which a figure is refused: up to four input and
#: four output planes stay legible at 150 dpi, more would not.
MAX_CHANNELS = 4
#: An arithmetic figure past those limits (a real layer) is drawn elided:
#: a few channels, and long axes with breaks.  These bound it only where
#: its arithmetic would take too long to list.
MAX_ELIDED_EXTENT = 100_000
MAX_ELIDED_CHANNELS = 100_000

NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")

Axis = Union[DirectAxis, TransposedAxis]


def check_name(name: str) -> str:
    """Names become file names and TeX job names: letters, digits, _ and - only."""
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
        raise ParameterError(
            f"The animation name {name!r} is not allowed. A name is 1 to 100 "
            "characters from letters, digits, '_' and '-', starting with a "
            "letter or digit (no '/', '..', spaces, or shell or TeX characters), "
            "because it becomes a file name in pdf/, png/ and gif/.")
    return name


def pooling_padding_message(mode: str, words: Vocabulary = KEYWORDS) -> str:
    return (f"{mode} pooling takes a whole-number padding on each side, as "
            f"PyTorch's pooling does: no {words.setting('padding', 'same or causal')}, "
            f"and no {words['padding_mode']} (max pooling pads with -inf, average "
            "pooling with 0).")


def pooling_channels_message(mode: str, words: Vocabulary = KEYWORDS) -> str:
    return (f"{mode} pooling works on each channel on its own: it takes "
            f"{words['in_channels']} only (output channels = input channels), not "
            f"{words['out_channels']} or {words['groups']}.")


def check_kind_and_mode(kind: str, mode: str, words: Vocabulary = KEYWORDS) -> None:
    if kind not in KINDS:
        raise ParameterError(
            f"Unknown figure type {kind!r}; choose one of {', '.join(KINDS)}.")
    if mode not in MODES:
        raise ParameterError(
            f"Unknown {words['mode']} {mode!r}; choose one of {', '.join(MODES)}.")


def max_steps_limit(override: int | None = None) -> int:
    return max_steps_setting() if override is None else override


@dataclass(frozen=True)
class FigureSpec:
    """One animation. `axes` is (height, width)."""

    name: str
    kind: str
    axes: tuple[Axis, Axis]
    mode: str = "convolution"
    labels: bool = False
    theme: Theme = field(default=DEFAULT_THEME)
    max_steps: int | None = None
    in_channels: int = 1
    out_channels: int = 1
    groups: int = 1
    #: Average pooling: whether padded cells count in the mean (PyTorch's default).
    count_include_pad: bool = True
    #: How messages name the parameters; not part of the figure.
    words: InitVar[Vocabulary] = KEYWORDS

    def __post_init__(self, words: Vocabulary):
        check_name(self.name)
        check_kind_and_mode(self.kind, self.mode, words)
        if len({type(a) for a in self.axes}) != 1:
            raise ParameterError("Both axes must be direct or both transposed.")
        self._check_channels(words)
        if self.mode != "convolution":
            self._check_pooling(words)
        else:
            self._check_convolution(words)
        if self.max_steps is not None and (not isinstance(self.max_steps, int)
                                           or isinstance(self.max_steps, bool)
                                           or self.max_steps < 1):
            raise ParameterError(f"{words['max_steps']} must be a whole number of at "
                                 f"least 1, not {self.max_steps!r}.")
        if self.elided:
            return
        self.check_whole(words)

    def check_whole(self, words: Vocabulary = KEYWORDS, native: str | None = None) -> None:
        """Refuse a figure too large to draw whole (as TeX draws every figure);
        `native` names the renderer that draws it elided, for the message."""
        try:
            self._check_whole(words)
        except ParameterError as error:
            if native is None or not self.elided:
                raise
            raise ParameterError(f"{error} The native renderer draws such a layer elided "
                                 f"(a few channels, long axes broken): use {native}.") \
                from None

    def _check_whole(self, words: Vocabulary) -> None:
        counts = {"in_channels": self.in_channels, "out_channels": self.out_channels}
        for key, value in counts.items():
            if value > MAX_CHANNELS:
                raise ParameterError(
                    f"{words[key]} is {value}, above the limit of {MAX_CHANNELS} channels of a "
                    f"figure drawn whole: more planes would not be legible. Use at most "
                    f"{MAX_CHANNELS}.")
        limit = max_steps_limit(self.max_steps)
        # Extents come from the arithmetic, not from the layouts, which list
        # every cell and would take ages for absurd sizes.
        too_wide = [(name, ax.extent) for name, ax in zip(("height", "width"), self.axes)
                    if ax.extent > MAX_EXTENT]
        extent_text = ("the drawn input would be "
                       + " and ".join(f"{extent} cells in {name}" for name, extent in too_wide)
                       + f", above the limit of {MAX_EXTENT} cells per axis")
        if self.steps > limit:
            raise_it = words.setting("max_steps", "N")
            fix = (f"Use smaller sizes, or raise the limit with {raise_it} or "
                   f"the {MAX_STEPS_ENV} environment variable if you really want "
                   "that many frames.")
            if too_wide:
                fix = (f"That limit can be raised ({raise_it} or "
                       f"{MAX_STEPS_ENV}), but {extent_text}, and that one is fixed; "
                       "use smaller sizes.")
            per_channel = (f" in each of {self.out_channels} output channels"
                           if self.out_channels > 1 else "")
            raise ParameterError(
                f"This figure would have {self.steps} steps "
                f"({self.output_size[0]}x{self.output_size[1]} output cells{per_channel}), "
                f"above the limit of {limit}. {fix}")
        if too_wide:
            raise ParameterError(f"{extent_text[0].upper()}{extent_text[1:]}, a fixed "
                                 "limit; use smaller sizes.")
        self._check_work(words)

    def _past_whole_limits(self) -> bool:
        return (max(self.drawn_size) > MAX_EXTENT
                or max(self.in_channels, self.out_channels) > MAX_CHANNELS
                # A limit given with the figure is the user's own: refused, not elided.
                or (self.max_steps is None and self.steps > max_steps_limit())
                or self.work() > WORK_LIMITS[self.kind])

    @property
    def elided(self) -> bool:
        """Whether the figure is too large to draw whole, and so drawn with a
        few of its channels and its long axes broken (scene.elision): an
        arithmetic figure past the whole-drawing limits, within the elided ones."""
        return (self.kind == "arithmetic" and self._past_whole_limits()
                and max(self.drawn_size) <= MAX_ELIDED_EXTENT
                and max(self.in_channels, self.out_channels) <= MAX_ELIDED_CHANNELS)

    def work(self) -> int:
        """Cells drawn over all steps (see WORK_LIMITS); channel planes multiply it."""
        (h, w), (oh, ow) = self.drawn_size, self.output_size
        per_step = h * w * self.in_channels + oh * ow * self.out_channels
        if self.kind == "numerical":
            per_step += self.axes[0].k * self.axes[1].k * self.group_size[0]
        return per_step * self.steps

    def _check_work(self, words: Vocabulary):
        if self.kind == "numerical":
            wide = [e for e in self.drawn_size if e > MAX_NUMERICAL_EXTENT]
            if wide:
                raise ParameterError(
                    f"A numerical figure's drawn input may be at most "
                    f"{MAX_NUMERICAL_EXTENT} cells per axis (each cell is a typeset "
                    f"value), but this one would be {max(wide)}; use smaller sizes, "
                    f"or {words.setting('kind', 'arithmetic')}, which allows up to "
                    f"{MAX_EXTENT}.")
        limit = WORK_LIMITS[self.kind]
        if self.work() > limit:
            raise ParameterError(
                f"This {self.kind} figure would draw {self.work():,} cells over its "
                f"{self.steps} steps, above the limit of {limit:,} that keeps a build "
                "within TeX's time and memory; use a smaller input or fewer "
                "output cells (a larger kernel or stride).")

    def _check_channels(self, words: Vocabulary):
        counts = {"in_channels": self.in_channels, "out_channels": self.out_channels}
        for key, value in dict(counts, groups=self.groups).items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ParameterError(f"{words[key]} must be a whole number of at least 1, "
                                     f"not {value!r}.")
        for key, value in counts.items():
            # Arithmetic figures with more channels are drawn elided.
            if value > MAX_CHANNELS and self.kind == "numerical":
                raise ParameterError(
                    f"{words[key]} is {value}, above the limit of {MAX_CHANNELS} channels of "
                    f"a numerical figure, which draws every channel with its values. Use at "
                    f"most {MAX_CHANNELS}, or {words.setting('kind', 'arithmetic')}, which "
                    f"draws a few channels of any layer.")
        for key, value in counts.items():
            if value % self.groups:
                raise ParameterError(
                    f"{words.setting('groups', self.groups)} must divide both channel "
                    f"counts (as in PyTorch), but {words[key]} is {value}. Use a common "
                    f"divisor of {self.in_channels} and {self.out_channels}, such as 1.")
        if self.mode != "convolution" and not (
                self.out_channels == self.groups == self.in_channels):
            raise ParameterError(pooling_channels_message(self.mode, words))

    def _check_convolution(self, words: Vocabulary):
        if self.ceil_mode:
            raise ParameterError(
                f"{words['ceil_mode']} applies to pooling only ({words['pooling']}); "
                "PyTorch's convolutions have no ceil_mode.")
        if not self.count_include_pad:
            raise ParameterError(
                f"{words['count_include_pad']} applies to average pooling only.")

    def _check_pooling(self, words: Vocabulary):
        if self.transposed:
            raise ParameterError(
                f"{self.mode} pooling has no transposed form here; drop "
                f"{words['transposed']} or use {words.setting('mode', 'convolution')}.")
        for ax in self.axes:
            if self.mode == "average" and ax.d != 1:
                raise ParameterError(
                    "average pooling takes no dilation (PyTorch's avg_pool2d "
                    f"has none), but dilation is {ax.d}.")
            if ax.p > ax.k // 2:
                raise ParameterError(
                    f"pooling padding must be at most half the kernel size "
                    f"(as PyTorch requires), but it is {ax.p} with kernel size {ax.k}.")
        if self.mode == "max" and not self.count_include_pad:
            raise ParameterError(
                f"{words['count_include_pad']} applies to average pooling only; max "
                "pooling never counts padding (it pads with -inf).")
        if self.padding_mode != "zeros" or not all(ax.symmetric for ax in self.axes):
            raise ParameterError(pooling_padding_message(self.mode, words))

    @property
    def padding_mode(self) -> str:
        return getattr(self.axes[0], "padding_mode", "zeros")

    @property
    def ceil_mode(self) -> bool:
        return getattr(self.axes[0], "ceil_mode", False)

    @property
    def transposed(self) -> bool:
        return isinstance(self.axes[0], TransposedAxis)

    @property
    def layouts(self) -> tuple[AxisLayout, AxisLayout]:
        found = self.__dict__.get("_layouts")
        if found is None:
            found = (self.axes[0].layout(), self.axes[1].layout())
            object.__setattr__(self, "_layouts", found)
        return found

    @property
    def output_size(self) -> tuple[int, int]:
        return self.axes[0].o, self.axes[1].o

    @property
    def input_size(self) -> tuple[int, int]:
        return self.axes[0].i, self.axes[1].i

    @property
    def drawn_size(self) -> tuple[int, int]:
        return tuple(ax.extent for ax in self.axes)

    @property
    def multichannel(self) -> bool:
        """Whether the figure draws channel planes (anything but 1 -> 1)."""
        return (self.in_channels, self.out_channels, self.groups) != (1, 1, 1)

    @property
    def group_size(self) -> tuple[int, int]:
        """(input, output) channels per group."""
        return self.in_channels // self.groups, self.out_channels // self.groups

    def group_of(self, out_channel: int) -> int:
        return out_channel // self.group_size[1]

    def group_inputs(self, out_channel: int) -> range:
        """Input channels that output channel `out_channel` reads."""
        size = self.group_size[0]
        start = self.group_of(out_channel) * size
        return range(start, start + size)

    @property
    def steps(self) -> int:
        """One step per output cell per output channel."""
        h, w = self.output_size
        return self.out_channels * h * w

    @property
    def step_digits(self) -> int:
        return max(2, len(str(self.steps - 1)))

    def step_cell(self, step: int) -> tuple[int, int]:
        """Output cell (row, column) that step `step` shows: row by row within
        an output channel, one channel after the other."""
        self.check_step(step)
        h, w = self.output_size
        return divmod(step % (h * w), w)

    def step_channel(self, step: int) -> int:
        """Output channel that step `step` computes (every cell of channel 0 first)."""
        self.check_step(step)
        h, w = self.output_size
        return step // (h * w)

    def check_step(self, step: int) -> None:
        if not isinstance(step, int) or not 0 <= step < self.steps:
            raise ParameterError(
                f"Step {step} is out of range: this figure has {self.steps} "
                f"steps, numbered 0 to {self.steps - 1} (or use 'all').")

    def step_name(self, step: int) -> str:
        """File stem of one step, e.g. ``padding_strides_03``."""
        return f"{self.name}_{step:0{self.step_digits}d}"
