"""Layers of real networks, as PyTorch defines them, at any size: no drawing limit.

A `Layer` is a 2-D convolution, transposed convolution or pooling layer as
PyTorch's nn modules define it (or an elementwise layer in a chain).
`parse_layer` reads a layer written as in PyTorch ("Conv2d(3, 64, 7,
stride=2, padding=3)"); model.layer_numbers says what it computes.
Standard library only: it also runs in a browser.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace
from numbers import Integral
from typing import Optional, Sequence, Tuple, Union

from ..errors import ParameterError
from .geometry import DirectAxis, TransposedAxis

Pair = Tuple[int, int]
OPS = ("conv2d", "conv_transpose2d", "max_pool2d", "avg_pool2d")
#: PyTorch's module names, and their parameters in order (positional use).
MODULES = {
    "Conv2d": ("conv2d", ("in_channels", "out_channels", "kernel_size", "stride", "padding",
                          "dilation", "groups", "bias", "padding_mode")),
    "ConvTranspose2d": ("conv_transpose2d", ("in_channels", "out_channels", "kernel_size",
                                             "stride", "padding", "output_padding", "groups",
                                             "bias", "dilation", "padding_mode")),
    "MaxPool2d": ("max_pool2d", ("kernel_size", "stride", "padding", "dilation",
                                 "return_indices", "ceil_mode")),
    "AvgPool2d": ("avg_pool2d", ("kernel_size", "stride", "padding", "ceil_mode",
                                 "count_include_pad", "divisor_override")),
}
#: A layer that keeps the input's shape (an activation, a normalisation).
ELEMENTWISE = "elementwise"
#: Bytes of one element of the output (float32, PyTorch's default).
ELEMENT_BYTES = 4


def _whole(value) -> bool:
    """A whole number as PyTorch takes one: an int or numpy's, never True or 1.0."""
    return isinstance(value, Integral) and not isinstance(value, bool)


def _pair(name: str, value, minimum: int, single: bool = True) -> Pair:
    """(height, width) from a number or a pair; PyTorch also takes a
    one-element sequence for both, except (`single` False) as a
    convolution's kernel size, whose weight would then lack an axis."""
    values = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if single and len(values) == 1:
        values = values * 2
    if len(values) != 2 or not all(_whole(v) for v in values):
        raise ParameterError(f"{name} must be a whole number or a pair of them, "
                             f"not {value!r}.")
    if min(values) < minimum:
        raise ParameterError(f"{name} must be at least {minimum}, not {value!r}.")
    return int(values[0]), int(values[1])


def _count(name: str, value) -> int:
    if not _whole(value) or value < 1:
        raise ParameterError(f"{name} must be a whole number of at least 1, not {value!r}.")
    return int(value)


@dataclass(frozen=True)
class Layer:
    """One layer, in PyTorch's terms.  Pooling keeps the channel count, so
    its `in_channels`/`out_channels` come from the input's shape (None here)."""

    op: str
    kernel_size: Pair
    stride: Pair = (1, 1)
    padding: Union[Pair, str] = (0, 0)
    dilation: Pair = (1, 1)
    in_channels: Optional[int] = None
    out_channels: Optional[int] = None
    groups: int = 1
    bias: bool = True
    output_padding: Pair = (0, 0)
    padding_mode: str = "zeros"
    ceil_mode: bool = False
    count_include_pad: bool = True
    #: An elementwise layer (activation, normalisation): its name and parameters.
    label: str = ""
    own_parameters: int = 0

    @property
    def pooling(self) -> bool:
        """Whether it keeps the channel count (pooling, or an elementwise layer)."""
        return self.op in ("max_pool2d", "avg_pool2d", ELEMENTWISE)

    @property
    def transposed(self) -> bool:
        return self.op == "conv_transpose2d"

    def channels(self, in_channels: int) -> Tuple[int, int]:
        """(input, output) channels for an input with `in_channels`."""
        if self.pooling and (self.op != ELEMENTWISE or self.in_channels is None):
            return in_channels, in_channels
        if in_channels != self.in_channels:
            raise ParameterError(
                f"{self.name()} expects an input with {self.in_channels} channels, but it "
                f"has {in_channels}.")
        return self.in_channels, self.out_channels or in_channels

    def name(self) -> str:
        """The layer as one writes it in PyTorch, defaults left out."""
        if self.op == ELEMENTWISE:
            return self.label
        module = {op: name for name, (op, _) in MODULES.items()}[self.op]
        args = [] if self.pooling else [str(self.in_channels), str(self.out_channels)]
        args.append(_size_text(self.kernel_size))
        if self.stride != (self.kernel_size if self.pooling else (1, 1)):
            args.append(f"stride={_size_text(self.stride)}")
        if self.padding != (0, 0):
            args.append(f"padding={self.padding!r}" if isinstance(self.padding, str)
                        else f"padding={_size_text(self.padding)}")
        if self.dilation != (1, 1):
            args.append(f"dilation={_size_text(self.dilation)}")
        if self.transposed and self.output_padding != (0, 0):
            args.append(f"output_padding={_size_text(self.output_padding)}")
        if self.groups != 1:
            args.append(f"groups={self.groups}")
        if not self.pooling and not self.bias:
            args.append("bias=False")
        if self.padding_mode != "zeros":
            args.append(f"padding_mode={self.padding_mode!r}")
        if self.ceil_mode:
            args.append("ceil_mode=True")
        if self.op == "avg_pool2d" and not self.count_include_pad:
            args.append("count_include_pad=False")
        return f"{module}({', '.join(args)})"

    def applied_padding(self) -> Tuple[Pair, Pair]:
        """((top, bottom), (left, right)) zeros or mode padding added to the input."""
        if self.padding == "valid":
            return (0, 0), (0, 0)
        if self.padding == "same":
            pads = []
            for k, d in zip(self.kernel_size, self.dilation):
                total = d * (k - 1)
                pads.append((total // 2, total - total // 2))
            return pads[0], pads[1]
        return (self.padding[0],) * 2, (self.padding[1],) * 2

    def axes(self, size: Pair) -> tuple:
        """The two axes (height, width) for an input of `size`, validated as
        PyTorch validates the layer."""
        axes = []
        for index, name in enumerate(("height", "width")):
            k, s, d = self.kernel_size[index], self.stride[index], self.dilation[index]
            if self.transposed:
                axes.append(TransposedAxis(i=size[index], k=k, s=s, p=self.padding[index], d=d,
                                           a=self.output_padding[index], axis=name))
                continue
            before, after = self.applied_padding()[index]
            axes.append(DirectAxis(i=size[index], k=k, s=s, p=before, d=d, axis=name,
                                   p_after=after, padding_mode=self.padding_mode,
                                   ceil_mode=self.ceil_mode))
        return tuple(axes)


def elementwise_layer(label: str, parameters: int = 0,
                      expects: Optional[int] = None) -> Layer:
    """A layer that keeps its input's shape (ReLU, BatchNorm2d, ...), with its
    parameters and, for a normalisation, the channels its input must have."""
    return Layer(op=ELEMENTWISE, kernel_size=(1, 1), label=label, own_parameters=parameters,
                 in_channels=expects)


def _size_text(pair: Pair) -> str:
    return str(pair[0]) if pair[0] == pair[1] else f"({pair[0]}, {pair[1]})"


def make_layer(op: str, **options) -> Layer:
    """A Layer from PyTorch's keyword arguments, checked as PyTorch checks them."""
    if op not in OPS:
        raise ParameterError(f"The layer must be one of {', '.join(OPS)}, not {op!r}.")
    pooling = op in ("max_pool2d", "avg_pool2d")
    known = set(MODULES[{o: n for n, (o, _) in MODULES.items()}[op]][1])
    unknown = set(options) - known
    if unknown:
        raise ParameterError(f"{op} takes no {', '.join(sorted(unknown))}.")
    if "kernel_size" not in options:
        raise ParameterError(f"{op} needs kernel_size.")
    kernel = _pair("kernel_size", options["kernel_size"], 1, single=pooling)
    # Only pooling takes stride=None (the kernel size), as in PyTorch.
    stride = options.get("stride", None if pooling else 1)
    stride = kernel if pooling and stride is None else _pair("stride", stride, 1)
    padding = options.get("padding", 0)
    if isinstance(padding, str) and not pooling and op == "conv2d":
        if padding not in ("same", "valid"):
            raise ParameterError(f"padding must be 'same', 'valid', a whole number or a "
                                 f"pair, not {padding!r}.")
        if padding == "same" and stride != (1, 1):
            raise ParameterError("padding='same' is not supported for strided "
                                 "convolutions (as in PyTorch); give the padding as numbers.")
    else:
        padding = _pair("padding", padding, 0)
    dilation = _pair("dilation", options.get("dilation", 1), 1)
    layer = Layer(op=op, kernel_size=kernel, stride=stride, padding=padding, dilation=dilation)
    if pooling:
        return _pooling(layer, options)
    in_channels = _count("in_channels", options.get("in_channels"))
    out_channels = _count("out_channels", options.get("out_channels"))
    groups = _count("groups", options.get("groups", 1))
    for name, value in (("in_channels", in_channels), ("out_channels", out_channels)):
        if value % groups:
            raise ParameterError(f"{name} must be divisible by groups ({name}={value}, "
                                 f"groups={groups}), as in PyTorch.")
    padding_mode = options.get("padding_mode", "zeros")
    if padding_mode not in ("zeros", "reflect", "replicate", "circular"):
        raise ParameterError(f"padding_mode must be 'zeros', 'reflect', 'replicate' or "
                             f"'circular', not {padding_mode!r}.")
    if op == "conv_transpose2d" and padding_mode != "zeros":
        raise ParameterError("ConvTranspose2d supports only padding_mode='zeros', as in "
                             "PyTorch.")
    bias = options.get("bias", True)
    if not isinstance(bias, bool):
        raise ParameterError(f"bias must be True or False, not {bias!r}.")
    output_padding = _pair("output_padding", options.get("output_padding", 0), 0)
    return replace(layer, in_channels=in_channels, out_channels=out_channels, groups=groups,
                   bias=bias, padding_mode=padding_mode, output_padding=output_padding)


def _pooling(layer: Layer, options: dict) -> Layer:
    for flag in ("ceil_mode", "count_include_pad", "return_indices"):
        if not isinstance(options.get(flag, False), bool):
            raise ParameterError(f"{flag} must be True or False, not {options[flag]!r}.")
    if options.get("divisor_override") is not None:
        raise ParameterError("divisor_override is not described: the figures divide by the "
                             "window (or its cells inside the input).")
    for k, p, d in zip(layer.kernel_size, layer.padding, layer.dilation):
        if p > k // 2:
            raise ParameterError(f"pad should be at most half of the kernel size (as PyTorch "
                                 f"requires), but padding is {p} with kernel size {k}.")
    return replace(layer, ceil_mode=options.get("ceil_mode", False),
                   count_include_pad=options.get("count_include_pad", True))


#: Layers that keep their input's shape, described as such in a chain.
SHAPE_KEEPING = ("ReLU", "ReLU6", "LeakyReLU", "GELU", "SiLU", "Sigmoid", "Tanh", "Hardswish",
                 "Hardsigmoid", "Mish", "ELU", "Identity", "Dropout", "Dropout2d",
                 "BatchNorm2d", "InstanceNorm2d", "GroupNorm")


#: Activations and other shape-keeping layers that learn nothing, with the
#: parameters PyTorch's constructor takes, in order (None: any, ignored).
ACTIVATIONS = {
    "ReLU": ("inplace",), "ReLU6": ("inplace",), "SiLU": ("inplace",),
    "Hardswish": ("inplace",), "Hardsigmoid": ("inplace",), "Mish": ("inplace",),
    "LeakyReLU": ("negative_slope", "inplace"), "ELU": ("alpha", "inplace"),
    "GELU": ("approximate",), "Dropout": ("p", "inplace"), "Dropout2d": ("p", "inplace"),
    "Sigmoid": (), "Tanh": (), "Identity": None,
}


def _arguments(name: str, names: Sequence[str], args: list, kwargs: dict) -> dict:
    """The arguments of a constructor written as in PyTorch, by name: at most
    one value each, and only the names it takes."""
    takes = f"({', '.join(names)})" if names else "none"
    if len(args) > len(names):
        raise ParameterError(f"{name} takes at most {len(names)} argument"
                             f"{'' if len(names) == 1 else 's'} {takes}, not {len(args)}.")
    options = dict(zip(names, args))
    for key, value in kwargs.items():
        if key not in names:
            raise ParameterError(f"{name} takes no {key}; its arguments: {takes}.")
        if key in options:
            raise ParameterError(f"{name} got {key} twice.")
        options[key] = value
    return options


def _activation(name: str, args: list, kwargs: dict) -> None:
    """Refuse what PyTorch's constructor of the activation `name` refuses."""
    names = ACTIVATIONS[name]
    if names is None:
        return
    options = _arguments(name, names, args, kwargs)
    if "p" in options:
        p = options["p"]
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 1:
            raise ParameterError(f"{name}'s p is a probability from 0 to 1, not {p!r}.")


#: Normalisations, their parameters in order, and whether each, by
#: default, learns a scale and shift (affine) and keeps running statistics.
NORMALISATIONS = {
    "BatchNorm2d": (("num_features", "eps", "momentum", "affine", "track_running_stats"),
                    True, True),
    "InstanceNorm2d": (("num_features", "eps", "momentum", "affine", "track_running_stats"),
                       False, False),
    "GroupNorm": (("num_groups", "num_channels", "eps", "affine"), True, False),
}


def _normalisation(name: str, args: list, kwargs: dict) -> Tuple[Optional[int], int]:
    """(the channels its input must have, or None; the parameters it learns)
    of a normalisation written as in PyTorch, checked as PyTorch checks it."""
    names, affine, running = NORMALISATIONS[name]
    options = _arguments(name, names, args, kwargs)
    channels_key = "num_channels" if name == "GroupNorm" else "num_features"
    for key in ("num_groups", channels_key)[name != "GroupNorm":]:
        if key not in options:
            raise ParameterError(f"{name} needs {key}, e.g. {name}(64)"
                                 if name != "GroupNorm" else
                                 f"{name} needs num_groups and num_channels, e.g. "
                                 f"GroupNorm(8, 64).")
        options[key] = _count(key, options[key])
    for key, default in (("affine", affine), ("track_running_stats", running)):
        options.setdefault(key, default)
        if not isinstance(options[key], bool):
            raise ParameterError(f"{key} must be True or False, not {options[key]!r}.")
    channels = options[channels_key]
    if name == "GroupNorm" and channels % options["num_groups"]:
        raise ParameterError(f"num_channels ({channels}) must be divisible by num_groups "
                             f"({options['num_groups']}), as in PyTorch.")
    # Scale and shift, or running statistics, are one per channel: the
    # input must have that many (PyTorch refuses it otherwise).
    per_channel = options["affine"] or options.get("track_running_stats", False)
    return (channels if per_channel else None), (2 * channels if options["affine"] else 0)


def _shape_keeping(name: str, args: list, kwargs: dict) -> Layer:
    """An activation or normalisation written as in PyTorch, with the
    parameters it learns (a normalisation's scale and shift, by default)."""
    expects, parameters = None, 0
    if name in NORMALISATIONS:
        expects, parameters = _normalisation(name, args, kwargs)
    else:
        _activation(name, args, kwargs)
    shown = ", ".join([*(repr(a) for a in args), *(f"{k}={v!r}" for k, v in kwargs.items())])
    return elementwise_layer(f"{name}({shown})", parameters, expects)


def _literal(node):
    """A literal argument, or a ParameterError: only numbers, strings,
    True/False, None and tuples or lists of them are read, nothing evaluated."""
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        value = None
        plain = False
    else:
        plain = _plain(value)
    if not plain:
        raise ParameterError("A layer's arguments must be plain numbers, pairs, strings, "
                             "True/False or None, not " + repr(ast.unparse(node)) + ".")
    return value


def _plain(value) -> bool:
    if isinstance(value, (tuple, list)):
        return all(_plain(item) for item in value)
    return value is None or isinstance(value, (bool, int, float, str))


def parse_layer(text: str) -> Layer:
    """A layer written as in PyTorch: "Conv2d(3, 64, 7, stride=2, padding=3)",
    "nn.MaxPool2d(3, 2, 1)"; only literal arguments, nothing is evaluated."""
    try:
        call = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        call = None
    name = getattr(getattr(call, "func", None), "attr", None) or getattr(
        getattr(call, "func", None), "id", None)
    if isinstance(call, ast.Call) and any(kw.arg is None for kw in call.keywords):
        raise ParameterError(f"{text!r} unpacks its arguments with **; write each one "
                             "out, as in Conv2d(3, 64, 7, stride=2, padding=3).")
    if isinstance(call, ast.Call) and name in SHAPE_KEEPING:
        return _shape_keeping(name, [_literal(a) for a in call.args],
                              {kw.arg: _literal(kw.value) for kw in call.keywords})
    if not isinstance(call, ast.Call) or name not in MODULES:
        raise ParameterError(f"{text!r} is not a layer written as in PyTorch, such as "
                             "Conv2d(3, 64, 7, stride=2, padding=3); the layers are "
                             f"{', '.join(MODULES)}, and in a chain activations and "
                             "normalisations such as ReLU() or BatchNorm2d(64).")
    op, names = MODULES[name]
    args = [_literal(arg) for arg in call.args]
    kwargs = {kw.arg: _literal(kw.value) for kw in call.keywords}
    if len(args) > len(names):
        raise ParameterError(f"{name} takes at most {len(names)} arguments, "
                             f"not {len(args)}.")
    options = dict(zip(names, args))
    twice = set(options) & set(kwargs)
    if twice:
        raise ParameterError(f"{name} got {', '.join(sorted(twice))} twice.")
    options.update(kwargs)
    options.pop("return_indices", None)
    return make_layer(op, **options)


def input_shape(shape: Sequence[int]) -> Tuple[int, int, int, int]:
    """(N, C, H, W) from a shape as torch users write it: (N, C, H, W) or (C, H, W)."""
    given = shape
    try:
        shape = None if isinstance(shape, (str, bytes)) else tuple(shape)
    except TypeError:
        shape = None
    if shape is not None and len(shape) == 3:
        shape = (1, *shape)
    if shape is None or len(shape) != 4 or not all(_whole(v) and v >= 1 for v in shape):
        shown = tuple(given) if isinstance(given, (tuple, list)) else given
        raise ParameterError(f"The input's shape must be (N, C, H, W) or (C, H, W) of whole "
                             f"numbers of at least 1, not {shown!r}.")
    return tuple(int(v) for v in shape)
