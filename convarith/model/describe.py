"""A figure as data: its numbers, the PyTorch call that computes them, and
the JSON description that `convarith describe` and `--describe` print."""

from __future__ import annotations

import json

from .spec import FigureSpec


def figure_values(spec: FigureSpec):
    """The numbers of a numerical figure, or None for an arithmetic one."""
    if spec.kind != "numerical":
        return None
    # numpy is imported only for figures that show values.
    from .values import compute
    return compute(spec)


def torch_call(spec: FigureSpec) -> dict:
    """The torch.nn.functional call that computes what the figure shows.

    Channel figures add the input and weight shapes and `groups`; a
    single-channel description keeps its original form."""
    call = _single_channel_call(spec)
    if spec.multichannel:
        from .values import weight_shape
        call["input_shape"] = [1, spec.in_channels, *spec.input_size]
        if spec.mode == "convolution":
            call["weight_shape"] = list(weight_shape(spec))
            call["kwargs"]["groups"] = spec.groups
    return call


#: torch.nn.functional.pad's name for each padding mode.
PAD_MODES = {"zeros": "constant", "reflect": "reflect", "replicate": "replicate",
             "circular": "circular"}


def _single_channel_call(spec: FigureSpec) -> dict:
    h, w = spec.axes

    def pair(attr):
        return [getattr(h, attr), getattr(w, attr)]

    if spec.transposed:
        return {"op": "conv_transpose2d", "input_size": pair("i"),
                "kwargs": {"stride": pair("s"), "padding": pair("p"),
                           "output_padding": pair("a"), "dilation": pair("d")}}
    kwargs = {"stride": pair("s"), "padding": pair("p")}
    if spec.mode == "convolution":
        call = {"op": "conv2d", "input_size": pair("i"),
                "kwargs": dict(kwargs, dilation=pair("d"))}
        if spec.padding_mode != "zeros" or not (h.symmetric and w.symmetric):
            # F.pad(x, pad, mode=pad_mode), then the convolution without padding
            call["pad"] = [w.p, w.pad_after, h.p, h.pad_after]
            call["pad_mode"] = PAD_MODES[spec.padding_mode]
            call["kwargs"]["padding"] = [0, 0]
        return call
    kwargs = dict(kernel_size=pair("k"), **kwargs)
    if spec.ceil_mode:
        kwargs["ceil_mode"] = True
    if spec.mode == "average":
        if not spec.count_include_pad:
            kwargs["count_include_pad"] = False
        return {"op": "avg_pool2d", "input_size": pair("i"), "kwargs": kwargs}
    return {"op": "max_pool2d", "input_size": pair("i"),
            "kwargs": dict(kwargs, dilation=pair("d"))}


def describe(spec: FigureSpec) -> dict:
    """What --describe prints: sizes, steps, the matching torch call, values."""
    description = {
        "name": spec.name, "type": spec.kind, "mode": spec.mode,
        "transposed": spec.transposed, "steps": spec.steps,
        **({"in_channels": spec.in_channels, "out_channels": spec.out_channels,
            "groups": spec.groups} if spec.multichannel else {}),
        "input_size": list(spec.input_size), "output_size": list(spec.output_size),
        "drawn_input_size": list(spec.drawn_size),
        "kernel_size": [spec.axes[0].k, spec.axes[1].k],
        "torch": torch_call(spec),
        "files": [f"{spec.step_name(s)}.pdf" for s in (0, spec.steps - 1)],
    }
    if spec.kind == "numerical":
        values = figure_values(spec)
        description["input"] = _plain(values.input, 1, spec)
        if values.kernel is not None:
            description["kernel"] = _plain(values.kernel, 2, spec)
        description["output"] = _plain(values.output, 1, spec)
    return description


def _plain(nested, depth: int, spec: FigureSpec) -> list:
    """Nested lists for JSON; one channel keeps its two-dimensional form."""
    lists = json.loads(json.dumps(nested))
    for _ in range(0 if spec.multichannel else depth):
        lists = lists[0]
    return lists
