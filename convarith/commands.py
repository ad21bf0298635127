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
        return {"op": "conv2d", "input_size": pair("i"),
                "kwargs": dict(kwargs, dilation=pair("d"))}
    kwargs = dict(kernel_size=pair("k"), **kwargs)
    if spec.mode == "average":
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


def produce_figure_parser(prog: str = "produce_figure") -> ArgumentParser:
    parser = ArgumentParser(
        prog=prog,
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


def produce_figure(argv: Sequence[str], prog: str = "produce_figure") -> int:
    args = produce_figure_parser(prog).parse_args(argv)
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


def animate_parser(prog: str = "animate") -> ArgumentParser:
    from .export import describe_suffixes
    from .export.timing import FPS_RANGE, HOLD_RANGE
    parser = ArgumentParser(
        prog=prog,
        description="Make gif/NAME.gif (and its pdf/ and png/ frames) for an "
                    "animation described on the command line, or the files "
                    "named with --out.")
    parser.add_argument("name", help="animation name; files are named after it")
    parser.add_argument("--type", dest="kind", choices=KINDS, default="arithmetic",
                        help="arithmetic (default) or numerical")
    add_geometry_arguments(parser)
    output = parser.add_argument_group("output")
    output.add_argument("--out", metavar="PATH", action="append",
                        help="file to write, repeatable; its suffix picks the format "
                             f"({describe_suffixes()}); default gif/NAME.gif")
    output.add_argument("--svg-frames", metavar="DIR",
                        help="also write one SVG per step into DIR")
    output.add_argument("--fps", type=_number(float, *FPS_RANGE), default=1.0,
                        help="steps per second (default 1)")
    output.add_argument("--hold-last", metavar="SECONDS",
                        type=_number(float, *HOLD_RANGE), default=0.0,
                        help="show the last step this much longer before the "
                             "animation loops (default 0)")
    output.add_argument("--dpi", type=_number(int, 10, 1200), default=150,
                        help="raster resolution of the PNG frames (default 150)")
    return parser


def animate(argv: Sequence[str], prog: str = "animate") -> int:
    from .export import writer_for
    from .export.timing import check_timing
    args = animate_parser(prog).parse_args(argv)
    timing = check_timing(args.fps, args.hold_last)
    outs = [Path(out) for out in args.out or [FIGURE_DIRS["gif"] / f"{args.name}.gif"]]
    for out in outs:
        writer_for(out)
    spec = spec_from_args(args.kind, args.name, args)
    from .animation import Animation
    from .build import build_pdfs
    from .export import write_outputs
    from .raster import rasterise
    steps = list(range(spec.steps))
    say = f"{prog}:"
    channels = (f" in {spec.out_channels} channels" if spec.multichannel else "")
    print(f"{say} {spec.name}: {spec.steps} steps, output "
          f"{spec.output_size[0]}x{spec.output_size[1]}{channels}", file=sys.stderr)
    pdfs = build_pdfs(spec, steps, FIGURE_DIRS["pdf"])
    print(f"{say} pdf  {len(pdfs)} pages -> {FIGURE_DIRS['pdf']}/", file=sys.stderr)
    pngs = [FIGURE_DIRS["png"] / f"{pdf.stem}.png" for pdf in pdfs]
    frames = rasterise(pdfs, pngs, dpi=args.dpi)
    print(f"{say} png  {len(pngs)} frames at {args.dpi} dpi -> "
          f"{FIGURE_DIRS['png']}/", file=sys.stderr)
    rendering = Animation(spec, args.dpi, frames=frames,
                          step_pdfs=[pdf.read_bytes() for pdf in pdfs])
    for out in write_outputs(rendering, outs, timing):
        print(f"{say} {out.suffix.lstrip('.'):4s} {out}", file=sys.stderr)
    if args.svg_frames:
        from .export.svg import write_svg_frames
        written = write_svg_frames(Path(args.svg_frames), rendering.step_pdfs())
        print(f"{say} svg  {len(written)} frames -> {args.svg_frames}/", file=sys.stderr)
    return 0
