"""The programs behind bin/produce_figure, bin/animate and `convarith animate`.

bin/animate writes the frames beside the outputs, in pdf/ and png/ as make
does; `convarith animate` writes only the files asked for.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import sys
from pathlib import Path
from typing import Sequence

from .cli import (ArgumentParser, add_geometry_arguments, bounded_number, parse_int,
                  spec_from_args)
from .errors import ParameterError
from .files import check_output_path
from .model.describe import describe
from .model.spec import KINDS, FigureSpec
from .model.steps import STORY_ABOVE
from .settings import (DEFAULT_DPI, DPI_RANGE, MAX_FRAME_PIXELS, MAX_SHEET_POINTS,
                       MAX_VIDEO_PIXELS, MAX_VIDEO_SIZE, TEX_SHEET_CELLS)

FIGURE_DIRS = {"pdf": Path("pdf"), "png": Path("png"), "gif": Path("gif")}


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
    from .cli import FLAGS
    spec.check_whole(FLAGS)           # every figure of this program goes through TeX
    steps = parse_step(args.step, spec)
    if not args.describe:
        check_output_path(args.pdf_dir, "--pdf-dir", directory=True)
        _refuse_other_catalogue_frames(spec, Path(args.pdf_dir))
    if args.describe:
        json.dump(describe(spec), sys.stdout)
        sys.stdout.write("\n")
        return 0
    from .build import build_pdfs
    build_pdfs(spec, steps, Path(args.pdf_dir))
    return 0


def _refuse_other_catalogue_frames(spec: FigureSpec, pdf_dir: Path) -> None:
    """make builds a catalogue animation's frames in a checkout's pdf/ from the
    catalogue's parameters: frames of other parameters under its name would
    look up to date to make, and go into its GIF and the report."""
    from .cli import catalogue_spec
    from .model.catalogue import built_by_make, entry
    try:
        known = entry(spec.name)
    except KeyError:
        return
    if (built_by_make(pdf_dir / f"{spec.name}_00.pdf") is not None
            and spec != catalogue_spec(known)):
        raise ParameterError(
            f"'{spec.name}' is an animation of the catalogue, whose frames in "
            f"{pdf_dir}/ make builds from its own parameters ({known.kind} {known.flags}); "
            "frames of other parameters there would look up to date to make and go into "
            f"its GIF and the report. Give the figure another name, e.g. 'my_{spec.name}', "
            "or another --pdf-dir.")


def animate_parser(prog: str = "animate", frames: bool = True) -> ArgumentParser:
    """The parser of bin/animate, or (`frames` False) of `convarith animate`."""
    from .export.limits import megapixels
    from .export.timing import FPS_RANGE, HOLD_RANGE
    from .export.writers import describe_suffixes
    description = ("Make gif/NAME.gif (and its pdf/ and png/ frames) for an "
                   "animation described on the command line, or the files named "
                   "with --out." if frames else
                   "Make gif/NAME.gif for an animation described on the command "
                   "line, or the files named with --out; nothing else is written.")
    parser = ArgumentParser(prog=prog, description=description)
    parser.add_argument("name", help="animation name; files are named after it")
    parser.add_argument("--type", dest="kind", choices=KINDS, default="arithmetic",
                        help="arithmetic (default) or numerical")
    add_geometry_arguments(parser)
    if not frames:
        layer = parser.add_argument_group(
            "a layer as PyTorch writes it (instead of the flags above)")
        layer.add_argument("--layer", metavar="LAYER", action="append",
                           help="e.g. 'Conv2d(3, 64, 7, stride=2, padding=3)'; repeat it for "
                                "a chain, drawn layer after layer (activations and "
                                "normalisations such as 'ReLU()' are named, not drawn)")
        layer.add_argument("--input", metavar="C,H,W",
                           help="the input's shape with --layer, e.g. 3,224,224")
    output = parser.add_argument_group("output")
    output.add_argument("--out", metavar="PATH", action="append",
                        help="file to write, repeatable; its suffix picks the format "
                             f"({describe_suffixes()}); default gif/NAME.gif. A "
                             f"storyboard sheet is at most {MAX_SHEET_POINTS:,} pt a "
                             "side, and one drawn by TeX shows at most "
                             f"{TEX_SHEET_CELLS['numerical']:,} cells of a numerical "
                             "figure")
    output.add_argument("--svg-frames", metavar="DIR",
                        help="also write one SVG per step into DIR")
    output.add_argument("--fps", type=bounded_number(float, *FPS_RANGE), default=1.0,
                        help=f"steps per second (default 1, from {FPS_RANGE[0]:g} to "
                             f"{FPS_RANGE[1]:g})")
    output.add_argument("--hold-last", metavar="SECONDS",
                        type=bounded_number(float, *HOLD_RANGE), default=0.0,
                        help="show the last step this much longer before the "
                             f"animation loops (default 0, at most {HOLD_RANGE[1]:g})")
    output.add_argument("--dpi", type=bounded_number(int, *DPI_RANGE), default=None,
                        help=f"raster resolution of the {'PNG ' if frames else ''}frames "
                             f"(default {DEFAULT_DPI}, or the preset's; from {DPI_RANGE[0]} to "
                             f"{DPI_RANGE[1]}); a frame may have at most "
                             f"{megapixels(MAX_FRAME_PIXELS)} megapixels "
                             f"({megapixels(MAX_VIDEO_PIXELS)}, as "
                             f"{MAX_VIDEO_SIZE[0]}x{MAX_VIDEO_SIZE[1]}, in a video), and "
                             "larger ones are refused with the resolution that fits")
    output.add_argument("--preset", choices=("web", "slides", "paper"), default="web",
                        help="how large to draw: web (default, 150 dpi), paper (300 dpi) "
                             "or slides (every frame fits 1920x1080, no text under 20 px "
                             "and no line under 2 px; native renderer)")
    output.add_argument("--page-size", choices=("a4", "letter"), default="a4",
                        help="paper of a PDF storyboard from the native renderer: as many "
                             "steps to a page as fit legibly (default a4)")
    output.add_argument("--caption", action=argparse.BooleanOptionalAction, default=None,
                        help="a line above each frame with the layer and the step, e.g. "
                             "'Conv2d(3, 64, k=7, s=2, p=3) \u00b7 step 17/12,544' "
                             "(native renderer; by default for a layer drawn elided only)")
    output.add_argument("--steps", metavar="STEPS",
                        help="the steps to show: 'all', numbers and ranges ('0-8,17'), "
                             "'row:R' or 'channel:C' (default: every step"
                             + ("" if frames else f", or for more than {STORY_ABOVE} the "
                                "story of the layer: its first cells, one beyond the "
                                "middle, the last, and the last channel's") + ")")
    default = "tex" if frames else "native"
    output.add_argument("--renderer", choices=("native", "tex"), default=default,
                        help="native: the figure drawn as SVG and rasterised by resvg, "
                             "no system program; tex: TikZ through pdflatex and "
                             f"poppler, as the catalogue (default {default}; tex falls "
                             "back to native where pdflatex is missing)")
    return parser


def refuse_catalogue_name(name: str) -> None:
    """Custom animations may not take a catalogue name: their files would
    replace the ones make builds and the report shows."""
    from .model.catalogue import CATALOGUE
    if name in {entry.name for entry in CATALOGUE}:
        raise ParameterError(
            f"'{name}' is an animation of the catalogue: its files in pdf/, png/ and "
            f"gif/ are built by 'make all_animations' (and shown in the report), so "
            f"animate does not overwrite them. Give your animation another name, "
            f"e.g. 'my_{name}'.")


def output_paths(args, frames: bool) -> list[Path]:
    """Every --out (default gif/NAME.gif), checked before anything is built."""
    from .export.writers import writer_for
    outs = []
    for text in args.out or [FIGURE_DIRS["gif"] / f"{args.name}.gif"]:
        path = check_output_path(text, "--out")
        writer_for(path, "--out")
        refuse_kept_files(path, args, frames)
        outs.append(path)
    if args.svg_frames is not None:
        check_output_path(args.svg_frames, "--svg-frames", directory=True)
    for directory in (FIGURE_DIRS["pdf"], FIGURE_DIRS["png"]) if frames else ():
        check_output_path(directory, f"The {directory}/ directory", directory=True)
    return outs


def refuse_kept_files(path: Path, args, frames: bool) -> None:
    """--out may not name a file that make builds (make would take the
    overwritten file for up to date), nor a frame this run writes itself."""
    from .model.catalogue import refuse_built_by_make
    refuse_built_by_make(path, f"--out {path}")
    own = [(FIGURE_DIRS[folder], folder) for folder in ("pdf", "png") if frames]
    if args.svg_frames is not None:
        own.append((Path(args.svg_frames), "svg"))
    real = Path(os.path.realpath(path.parent)) / path.name
    for directory, suffix in own:
        if real.parent == Path(os.path.realpath(directory)) and re.fullmatch(
                rf"{re.escape(args.name)}_[0-9]+\.{suffix}", real.name):
            raise ParameterError(
                f"--out {path} is where this run writes a frame of its own "
                f"({directory}/{args.name}_NN.{suffix}); choose another path.")


def animate(argv: Sequence[str], prog: str = "animate") -> int:
    """bin/animate: the outputs, and the frames in pdf/ and png/."""
    return _animate(argv, prog, frames=True)


def animate_outputs(argv: Sequence[str], prog: str = "convarith animate") -> int:
    """`convarith animate`: the outputs only; the frames stay in a private directory."""
    return _animate(argv, prog, frames=False)


def _animate(argv: Sequence[str], prog: str, frames: bool) -> int:
    from .export.timing import check_timing
    args = animate_parser(prog, frames).parse_args(argv)
    refuse_catalogue_name(args.name)
    timing = check_timing(args.fps, args.hold_last)
    if getattr(args, "layer", None) or getattr(args, "input", None):
        return _animate_layers(args, argv, timing, prog)
    spec = spec_from_args(args.kind, args.name, args)
    # After the parameters, so a bad parameter is what gets reported.
    outs = output_paths(args, frames)
    from .build import figure_pages
    from .model.steps import parse_steps, story_steps
    if args.steps is not None:
        args.chosen_steps = parse_steps(args.steps, spec)
    else:
        # bin/animate writes every frame to png/, unless the layer is too
        # large to draw whole.
        args.chosen_steps = (list(range(spec.steps)) if frames and not spec.elided
                             else story_steps(spec))
    say = f"{prog}:"
    from .animation import available_renderer
    args.renderer = available_renderer(args.renderer,
                                       lambda notice: print(f"{say} {notice}", file=sys.stderr))
    if args.renderer == "tex":
        from .cli import FLAGS
        spec.check_whole(FLAGS, native="--renderer native")
    if args.caption is None:
        args.caption = spec.elided and args.renderer == "native"
    if args.caption and args.renderer == "tex":
        raise ParameterError("--caption is drawn by the native renderer: drop "
                             "--renderer tex, or --caption.")
    if args.preset == "slides" and args.renderer == "tex":
        raise ParameterError("--preset slides scales the figures' text and lines, which the "
                             "native renderer does: drop --renderer tex, or give TeX a "
                             "--dpi instead.")
    if args.dpi is None:
        args.dpi = 300 if args.preset == "paper" else DEFAULT_DPI
    # Every output against its format's limits, and png/'s frames, before any work.
    from .cli import FLAGS
    from .export.limits import check_frames
    from .export.writers import check_outputs
    rendering = _rendering(spec, args)
    check_outputs(rendering, outs, "--out", FLAGS)
    if frames:
        check_frames(rendering, FLAGS)
    channels = (f" in {spec.out_channels} channels" if spec.multichannel else "")
    shown = ("" if len(args.chosen_steps) == spec.steps
             else f", showing {len(args.chosen_steps)} of them")
    print(f"{say} {spec.name}: {spec.steps} steps, output "
          f"{spec.output_size[0]}x{spec.output_size[1]}{channels}{shown}", file=sys.stderr)
    # Players and storyboards draw their own pictures: no frames are rendered
    # for them, so TeX need not typeset any step first.
    from .export.writers import writer_for
    frameless = not frames and not any(writer_for(out).frames for out in outs)
    if args.renderer == "native" or frameless:
        _write_native(spec, outs, timing, args, say, frames)
        return 0
    pages = figure_pages(spec, args.chosen_steps)
    if frames:
        _write_with_frames(spec, pages, outs, timing, args, say)
    else:
        _write_outputs_only(spec, pages, outs, timing, args, say)
    return 0


def _rendering(spec: FigureSpec, args, **made):
    """The Animation the command line draws, with frames or pages `made` already."""
    from .animation import Animation
    return Animation(spec, args.dpi, renderer=args.renderer, steps=args.chosen_steps,
                     preset=args.preset, caption=args.caption, page_size=args.page_size,
                     **made)


def _write_outputs(spec: FigureSpec, pages, frames, outs, timing, args, staged) -> list[str]:
    """Stage every output (and --svg-frames); the lines to print once committed."""
    from .export.writers import write_outputs
    rendering = _rendering(spec, args, frames=frames, step_pdfs=pages)
    from .cli import FLAGS
    done = [f"{out.suffix.lstrip('.'):4s} {out}"
            for out in write_outputs(rendering, outs, timing, staged, "--out", FLAGS)]
    if args.svg_frames:
        directory = Path(args.svg_frames)
        svgs = rendering.svg_frames()
        for stem, svg in svgs.items():
            write_staged(staged, directory / f"{stem}.svg", svg)
        done.append(f"svg  {len(svgs)} frames -> {directory}/")
    return done


def write_staged(staged, path: Path, data: bytes) -> None:
    from .files import write_error
    try:
        staged.stage(path).write_bytes(data)
    except OSError as error:
        raise write_error(path.parent, error) from None


def _report(say: str, lines) -> None:
    for line in lines:
        print(f"{say} {line}", file=sys.stderr)


def _write_native(spec: FigureSpec, outs, timing, args, say: str, frames: bool) -> None:
    """The native renderer's outputs; bin/animate also writes png/ (there are
    no PDF pages to write).  Everything is staged and moved into place
    together, so a run that fails (out of memory, say) changes no file."""
    from .animation import presented
    from .build import memory_guard, stale_frames, step_paths
    from .files import StagedFiles, output_lock
    from .render.native_png import NativeFrames
    from .render.raster import write_pngs
    shown = presented(spec, tuple(args.chosen_steps), args.preset, args.dpi, args.caption)
    images = NativeFrames(shown.scene, shown.dpi, shown.line_scale)
    lock = output_lock(FIGURE_DIRS["pdf"], spec.name) if frames else contextlib.nullcontext()
    with lock, memory_guard(spec.name, args.dpi):
        with StagedFiles() as staged:
            done = []
            if frames:
                pngs = step_paths(spec, args.chosen_steps, FIGURE_DIRS["png"], ".png")
                write_pngs(images, pngs, staged)
                done.append(f"png  {len(pngs)} frames at {args.dpi} dpi -> "
                            f"{FIGURE_DIRS['png']}/")
            done += _write_outputs(spec, None, images, outs, timing, args, staged)
            staged.commit()
        if frames:
            for stale in stale_frames(FIGURE_DIRS["png"], spec.name, ".png", pngs):
                stale.unlink(missing_ok=True)
    _report(say, done)


def _write_outputs_only(spec: FigureSpec, pages, outs, timing, args, say: str) -> None:
    from .build import memory_guard, step_paths
    from .files import StagedFiles, private_workdir
    from .render.raster import PageFrames
    with private_workdir("animate") as workdir, memory_guard(spec.name, args.dpi):
        pdfs = step_paths(spec, args.chosen_steps, workdir, ".pdf")
        for pdf, page in zip(pdfs, pages):
            pdf.write_bytes(page)
        with StagedFiles() as staged:
            done = _write_outputs(spec, pages, PageFrames(pdfs, args.dpi), outs, timing, args,
                                  staged)
            staged.commit()
    _report(say, done)


def _write_with_frames(spec: FigureSpec, pages, outs, timing, args, say: str) -> None:
    from .build import memory_guard, stale_frames, step_paths
    from .files import StagedFiles, output_lock
    from .render.raster import PageFrames, write_pngs
    steps = args.chosen_steps
    pdfs = step_paths(spec, steps, FIGURE_DIRS["pdf"], ".pdf")
    pngs = step_paths(spec, steps, FIGURE_DIRS["png"], ".png")
    # One run at a time per name: the PDFs, PNGs and outputs of this run
    # replace those of any other as one set, moved into place together once
    # all are complete, so a run that fails (out of memory, say) changes no file.
    with output_lock(FIGURE_DIRS["pdf"], spec.name), memory_guard(spec.name, args.dpi):
        with StagedFiles() as staged:
            for pdf, page in zip(pdfs, pages):
                write_staged(staged, pdf, page)
            # One lazy sequence for the PNGs and every output (kept after the
            # first pass when small, re-rendered in batches when not).
            frames = PageFrames([staged.staged_as(pdf) for pdf in pdfs], args.dpi)
            write_pngs(frames, pngs, staged)
            done = [f"pdf  {len(pdfs)} pages -> {FIGURE_DIRS['pdf']}/",
                    f"png  {len(pngs)} frames at {args.dpi} dpi -> {FIGURE_DIRS['png']}/"]
            done += _write_outputs(spec, pages, frames, outs, timing, args, staged)
            staged.commit()
        # Frames an earlier run with more steps left would mix with these.
        for directory, suffix, kept in ((FIGURE_DIRS["pdf"], ".pdf", pdfs),
                                        (FIGURE_DIRS["png"], ".png", pngs)):
            for stale in stale_frames(directory, spec.name, suffix, kept):
                stale.unlink(missing_ok=True)
    _report(say, done)


#: Flags that describe a figure by its sizes, which --layer replaces.
GEOMETRY_FLAGS = ("-i", "--input-size", "-k", "--kernel-size", "-s", "--stride", "-p",
                  "--padding", "-d", "--dilation", "-o", "--output-size", "--in-channels",
                  "--out-channels", "--groups", "--transposed", "--transposed-input", "-m",
                  "--mode", "--type")


def _animate_layers(args, argv: Sequence[str], timing, prog: str) -> int:
    """`convarith animate NAME --layer ... --input C,H,W`: one layer, or a chain."""
    from .api import from_layer
    from .model.layers import ELEMENTWISE, parse_layer
    given = sorted({token.split("=", 1)[0] for token in argv if token.split("=", 1)[0]
                    in GEOMETRY_FLAGS})
    if not args.layer or not args.input or given:
        raise ParameterError(
            "A layer is drawn from --layer (repeatable, for a chain) and --input together, "
            "without the size flags" + (f" ({', '.join(given)})" if given else "") +
            ", e.g. convarith animate stem --layer 'Conv2d(3, 64, 7, stride=2, padding=3)' "
            "--input 3,224,224.")
    if args.svg_frames or args.renderer != "native":
        raise ParameterError("--layer is drawn by the native renderer, without --svg-frames "
                             "and --renderer; use the size flags for those.")
    shape = [parse_int(part) for part in args.input.split(",")]
    if None in shape or len(shape) not in (3, 4):
        raise ParameterError(f"--input must be the input's shape C,H,W (or N,C,H,W), such as "
                             f"3,224,224, not {args.input!r}.")
    layers = [parse_layer(text) for text in args.layer]
    drawn = [layer for layer in layers if layer.op != ELEMENTWISE]
    from .cli import FLAGS, parse_max_steps
    look = dict(preset=args.preset, caption=args.caption, labels=args.labels,
                theme=args.theme, max_steps=parse_max_steps(args.max_steps))
    if not drawn:
        raise ParameterError(f"{', '.join(layer.name() for layer in layers)} only keep the "
                             "input's shape: there is nothing to draw; give a convolution "
                             "or a pooling layer.")
    if len(drawn) > 1 and args.caption is False:
        raise ParameterError("--no-caption: a chain's frames carry each layer's caption, "
                             "which says which layer is drawn; drop --no-caption, or draw "
                             "each layer with one --layer.")
    if len(drawn) == 1 and layers[0].op != ELEMENTWISE:
        rendering = from_layer(layers[0], shape, **look)
        # Messages name the figure as the command line did.
        import dataclasses
        rendering.spec = dataclasses.replace(rendering.spec, name=args.name)
        if args.steps is not None:
            from .model.steps import parse_steps
            rendering.steps = tuple(parse_steps(args.steps, rendering.spec))
        what = (f"{layers[0].name()}: {rendering.spec.steps:,} steps, showing "
                f"{len(rendering.steps)}")
    else:
        if args.steps is not None:
            raise ParameterError("--steps applies to one layer; a chain shows each layer's "
                                 "own steps (the story of a large one).")
        from .chain import chain_of_layers
        rendering = chain_of_layers(layers, shape, look, from_layer)
        what = f"a chain of {len(rendering.links)} layers, {len(rendering.steps)} frames"
    if args.dpi is not None:
        rendering.dpi = args.dpi        # a chain's sets each layer's
    outs = output_paths(args, False)
    print(f"{prog}: {args.name}: {what}", file=sys.stderr)
    # Every output checked before any is drawn, and all moved into place together.
    for written in rendering._write(outs, timing, FLAGS, "--out"):
        print(f"{prog}: {written.suffix.lstrip('.'):4s} {written}", file=sys.stderr)
    return 0
