"""The `convarith` command: animate, figure, describe, list and doctor.

Each subcommand parses its own flags with the same parser as bin/animate and
bin/produce_figure, so both front doors behave alike; `convarith animate`
writes only the files asked for, where bin/animate also keeps the frames in
pdf/ and png/ (as make does).
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from typing import Sequence

from .cli import ArgumentParser, add_geometry_arguments, catalogue_spec, run, spec_from_args
from .errors import ParameterError
from .model.spec import KINDS

PROG = "convarith"
SUBCOMMANDS = {
    "animate": "make an animation: GIF, MP4, WebM, WebP, APNG or a storyboard",
    "figure": "write pdf/NAME_NN.pdf for one step or all (as bin/produce_figure)",
    "describe": "print an animation's sizes, steps, PyTorch call and values as JSON",
    "list": "list the catalogue's animations (--json for JSON)",
    "doctor": "check pdflatex, its packages, poppler and the video encoder",
}


def top_parser() -> ArgumentParser:
    from .version import __version__
    parser = ArgumentParser(
        prog=PROG, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Convolution arithmetic animations, drawn with TikZ and checked "
                    "against PyTorch.",
        epilog="subcommands:\n" + "\n".join(f"  {name:9s} {text}"
                                            for name, text in SUBCOMMANDS.items())
        + f"\n\nRun '{PROG} SUBCOMMAND --help' for a subcommand's options.")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument("subcommand", metavar="SUBCOMMAND",
                        help=f"one of {', '.join(SUBCOMMANDS)}")
    parser.add_argument("arguments", nargs=argparse.REMAINDER,
                        help="the subcommand's arguments")
    return parser


def describe_parser(prog: str = f"{PROG} describe") -> ArgumentParser:
    parser = ArgumentParser(
        prog=prog, description="Print an animation's sizes, steps, matching "
                               "torch.nn.functional call and, for numerical figures, "
                               "its values as JSON. NAME alone describes a catalogue "
                               "animation.")
    parser.add_argument("name", help="animation name (a catalogue name, or any name "
                                     "with geometry flags)")
    parser.add_argument("--type", dest="kind", choices=KINDS, default="arithmetic",
                        help="arithmetic (default) or numerical")
    add_geometry_arguments(parser)
    return parser


def describe_command(argv: Sequence[str], prog: str = f"{PROG} describe") -> int:
    from .model.catalogue import CATALOGUE
    from .model.describe import describe
    args = describe_parser(prog).parse_args(argv)
    named = {entry.name: entry for entry in CATALOGUE}
    if args.name in named:
        refuse_flags_with_catalogue_name(named[args.name], argv)
        spec = catalogue_spec(named[args.name])
    else:
        spec = spec_from_args(args.kind, args.name, args)
    json.dump(describe(spec), sys.stdout)
    sys.stdout.write("\n")
    return 0


def refuse_flags_with_catalogue_name(entry, argv: Sequence[str]) -> None:
    """A catalogue name is described by its own flags: any other flag given
    with it would be silently ignored, so the mix is refused."""
    flags = [token.split("=", 1)[0] for token in argv if token.startswith("-")
             and token != "--"]
    if flags:
        rest = list(argv)
        rest.remove(entry.name)
        own = (["--type", entry.kind] if entry.kind != "arithmetic" else []) + entry.argv
        raise ParameterError(
            f"'{entry.name}' is an animation of the catalogue, described by its own "
            f"flags ({entry.flags}); the flags given with it "
            f"({', '.join(dict.fromkeys(flags))}) would be ignored. Describe it alone "
            f"('{PROG} describe {entry.name}'), or give your figure another name, e.g. "
            f"'{PROG} describe my_{entry.name} "
            f"{shlex.join(own + rest)}'.")


def list_parser(prog: str = f"{PROG} list") -> ArgumentParser:
    parser = ArgumentParser(prog=prog, description="List the animations that 'make "
                                                   "all_animations' builds.")
    parser.add_argument("--json", action="store_true",
                        help="print a JSON list instead of a table")
    return parser


def catalogue_rows() -> list[dict]:
    from .model.catalogue import CATALOGUE
    rows = []
    for entry in CATALOGUE:
        spec = catalogue_spec(entry)
        rows.append({"name": entry.name, "type": entry.kind, "steps": spec.steps,
                     "output_size": list(spec.output_size), "flags": entry.flags})
    return rows


def list_command(argv: Sequence[str], prog: str = f"{PROG} list") -> int:
    args = list_parser(prog).parse_args(argv)
    rows = catalogue_rows()
    if args.json:
        json.dump(rows, sys.stdout, indent=1)
        sys.stdout.write("\n")
        return 0
    width = max(len(row["name"]) for row in rows)
    print(f"{'name':{width}s}  {'type':10s}  steps  flags")
    for row in rows:
        print(f"{row['name']:{width}s}  {row['type']:10s}  {row['steps']:5d}  {row['flags']}")
    return 0


def doctor_parser(prog: str = f"{PROG} doctor") -> ArgumentParser:
    return ArgumentParser(prog=prog, description="Check pdflatex and the TeX packages, "
                          "poppler (pdftoppm, pdfinfo, pdftocairo) and the video "
                          "encoder, and say how to install what is missing.")


def doctor_command(argv: Sequence[str], prog: str = f"{PROG} doctor") -> int:
    from .doctor import all_checks, report
    doctor_parser(prog).parse_args(argv)
    checks = all_checks()
    print(report(checks))
    return 0 if all(check.ok for check in checks) else 1


def _commands() -> dict:
    from .commands import animate_outputs, produce_figure
    return {"animate": animate_outputs, "figure": produce_figure, "describe": describe_command,
            "list": list_command, "doctor": doctor_command}


def subcommand_parsers() -> dict:
    """Each subcommand's parser, as `convarith SUBCOMMAND --help` shows it."""
    from .commands import animate_parser, produce_figure_parser
    makers = {"animate": lambda prog: animate_parser(prog, frames=False),
              "figure": produce_figure_parser,
              "describe": describe_parser, "list": list_parser, "doctor": doctor_parser}
    return {name: make(f"{PROG} {name}") for name, make in makers.items()}


def console(argv: Sequence[str]) -> int:
    args = top_parser().parse_args(argv)
    commands = _commands()
    if args.subcommand not in commands:
        raise ParameterError(f"Unknown subcommand {args.subcommand!r}; choose one of "
                             f"{', '.join(commands)}. Run '{PROG} --help' for more.")
    return commands[args.subcommand](args.arguments, prog=f"{PROG} {args.subcommand}")


def main() -> None:
    """Entry point of the installed `convarith` script."""
    sys.exit(run(console, prog=PROG))
