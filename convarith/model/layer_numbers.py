"""What layers compute, at any size: shapes, padding, parameters, cost, receptive field.

`describe_layer` gives a layer's output shape, the padding actually applied
on each side, its parameters (weights and bias), its multiply-accumulates,
the output's size in memory and its receptive field and jump;
`describe_chain` does so for layers in sequence, each one's output the next
one's input; `describe_text` writes either as readable lines.  Standard
library only.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Sequence, Tuple

from ..errors import ParameterError
from .layers import ELEMENT_BYTES, ELEMENTWISE, Layer, input_shape


def _dependence(layer: Layer, axis: int, size: int, first: int, last: int,
                clip: bool = True) -> Tuple[int, int]:
    """Input positions (lowest, highest) that outputs first..last of one axis read."""
    k, s, d = layer.kernel_size[axis], layer.stride[axis], layer.dilation[axis]
    if layer.transposed:
        p = layer.padding[axis]
        lows, highs = [], []
        for o in (first, last):
            js = [(o + p - m * d) // s for m in range(k) if (o + p - m * d) % s == 0]
            js = [j for j in js if not clip or 0 <= j < size] or [None]
            lows.append(min((j for j in js if j is not None), default=None))
            highs.append(max((j for j in js if j is not None), default=None))
        low = next((v for v in lows if v is not None), 0)
        high = next((v for v in reversed(highs) if v is not None), low)
        return low, high
    before = layer.applied_padding()[axis][0]
    low, high = first * s - before, last * s - before + (k - 1) * d
    return (max(low, 0), min(high, size - 1)) if clip else (low, high)


def receptive_field(layers: Sequence[Layer]) -> Tuple[Tuple[int, int], Tuple[str, str]]:
    """Receptive field (input cells, per axis) of one output cell of the last
    layer, away from the borders, and the jump between neighbouring outputs
    in input cells (a fraction where transposed layers upsample)."""
    fields, jumps = [], []
    for axis in range(2):
        jump = Fraction(1)
        for layer in layers:
            stride = layer.stride[axis]
            jump = jump / stride if layer.transposed else jump * stride
        period = math.prod(layer.stride[axis] for layer in layers if layer.transposed)
        widest = 0
        for start in range(period):        # a transposed layer's taps depend on the phase
            low, high = start, start
            for layer in reversed(layers):
                low, high = _dependence(layer, axis, 0, low, high, clip=False)
            widest = max(widest, high - low + 1)
        fields.append(widest)
        jumps.append(str(jump))
    return (fields[0], fields[1]), (jumps[0], jumps[1])


def describe_layer(layer: Layer, shape: Sequence[int]) -> dict:
    """What `layer` computes on an input of `shape` ((N, C, H, W) or (C, H, W))."""
    n, c, h, w = input_shape(shape)
    c_in, c_out = layer.channels(c)
    axes = layer.axes((h, w))
    out_h, out_w = axes[0].o, axes[1].o
    (top, bottom), (left, right) = (((ax.p, ax.p) for ax in axes) if layer.transposed
                                    else layer.applied_padding())
    kh, kw = layer.kernel_size
    if layer.op == ELEMENTWISE:
        weight_shape, weights, biases = None, layer.own_parameters, 0
        macs, reads = 0, n * c * h * w
    elif layer.pooling:
        weight_shape, weights, biases = None, 0, 0
        macs = 0
        reads = n * c_out * out_h * out_w * kh * kw
    else:
        per_group_in, per_group_out = c_in // layer.groups, c_out // layer.groups
        weight_shape = ([c_in, per_group_out, kh, kw] if layer.transposed
                        else [c_out, per_group_in, kh, kw])
        weights = math.prod(weight_shape)
        biases = c_out if layer.bias else 0
        # each input cell scatters into the output (transposed), or each output
        # cell gathers from its window (direct): kh*kw*(channels per group) each
        macs = (n * c_in * h * w * per_group_out * kh * kw if layer.transposed
                else n * c_out * out_h * out_w * per_group_in * kh * kw)
        reads = macs
    field, jump = receptive_field([layer])
    description = {
        "layer": layer.name(),
        "input_shape": [n, c_in, h, w],
        "output_shape": [n, c_out, out_h, out_w],
        "padding": {"top": top, "bottom": bottom, "left": left, "right": right},
        "parameters": {"weight": weights, "bias": biases, "total": weights + biases},
        "multiply_accumulates": macs,
        "window_reads": reads,
        "output_bytes": n * c_out * out_h * out_w * ELEMENT_BYTES,
        "receptive_field": list(field),
        "jump": list(jump),
    }
    if weight_shape is not None:
        description["weight_shape"] = weight_shape
    return description


def describe_chain(layers: Sequence[Layer], shape: Sequence[int]) -> dict:
    """Each layer of a sequence on the output of the one before, and the
    whole chain's receptive field and jump."""
    if not layers:
        raise ParameterError("A chain needs at least one layer.")
    rows, current = [], input_shape(shape)
    for layer in layers:
        row = describe_layer(layer, current)
        rows.append(row)
        current = tuple(row["output_shape"])
    field, jump = receptive_field(layers)
    return {
        "layers": rows,
        "input_shape": rows[0]["input_shape"],
        "output_shape": rows[-1]["output_shape"],
        "parameters": sum(row["parameters"]["total"] for row in rows),
        "multiply_accumulates": sum(row["multiply_accumulates"] for row in rows),
        "receptive_field": list(field),
        "jump": list(jump),
    }


def _shape(shape) -> str:
    return "\u00d7".join(str(v) for v in shape)


def _size(count: int) -> str:
    for unit, scale in (("G", 10 ** 9), ("M", 10 ** 6), ("k", 10 ** 3)):
        if count >= scale:
            return f"{count / scale:.2f} {unit}".replace(".00 ", " ")
    return str(count)


def _bytes(count: int) -> str:
    for unit, scale in (("GiB", 2 ** 30), ("MiB", 2 ** 20), ("KiB", 2 ** 10)):
        if count >= scale:
            return f"{count / scale:.2f} {unit}"
    return f"{count} B"


def describe_text(description: dict) -> str:
    """A description (describe_layer's or describe_chain's) as readable lines."""
    if "layers" in description:
        width = max(len(row["layer"]) for row in description["layers"])
        header = f"{'layer':{width}s} {'output':>16s} {'parameters':>12s} {'MACs':>14s}"
        lines = [header, "-" * len(header),
                 f"{'input':{width}s} {_shape(description['input_shape']):>16s}"]
        for row in description["layers"]:
            lines.append(f"{row['layer']:{width}s} {_shape(row['output_shape']):>16s} "
                         f"{row['parameters']['total']:>12,} {row['multiply_accumulates']:>14,}")
        lines.append(f"{'total':{width}s} {'':>16s} {description['parameters']:>12,} "
                     f"{description['multiply_accumulates']:>14,}")
        lines.append(f"receptive field {description['receptive_field'][0]}x"
                     f"{description['receptive_field'][1]} input cells, jump "
                     f"{description['jump'][0]} x {description['jump'][1]}")
        return "\n".join(lines)
    d = description
    pad = d["padding"]
    params = d["parameters"]
    lines = [d["layer"],
             f"  input   {_shape(d['input_shape'])}",
             f"  output  {_shape(d['output_shape'])} ({_bytes(d['output_bytes'])} as float32)",
             f"  padding top {pad['top']}, bottom {pad['bottom']}, left {pad['left']}, "
             f"right {pad['right']}"]
    if "weight_shape" in d:
        lines.append(f"  weights {_shape(d['weight_shape'])} = {params['weight']:,}, bias "
                     f"{params['bias']:,}, total {params['total']:,} parameters")
        lines.append(f"  {d['multiply_accumulates']:,} multiply-accumulates "
                     f"({_size(d['multiply_accumulates'])})")
    else:
        lines.append(f"  no parameters; {d['window_reads']:,} window reads "
                     f"({_size(d['window_reads'])})")
    lines.append(f"  receptive field {d['receptive_field'][0]}x{d['receptive_field'][1]}, "
                 f"jump {d['jump'][0]} x {d['jump'][1]}")
    return "\n".join(lines)

