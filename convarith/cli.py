"""Command-line parsing shared by bin/produce_figure, bin/animate and the catalogue.

The flags' text becomes Python values here; convarith.model.parameters
checks them, worded with the flags (FLAGS), as it checks the API's.
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
from .model.geometry import PADDING_MODES
from .model.parameters import NAMED_PADDINGS, figure_spec
from .model.spec import MAX_CHANNELS, MODES, FigureSpec
from .model.vocabulary import Vocabulary
from .settings import DEFAULT_MAX_STEPS, MAX_STEPS_ENV, debug, single_blas_thread

#: How messages name the parameters: by the flags that set them.
FLAGS = Vocabulary("flag", {
    "kind=arithmetic": "--type arithmetic",
    "mode=average": "-m average",
    "pooling": "-m max or -m average",
    "count_include_pad=True": "--count-include-pad",
    "count_include_pad=False": "--no-count-include-pad",
    "causal example": "-i 1,16 -k 1,2",
})
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


def parse_pair(flag: str, text: str | None) -> tuple[int, int] | None:
    """'3' -> (3, 3); '3,2' -> (3, 2) as (height, width); the range is the model's to check."""
    if text is None:
        return None
    parts = [parse_int(p) for p in str(text).split(",")]
    if len(parts) not in (1, 2) or None in parts:
        raise ParameterError(
            f"{flag} must be a whole number or two separated by a comma "
            f"(height,width), such as 3 or 3,2; got {text!r}.")
    return (parts[0], parts[-1])


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
                   help="padding on each side (default 0); 'valid' is none; 'same' "
                        "keeps the size (PyTorch's for stride 1, TensorFlow's SAME "
                        "above, odd cell at the bottom/right); 'causal' pads d(k-1) on "
                        "the left of a 1-D figure (input and kernel height 1)")
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
                   help=f"input channels (default 1; above {MAX_CHANNELS}, an arithmetic "
                        f"figure draws {MAX_CHANNELS} of them); pooling works on each "
                        "channel on its own and takes only this one")
    c.add_argument("--out-channels", metavar="C", default=None,
                   help=f"output channels (default 1; above {MAX_CHANNELS}, an arithmetic "
                        f"figure draws {MAX_CHANNELS} of them)")
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
                      help=f"refuse figures with more steps than N (default "
                           f"{DEFAULT_MAX_STEPS}, or ${MAX_STEPS_ENV})")


def parse_padding(text: str):
    """A padding's name ('valid', 'same', 'causal'), or its numbers."""
    named = str(text).strip().lower()
    if named in NAMED_PADDINGS:
        return named
    try:
        return parse_pair("--padding", text)
    except ParameterError:
        raise ParameterError(
            f"--padding must be a whole number, two separated by a comma "
            f"(height,width) such as 1 or 1,2, or one of {', '.join(NAMED_PADDINGS)}; "
            f"got {text!r}.") from None


def parse_count(flag: str, text: str | None) -> int | None:
    """A channel or group count: a plain whole number of at least 1."""
    if text is None:
        return None
    value = parse_int(text)
    if value is None or value < 1:
        raise ParameterError(f"{flag} must be a whole number of at least 1 (such as "
                             f"1, 2 or 3), not {text!r}.")
    return value


def _geometry(args) -> tuple[dict, Vocabulary]:
    """figure_axes's keywords from the flags, and the words for their messages.

    The flags describe a transposed convolution in one of two ways, which do
    not mix: by its own input (--transposed-input, --output-padding), or as
    the transpose of the direct convolution -i/-o/-k/... (--transposed)."""
    kernel = parse_pair("--kernel-size", args.kernel_size)
    if kernel is None:
        raise ParameterError("--kernel-size (-k) is required, e.g. -k 3.")
    geometry = dict(kernel_size=kernel, stride=parse_pair("--stride", args.stride),
                    padding=parse_padding(args.padding),
                    dilation=parse_pair("--dilation", args.dilation),
                    padding_mode=getattr(args, "padding_mode", "zeros"),
                    ceil_mode=bool(getattr(args, "ceil_mode", False)))
    if args.transposed_input is not None:
        if args.input_size is not None or args.output_size is not None or args.transposed:
            raise ParameterError(
                "--transposed-input describes the transposed convolution itself; "
                "do not combine it with -i, -o or --transposed, which describe "
                "the direct convolution whose transpose is drawn.")
        geometry.update(transposed=True,
                        input_size=parse_pair("--transposed-input", args.transposed_input),
                        output_padding=parse_pair("--output-padding",
                                                  args.output_padding or "0"))
        return geometry, FLAGS.renamed(input_size="--transposed-input")
    if args.output_padding is not None:
        raise ParameterError(
            "--output-padding needs --transposed-input (the transposed "
            "convolution's own input size). With -i/--transposed the extra "
            "cells follow from the direct convolution's sizes.")
    geometry.update(input_size=parse_pair("--input-size", args.input_size),
                    transpose_of_direct=bool(args.transposed))
    if geometry["input_size"] is None:
        raise ParameterError("--input-size (-i) is required, e.g. -i 5 "
                             "(or --transposed-input for a transposed convolution).")
    return geometry, FLAGS


def check_output_size(spec: FigureSpec, text: str) -> None:
    """-o is optional and redundant: when given, it must be what the other
    flags imply (for --transposed, the direct convolution's output)."""
    expected = parse_pair("--output-size", text)
    for value in expected:
        if value < 1:
            raise ParameterError(f"--output-size must be at least 1, but it is {value}.")
    implied = tuple(ax.i if spec.transposed else ax.o for ax in spec.axes)
    if expected != implied:
        shown = f"{implied[0]}" if implied[0] == implied[1] else f"{implied[0]},{implied[1]}"
        raise ParameterError(
            f"--output-size {text} does not match the other parameters, which "
            f"imply an output size of {shown} (o = floor((i + 2p - (k-1)d - 1)/s) + 1). "
            f"Drop -o to derive it, or pass -o {shown}.")


def parse_max_steps(text: str | None) -> int | None:
    """The number; FigureSpec checks that it is at least 1."""
    if text is None:
        return None
    value = parse_int(text)
    if value is None:
        raise ParameterError(f"--max-steps must be a whole number of at least 1, "
                             f"not {text!r}.")
    return value


def spec_from_args(kind: str, name: str, args) -> FigureSpec:
    """A validated FigureSpec from parsed geometry arguments."""
    geometry, words = _geometry(args)
    counts = {key: parse_count(f"--{key.replace('_', '-')}", getattr(args, key, None))
              for key in ("in_channels", "out_channels", "groups")}
    spec = figure_spec(name, kind, mode=args.mode, labels=args.labels, theme=args.theme,
                       max_steps=parse_max_steps(args.max_steps),
                       count_include_pad=getattr(args, "count_include_pad", None),
                       words=words, **counts, **geometry)
    if args.output_size is not None:
        check_output_size(spec, args.output_size)
    return spec


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
        from .files import sweep_dead_workdirs
        sweep_dead_workdirs(ours=True)
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
