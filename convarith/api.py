"""The Python API: conv2d, conv_transpose2d, max_pool2d, avg_pool2d, from_module.

Each function passes its arguments to convarith.model.parameters, which
checks them as it checks the command line's flags: a bad argument raises
ParameterError (a ValueError) that names the keyword, e.g. `in_channels`.
"""

from __future__ import annotations

from typing import Tuple, Union

from .errors import ParameterError
from .model.parameters import figure_spec
from .model.vocabulary import KEYWORDS

Size = Union[int, Tuple[int, int]]


def _animation(name: str, kind: str, renderer: str = "native", **parameters):
    import warnings

    from .animation import Animation, available_renderer, check_renderer
    spec = figure_spec(name, kind, words=KEYWORDS, **parameters)
    renderer = available_renderer(check_renderer(renderer),
                                  lambda notice: warnings.warn(notice, stacklevel=3))
    return Animation(spec, renderer=renderer)


def _kind(numerical: bool) -> str:
    from .model.parameters import switch
    return "numerical" if switch("numerical", numerical) else "arithmetic"


def conv2d(input_size: Size, kernel_size: Size, stride: Size = 1,
           padding: Union[Size, str] = 0, dilation: Size = 1, in_channels: int = 1,
           out_channels: int = 1, groups: int = 1, padding_mode: str = "zeros",
           numerical: bool = False, labels: bool = True, theme=None,
           max_steps: int | None = None, renderer: str = "native"):
    """The animation of torch.nn.functional.conv2d on an input of `input_size`.

    `padding` is a size, or 'valid', 'same' (PyTorch's, with the odd cell at
    the bottom/right) or 'causal' (1-D figures); `padding_mode` is Conv2d's:
    zeros, reflect, replicate or circular."""
    return _animation("conv2d", _kind(numerical), input_size=input_size,
                      kernel_size=kernel_size, stride=stride, padding=padding,
                      dilation=dilation, padding_mode=padding_mode, in_channels=in_channels,
                      out_channels=out_channels, groups=groups, labels=labels, theme=theme,
                      max_steps=max_steps, renderer=renderer)


def conv_transpose2d(input_size: Size, kernel_size: Size, stride: Size = 1,
                     padding: Size = 0, output_padding: Size = 0, dilation: Size = 1,
                     in_channels: int = 1, out_channels: int = 1, groups: int = 1,
                     numerical: bool = False, labels: bool = True, theme=None,
                     max_steps: int | None = None, renderer: str = "native"):
    """conv_transpose2d; `input_size` is the transposed convolution's own input."""
    return _animation("conv_transpose2d", _kind(numerical), transposed=True,
                      input_size=input_size, kernel_size=kernel_size, stride=stride,
                      padding=padding, output_padding=output_padding, dilation=dilation,
                      in_channels=in_channels, out_channels=out_channels, groups=groups,
                      labels=labels, theme=theme, max_steps=max_steps,
                      renderer=renderer)


def max_pool2d(input_size: Size, kernel_size: Size, stride: Size | None = None,
               padding: Size = 0, dilation: Size = 1, ceil_mode: bool = False,
               in_channels: int = 1, labels: bool = True, theme=None,
               max_steps: int | None = None, renderer: str = "native"):
    """torch.nn.functional.max_pool2d, with values (pooling is shown numerically)."""
    # As in PyTorch, the stride defaults to the kernel size.
    return _animation("max_pool2d", "numerical", mode="max", input_size=input_size,
                      kernel_size=kernel_size,
                      stride=kernel_size if stride is None else stride, padding=padding,
                      dilation=dilation, ceil_mode=ceil_mode, in_channels=in_channels,
                      labels=labels, theme=theme, max_steps=max_steps,
                      renderer=renderer)


def avg_pool2d(input_size: Size, kernel_size: Size, stride: Size | None = None,
               padding: Size = 0, ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None, in_channels: int = 1,
               labels: bool = True, theme=None, max_steps: int | None = None,
               renderer: str = "native"):
    """torch.nn.functional.avg_pool2d, with values; the mean counts padded zeros
    unless `count_include_pad` is False, as in PyTorch."""
    if divisor_override is not None:
        raise ParameterError(
            f"avg_pool2d(divisor_override={divisor_override!r}) is not drawn; these "
            "figures divide by the window (or by its cells inside the input, with "
            "count_include_pad=False).")
    return _animation("avg_pool2d", "numerical", mode="average", input_size=input_size,
                      kernel_size=kernel_size,
                      stride=kernel_size if stride is None else stride, padding=padding,
                      ceil_mode=ceil_mode, count_include_pad=count_include_pad,
                      in_channels=in_channels, labels=labels, theme=theme,
                      max_steps=max_steps, renderer=renderer)


def from_module(module, input_size: Size, numerical: bool = False, labels: bool = True,
                theme=None, max_steps: int | None = None, renderer: str = "native"):
    """The animation of a torch.nn layer: Conv2d, ConvTranspose2d, MaxPool2d or AvgPool2d."""
    from .modules import module_call
    name, kwargs = module_call(module)
    function = {"conv2d": conv2d, "conv_transpose2d": conv_transpose2d,
                "max_pool2d": max_pool2d, "avg_pool2d": avg_pool2d}[name]
    look = dict(labels=labels, theme=theme, max_steps=max_steps,
                      renderer=renderer)
    if function in (max_pool2d, avg_pool2d):
        return function(input_size, **look, **kwargs)
    return function(input_size, numerical=numerical, **look, **kwargs)


__all__ = ["ParameterError", "avg_pool2d", "conv2d", "conv_transpose2d", "from_module",
           "max_pool2d"]
