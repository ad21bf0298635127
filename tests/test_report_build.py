"""The report is built under another name and moved into place, and no
latexmkrc can turn shell escape back on."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

import interrupt_trials as trials
from convarith.report_check import pdf_complete

ROOT = Path(__file__).resolve().parent.parent


def makefile_variable(name: str) -> str:
    result = subprocess.run(["make", "-s", "--no-print-directory", "--eval",
                             f"print-variable: ; @echo '$({name})'", "print-variable"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_report_check_rejects_a_cut_short_pdf(tmp_path):
    from pypdf import PdfWriter
    writer = PdfWriter()
    writer.add_blank_page(width=72, height=72)
    whole = tmp_path / "whole.pdf"
    with open(whole, "wb") as handle:
        writer.write(handle)
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(whole.read_bytes()[:-40])
    assert pdf_complete(whole) and not pdf_complete(cut)
    assert not pdf_complete(tmp_path / "missing.pdf")


def test_the_report_is_compiled_under_another_name_and_moved_into_place():
    plan = subprocess.run(["make", "--no-print-directory", "-n", "-W", "conv_arithmetic.tex",
                           "conv_arithmetic.pdf"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120).stdout
    latexmk = [line for line in plan.splitlines() if "latexmk" in line]
    assert latexmk and all("-jobname=conv_arithmetic-build" in line for line in latexmk)
    assert "mv -f" in plan and plan.rstrip().endswith("conv_arithmetic.pdf")


@pytest.mark.integration
def test_a_hostile_latexmkrc_cannot_turn_shell_escape_on(tmp_path):
    command = makefile_variable("REPORT_LATEXMK")
    assert command.endswith(" conv_arithmetic.tex"), command
    home = tmp_path / "home"
    home.mkdir()
    (home / ".latexmkrc").write_text(
        "$pdflatex = 'pdflatex -shell-escape %O %S';\n"
        "@extra_pdflatex_options = ('-shell-escape');\n"
        "push @extra_pdflatex_options, '-shell-escape';\n")
    (tmp_path / "latexmkrc").write_text("$pdflatex = 'pdflatex -shell-escape %O %S';\n")
    (tmp_path / "conv_arithmetic.tex").write_text(
        "\\documentclass{article}\\begin{document}\n"
        "\\immediate\\write18{touch escaped}\nHello.\n\\end{document}\n")
    env = dict(os.environ, HOME=str(home))
    subprocess.run(command, shell=True, cwd=tmp_path, env=env, capture_output=True,
                   timeout=300)
    assert (tmp_path / "conv_arithmetic-build.pdf").exists()
    assert not (tmp_path / "escaped").exists(), "\\write18 ran a shell command"


@pytest.mark.integration
@pytest.mark.slow
def test_a_killed_report_build_never_leaves_a_pdf_make_accepts(tmp_path):
    """SIGKILL at random moments of `make` (frames present, so the report is
    what runs); afterwards the PDF is absent or complete, and one more make
    completes it."""
    if not (ROOT / "pdf").is_dir():
        pytest.skip("needs the catalogue's frames (make all_animations)")
    box = trials.Sandbox.create(tmp_path, "report", targets=["report"])
    shutil.copytree(ROOT / "pdf", box.root / "pdf")    # keeps times: up to date
    (box.root / "conv_arithmetic.pdf").unlink(missing_ok=True)
    status, seconds = box.build(2, "clean.log")
    assert status == 0, box.log_tail("clean.log")
    reference = (box.root / "conv_arithmetic.pdf").read_bytes()
    rng = random.Random(5)
    for number in range(3):
        for path in box.root.glob("conv_arithmetic-build.*"):
            path.unlink()
        os.utime(box.root / "conv_arithmetic.tex")
        process = box.start(2, f"kill-{number}.log")
        try:
            process.wait(timeout=rng.uniform(0.2, 0.9) * seconds)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        trials.wait_for_group(process.pid)
        report = box.root / "conv_arithmetic.pdf"
        if box.up_to_date():
            assert pdf_complete(report), "make accepts an incomplete report"
        status, _ = box.build(2, f"resume-{number}.log")
        assert status == 0, box.log_tail(f"resume-{number}.log")
        assert report.read_bytes() == reference
        assert box.up_to_date()
