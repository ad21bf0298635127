"""Command-line parsing shared by bin/produce_figure, bin/animate and the catalogue.

Parsing is stdlib-only so that bin/generate_makefile can build specs from the
catalogue on a bare python3.  Errors become one paragraph on stderr and a
non-zero exit status, never a traceback.
"""

from __future__ import annotations

import argparse
import re
import signal
import sys
from typing import Callable, Sequence

from .errors import ConvArithError, ParameterError
from .settings import debug, single_blas_thread
from .model.geometry import PADDING_MODES, DirectAxis, TransposedAxis, causal_padding, same_padding
from .model.spec import (KINDS, MAX_CHANNELS, MODES, FigureSpec, pooling_channels_message,
                   pooling_padding_message)
from .model.theme import DEFAULT_THEME, parse_theme

AXES = ("height", "width")
#: Import names whose package on PyPI is called differently.
DISTRIBUTIONS = {"PIL": "pillow"}
#: A whole number as users type it: ASCII digits only (str.isdigit() also
#: accepts characters such as '²' that int() then rejects).
INTEGER = re.compile(r"-?[0-9]+", re.ASCII)


#: A decimal number as users type it: ASCII only, no '_' separators, no
#: 'nan' or 'inf' (float() accepts all of those).
DECIMAL = re.compile(r"[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?", re.ASCII)


def parse_int(text: str) -> int | None:
    """int(text) for a plain ASCII whole number, else None."""
    text = str(text).strip()
    return int(text) if INTEGER.fullmatch(text) else None


def parse_float(text: str) -> float | None:
    """float(text) for a plain ASCII decimal number, else None."""
    text = str(text).strip()
    return float(text) if DECIMAL.fullmatch(text) else None


def bounded_number(kind: type, low, high):
    """argparse type: a number from `low` to `high` typed in plain ASCII
    digits (as the geometry flags are), with the range in the message."""
    def convert(text: str):
        value = parse_int(text) if kind is int else parse_float(text)
        if value is None or not low <= value <= high:
            # argparse prefixes "argument FLAG: "
            raise argparse.ArgumentTypeError(
                f"must be a {'whole ' if kind is int else ''}number between {low} "
                f"and {high}, not {text!r}")
        return value
    return convert


class ArgumentParser(argparse.ArgumentParser):
    """argparse that raises ParameterError instead of printing usage and exiting."""

    def error(self, message):
        raise ParameterError(f"{message[0].upper()}{message[1:]}. "
                             f"Run '{self.prog} --help' for the options.")


def parse_pair(flag: str, text: str | None, minimum: int) -> tuple[int, int] | None:
    """'3' -> (3, 3); '3,2' -> (3, 2) as (height, width)."""
    if text is None:
        return None
    parts = [parse_int(p) for p in str(text).split(",")]
    if len(parts) not in (1, 2) or None in parts:
        raise ParameterError(
            f"{flag} must be a whole number or two separated by a comma "
            f"(height,width), such as 3 or 3,2; got {text!r}.")
    values = parts
    for value in values:
        if value < minimum:
            raise ParameterError(f"{flag} must be at least {minimum}, but it is {value}.")
    return (values[0], values[-1])


def add_geometry_arguments(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group(
        "geometry (each takes N, or H,W for height and width)")
    g.add_argument("-i", "--input-size", metavar="N",
                   help="input size of the direct convolution")
    g.add_argument("-o", "--output-size", metavar="N",
                   help="output size of the direct convolution; derived when "
                        "absent, checked when given")
    g.add_argument("-k", "--kernel-size", metavar="N", help="kernel size (required)")
    g.add_argument("-s", "--stride", metavar="N", default="1", help="stride (default 1)")
    g.add_argument("-p", "--padding", metavar="N", default="0",
                   help="padding on each side (default 0); 'same' keeps the size "
                        "(PyTorch's for stride 1, TensorFlow's SAME above, odd cell "
                        "at the bottom/right); 'causal' pads d(k-1) on the left of "
                        "a 1-D figure (input and kernel height 1)")
    g.add_argument("--padding-mode", metavar="MODE", default="zeros",
                   help=f"what padded cells hold, as PyTorch's Conv2d: "
                        f"{', '.join(PADDING_MODES)} (default zeros)")
    g.add_argument("-d", "--dilation", metavar="N", default="1",
                   help="dilation, 1 for none (default 1)")
    g.add_argument("--transposed", action="store_true",
                   help="draw the transposed convolution of the direct one "
                        "described by -i/-o/-k/-s/-p/-d")
    f = parser.add_argument_group(
        "transposed convolution in framework terms (like PyTorch's ConvTranspose2d)")
    f.add_argument("--transposed-input", metavar="N",
                   help="input size of the transposed convolution itself; "
                        "use instead of -i/-o/--transposed")
    f.add_argument("--output-padding", metavar="A",
                   help="extra output rows/columns at the bottom/right; must be "
                        "smaller than the stride or the dilation (needs "
                        "--transposed-input)")
    c = parser.add_argument_group(
        "channels (named as in PyTorch)",
        "They always describe the drawn layer: for a --transposed figure, the "
        "ConvTranspose2d(in_channels, out_channels, groups=G) that is drawn, "
        "although -i/-o keep the direct-convolution convention.")
    c.add_argument("--in-channels", metavar="C", default=None,
                   help=f"input channels (default 1, at most {MAX_CHANNELS}); pooling "
                        "works on each channel on its own and takes only this one")
    c.add_argument("--out-channels", metavar="C", default=None,
                   help=f"output channels (default 1, at most {MAX_CHANNELS})")
    c.add_argument("--groups", metavar="G", default=None,
                   help="channel groups, dividing both counts (default 1); "
                        "--groups equal to --in-channels is a depthwise convolution")
    pool = parser.add_argument_group("pooling (as PyTorch's max_pool2d and avg_pool2d)")
    pool.add_argument("--ceil-mode", action="store_true",
                      help="round the output size up: the last window may hang over "
                           "the edge, but must start inside the input or its left padding")
    pool.add_argument("--count-include-pad", dest="count_include_pad", action="store_true",
                      default=None, help="average pooling: padded zeros count in the "
                                         "mean (the default)")
    pool.add_argument("--no-count-include-pad", dest="count_include_pad",
                      action="store_false", help="average pooling: the mean is over "
                                                 "input cells only")
    look = parser.add_argument_group("look")
    look.add_argument("-m", "--mode", default="convolution",
                      help=f"numerical figures: {', '.join(MODES)} (default convolution)")
    look.add_argument("--labels", dest="labels", action="store_true", default=True,
                      help="write 'input' and 'output' by the maps and mark zeros "
                           "(the default)")
    look.add_argument("--no-labels", dest="labels", action="store_false",
                      help="no labels, as in the classic animations")
    look.add_argument("--theme", default=None, metavar="THEME",
                      help="palette: solarized (default), grayscale or colorblind, "
                           "optionally followed by ROLE=#RRGGBB overrides with ROLE "
                           "one of input, output, footprint, lines, e.g. "
                           "'solarized,input=#ff8800'")
    look.add_argument("--max-steps", default=None, metavar="N",
                      help="refuse figures with more steps than N (default 1024, "
                           "or $CONVARITH_MAX_STEPS)")


def _numeric_padding(text: str) -> tuple[int, int]:
    try:
        return parse_pair("--padding", text, 0)
    except ParameterError as error:
        if "at least" in str(error):
            raise
        raise ParameterError(
            f"--padding must be a whole number, two separated by a comma "
            f"(height,width) such as 1 or 1,2, or one of {', '.join(NAMED_PADDINGS)}; "
            f"got {text!r}.") from None


def _axes(args) -> tuple:
    k = parse_pair("--kernel-size", args.kernel_size, 1)
    if k is None:
        raise ParameterError("--kernel-size (-k) is required, e.g. -k 3.")
    s = parse_pair("--stride", args.stride, 1)
    named = str(args.padding).strip().lower()
    p = (0, 0) if named in NAMED_PADDINGS else _numeric_padding(args.padding)
    d = parse_pair("--dilation", args.dilation, 1)
    mode = getattr(args, "padding_mode", "zeros")
    if mode not in PADDING_MODES:
        raise ParameterError(f"Unknown --padding-mode {mode!r}; choose one of "
                             f"{', '.join(PADDING_MODES)} (as PyTorch's Conv2d).")
    transposed = args.transposed_input is not None or args.transposed
    if args.mode != "convolution" and (named in NAMED_PADDINGS or mode != "zeros"):
        raise ParameterError(pooling_padding_message(args.mode))
    if transposed and (named in NAMED_PADDINGS or mode != "zeros"):
        raise ParameterError(
            "A transposed convolution takes a whole-number zero padding, as PyTorch's "
            "ConvTranspose2d does (it has no padding='same' or 'causal' and only "
            "padding_mode 'zeros'); drop --padding-mode, or give -p a number.")
    if args.transposed_input is not None:
        if args.input_size is not None or args.output_size is not None or args.transposed:
            raise ParameterError(
                "--transposed-input describes the transposed convolution itself; "
                "do not combine it with -i, -o or --transposed, which describe "
                "the direct convolution whose transpose is drawn.")
        i_t = parse_pair("--transposed-input", args.transposed_input, 1)
        a = parse_pair("--output-padding", args.output_padding or "0", 0)
        square = all(v[0] == v[1] for v in (i_t, k, s, p, d, a))
        return tuple(TransposedAxis(i=i_t[n], k=k[n], s=s[n], p=p[n], d=d[n], a=a[n],
                                    axis="" if square else AXES[n]) for n in range(2))
    if args.output_padding is not None:
        raise ParameterError(
            "--output-padding needs --transposed-input (the transposed "
            "convolution's own input size). With -i/--transposed the extra "
            "cells follow from the direct convolution's sizes.")
    i = parse_pair("--input-size", args.input_size, 1)
    if i is None:
        raise ParameterError("--input-size (-i) is required, e.g. -i 5 "
                             "(or --transposed-input for a transposed convolution).")
    if named == "causal" and (i[0], k[0]) != (1, 1):
        raise ParameterError(
            f"--padding causal is for 1-D figures: input height 1 and kernel height 1 "
            f"(e.g. -i 1,16 -k 1,2), but the input height is {i[0]} and the kernel "
            f"height {k[0]}. It pads d(k-1) cells on the left only.")
    square = all(v[0] == v[1] for v in (i, k, s, p, d))
    ceil_mode = bool(getattr(args, "ceil_mode", False))
    axes = []
    for n in range(2):
        before, after = p[n], p[n]
        if named == "same":
            before, after = same_padding(i[n], k[n], s[n], d[n])
        elif named == "causal":
            before, after = causal_padding(k[n], d[n])
        axes.append(DirectAxis(i=i[n], k=k[n], s=s[n], p=before, d=d[n],
                               axis="" if square else AXES[n],
                               p_after=None if after == before else after,
                               padding_mode=mode, ceil_mode=ceil_mode))
    axes = tuple(axes)
    expected = parse_pair("--output-size", args.output_size, 1)
    implied = (axes[0].o, axes[1].o)
    if expected is not None and expected != implied:
        shown = f"{implied[0]}" if implied[0] == implied[1] else f"{implied[0]},{implied[1]}"
        given = args.output_size
        raise ParameterError(
            f"--output-size {given} does not match the other parameters, which "
            f"imply an output size of {shown} (o = floor((i + 2p - (k-1)d - 1)/s) + 1). "
            f"Drop -o to derive it, or pass -o {shown}.")
    if args.transposed:
        axes = tuple(ax.transposed() for ax in axes)
    return axes


#: Paddings given by name rather than number.
NAMED_PADDINGS = ("same", "causal")


def parse_count(flag: str, text: str | None) -> int | None:
    """A channel or group count: a plain whole number of at least 1."""
    if text is None:
        return None
    value = parse_int(text)
    if value is None or value < 1:
        raise ParameterError(f"{flag} must be a whole number of at least 1 (such as "
                             f"1, 2 or 3), not {text!r}.")
    return value


def _channels(args) -> dict:
    """in_channels, out_channels and groups; pooling keeps every channel apart."""
    given = {key: parse_count(flag, getattr(args, key, None)) for key, flag in (
        ("in_channels", "--in-channels"), ("out_channels", "--out-channels"),
        ("groups", "--groups"))}
    if args.mode != "convolution":
        if given["out_channels"] is not None or given["groups"] is not None:
            raise ParameterError(pooling_channels_message(args.mode))
        count = given["in_channels"] or 1
        return {"in_channels": count, "out_channels": count, "groups": count}
    return {key: 1 if value is None else value for key, value in given.items()}


def spec_from_args(kind: str, name: str, args) -> FigureSpec:
    """A validated FigureSpec from parsed geometry arguments."""
    if kind not in KINDS:
        raise ParameterError(f"Unknown figure type {kind!r}; choose one of "
                             f"{', '.join(KINDS)}.")
    if args.mode not in MODES:
        raise ParameterError(f"Unknown --mode {args.mode!r}; choose one of "
                             f"{', '.join(MODES)}.")
    if args.mode != "convolution" and kind == "arithmetic":
        raise ParameterError(f"--mode {args.mode} applies to numerical figures only; "
                             "arithmetic figures show no values.")
    theme = parse_theme(args.theme) if args.theme is not None else DEFAULT_THEME
    max_steps = None
    if args.max_steps is not None:
        max_steps = parse_int(args.max_steps)
        if max_steps is None or max_steps < 1:
            raise ParameterError(f"--max-steps must be a whole number of at least 1, "
                                 f"not {args.max_steps!r}.")
    return FigureSpec(name=name, kind=kind, axes=_axes(args), mode=args.mode,
                      labels=args.labels, theme=theme, max_steps=max_steps,
                      count_include_pad=_count_include_pad(args), **_channels(args))


def _count_include_pad(args) -> bool:
    """PyTorch's default (True) unless the flag says otherwise; only average
    pooling takes the flag (FigureSpec refuses it elsewhere)."""
    given = getattr(args, "count_include_pad", None)
    if given is not None and args.mode != "average":
        raise ParameterError(
            f"--{'' if given else 'no-'}count-include-pad applies to average pooling "
            f"only (-m average), not to {args.mode}.")
    return True if given is None else given


def geometry_spec(kind: str, name: str, argv: Sequence[str]) -> FigureSpec:
    """Spec from a flag list such as the catalogue's ``-i 5 -k 3 -s 2``."""
    parser = ArgumentParser(prog=name, add_help=False)
    add_geometry_arguments(parser)
    return spec_from_args(kind, name, parser.parse_args(list(argv)))


def catalogue_spec(entry) -> FigureSpec:
    """The spec of a catalogue entry: its command line, read as bin/produce_figure reads it."""
    return geometry_spec(entry.kind, entry.name, entry.argv)


def run(main: Callable[[Sequence[str]], int], argv: Sequence[str] | None = None,
        prog: str = "convarith") -> int:
    """Call `main`, turning our errors into one paragraph and an exit status."""
    if argv is None:
        # make sends SIGTERM to its recipes when it is terminated: unwind as for
        # Ctrl-C, so temporary files are removed on the way out.
        signal.signal(signal.SIGTERM, _interrupt)
        single_blas_thread()
    try:
        return main(sys.argv[1:] if argv is None else argv)
    except ConvArithError as error:
        print(f"{prog}: error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print(f"{prog}: interrupted; no partial file was left.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except ImportError as error:
        module = (error.name or "").split(".")[0]
        if not module or module == __package__:
            return _internal_error(prog, error)
        package = DISTRIBUTIONS.get(module, module)
        print(f"{prog}: error: the Python package '{package}' is not installed for "
              f"{sys.executable}. Run 'make setup', which makes .venv with every "
              "package, and use .venv/bin/python (or 'pip install -e .').",
              file=sys.stderr)
        return 1
    except OSError as error:
        # A file named on the command line is missing, unreadable or not what
        # it should be (e.g. a PNG that is not an image).
        reason = (error.strerror or str(error)).rstrip(".")
        if error.filename:
            reason = f"cannot use '{error.filename}': {reason}"
        print(f"{prog}: error: {reason}.", file=sys.stderr)
        return 1
    except Exception as error:
        if type(error).__module__.partition(".")[0] == "jinja2":
            # A template (templates/*.tex.j2) that Jinja2 cannot load or render.
            where = ""
            if getattr(error, "filename", None):
                where += f" in {error.filename}"
            if getattr(error, "lineno", None):
                where += f", line {error.lineno}"
            print(f"{prog}: error: a figure template could not be used{where} "
                  f"({type(error).__name__}: {error}); no file was written.",
                  file=sys.stderr)
            return 3
        return _internal_error(prog, error)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _internal_error(prog: str, error: BaseException) -> int:
    """A bug: say so in one paragraph, keep the details on demand."""
    if debug():
        raise error
    print(f"{prog}: internal error ({type(error).__name__}: {error}). This is a "
          "bug; please report it with the command you ran. Set CONVARITH_DEBUG=1 "
          "to see the traceback.", file=sys.stderr)
    return 70
