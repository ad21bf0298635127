"""`convarith doctor` reports a broken setting as one of its findings (the
variable, its value and what is wrong), and never fails on one."""

from __future__ import annotations

import os
import stat

import pytest

from test_console import convarith_process


def doctor(tmp_path, **settings):
    env = {k: v for k, v in os.environ.items()
           if k not in ("IMAGEIO_FFMPEG_EXE", "PDFLATEX", "CONVARITH_MAX_STEPS")}
    return convarith_process(["doctor"], tmp_path, dict(env, **settings))


def broken_programs(tmp_path):
    not_executable = tmp_path / "ffmpeg-copy"
    not_executable.write_text("#!/bin/sh\n")
    not_executable.chmod(stat.S_IRUSR | stat.S_IWUSR)
    return {"missing": (str(tmp_path / "nowhere" / "ffmpeg"), "does not exist"),
            "not executable": (str(not_executable), "is not executable"),
            "a directory": (str(tmp_path), "is a directory")}


@pytest.mark.parametrize("case", ["missing", "not executable", "a directory"])
def test_a_broken_ffmpeg_setting_is_reported_not_fatal(tmp_path, case):
    program, problem = broken_programs(tmp_path)[case]
    result = doctor(tmp_path, IMAGEIO_FFMPEG_EXE=program)
    assert result.returncode == 1, result.stderr
    assert result.stderr == "" and "Traceback" not in result.stdout
    [line] = [line for line in result.stdout.splitlines() if line.startswith("MISSING ffmpeg")]
    assert f"IMAGEIO_FFMPEG_EXE is set to '{program}', which {problem}" in line
    assert "ok      renderer native" in result.stdout     # the rest is still checked


def test_a_hanging_ffmpeg_setting_is_reported(tmp_path, monkeypatch):
    import convarith.doctor as doctor_module
    hanging = tmp_path / "ffmpeg"
    hanging.write_text("#!/bin/sh\nsleep 30\n")
    hanging.chmod(0o755)
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", str(hanging))
    monkeypatch.setattr(doctor_module, "PROBE_SECONDS", 0.5)
    [check] = doctor_module.ffmpeg_checks()
    assert not check.ok and "did not answer within 0.5 s" in check.detail


def test_a_missing_pdflatex_setting_is_reported(tmp_path):
    program = str(tmp_path / "nowhere" / "pdflatex")
    result = doctor(tmp_path, PDFLATEX=program)
    assert result.returncode == 1 and result.stderr == ""
    [line] = [line for line in result.stdout.splitlines()
              if line.startswith("MISSING pdflatex")]
    assert f"PDFLATEX is set to '{program}', which does not exist" in line
    assert "MISSING renderer tex" in result.stdout


def test_a_bad_step_limit_setting_is_reported(tmp_path):
    result = doctor(tmp_path, CONVARITH_MAX_STEPS="many")
    assert result.returncode == 1 and result.stderr == ""
    assert "MISSING CONVARITH_MAX_STEPS  CONVARITH_MAX_STEPS must be a positive whole " \
           "number, not 'many'" in result.stdout


def test_a_video_with_a_broken_ffmpeg_setting_is_refused_before_any_work(tmp_path):
    program = str(tmp_path / "nowhere" / "ffmpeg")
    env = {k: v for k, v in os.environ.items() if k != "IMAGEIO_FFMPEG_EXE"}
    result = convarith_process(["animate", "clip", "-i", "4", "-k", "3", "--out", "clip.gif",
                                "--out", "clip.mp4"], tmp_path,
                               dict(env, IMAGEIO_FFMPEG_EXE=program))
    assert result.returncode == 3, result.stderr
    assert result.stderr.startswith(f"convarith: error: IMAGEIO_FFMPEG_EXE is set to "
                                    f"'{program}', which does not exist")
    assert list(tmp_path.iterdir()) == []


def impostor(tmp_path, name: str, script: str) -> str:
    program = tmp_path / "impostors" / name
    program.parent.mkdir(exist_ok=True)
    program.write_text(f"#!/bin/sh\n{script}\n")
    program.chmod(0o755)
    return str(program)


@pytest.mark.parametrize("script", ["exit 1", "echo hello; exit 0"])
def test_a_pdflatex_setting_naming_another_program_is_reported(tmp_path, script):
    """PDFLATEX=/bin/false, or a script that is not pdflatex: every figure
    would fail, so the doctor says so rather than 'ready'."""
    program = impostor(tmp_path, "pdflatex", script)
    result = doctor(tmp_path, PDFLATEX=program)
    assert result.returncode == 1 and result.stderr == ""
    [line] = [line for line in result.stdout.splitlines()
              if line.startswith("MISSING pdflatex")]
    assert f"{program} (from PDFLATEX) answered '--version' with exit status" in line
    assert "not as pdflatex does; point PDFLATEX at pdflatex" in line
    assert "MISSING renderer tex" in result.stdout and "Traceback" not in result.stdout


def test_a_broken_poppler_program_on_path_is_reported(tmp_path):
    impostor(tmp_path, "pdftoppm", "echo garbage >&2; exit 3")
    path = f"{tmp_path / 'impostors'}{os.pathsep}{os.environ['PATH']}"
    result = doctor(tmp_path, PATH=path)
    assert result.returncode == 1 and result.stderr == ""
    [line] = [line for line in result.stdout.splitlines()
              if line.startswith("MISSING pdftoppm")]
    assert "answered '-v' with exit status 3 and 'garbage', not as pdftoppm does" in line
    assert "poppler-utils" in line


@pytest.mark.parametrize("value, found", [("maybe", True), ("FALSE", False), (" Off ", False),
                                          ("yes", False)])
def test_a_tex_format_setting_that_is_neither_on_nor_off_is_reported(tmp_path, value, found):
    result = doctor(tmp_path, CONVARITH_TEX_FORMAT=value)
    assert result.stderr == "" and "Traceback" not in result.stdout
    lines = [line for line in result.stdout.splitlines()
             if line.startswith("MISSING CONVARITH_TEX_FORMAT")]
    assert bool(lines) == found, result.stdout
    if found:
        assert f"CONVARITH_TEX_FORMAT is {value!r}, which is neither off" in lines[0]


def test_the_tex_format_is_switched_off_in_any_case(monkeypatch):
    from convarith import settings
    for value, enabled in (("FALSE", False), (" off", False), ("No", False), ("1", True),
                           ("maybe", True)):
        monkeypatch.setenv("CONVARITH_TEX_FORMAT", value)
        assert settings.tex_format_enabled() is enabled, value
