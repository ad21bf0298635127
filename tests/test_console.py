"""The convarith command: help matches the README, subcommands behave like bin/."""

import json
import shlex
import subprocess
import sys

import pytest

from convarith.cli import catalogue_spec
from convarith.model.catalogue import CATALOGUE
from convarith.console import console
from refresh_readme_help import README, help_texts, readme_blocks

SUBCOMMANDS = ["animate", "figure", "describe", "list", "doctor"]


def test_every_help_text_is_in_the_readme_verbatim():
    blocks = readme_blocks(README.read_text(encoding="utf-8"))
    expected = help_texts()
    assert set(blocks) == set(expected) == {"convarith"} | {f"convarith {s}"
                                                            for s in SUBCOMMANDS}
    stale = [name for name in expected if blocks[name] != expected[name]]
    assert not stale, (f"README help blocks out of date for {stale}; run "
                       "python tests/refresh_readme_help.py")


def readme_commands():
    text = README.read_text(encoding="utf-8")
    return [shlex.split(line.split("#", 1)[0])[1:] for line in text.splitlines()
            if line.startswith("convarith ")]


def test_the_readme_shows_every_subcommand_in_use():
    assert {argv[0] for argv in readme_commands()} == set(SUBCOMMANDS)


@pytest.mark.parametrize("argv", [a for a in readme_commands() if a[0] == "animate"],
                         ids=" ".join)
def test_readme_animate_examples_parse_into_valid_figures(argv):
    from convarith.cli import spec_from_args
    from convarith.commands import animate_parser
    from convarith.model.layer_numbers import describe_chain
    from convarith.model.layers import parse_layer
    args = animate_parser("convarith animate", frames=False).parse_args(argv[1:])
    if args.layer:                  # a layer as PyTorch writes it, on its input's shape
        shape = [1, *(int(n) for n in args.input.split(","))]
        assert describe_chain([parse_layer(text) for text in args.layer], shape)["layers"]
    else:
        assert spec_from_args(args.kind, args.name, args).steps >= 1


def run_console(capsys, *argv):
    code = console(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_describe_of_a_catalogue_name_is_what_produce_figure_describes(capsys):
    from convarith.commands import produce_figure
    entry = next(e for e in CATALOGUE if e.name == "numerical_padding_strides")
    code, out, _ = run_console(capsys, "describe", entry.name)
    assert code == 0
    by_name = json.loads(out)
    assert produce_figure([entry.kind, entry.name, "all", *entry.argv, "--describe"]) == 0
    assert by_name == json.loads(capsys.readouterr().out)
    assert by_name["steps"] == 9 and by_name["type"] == "numerical"


def test_describe_with_flags_names_any_figure(capsys):
    code, out, _ = run_console(capsys, "describe", "mine", "-i", "6", "-k", "3", "-s", "2")
    assert code == 0
    assert json.loads(out)["output_size"] == [2, 2]


def test_list_json_holds_every_catalogue_entry_with_its_steps(capsys):
    code, out, _ = run_console(capsys, "list", "--json")
    rows = json.loads(out)
    assert [row["name"] for row in rows] == [entry.name for entry in CATALOGUE]
    for row, entry in zip(rows, CATALOGUE):
        assert row["steps"] == catalogue_spec(entry).steps
        assert row["flags"] == entry.flags


def test_list_table_has_a_line_per_entry(capsys):
    code, out, _ = run_console(capsys, "list")
    lines = out.splitlines()
    assert len(lines) == len(CATALOGUE) + 1
    assert lines[1].split()[:3] == ["no_padding_no_strides", "arithmetic", "4"]


def convarith_process(args, cwd, env=None):
    code = "import sys; from convarith.console import main; sys.argv[0] = 'convarith'; main()"
    from test_bad_input import ROOT
    environment = dict(env or {}, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, text=True,
                          capture_output=True, env=environment)


def test_unknown_subcommand_is_one_paragraph_and_exit_2(tmp_path):
    import os
    result = convarith_process(["draw"], tmp_path, os.environ)
    assert result.returncode == 2
    assert result.stderr.startswith("convarith: error: Unknown subcommand 'draw'")
    assert "animate, figure, describe, list, doctor" in result.stderr
    assert "Traceback" not in result.stderr


def test_doctor_without_pdflatex_or_poppler_says_how_to_install_them(tmp_path):
    import os
    empty = tmp_path / "bin"
    empty.mkdir()
    result = convarith_process(["doctor"], tmp_path,
                               dict(os.environ, PATH=str(empty)))
    assert result.returncode == 1, result.stderr
    assert "MISSING pdflatex" in result.stdout
    assert "sudo apt-get install texlive-latex-base" in result.stdout
    assert "MISSING pdftocairo" in result.stdout and "poppler" in result.stdout
    assert "ok      libx264" in result.stdout     # imageio-ffmpeg's own ffmpeg


@pytest.mark.integration
def test_doctor_passes_where_everything_is_installed(capsys):
    code, out, _ = run_console(capsys, "doctor")
    assert code == 0, out
    assert out.rstrip().endswith("Everything is in place.")


@pytest.mark.parametrize("argv", [["--help"], ["animate", "--help"], ["list", "--help"],
                                  ["--version"], ["draw"], []], ids=" ".join)
def test_python_m_convarith_is_the_convarith_command(tmp_path, argv):
    """Byte for byte the same output and exit status as the installed script
    (which calls convarith.console.main, as convarith_process does)."""
    import os
    from test_bad_input import ROOT
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    module = subprocess.run([sys.executable, "-m", "convarith", *argv], cwd=tmp_path,
                            capture_output=True, env=env)
    script = subprocess.run([sys.executable, "-c", "import sys; from convarith.console "
                             "import main; sys.argv[0] = 'convarith'; main()", *argv],
                            cwd=tmp_path, capture_output=True, env=env)
    assert (module.returncode, module.stdout, module.stderr) == (
        script.returncode, script.stdout, script.stderr)
    if argv == ["--help"]:
        assert module.stdout.decode().startswith("usage: convarith [-h]")
        assert module.returncode == 0


@pytest.mark.parametrize("flags", [["--type", "numerical"], ["--in-channels", "2"],
                                   ["--no-labels"], ["-m", "max"], ["--theme", "grayscale"],
                                   ["-i", "7", "-k", "3"], ["--max-steps=5"]])
def test_describe_refuses_flags_given_with_a_catalogue_name(capsys, flags):
    """A catalogue name is described by its own flags; others given with it
    would be silently ignored, so the mix is refused, naming them."""
    from convarith.cli import run
    code = run(console, ["describe", "padding_strides", *flags])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "padding_strides" in err
    assert flags[0].split("=")[0] in err
    assert "convarith describe my_padding_strides -i 5" in err
