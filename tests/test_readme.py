"""The README documents every flag, and its example commands are valid."""

import re
import shlex
from pathlib import Path

import pytest

from convarith.cli import spec_from_args
from convarith.commands import animate_parser, produce_figure_parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def long_options(parser) -> set[str]:
    return {opt for action in parser._actions for opt in action.option_strings
            if opt.startswith("--") and opt != "--help"}


def documented_flags() -> set[str]:
    section = README.split("### Flags", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `(--[a-z-]+)`", section, re.MULTILINE)) | set(
        re.findall(r"^\| `-[a-z]`, `(--[a-z-]+)`", section, re.MULTILINE)) | set(
        re.findall(r"`, `(--[a-z-]+)` \|", section))


def test_every_flag_is_documented_and_every_documented_flag_exists():
    flags = long_options(produce_figure_parser()) | long_options(animate_parser())
    assert documented_flags() == flags


def example_commands(program: str) -> list[list[str]]:
    commands = []
    for line in README.splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith(f"./bin/{program} "):
            commands.append(shlex.split(line)[1:])
    return commands


@pytest.mark.parametrize("argv", example_commands("animate"), ids=" ".join)
def test_animate_examples_parse_into_valid_figures(argv):
    args = animate_parser().parse_args(argv)
    spec = spec_from_args(args.kind, args.name, args)
    assert spec.steps >= 1


@pytest.mark.parametrize("argv", example_commands("produce_figure"), ids=" ".join)
def test_produce_figure_examples_parse_into_valid_figures(argv):
    args = produce_figure_parser().parse_args(argv)
    spec = spec_from_args(args.kind, args.name, args)
    assert args.step == "all" or 0 <= int(args.step) < spec.steps


def test_there_are_examples_of_both_programs():
    assert len(example_commands("animate")) >= 5
    assert len(example_commands("produce_figure")) >= 3


def test_gallery_shows_every_committed_gif():
    from convarith.model.catalogue import CATALOGUE
    for item in CATALOGUE:
        assert f"gif/{item.name}.gif" in README
