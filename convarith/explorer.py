"""The site's explorer: a layer written as in PyTorch, drawn as a player with its numbers.

`explore` is what the explorer page calls through Pyodide, so everything it
reaches uses the standard library only (no numpy, Pillow or jinja2): the
layer (model.layers), what it computes (model.layer_numbers), the figure
(the API's spec and scene) and the player's markup (export.player).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict

from .errors import ParameterError
from .model.layers import Layer, input_shape, parse_layer

#: The size of the input when the page names none.
DEFAULT_INPUT = "5"


def parse_input(text: str, layer: Layer) -> tuple:
    """(N, C, H, W) from "5" (5x5), "5,7" (height, width), "C,H,W" or
    "N,C,H,W"; a size without channels takes the layer's input channels."""
    parts = [part for part in re.split(r"[\s,x\u00d7]+", str(text).strip()) if part]
    if not parts or not all(part.isdigit() for part in parts) or len(parts) > 4:
        raise ParameterError(f"The input must be a size such as 5, a height and width such "
                             f"as 5,7, or a shape C,H,W or N,C,H,W of whole numbers, not "
                             f"{text!r}.")
    numbers = [int(part) for part in parts]
    channels = layer.in_channels or 1
    if len(numbers) == 1:
        numbers = [channels, numbers[0], numbers[0]]
    elif len(numbers) == 2:
        numbers = [channels, *numbers]
    shape = input_shape(numbers)
    if shape[0] != 1:
        raise ParameterError(f"The figures draw one input at a time: the batch size must be "
                             f"1, not {shape[0]}.")
    return shape


def layer_animation(layer: Layer, shape: tuple, numbers: bool = False):
    """The animation of `layer` on an input of `shape` (N, C, H, W), with
    its values if `numbers` (pooling always shows them)."""
    from . import api
    from .model.layers import ELEMENTWISE
    if layer.op == ELEMENTWISE:
        raise ParameterError(f"{layer.name()} only keeps the input's shape: there is nothing "
                             "to draw; give a convolution or a pooling layer.")
    _, channels, height, width = shape
    layer.channels(channels)            # refuses an input with the wrong channel count
    size = (height, width)
    look = dict(kernel_size=layer.kernel_size, stride=layer.stride, padding=layer.padding)
    if layer.op == "max_pool2d":
        return api.max_pool2d(size, dilation=layer.dilation, ceil_mode=layer.ceil_mode,
                              in_channels=channels, **look)
    if layer.op == "avg_pool2d":
        return api.avg_pool2d(size, ceil_mode=layer.ceil_mode, in_channels=channels,
                              count_include_pad=layer.count_include_pad, **look)
    common = dict(look, dilation=layer.dilation, in_channels=layer.in_channels,
                  out_channels=layer.out_channels, groups=layer.groups, numerical=numbers)
    if layer.transposed:
        return api.conv_transpose2d(size, output_padding=layer.output_padding, **common)
    return api.conv2d(size, padding_mode=layer.padding_mode, **common)


def explore(layer_text: str, input_text: str = DEFAULT_INPUT, numbers: bool = False) -> str:
    """JSON for the explorer page: the layer's player, its numbers (as
    `convarith describe --layer` gives them) and its fields, or an error
    message of one paragraph."""
    from .export.player import player_fragment
    from .model.layer_numbers import describe_layer, describe_text
    try:
        layer = parse_layer(layer_text)
        shape = parse_input(input_text, layer)
        description = describe_layer(layer, shape)
        animation = layer_animation(layer, shape, numbers)
        player = player_fragment(animation)
    except ParameterError as error:
        return json.dumps({"error": str(error)})
    return json.dumps({
        "layer": layer.name(), "input": list(shape), "fields": asdict(layer),
        "numbers": description, "text": describe_text(description),
        "steps": len(animation.steps), "allSteps": animation.spec.steps,
        "elided": animation.spec.elided,
        "player": player})
