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


def _animation(name: str, kind: str, renderer: str = "native", steps=None,
               preset: str = "web", caption: bool | None = None, **parameters):
    import warnings

    from .animation import Animation, available_renderer, check_renderer
    spec = figure_spec(name, kind, words=KEYWORDS, **parameters)
    renderer = available_renderer(check_renderer(renderer), lambda notice: warnings.warn(
        notice, stacklevel=_callers_level()))
    return Animation(spec, renderer=renderer, steps=_steps(steps, spec), preset=preset,
                     caption=caption)


def _steps(steps, spec):
    """None (every step, or a large layer's story), text as --steps takes it,
    or step numbers."""
    from .model.steps import check_step_count, parse_steps
    if steps is None:
        return None
    if isinstance(steps, str):
        return parse_steps(steps, spec, words="steps=")
    from numbers import Integral
    try:
        numbers = list(steps)
    except TypeError:
        numbers = []
    # Step numbers are whole numbers: not True, not 1.0.
    chosen = None if not all(isinstance(step, Integral) and not isinstance(step, bool)
                             for step in numbers) else sorted(set(map(int, numbers)))
    if not chosen or chosen[-1] >= spec.steps or chosen[0] < 0:
        raise ParameterError(f"steps= must be text such as 'all', '0-8,17', 'row:2' or "
                             f"'channel:1', or step numbers from 0 to {spec.steps - 1}, not "
                             f"{steps!r}.")
    check_step_count(spec, len(chosen), "steps=")
    return chosen


def _callers_level() -> int:
    """The stacklevel of warnings.warn, called from here, that names the
    first caller outside this package (the user's own line)."""
    import sys
    from pathlib import Path
    package = str(Path(__file__).resolve().parent)
    frame, level = sys._getframe(1), 1
    while frame is not None and str(Path(frame.f_code.co_filename).resolve()).startswith(
            package):
        frame, level = frame.f_back, level + 1
    return level


def _layer_numbers(kernel_size, **channels) -> None:
    """What PyTorch's Conv2d and ConvTranspose2d refuse before the checks
    the figures share: a channel count of None, and a kernel size of one
    number in a sequence (the weight would lack an axis)."""
    for key, value in channels.items():
        if value is None:
            raise ParameterError(f"{key} must be a whole number of at least 1, not None.")
    if isinstance(kernel_size, (tuple, list)) and len(kernel_size) == 1:
        raise ParameterError(f"kernel_size must be a whole number or a (height, width) pair "
                             f"of whole numbers, such as 3 or (3, 2); got {kernel_size!r}.")


def _kind(numerical: bool) -> str:
    from .model.parameters import switch
    return "numerical" if switch("numerical", numerical) else "arithmetic"


def conv2d(input_size: Size, kernel_size: Size, stride: Size = 1,
           padding: Union[Size, str] = 0, dilation: Size = 1, in_channels: int = 1,
           out_channels: int = 1, groups: int = 1, padding_mode: str = "zeros",
           numerical: bool = False, labels: bool = True, theme=None,
           max_steps: int | None = None, renderer: str = "native",
           steps=None, preset: str = "web",
           caption: bool | None = None):
    """The animation of torch.nn.functional.conv2d on an input of `input_size`.

    `padding` is a size, or 'valid', 'same' (PyTorch's, with the odd cell at
    the bottom/right) or 'causal' (1-D figures); `padding_mode` is Conv2d's:
    zeros, reflect, replicate or circular."""
    _layer_numbers(kernel_size, in_channels=in_channels, out_channels=out_channels,
                   groups=groups)
    return _animation("conv2d", _kind(numerical), input_size=input_size,
                      kernel_size=kernel_size, stride=stride, padding=padding,
                      dilation=dilation, padding_mode=padding_mode, in_channels=in_channels,
                      out_channels=out_channels, groups=groups, labels=labels, theme=theme,
                      max_steps=max_steps, renderer=renderer, steps=steps,
                      preset=preset, caption=caption)


def conv_transpose2d(input_size: Size, kernel_size: Size, stride: Size = 1,
                     padding: Size = 0, output_padding: Size = 0, dilation: Size = 1,
                     in_channels: int = 1, out_channels: int = 1, groups: int = 1,
                     numerical: bool = False, labels: bool = True, theme=None,
                     max_steps: int | None = None, renderer: str = "native",
                     steps=None, preset: str = "web", caption: bool | None = None):
    """conv_transpose2d; `input_size` is the transposed convolution's own input."""
    _layer_numbers(kernel_size, in_channels=in_channels, out_channels=out_channels,
                   groups=groups)
    return _animation("conv_transpose2d", _kind(numerical), transposed=True,
                      input_size=input_size, kernel_size=kernel_size, stride=stride,
                      padding=padding, output_padding=output_padding, dilation=dilation,
                      in_channels=in_channels, out_channels=out_channels, groups=groups,
                      labels=labels, theme=theme, max_steps=max_steps,
                      renderer=renderer, steps=steps,
                      preset=preset, caption=caption)


def _pooling(name: str, mode: str, look: dict, **parameters):
    """Pooling is shown with its values; a layer too large to draw whole is
    drawn elided, as an arithmetic figure (no values)."""
    from .model.parameters import figure_spec
    kind = "numerical"
    try:
        spec = figure_spec("pool", "arithmetic", mode=mode,
                           max_steps=look.get("max_steps"), **parameters)
        kind = "arithmetic" if spec.elided else kind
    except ParameterError:
        pass        # the numerical figure says what is wrong, in its words
    return _animation(name, kind, mode=mode, **parameters, **look)


def max_pool2d(input_size: Size, kernel_size: Size, stride: Size | None = None,
               padding: Size = 0, dilation: Size = 1, ceil_mode: bool = False,
               in_channels: int = 1, labels: bool = True, theme=None,
               max_steps: int | None = None, renderer: str = "native",
               steps=None, preset: str = "web", caption: bool | None = None):
    """torch.nn.functional.max_pool2d, with values (pooling is shown numerically)."""
    # As in PyTorch, the stride defaults to the kernel size.
    return _pooling("max_pool2d", "max", dict(labels=labels, theme=theme, max_steps=max_steps,
                                              renderer=renderer, steps=steps, preset=preset,
                                              caption=caption),
                    input_size=input_size, kernel_size=kernel_size,
                    stride=kernel_size if stride is None else stride, padding=padding,
                    dilation=dilation, ceil_mode=ceil_mode, in_channels=in_channels)


def avg_pool2d(input_size: Size, kernel_size: Size, stride: Size | None = None,
               padding: Size = 0, ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None, in_channels: int = 1,
               labels: bool = True, theme=None, max_steps: int | None = None,
               renderer: str = "native", steps=None, preset: str = "web",
               caption: bool | None = None):
    """torch.nn.functional.avg_pool2d, with values; the mean counts padded zeros
    unless `count_include_pad` is False, as in PyTorch."""
    if divisor_override is not None:
        raise ParameterError(
            f"avg_pool2d(divisor_override={divisor_override!r}) is not drawn; these "
            "figures divide by the window (or by its cells inside the input, with "
            "count_include_pad=False).")
    return _pooling("avg_pool2d", "average", dict(labels=labels, theme=theme,
                                                  max_steps=max_steps, renderer=renderer,
                                                  steps=steps, preset=preset, caption=caption),
                    input_size=input_size, kernel_size=kernel_size,
                    stride=kernel_size if stride is None else stride, padding=padding,
                    ceil_mode=ceil_mode, count_include_pad=count_include_pad,
                    in_channels=in_channels)


def from_layer(layer, input_shape, **look):
    """The animation of a layer written as in PyTorch ("Conv2d(3, 64, 7,
    stride=2, padding=3)"), or a convarith.model.layers.Layer, on an input
    of shape (N, C, H, W) or (C, H, W); `look` takes the functions' drawing
    keywords (steps, preset, caption, ...)."""
    from .model.layers import ELEMENTWISE, Layer, parse_layer
    from .model.layers import input_shape as full_shape
    if isinstance(layer, str):
        layer = parse_layer(layer)
    if not isinstance(layer, Layer):
        raise ParameterError(f"from_layer takes a layer written as in PyTorch, such as "
                             f"'Conv2d(3, 64, 7, stride=2, padding=3)', not {layer!r}.")
    if layer.op == ELEMENTWISE:
        raise ParameterError(f"{layer.name()} only keeps the input's shape: there is nothing "
                             "to draw; give a convolution or a pooling layer.")
    shape = full_shape(input_shape)
    size = tuple(shape[2:])
    common = dict(kernel_size=layer.kernel_size, stride=layer.stride, padding=layer.padding)
    if layer.op == "max_pool2d":
        return max_pool2d(size, dilation=layer.dilation, ceil_mode=layer.ceil_mode,
                          in_channels=shape[1], **common, **look)
    if layer.op == "avg_pool2d":
        return avg_pool2d(size, ceil_mode=layer.ceil_mode,
                          count_include_pad=layer.count_include_pad, in_channels=shape[1],
                          **common, **look)
    layer.channels(shape[1])          # the input's channels must be the layer's
    channels = dict(dilation=layer.dilation, in_channels=layer.in_channels,
                    out_channels=layer.out_channels, groups=layer.groups)
    if layer.transposed:
        return conv_transpose2d(size, output_padding=layer.output_padding, **common,
                                **channels, **look)
    return conv2d(size, padding_mode=layer.padding_mode, **common, **channels, **look)


def from_module(module, input_size: Size | None = None, numerical: bool = False,
                labels: bool = True, theme=None, max_steps: int | None = None,
                renderer: str = "native", steps=None, preset: str = "web",
                caption: bool | None = None, input=None):
    """The animation of a torch.nn layer: Conv2d, ConvTranspose2d, MaxPool2d or AvgPool2d.

    Every function draws with `renderer` "native" (no system program) or
    "tex" (pdflatex and poppler, as the catalogue), and shows `steps`: by
    default every step, or a large layer's story; or text as --steps takes
    it ('all', '0-8,17', 'row:2', 'channel:1'); or step numbers; `preset`
    is "web" (150 dpi), "paper" (300 dpi) or "slides" (frames fit 1920x1080,
    text at least 20 px, lines at least 2 px); `caption` adds a line above
    each frame with the layer and the step (by default, for an elided layer
    only).

    `input_size` is the input's height and width (a size or a pair), or its
    shape as torch users write it, (N, C, H, W) or (C, H, W): a pooling
    layer takes its channel count from it.  The animation's describe()
    then also says what the layer computes (convarith.describe).

    With numerical=True and `input` (a tensor of shape (1, C, H, W) or (C, H,
    W)), the figure draws the module's own weights and bias and that input,
    rounded for display; the output it shows is the module's."""
    from .model.layers import input_shape
    from .modules import module_call, module_given, module_layers
    if type(module).__name__ == "Sequential":
        if (numerical is not False or input is not None or steps is not None
                or renderer != "native" or (caption is not None and caption is not True)):
            raise ParameterError("A chain of layers (nn.Sequential) is drawn by the native "
                                 "renderer, with each layer's default steps, no values and "
                                 "the caption that names each layer: drop numerical=, "
                                 "input=, steps=, renderer= and caption=, or draw each layer "
                                 "with from_module on its own.")
        from .chain import chain_of_layers
        from .modules import module_layers
        return chain_of_layers(module_layers(module), input_size, dict(
            labels=labels, theme=theme, max_steps=max_steps, preset=preset), from_layer)
    name, kwargs = module_call(module)
    given = None
    if input is not None:
        if not numerical and name in ("conv2d", "conv_transpose2d"):
            raise ParameterError("input= draws the layer's numbers: give numerical=True "
                                 "with it.")
        given = module_given(module, input)
        shape = (1, len(given.input), len(given.input[0]), len(given.input[0][0]))
        if input_size is not None and not _same_size(input_size, shape):
            raise ParameterError(f"input_size {input_size!r} is not the size of input= (of "
                                 f"shape {shape}); give only input=, whose size is drawn.")
        input_size = shape
    if input_size is None:
        raise ParameterError("from_module needs input_size (a size, a pair, or the "
                             "input's shape (N, C, H, W)) or input= (a tensor).")
    function = {"conv2d": conv2d, "conv_transpose2d": conv_transpose2d,
                "max_pool2d": max_pool2d, "avg_pool2d": avg_pool2d}[name]
    look = dict(labels=labels, theme=theme, max_steps=max_steps, renderer=renderer,
                steps=steps, preset=preset, caption=caption)
    shape = None
    if isinstance(input_size, (tuple, list)) and len(input_size) in (3, 4):
        shape = input_shape(input_size)
        channels, input_size = shape[1], tuple(shape[2:])
        if function in (max_pool2d, avg_pool2d):
            kwargs["in_channels"] = channels
        elif channels != kwargs["in_channels"]:
            raise ParameterError(f"{type(module).__name__} expects an input with "
                                 f"{kwargs['in_channels']} channels, but input_size "
                                 f"{tuple(shape)} has {channels}.")
    if function in (max_pool2d, avg_pool2d):
        animation = function(input_size, **look, **kwargs)
    else:
        animation = function(input_size, numerical=numerical, **look, **kwargs)
    spec = animation.spec
    animation.layer = (module_layers(module)[0],
                       shape or (1, spec.in_channels, *spec.input_size))
    if given is not None:
        if animation.renderer != "native":
            raise ParameterError("A module's own numbers are drawn by the native renderer: "
                                 "drop renderer='tex', or input=.")
        animation.given = given
    return animation


def _same_size(input_size, shape) -> bool:
    """Whether `input_size` (a size, a pair, or a shape) says what `shape` (N, C, H, W) is."""
    if isinstance(input_size, (tuple, list)):
        given = tuple(input_size)
        return given in (shape, shape[1:], shape[2:]) or (
            len(given) == 1 and given * 2 == shape[2:])
    return (input_size, input_size) == shape[2:] and not isinstance(input_size, bool)


def describe(layer, input_shape, text: bool = False):
    """What a layer computes, at any size: output shape, padding applied,
    parameters, multiply-accumulates, the output's memory and the receptive
    field and jump, as a dict (or readable text with text=True).

    `layer` is a torch.nn layer or nn.Sequential, a layer written as in
    PyTorch ("Conv2d(3, 64, 7, stride=2, padding=3)"), or a list of those;
    `input_shape` is (N, C, H, W) or (C, H, W)."""
    from .model.layer_numbers import describe_chain, describe_layer, describe_text
    from .model.parameters import switch
    switch("text", text)
    if isinstance(layer, (list, tuple)):
        layers = [item for part in layer for item in _layers_of(part)]
    else:
        layers = _layers_of(layer)
    description = (describe_layer(layers[0], input_shape) if len(layers) == 1
                   else describe_chain(layers, input_shape))
    return describe_text(description) if text else description


def _layers_of(layer) -> list:
    from .model.layers import parse_layer
    if isinstance(layer, str):
        return [parse_layer(layer)]
    from .modules import module_layers
    return module_layers(layer)


__all__ = ["ParameterError", "avg_pool2d", "conv2d", "conv_transpose2d", "describe",
           "from_layer", "from_module", "max_pool2d"]
