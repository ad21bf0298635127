"""Missing or broken tools, broken templates and unwritable output directories.

Each failure must give a clear message on stderr (naming the program, file
or directory and, for a missing program, how to install it on
Debian/Ubuntu, Fedora and macOS), a non-zero exit status, no traceback, and
leave no PDF, PNG or GIF behind.  The cases that run the real pdflatex or
poppler are marked `integration`.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from test_bad_input import (PYTHON, base_env, message_problems, run_program,
                            snapshot)

from convarith.render import latex, tikz
from convarith.cli import run
from convarith.commands import produce_figure
from convarith.errors import ToolError
from convarith.render.tools import PROGRAMS, TEX_FILES

FIGURE = ["arithmetic", "tooltest", "all", "-i", "3", "-k", "2"]
TEMP_NAME = re.compile(r"^\..*\.tmp$")


def bin_dir(tmp_path: Path, *programs: str, stubs: tuple[str, ...] = ()) -> Path:
    """A directory for PATH holding python3 and the given programs only; each
    of `stubs` is there by name, but fails if it is run."""
    directory = tmp_path / "bin"
    directory.mkdir()
    (directory / "python3").symlink_to(PYTHON)
    for program in programs:
        (directory / program).symlink_to(shutil.which(program))
    for stub in stubs:
        (directory / stub).write_text(f"#!/bin/sh\necho '{stub} stub ran' >&2\nexit 99\n")
        (directory / stub).chmod(0o755)
    return directory


def install_hints(debian: str, fedora: str, macos: str) -> list[str]:
    return [re.escape(debian), re.escape(fedora), re.escape(macos)]


def assert_one_paragraph(result, program):
    problems = message_problems(result, program)
    assert not problems, (problems, result.stderr)


def blank_pdf(path: Path) -> Path:
    from pypdf import PdfWriter
    writer = PdfWriter()
    writer.add_blank_page(width=72, height=72)
    with open(path, "wb") as handle:
        writer.write(handle)
    return path


# --- missing programs (no TeX runs) -------------------------------------------

def test_pdflatex_not_on_path(tmp_path):
    env = base_env(PATH=str(bin_dir(tmp_path)))
    before = snapshot(tmp_path)
    result = run_program("produce_figure", FIGURE, tmp_path, env)
    assert result.returncode == 3
    assert_one_paragraph(result, "produce_figure")
    assert "'pdflatex' was not found on PATH" in result.stderr
    for hint in install_hints(*PROGRAMS["pdflatex"][1:]):
        assert re.search(hint, result.stderr), hint
    assert re.search(r"apt-get install texlive-latex-base", result.stderr)
    assert snapshot(tmp_path) == before, "a file was written although pdflatex is missing"


@pytest.mark.parametrize("setting", ["/nonexistent/pdflatex", "not-executable"])
def test_pdflatex_variable_names_missing_program(tmp_path, setting):
    if setting == "not-executable":
        setting = str(tmp_path / "pdflatex")
        Path(setting).write_text("#!/bin/sh\nexit 0\n")   # no execute permission
    env = base_env(PDFLATEX=setting)
    workdir = tmp_path / "work"
    workdir.mkdir()
    result = run_program("produce_figure", FIGURE, workdir, env)
    assert result.returncode == 3
    assert_one_paragraph(result, "produce_figure")
    assert f"'{setting}' (set for pdflatex) was not found" in result.stderr
    assert "dnf install" in result.stderr and "brew install" in result.stderr
    assert not any(workdir.iterdir())


def test_pdftoppm_not_on_path(tmp_path):
    pdf = blank_pdf(tmp_path / "frame_00.pdf")
    env = base_env(PATH=str(bin_dir(tmp_path)))
    before = snapshot(tmp_path)
    result = run_program("convarith.stages", ["png", "--out-dir", str(tmp_path / "png"), str(pdf)],
                         tmp_path, env)
    assert result.returncode == 3
    assert_one_paragraph(result, "convarith.stages")
    assert "'pdftoppm' was not found on PATH" in result.stderr
    for hint in install_hints(*PROGRAMS["pdftoppm"][1:]):
        assert re.search(hint, result.stderr), hint
    assert snapshot(tmp_path) == before


def test_pdfinfo_missing_beside_pdftoppm(tmp_path):
    """pdf2image asks pdfinfo for the page count first; it comes with pdftoppm.
    (Both are looked for before either runs, so pdftoppm need only be there.)"""
    pdf = blank_pdf(tmp_path / "frame_00.pdf")
    env = base_env(PATH=str(bin_dir(tmp_path, stubs=("pdftoppm",))))
    result = run_program("convarith.stages", ["png", "--out-dir", str(tmp_path / "png"), str(pdf)],
                         tmp_path, env)
    assert result.returncode == 3
    assert_one_paragraph(result, "convarith.stages")
    assert "'pdfinfo'" in result.stderr and "poppler-utils" in result.stderr
    assert "'pdftoppm'" not in result.stderr, "names the program that is there"
    assert not (tmp_path / "png").exists()


def test_missing_python_package(tmp_path):
    """A Python without jinja2 (e.g. the system python3) gets told what to install."""
    code = ("import sys; sys.modules['jinja2'] = None\n"
            "from convarith.cli import run\n"
            "from convarith.commands import produce_figure\n"
            f"sys.exit(run(produce_figure, {FIGURE!r}, prog='produce_figure'))\n")
    result = subprocess.run([PYTHON, "-c", code], cwd=tmp_path, env=base_env(),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert_one_paragraph(result, "produce_figure")
    assert "'jinja2' is not installed" in result.stderr and "make setup" in result.stderr
    assert not any(tmp_path.iterdir())


# --- unreadable inputs to the png and gif stages (no TeX runs) -----------------

@pytest.mark.integration
def test_png_stage_with_missing_and_damaged_pdfs(tmp_path):
    (tmp_path / "damaged.pdf").write_bytes(b"%PDF-1.5\nthis is not a PDF\n")
    for name, phrase in (("missing.pdf", "does not exist"),
                         ("damaged.pdf", "is not a readable PDF")):
        result = run_program("convarith.stages", ["png", "--out-dir", "png", name], tmp_path)
        assert result.returncode == 3, result.stderr
        assert_one_paragraph(result, "convarith.stages")
        assert name in result.stderr and phrase in result.stderr
        assert not (tmp_path / "png").exists()


@pytest.mark.parametrize("name", ["missing.png", "damaged.png"])
def test_gif_stage_with_missing_and_damaged_pngs(tmp_path, name):
    (tmp_path / "damaged.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    result = run_program("convarith.stages", ["gif", "gif/out.gif", name], tmp_path)
    assert result.returncode != 0
    assert_one_paragraph(result, "convarith.stages")
    assert not (tmp_path / "gif").exists()
    assert name in result.stderr


def test_gif_into_unwritable_directory(tmp_path):
    from PIL import Image
    Image.new("RGB", (4, 4), "white").save(tmp_path / "f_00.png")
    result = run_program("convarith.stages", ["gif", "/proc/convarith-test.gif", "f_00.png"],
                         tmp_path)
    assert result.returncode == 2          # refused before any work
    assert_one_paragraph(result, "convarith.stages")
    assert "'/proc'" in result.stderr


# --- TeX files missing, TeX errors (real pdflatex) -----------------------------

@pytest.mark.integration
def test_standalone_class_missing(tmp_path):
    """TEXINPUTS=. hides TeX's own tree from pdflatex, as on an install without
    texlive-latex-extra: the real run fails on standalone.cls."""
    result = run_program("produce_figure", FIGURE, tmp_path, base_env(TEXINPUTS="."))
    assert result.returncode == 3
    assert_one_paragraph(result, "produce_figure")
    assert "'standalone.cls' is not installed" in result.stderr
    for hint in install_hints(*TEX_FILES["standalone.cls"]):
        assert re.search(hint, result.stderr), hint
    assert not any(tmp_path.iterdir())


@pytest.mark.integration
def test_tikz_package_missing(tmp_path, monkeypatch):
    """Only article.cls and size10.clo are visible: \\usepackage{tikz} fails for real."""
    visible = tmp_path / "visible"
    visible.mkdir()
    for name in ("article.cls", "size10.clo"):
        found = subprocess.run(["kpsewhich", name], capture_output=True, text=True)
        shutil.copy(found.stdout.strip(), visible)
    monkeypatch.setenv("TEXINPUTS", f".:{visible}")
    with pytest.raises(ToolError) as raised:
        latex.compile_tex("\\documentclass{article}\n\\usepackage{tikz}\n"
                          "\\begin{document}x\\end{document}\n", "tikztest")
    message = str(raised.value)
    assert "'tikz.sty' is not installed" in message
    for hint in install_hints(*TEX_FILES["tikz.sty"]):
        assert re.search(hint, message), hint


@pytest.mark.integration
def test_unknown_class_shows_latex_error_and_line():
    tex = "% line 1\n\\documentclass{nonexistentclassxyz}\n\\begin{document}x\\end{document}\n"
    with pytest.raises(ToolError) as raised:
        latex.compile_tex(tex, "classtest")
    message = str(raised.value)
    assert "no PDF was written" in message
    assert "! LaTeX Error: File `nonexistentclassxyz.cls' not found." in message
    # TeX notices the missing class while looking ahead, so l.N is line 2 or 3.
    location = re.search(r"^l\.(\d+) (.*)$", message, re.M)
    number, context = int(location.group(1)), location.group(2).strip()
    assert number in (2, 3)
    marked = re.search(rf"^>\s+{number}: (.*)$", message, re.M).group(1)
    assert context in marked
    assert f"Generated TeX around line {number}:" in message
    assert re.search(r"^[ >]\s+2: \\documentclass\{nonexistentclassxyz\}$", message, re.M)


def test_log_excerpt_ignores_line_numbers_of_other_files():
    """'l.17' of a package file (or /etc/passwd) must not be shown as line 17 of
    the generated TeX."""
    tex = "\n".join(f"% generated line {n}" for n in range(1, 31))
    log = ("! Missing $ inserted.\n<inserted text>\n$\nl.17 _apt:x:42:65534::/nonexistent\n"
           "! Emergency stop.\n")
    excerpt = latex.log_excerpt(log, tex)
    assert "! Missing $ inserted." in excerpt
    assert "l.17" in excerpt
    assert "Generated TeX" not in excerpt
    assert "Emergency stop" not in excerpt
    ours = latex.log_excerpt("! Undefined control sequence.\nl.5 % generated line 5\n", tex)
    assert ">    5: % generated line 5" in ours


@pytest.fixture
def broken_templates(tmp_path, monkeypatch):
    """A copy of templates/ with an undefined macro in arithmetic.tex.j2, used by
    convarith.render.tikz instead of the real one."""
    copy = tmp_path / "templates"
    shutil.copytree(tikz.TEMPLATE_DIR, copy)
    template = copy / "arithmetic.tex.j2"
    text = template.read_text()
    anchor = "\\end{tikzpicture}"
    assert anchor in text
    template.write_text(text.replace(anchor, "\\undefinedmacro\n" + anchor, 1))
    original = tikz.environment
    monkeypatch.setattr(tikz, "environment",
                        lambda template_dir=str(copy): original(template_dir))
    return copy


def run_in_process(argv, capsys) -> tuple[int, str]:
    status = run(produce_figure, argv, prog="produce_figure")
    return status, capsys.readouterr().err


@pytest.mark.integration
def test_broken_template_reports_tex_error_and_keeps_old_pdfs(tmp_path, broken_templates,
                                                              capsys):
    pdf_dir = tmp_path / "pdf"
    pdf_dir.mkdir()
    earlier = pdf_dir / "tooltest_00.pdf"
    earlier.write_bytes(b"earlier good output")
    before = snapshot(pdf_dir)
    status, err = run_in_process(FIGURE + ["--pdf-dir", str(pdf_dir)], capsys)
    assert status == 3
    assert "Traceback" not in err
    assert err.startswith("produce_figure: error: pdflatex failed on 'tooltest'")
    assert "no PDF was written" in err
    assert "! Undefined control sequence." in err
    number = int(re.search(r"^l\.(\d+) \\undefinedmacro", err, re.M).group(1))
    assert f"Generated TeX around line {number}:" in err
    assert re.search(rf"^>\s+{number}: \\undefinedmacro$", err, re.M)
    assert snapshot(pdf_dir) == before, "a failed build changed pdf/"


def test_broken_template_syntax_is_one_paragraph(tmp_path, monkeypatch, capsys):
    copy = tmp_path / "templates"
    shutil.copytree(tikz.TEMPLATE_DIR, copy)
    template = copy / "arithmetic.tex.j2"
    template.write_text(template.read_text().replace("%>", "%", 1))
    original = tikz.environment
    monkeypatch.setattr(tikz, "environment",
                        lambda template_dir=str(copy): original(template_dir))
    monkeypatch.setenv("PDFLATEX", "/nonexistent/pdflatex")
    status, err = run_in_process(FIGURE + ["--pdf-dir", str(tmp_path / "pdf")], capsys)
    assert status == 3
    assert "Traceback" not in err and "\n\n" not in err.strip()
    assert "arithmetic.tex.j2" in err and "TemplateSyntaxError" in err
    assert not (tmp_path / "pdf").exists()


# --- output directories that cannot be written (real pdflatex first) -----------

def assert_nothing_half_written(directory: Path):
    if directory.exists():
        leftovers = [p.name for p in directory.iterdir() if TEMP_NAME.match(p.name)]
        assert not leftovers, leftovers


@pytest.mark.integration
def test_pdf_dir_below_a_regular_file(tmp_path):
    blocker = tmp_path / "afile"
    blocker.write_text("a file, not a directory\n")
    target = blocker / "sub"
    result = run_program("produce_figure", FIGURE + ["--pdf-dir", str(target)], tmp_path)
    assert result.returncode == 2          # refused before pdflatex runs
    assert_one_paragraph(result, "produce_figure")
    assert f"'{target}'" in result.stderr and "is a file" in result.stderr
    assert blocker.read_text() == "a file, not a directory\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


@pytest.mark.integration
def test_pdf_dir_in_proc(tmp_path):
    """Not even root may create files in /proc."""
    for target in ("/proc", "/proc/convarith-test"):
        result = run_program("produce_figure", FIGURE + ["--pdf-dir", target], tmp_path)
        assert result.returncode == 2, result.stderr     # refused before pdflatex runs
        assert_one_paragraph(result, "produce_figure")
        assert f"'{target}'" in result.stderr
    assert not any(tmp_path.iterdir())


@contextlib.contextmanager
def tmpfs(directory: Path, options: str):
    directory.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs",
                              str(directory)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield directory
    finally:
        subprocess.run(["umount", str(directory)], check=True)


@pytest.mark.integration
def test_pdf_dir_on_read_only_filesystem(tmp_path):
    """A read-only mount refuses writes even to root."""
    with tmpfs(tmp_path / "ro", "ro,size=1m") as target:
        result = run_program("produce_figure", FIGURE + ["--pdf-dir", str(target)],
                             tmp_path)
        assert result.returncode == 2          # refused before pdflatex runs
        assert_one_paragraph(result, "produce_figure")
        assert f"'{target}'" in result.stderr and "not writable" in result.stderr
        assert not any(target.iterdir())


@pytest.mark.integration
def test_pdf_dir_on_full_filesystem(tmp_path):
    """A full disk: the message names the directory, the earlier PDF is kept
    as it was and no temporary file is left."""
    with tmpfs(tmp_path / "full", "size=64k") as target:
        earlier = target / "tooltest_00.pdf"
        earlier.write_bytes(b"earlier good output")
        with contextlib.suppress(OSError), open(target / "filler", "wb") as filler:
            while True:
                filler.write(b"\0" * 4096)
                filler.flush()
        before = snapshot(target)
        result = run_program("produce_figure", FIGURE + ["--pdf-dir", str(target)],
                             tmp_path)
        assert result.returncode == 3
        assert_one_paragraph(result, "produce_figure")
        assert f"'{target}'" in result.stderr
        assert "No space left on device" in result.stderr
        assert snapshot(target) == before
        assert_nothing_half_written(target)
