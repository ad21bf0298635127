"""The Python API: conv2d, conv_transpose2d, max_pool2d, avg_pool2d, from_module.

Each function turns its arguments into the command line's flags and parses
them with the same code as `convarith animate`, so a bad argument raises the
ParameterError (a ValueError) with the very message the command line prints.
"""

from __future__ import annotations

from typing import Sequence, Tuple, Union

from .errors import ParameterError

Size = Union[int, Tuple[int, int]]


def _flag_value(value) -> str:
    """3 -> '3', (3, 2) -> '3,2'; anything else is passed as text for the parser to refuse."""
    if isinstance(value, (tuple, list)):
        return ",".join(str(v) for v in value)
    return str(value)


def _flags(pairs: Sequence[tuple[str, object]]) -> list[str]:
    argv = []
    for flag, value in pairs:
        argv += [flag, _flag_value(value)]
    return argv


def _look(labels: bool, theme) -> list[str]:
    argv = [] if labels else ["--no-labels"]
    return argv + (["--theme", str(theme)] if theme is not None else [])


def _channels(in_channels, out_channels, groups) -> list[str]:
    # Only asked for when they differ from one channel, so plain figures
    # parse exactly as the command line's.
    if (in_channels, out_channels, groups) == (1, 1, 1):
        return []
    return _flags([("--in-channels", in_channels), ("--out-channels", out_channels),
                   ("--groups", groups)])


def animation_from_flags(kind: str, name: str, argv: list[str]):
    """An Animation from command-line flags, validated as the command line does."""
    from .animation import Animation
    from .cli import geometry_spec
    return Animation(geometry_spec(kind, name, argv))


def _padding(padding) -> Size | str:
    """PyTorch's 'valid' is no padding; 'same', 'causal' and numbers go to -p."""
    return 0 if padding == "valid" else padding


def _padding_mode(padding_mode: str) -> list[str]:
    return [] if padding_mode == "zeros" else ["--padding-mode", str(padding_mode)]


def conv2d(input_size: Size, kernel_size: Size, stride: Size = 1,
           padding: Union[Size, str] = 0, dilation: Size = 1, in_channels: int = 1,
           out_channels: int = 1, groups: int = 1, padding_mode: str = "zeros",
           numerical: bool = False, labels: bool = True, theme=None):
    """The animation of torch.nn.functional.conv2d on an input of `input_size`.

    `padding` is a size, or 'valid', 'same' (PyTorch's, with the odd cell at
    the bottom/right) or 'causal' (1-D figures); `padding_mode` is Conv2d's:
    zeros, reflect, replicate or circular."""
    argv = _flags([("-i", input_size), ("-k", kernel_size), ("-s", stride),
                   ("-p", _padding(padding)), ("-d", dilation)])
    argv += _padding_mode(padding_mode)
    argv += _channels(in_channels, out_channels, groups) + _look(labels, theme)
    return animation_from_flags("numerical" if numerical else "arithmetic", "conv2d", argv)


def conv_transpose2d(input_size: Size, kernel_size: Size, stride: Size = 1,
                     padding: Size = 0, output_padding: Size = 0, dilation: Size = 1,
                     in_channels: int = 1, out_channels: int = 1, groups: int = 1,
                     numerical: bool = False, labels: bool = True, theme=None):
    """conv_transpose2d; `input_size` is the transposed convolution's own input."""
    argv = _flags([("--transposed-input", input_size), ("-k", kernel_size),
                   ("-s", stride), ("-p", padding), ("--output-padding", output_padding),
                   ("-d", dilation)])
    argv += _channels(in_channels, out_channels, groups) + _look(labels, theme)
    return animation_from_flags("numerical" if numerical else "arithmetic",
                                "conv_transpose2d", argv)


def _pool(mode: str, name: str, input_size, kernel_size, stride, padding, dilation,
          ceil_mode: bool, in_channels: int, labels, theme, extra=()):
    # As in PyTorch, the stride defaults to the kernel size.
    stride = kernel_size if stride is None else stride
    argv = _flags([("-i", input_size), ("-k", kernel_size), ("-s", stride),
                   ("-p", padding), ("-d", dilation), ("-m", mode)])
    argv += ["--ceil-mode"] if ceil_mode else []
    # Pooling keeps every channel apart: only the input's count is asked for.
    argv += _flags([("--in-channels", in_channels)]) if in_channels != 1 else []
    return animation_from_flags("numerical", name, argv + list(extra) + _look(labels, theme))


def max_pool2d(input_size: Size, kernel_size: Size, stride: Size | None = None,
               padding: Size = 0, dilation: Size = 1, ceil_mode: bool = False,
               in_channels: int = 1, labels: bool = True, theme=None):
    """torch.nn.functional.max_pool2d, with values (pooling is shown numerically)."""
    return _pool("max", "max_pool2d", input_size, kernel_size, stride, padding,
                 dilation, ceil_mode, in_channels, labels, theme)


def avg_pool2d(input_size: Size, kernel_size: Size, stride: Size | None = None,
               padding: Size = 0, ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None, in_channels: int = 1,
               labels: bool = True, theme=None):
    """torch.nn.functional.avg_pool2d, with values; the mean counts padded zeros
    unless `count_include_pad` is False, as in PyTorch."""
    if divisor_override is not None:
        raise ParameterError(
            f"avg_pool2d(divisor_override={divisor_override!r}) is not drawn; these "
            "figures divide by the window (or by its cells inside the input, with "
            "count_include_pad=False).")
    extra = [] if count_include_pad else ["--no-count-include-pad"]
    return _pool("average", "avg_pool2d", input_size, kernel_size, stride, padding, 1,
                 ceil_mode, in_channels, labels, theme, extra)


def from_module(module, input_size: Size, numerical: bool = False, labels: bool = True,
                theme=None):
    """The animation of a torch.nn layer: Conv2d, ConvTranspose2d, MaxPool2d or AvgPool2d."""
    from .modules import module_call
    name, kwargs = module_call(module)
    function = {"conv2d": conv2d, "conv_transpose2d": conv_transpose2d,
                "max_pool2d": max_pool2d, "avg_pool2d": avg_pool2d}[name]
    if function in (max_pool2d, avg_pool2d):
        return function(input_size, labels=labels, theme=theme, **kwargs)
    return function(input_size, numerical=numerical, labels=labels, theme=theme, **kwargs)


__all__ = ["ParameterError", "avg_pool2d", "conv2d", "conv_transpose2d", "from_module",
           "max_pool2d"]
