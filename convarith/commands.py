"""The programs behind bin/produce_figure and bin/animate."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Sequence

from .cli import ArgumentParser, add_geometry_arguments, parse_int, spec_from_args
from .errors import ParameterError
from .spec import KINDS, FigureSpec

FIGURE_DIRS = {"pdf": Path("pdf"), "png": Path("png"), "gif": Path("gif")}


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
        from .build import figure_values
        values = figure_values(spec)
        # One channel keeps its original two-dimensional form.
        squeeze = (lambda a: a) if spec.multichannel else (lambda a: a.reshape(a.shape[-2:]))
        description["input"] = squeeze(values.input).tolist()
        if values.kernel is not None:
            description["kernel"] = squeeze(values.kernel).tolist()
        description["output"] = squeeze(values.output).tolist()
    return description


def parse_step(text: str, spec: FigureSpec) -> list[int]:
    if text == "all":
        return list(range(spec.steps))
    step = parse_int(text)
    if step is None:
        raise ParameterError(f"STEP must be a whole number from 0 to {spec.steps - 1}, "
                             f"or 'all', not {text!r}.")
    spec.check_step(step)
    return [step]


def produce_figure_parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="produce_figure",
        description="Write pdf/NAME_NN.pdf for one step (or all steps) of a "
                    "convolution arithmetic animation.")
    # No argparse choices: spec_from_args names the figure types in its message.
    parser.add_argument("kind", metavar="{arithmetic,numerical}",
                        help="arithmetic: sizes only, drawn obliquely; "
                             "numerical: flat, with values")
    parser.add_argument("name", help="animation name; files are pdf/NAME_NN.pdf")
    parser.add_argument("step", help="step number from 0, or 'all'")
    add_geometry_arguments(parser)
    parser.add_argument("--describe", action="store_true",
                        help="print the figure's sizes, steps, matching PyTorch "
                             "call and values as JSON; write nothing")
    parser.add_argument("--pdf-dir", default=str(FIGURE_DIRS["pdf"]), metavar="DIR",
                        help="where to write the PDFs (default pdf)")
    return parser


def produce_figure(argv: Sequence[str]) -> int:
    args = produce_figure_parser().parse_args(argv)
    spec = spec_from_args(args.kind, args.name, args)
    steps = parse_step(args.step, spec)
    if args.describe:
        json.dump(describe(spec), sys.stdout)
        sys.stdout.write("\n")
        return 0
    from .build import build_pdfs
    build_pdfs(spec, steps, Path(args.pdf_dir))
    return 0


def _number(kind: type, low, high):
    """argparse type: a number from `low` to `high`, with the range in the message."""
    def convert(text: str):
        try:
            value = kind(text)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:   # also refuses nan
            # argparse prefixes "argument FLAG: "
            raise argparse.ArgumentTypeError(
                f"must be a {'whole ' if kind is int else ''}number between {low} "
                f"and {high}, not {text!r}")
        return value
    return convert


def animate_parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="animate",
        description="Make gif/NAME.gif (and its pdf/ and png/ frames) for an "
                    "animation described on the command line.")
    parser.add_argument("name", help="animation name; files are named after it")
    parser.add_argument("--type", dest="kind", choices=KINDS, default="arithmetic",
                        help="arithmetic (default) or numerical")
    add_geometry_arguments(parser)
    parser.add_argument("--out", metavar="PATH", help="GIF path (default gif/NAME.gif)")
    parser.add_argument("--fps", type=_number(float, 0.01, 50), default=1.0,
                        help="frames per second (default 1)")
    parser.add_argument("--dpi", type=_number(int, 10, 1200), default=150,
                        help="raster resolution of the PNG frames (default 150)")
    return parser


def animate(argv: Sequence[str]) -> int:
    args = animate_parser().parse_args(argv)
    if not 0.01 <= args.fps <= 50:
        raise ParameterError(f"--fps must be between 0.01 and 50, not {args.fps}.")
    if not 10 <= args.dpi <= 1200:
        raise ParameterError(f"--dpi must be between 10 and 1200, not {args.dpi}.")
    out = Path(args.out) if args.out else FIGURE_DIRS["gif"] / f"{args.name}.gif"
    if out.suffix.lower() != ".gif":
        raise ParameterError(f"--out must name a .gif file, not '{out}'.")
    spec = spec_from_args(args.kind, args.name, args)
    from .build import build_gif, build_pdfs, build_pngs
    steps = list(range(spec.steps))
    channels = (f" in {spec.out_channels} channels" if spec.multichannel else "")
    print(f"animate: {spec.name}: {spec.steps} steps, output "
          f"{spec.output_size[0]}x{spec.output_size[1]}{channels}", file=sys.stderr)
    pdfs = build_pdfs(spec, steps, FIGURE_DIRS["pdf"])
    print(f"animate: pdf  {len(pdfs)} pages -> {FIGURE_DIRS['pdf']}/", file=sys.stderr)
    pngs = build_pngs(pdfs, FIGURE_DIRS["png"], args.dpi)
    print(f"animate: png  {len(pngs)} frames at {args.dpi} dpi -> "
          f"{FIGURE_DIRS['png']}/", file=sys.stderr)
    build_gif(pngs, out, round(1000 / args.fps))
    print(f"animate: gif  {out}", file=sys.stderr)
    return 0
