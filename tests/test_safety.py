"""User text never reaches TeX or a shell; pdflatex runs locked down.

* pdflatex runs with -no-shell-escape (and kpathsea's paranoid file access)
  in a private temporary directory that is removed afterwards;
* hostile text in every user-facing string - the name, the step, the figure
  type, the mode, the theme name and colours, every numeric flag and the
  CONVARITH_MAX_STEPS variable - is refused with a clean message, and none of
  the commands it carries is run (the files they would create stay absent);
* theme colours reach TeX only as validated numbers.
"""

from __future__ import annotations

import re
import stat
import subprocess
import tempfile
from pathlib import Path

import pytest

from test_bad_input import (NO_PDFLATEX, base_env, message_problems, run_program,
                            seed_workdir, snapshot)

from convarith.render import latex
from convarith.cli import geometry_spec, run
from convarith.commands import animate, produce_figure
from convarith.errors import ParameterError, ToolError
from convarith.model.theme import parse_theme

SHELL_ESCAPE_FLAGS = ("-shell-escape", "--shell-escape", "-enable-write18",
                      "--enable-write18", "-shell-restricted", "--shell-restricted")


def payloads(canary: Path) -> dict[str, str]:
    """Hostile strings; each command would create a file next to `canary` or
    delete `canary` itself."""
    d = canary.parent
    return {
        "write18": f"\\immediate\\write18{{touch {d}/pwned-write18}}",
        "input-passwd": "\\input{/etc/passwd}",
        "subshell": f"$(touch {d}/pwned-subshell)",
        "backticks": f"`touch {d}/pwned-backticks`",
        "semicolon-rm": f";rm -rf {canary}",
        "parent-path": "../../etc/x",
        "newline": "3\n\\input{/etc/passwd}",
    }


#: Where a user string goes in: (program, argv with {} for the payload).
SLOTS = {
    "name": ("produce_figure", ["arithmetic", "{}", "0", "-i", "5", "-k", "3"]),
    "step": ("produce_figure", ["arithmetic", "x", "{}", "-i", "5", "-k", "3"]),
    "figure-type": ("produce_figure", ["{}", "x", "0", "-i", "5", "-k", "3"]),
    "mode": ("produce_figure", ["numerical", "x", "0", "-i", "5", "-k", "3", "-m", "{}"]),
    "theme-name": ("produce_figure", ["arithmetic", "x", "0", "-i", "5", "-k", "3",
                                      "--theme", "{}"]),
    "theme-input": ("produce_figure", ["arithmetic", "x", "0", "-i", "5", "-k", "3",
                                       "--theme", "input={}"]),
    "theme-output": ("produce_figure", ["arithmetic", "x", "0", "-i", "5", "-k", "3",
                                        "--theme", "solarized,output={}"]),
    "theme-footprint": ("produce_figure", ["arithmetic", "x", "0", "-i", "5", "-k", "3",
                                           "--theme", "footprint=#000000,footprint={}"]),
    "theme-lines": ("produce_figure", ["arithmetic", "x", "0", "-i", "5", "-k", "3",
                                       "--theme", "grayscale,lines={}"]),
    "input-size": ("produce_figure", ["arithmetic", "x", "0", "-k", "3", "-i", "{}"]),
    "input-size-width": ("produce_figure", ["arithmetic", "x", "0", "-k", "3",
                                            "-i", "5,{}"]),
    "output-size": ("produce_figure", ["arithmetic", "x", "0", "-i", "5", "-k", "3",
                                       "-o", "{}"]),
    "kernel-size": ("produce_figure", ["arithmetic", "x", "0", "-i", "5", "-k", "{}"]),
    "stride": ("produce_figure", ["arithmetic", "x", "0", "-i", "5", "-k", "3", "-s", "{}"]),
    "padding": ("produce_figure", ["arithmetic", "x", "0", "-i", "5", "-k", "3", "-p", "{}"]),
    "dilation": ("produce_figure", ["arithmetic", "x", "0", "-i", "5", "-k", "3",
                                    "-d", "{}"]),
    "transposed-input": ("produce_figure", ["arithmetic", "x", "0", "-k", "3",
                                            "--transposed-input", "{}"]),
    "output-padding": ("produce_figure", ["arithmetic", "x", "0", "-k", "3", "-s", "2",
                                          "--transposed-input", "3",
                                          "--output-padding", "{}"]),
    "max-steps": ("produce_figure", ["arithmetic", "x", "0", "-i", "5", "-k", "3",
                                     "--max-steps", "{}"]),
    "animate-name": ("animate", ["{}", "-i", "5", "-k", "3"]),
    "animate-theme": ("animate", ["x", "-i", "5", "-k", "3", "--theme", "input={}"]),
    "animate-stride": ("animate", ["x", "-i", "5", "-k", "3", "-s", "{}"]),
}
MAIN = {"produce_figure": produce_figure, "animate": animate}


# --- how pdflatex runs ----------------------------------------------------------

def test_pdflatex_command_disables_shell_escape():
    command = latex.pdflatex_command("/usr/bin/pdflatex", "job")
    assert command[0] == "/usr/bin/pdflatex"
    assert "-no-shell-escape" in command
    assert not set(SHELL_ESCAPE_FLAGS) & set(command)
    assert "-interaction=nonstopmode" in command and "-halt-on-error" in command
    # The only file named is the job's own, relative to the private directory.
    assert command[-1] == "job.tex" and "-jobname=job" in command


def test_pdflatex_environment_is_paranoid():
    assert latex.PARANOID_ENV == {"openin_any": "p", "openout_any": "p"}


class FakePdflatex:
    """Stands in for subprocess.run in convarith.render.latex and records the call."""

    def __init__(self, succeed: bool):
        self.succeed = succeed
        self.calls = []

    def __call__(self, command, cwd, env, **kwargs):
        workdir = Path(cwd)
        self.calls.append({"command": command, "cwd": workdir, "env": env,
                           "listing": sorted(p.name for p in workdir.iterdir()),
                           "mode": stat.S_IMODE(workdir.stat().st_mode)})
        job = next(a.split("=", 1)[1] for a in command if a.startswith("-jobname="))
        if self.succeed:
            (workdir / f"{job}.pdf").write_bytes(b"%PDF-1.5 fake")
            return subprocess.CompletedProcess(command, 0, b"", b"")
        (workdir / f"{job}.log").write_text("! Undefined control sequence.\nl.1 \\oops\n")
        return subprocess.CompletedProcess(command, 1, b"", b"")


@pytest.mark.parametrize("succeed", [True, False])
def test_compile_tex_runs_in_private_temporary_directory(tmp_path, monkeypatch, succeed):
    fake = FakePdflatex(succeed)
    monkeypatch.setattr(latex.subprocess, "run", fake)
    monkeypatch.setattr(latex, "require_program", lambda program, command=None: "/fake/tex")
    monkeypatch.chdir(tmp_path)
    if succeed:
        assert latex.compile_tex("\\oops", "job") == b"%PDF-1.5 fake"
    else:
        with pytest.raises(ToolError, match="Undefined control sequence"):
            latex.compile_tex("\\oops", "job")
    [call] = fake.calls
    workdir = call["cwd"]
    assert workdir.parent == Path(tempfile.gettempdir())
    assert workdir.name.startswith("convarith-")
    assert call["mode"] == 0o700, "the working directory is readable by others"
    # A fixed job name: no figure name can shadow a TeX file (keyval.sty).
    assert call["listing"] == [f"{latex.JOBNAME}.tex"], "the directory was not fresh"
    assert call["command"] == latex.pdflatex_command("/fake/tex", latex.JOBNAME)
    assert call["env"]["openin_any"] == "p" and call["env"]["openout_any"] == "p"
    assert not workdir.exists(), "the temporary directory was left behind"
    assert not any(tmp_path.iterdir()), "pdflatex ran in, or wrote to, the cwd"


@pytest.mark.integration
def test_write18_is_not_run_by_pdflatex(tmp_path):
    """Even TeX that asks for shell commands (it never comes from users) runs none."""
    witness = tmp_path / "pwned-by-tex"
    tex = ("\\documentclass{article}\n\\begin{document}\n"
           f"\\immediate\\write18{{touch {witness}}}\n"
           "x\n\\end{document}\n")
    pdf = latex.compile_tex(tex, "escape")
    assert pdf.startswith(b"%PDF")
    assert not witness.exists()
    with pytest.raises(ToolError):
        latex.compile_tex("\\documentclass{article}\n\\begin{document}\n"
                          f"\\input{{|\"touch {witness}\"}}\n\\end{{document}}\n", "pipe")
    assert not witness.exists()


@pytest.mark.integration
def test_tex_cannot_read_absolute_paths(tmp_path):
    secret = tmp_path / "secret.tex"
    secret.write_text("SECRET-CONTENT-1234 \\undefinedmacro\n")
    with pytest.raises(ToolError) as raised:
        latex.compile_tex("\\documentclass{article}\n\\begin{document}\n"
                          f"\\input{{{secret}}}\n\\end{{document}}\n", "absolute")
    assert "SECRET-CONTENT-1234" not in str(raised.value)
    assert "not found" in str(raised.value)


# --- hostile user text ------------------------------------------------------------

def cases():
    for slot in SLOTS:
        for kind in payloads(Path("/x/canary")):
            yield slot, kind


@pytest.mark.parametrize("slot,kind", list(cases()))
def test_hostile_text_is_refused(slot, kind, tmp_path, monkeypatch, capsys):
    """In-process through the CLI entry point (cheap enough for every pair)."""
    canary = tmp_path / "canary"
    canary.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    seed_workdir(work)
    payload = payloads(canary)[kind]
    program, template = SLOTS[slot]
    argv = [a.replace("{}", payload) for a in template]
    monkeypatch.chdir(work)
    monkeypatch.setenv("PDFLATEX", NO_PDFLATEX)   # nothing may get as far as TeX
    monkeypatch.delenv("CONVARITH_MAX_STEPS", raising=False)
    before = snapshot(tmp_path)
    status = run(MAIN[program], argv, prog=program)
    err = capsys.readouterr().err
    assert status == 2, err
    fake = subprocess.CompletedProcess([], status, stdout="", stderr=err)
    assert not message_problems(fake, program), err
    assert "pdflatex" not in err
    assert "root:" not in err, "/etc/passwd was read"
    assert snapshot(tmp_path) == before
    assert not list(tmp_path.glob("pwned*")) and canary.is_dir()


@pytest.mark.parametrize("kind", list(payloads(Path("/x/canary"))))
def test_hostile_max_steps_variable(kind, tmp_path):
    canary = tmp_path / "canary"
    canary.mkdir()
    env = base_env(PDFLATEX=NO_PDFLATEX, CONVARITH_MAX_STEPS=payloads(canary)[kind])
    work = tmp_path / "work"
    work.mkdir()
    before = snapshot(tmp_path)
    result = run_program("produce_figure", ["arithmetic", "x", "0", "-i", "5", "-k", "3"],
                         work, env)
    assert result.returncode == 2
    assert not message_problems(result, "produce_figure"), result.stderr
    assert "CONVARITH_MAX_STEPS" in result.stderr
    assert snapshot(tmp_path) == before and canary.is_dir()


@pytest.mark.parametrize("slot", ["name", "theme-input", "stride", "animate-name"])
def test_hostile_text_through_the_real_programs(slot, tmp_path):
    """The same refusals with the programs run as processes, a few at a time."""
    canary = tmp_path / "canary"
    canary.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    program, template = SLOTS[slot]
    for kind, payload in payloads(canary).items():
        argv = [a.replace("{}", payload) for a in template]
        before = snapshot(tmp_path)
        result = run_program(program, argv, work, base_env(PDFLATEX=NO_PDFLATEX))
        assert result.returncode == 2, (kind, result.stderr)
        assert not message_problems(result, program), (kind, result.stderr)
        assert snapshot(tmp_path) == before, kind
        assert not list(tmp_path.glob("pwned*")) and canary.is_dir()


@pytest.mark.integration
def test_shell_characters_in_pdf_dir_are_just_a_path(tmp_path):
    """--pdf-dir is a path chosen by the user; it is used as one, never run."""
    target = tmp_path / f"$(touch {tmp_path}/pwned-dir);x"
    result = run_program("produce_figure", ["arithmetic", "safe", "0", "-i", "3", "-k", "2",
                                            "--pdf-dir", str(target)], tmp_path)
    assert result.returncode == 0, result.stderr
    assert (target / "safe_00.pdf").read_bytes().startswith(b"%PDF")
    assert not (tmp_path / "pwned-dir").exists()


# --- colours reach TeX as numbers only ----------------------------------------------

def test_theme_colours_reach_tex_as_numbers():
    from convarith.render.tikz import render_document
    spec = geometry_spec("arithmetic", "themed",
                         ["-i", "4", "-k", "3", "--theme", "colorblind,input=#ABCDEF"])
    tex = render_document(spec, [0])
    colours = re.findall(r"\\definecolor\{(\w+)\}\{([^}]*)\}\{([^}]*)\}", tex)
    assert colours, "no colours defined"
    for role, model, value in colours:
        assert model == "RGB" and re.fullmatch(r"\d{1,3},\d{1,3},\d{1,3}", value), role
    assert ("input", "RGB", "171,205,239") in colours


@pytest.mark.parametrize("text", [
    "input=#ff8800}\\input{/etc/passwd", "input=#ff8800 ", "input=ff8800;", "input=#ff88001",
    "solarized\\relax", "input=#ff8800,\\write18{x}=#000000", "input=#ff8800\n#000000",
])
def test_parse_theme_refuses_anything_but_six_hex_digits(text):
    if text == "input=#ff8800 ":
        # Surrounding spaces are trimmed; the value is still a plain RGB triple.
        assert parse_theme(text).input == (255, 136, 0)
        return
    with pytest.raises(ParameterError):
        parse_theme(text)
