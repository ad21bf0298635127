"""A layer's parameters, as Python values, to a validated FigureSpec.

This is where parameters are checked and combined, once for every front
door: the command line parses its text into these values, the API passes its
arguments, and both get the same checks, each worded in its own vocabulary
(see vocabulary.py).  Sizes are a whole number or a (height, width) pair.
"""

from __future__ import annotations

from numbers import Integral
from typing import Tuple, Union

from ..errors import ParameterError
from .geometry import PADDING_MODES, DirectAxis, TransposedAxis, causal_padding, same_padding
from .spec import (FigureSpec, check_kind_and_mode, pooling_channels_message,
                   pooling_padding_message)
from .theme import DEFAULT_THEME, THEMES, Theme, parse_theme
from .vocabulary import KEYWORDS, Vocabulary

Size = Union[int, Tuple[int, int]]
AXES = ("height", "width")
#: Paddings given by name, as PyTorch names them ('causal' is WaveNet's).
NAMED_PADDINGS = ("valid", "same", "causal")


def _whole(value) -> bool:
    return isinstance(value, Integral) and not isinstance(value, bool)


def switch(key: str, value, words: Vocabulary = KEYWORDS) -> bool:
    """A True/False setting: PyTorch's functions refuse 1, 1.0 or 'yes' for
    ceil_mode and count_include_pad, and so does every switch here."""
    if not isinstance(value, bool):
        raise ParameterError(f"{words[key]} must be True or False, not {value!r}.")
    return value


def _shape(value) -> tuple | None:
    """(v,) or (h, w) when `value` is a whole number or a pair of them, else None."""
    values = tuple(value) if isinstance(value, (tuple, list)) else (value,)
    if len(values) not in (1, 2) or not all(_whole(v) for v in values):
        return None
    return tuple(int(v) for v in values)


def size_pair(key: str, value, minimum: int, words: Vocabulary = KEYWORDS) -> tuple[int, int]:
    """A size as (height, width), at least `minimum` in both."""
    values = _shape(value)
    if values is None:
        raise ParameterError(
            f"{words[key]} must be a whole number or a (height, width) pair of whole "
            f"numbers, such as 3 or (3, 2); got {value!r}.")
    for number in values:
        if number < minimum:
            raise ParameterError(f"{words[key]} must be at least {minimum}, but it is "
                                 f"{number}.")
    return values[0], values[-1]


def padding_pair(value, words: Vocabulary = KEYWORDS) -> tuple[str | None, tuple[int, int]]:
    """(name, (height, width)): a named padding ('same', 'causal'; 'valid' is
    no padding) with (0, 0), or None with the numbers."""
    if isinstance(value, str):
        # The command line is lenient with its text; the API spells them as
        # PyTorch does, which refuses 'SAME'.
        named = value if words.style == "keyword" else value.strip().lower()
        if named in NAMED_PADDINGS:
            return (None if named == "valid" else named), (0, 0)
    elif _shape(value) is not None:
        return None, size_pair("padding", value, 0, words)
    raise ParameterError(
        f"{words['padding']} must be a whole number, a (height, width) pair of them, or "
        f"one of {', '.join(map(repr, NAMED_PADDINGS))}; got {value!r}.")


def figure_axes(*, input_size, kernel_size, stride: Size = 1, padding=0, dilation: Size = 1,
                padding_mode: str = "zeros", transposed: bool = False,
                output_padding: Size = 0, transpose_of_direct: bool = False,
                mode: str = "convolution", ceil_mode: bool = False,
                words: Vocabulary = KEYWORDS) -> tuple:
    """The (height, width) axes a figure draws.

    `transposed`: `input_size` is a transposed convolution's own input, as
    in PyTorch's ConvTranspose2d.  `transpose_of_direct`: the sizes describe
    a direct convolution, and its transpose is drawn (the report's convention)."""
    k = size_pair("kernel_size", kernel_size, 1, words)
    s = size_pair("stride", stride, 1, words)
    named, p = padding_pair(padding, words)
    d = size_pair("dilation", dilation, 1, words)
    switch("ceil_mode", ceil_mode, words)
    if padding_mode not in PADDING_MODES:
        raise ParameterError(f"Unknown {words['padding_mode']} {padding_mode!r}; choose one "
                             f"of {', '.join(PADDING_MODES)} (as PyTorch's Conv2d).")
    if mode != "convolution" and (named or padding_mode != "zeros"):
        raise ParameterError(pooling_padding_message(mode, words))
    if (transposed or transpose_of_direct) and (named or padding_mode != "zeros"):
        fix = (f"give {words['padding']} a number" if named
               else f"drop {words['padding_mode']}")
        raise ParameterError(
            "A transposed convolution takes a whole-number zero padding, as PyTorch's "
            "ConvTranspose2d does (it has no padding='same' or 'causal' and only "
            f"padding_mode 'zeros'); {fix}.")
    i = size_pair("input_size", input_size, 1, words)
    a = size_pair("output_padding", output_padding, 0, words)
    if transposed:
        square = all(v[0] == v[1] for v in (i, k, s, p, d, a))
        return tuple(TransposedAxis(i=i[n], k=k[n], s=s[n], p=p[n], d=d[n], a=a[n],
                                    axis="" if square else AXES[n]) for n in range(2))
    if a != (0, 0):
        raise ParameterError(f"{words['output_padding']} applies to transposed "
                             f"convolutions only ({words['transposed']}).")
    if named == "causal" and (i[0], k[0]) != (1, 1):
        raise ParameterError(
            f"{words.setting('padding', 'causal')} is for 1-D figures: input height 1 "
            f"and kernel height 1 (e.g. {words['causal example']}), but the input "
            f"height is {i[0]} and the kernel height {k[0]}. It pads d(k-1) cells on "
            "the left only.")
    square = all(v[0] == v[1] for v in (i, k, s, p, d))
    axes = []
    for n in range(2):
        before, after = p[n], p[n]
        if named == "same":
            before, after = same_padding(i[n], k[n], s[n], d[n])
        elif named == "causal":
            before, after = causal_padding(k[n], d[n])
        axes.append(DirectAxis(i=i[n], k=k[n], s=s[n], p=before, d=d[n],
                               axis="" if square else AXES[n],
                               p_after=None if after == before else after,
                               padding_mode=padding_mode, ceil_mode=bool(ceil_mode)))
    if transpose_of_direct:
        return tuple(ax.transposed() for ax in axes)
    return tuple(axes)


def figure_theme(theme, words: Vocabulary = KEYWORDS) -> Theme:
    """A Theme from None (the default), a Theme, or its text form."""
    if theme is None:
        return DEFAULT_THEME
    if isinstance(theme, Theme):
        return theme
    if isinstance(theme, str):
        return parse_theme(theme, words["theme"])
    raise ParameterError(f"{words['theme']} must be a theme's name, one of "
                         f"{', '.join(THEMES)}, optionally followed by ROLE=#RRGGBB "
                         f"overrides; got {theme!r}.")


def channel_counts(mode: str, in_channels=None, out_channels=None, groups=None,
                   words: Vocabulary = KEYWORDS) -> dict:
    """in_channels, out_channels and groups (None: not given); pooling keeps
    every channel apart, so it takes the input's count only."""
    if mode != "convolution":
        if out_channels is not None or groups is not None:
            raise ParameterError(pooling_channels_message(mode, words))
        count = 1 if in_channels is None else int(in_channels) if _whole(in_channels) \
            else in_channels
        return {"in_channels": count, "out_channels": count, "groups": count}
    given = {"in_channels": in_channels, "out_channels": out_channels, "groups": groups}
    # numpy's integers are whole numbers too (PyTorch takes them); FigureSpec
    # refuses anything else, True and 1.0 included.
    return {key: 1 if value is None else int(value) if _whole(value) else value
            for key, value in given.items()}


def counted_padding(mode: str, count_include_pad=None, words: Vocabulary = KEYWORDS) -> bool:
    """Average pooling's count_include_pad: PyTorch's default (True) unless
    given; no other mode takes it."""
    if count_include_pad is None:
        return True
    switch("count_include_pad", count_include_pad, words)
    if mode != "average":
        raise ParameterError(
            f"{words.setting('count_include_pad', count_include_pad)} applies to average "
            f"pooling only ({words.setting('mode', 'average')}), not to {mode}.")
    return count_include_pad


def figure_spec(name: str, kind: str, *, mode: str = "convolution", in_channels=None,
                out_channels=None, groups=None, count_include_pad=None, labels: bool = True,
                theme=None, max_steps: int | None = None, words: Vocabulary = KEYWORDS,
                **geometry) -> FigureSpec:
    """A validated FigureSpec; `geometry` is figure_axes's keywords."""
    check_kind_and_mode(kind, mode, words)
    switch("labels", labels, words)
    if _whole(max_steps):
        max_steps = int(max_steps)
    look = figure_theme(theme, words)
    axes = figure_axes(mode=mode, words=words, **geometry)
    channels = channel_counts(mode, in_channels, out_channels, groups, words)
    return FigureSpec(name=name, kind=kind, axes=axes, mode=mode, labels=labels, theme=look,
                      max_steps=max_steps, words=words,
                      count_include_pad=counted_padding(mode, count_include_pad, words),
                      **channels)
