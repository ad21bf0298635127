"""Damaged inputs name themselves and one more `make` gets past them; the
smaller holes: a TeX job named like a package, blank frames, the gif stage's
suffix check, generate_makefile -o."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import interrupt_trials as trials
from convarith.render import tikz
from test_bad_input import run_program

ROOT = Path(__file__).resolve().parent.parent


def one_page_pdf(path: Path, pages: int = 1) -> Path:
    from pypdf import PdfWriter
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=72, height=72)
    with open(path, "wb") as handle:
        writer.write(handle)
    return path


@pytest.mark.integration
def test_a_two_page_frame_is_named(tmp_path):
    pdf = tmp_path / "pdf"
    pdf.mkdir()
    good = [one_page_pdf(pdf / f"a_{n:02d}.pdf") for n in range(3)]
    bad = one_page_pdf(pdf / "a_03.pdf", pages=2)
    result = run_program("convarith.stages", ["frames", "--png-dir", "png", "gif/a.gif",
                                       *[str(p.relative_to(tmp_path)) for p in good + [bad]]],
                         tmp_path)
    assert result.returncode == 3
    assert "pdf/a_03.pdf" in result.stderr and "2 pages" in result.stderr
    assert not (tmp_path / "gif").exists()


def test_the_gif_stage_refuses_a_path_that_is_not_a_gif(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("keep me\n")
    from PIL import Image
    Image.new("RGB", (4, 4), "red").save(tmp_path / "f_00.png")
    result = run_program("convarith.stages", ["gif", "README.md", "f_00.png"], tmp_path)
    assert result.returncode == 2 and ".gif" in result.stderr
    assert readme.read_text() == "keep me\n"


@pytest.mark.parametrize("output", ["/nonexistent/dir/x.mk", "adir"])
def test_generate_makefile_cannot_write(tmp_path, output):
    (tmp_path / "adir").mkdir()
    result = subprocess.run([sys.executable, str(ROOT / "bin" / "generate_makefile"),
                             "-o", output], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "cannot write" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["adir"]
    assert not any((tmp_path / "adir").iterdir())


@pytest.mark.integration
@pytest.mark.parametrize("name", ["keyval", "xkeyval", "tikz"])
def test_names_of_tex_packages_build(tmp_path, name):
    result = run_program("produce_figure", ["arithmetic", name, "0", "-i", "3", "-k", "2"],
                         tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "pdf" / f"{name}_00.pdf").exists()


@pytest.mark.integration
def test_a_template_that_draws_nothing_is_an_error(tmp_path, monkeypatch):
    copy = tmp_path / "templates"
    shutil.copytree(tikz.TEMPLATE_DIR, copy)
    (copy / "arithmetic.tex.j2").write_text("")
    original = tikz.environment
    monkeypatch.setattr(tikz, "environment",
                        lambda template_dir=str(copy): original(template_dir))
    from convarith.build import build_pdfs, build_frames
    from convarith.cli import geometry_spec
    from convarith.errors import ConvArithError
    spec = geometry_spec("arithmetic", "empty", ["-i", "3", "-k", "2"])
    with pytest.raises(ConvArithError) as caught:
        pdfs = build_pdfs(spec, range(spec.steps), tmp_path / "pdf")
        build_frames(pdfs, tmp_path / "png", tmp_path / "gif" / "empty.gif", 30, 1000)
    assert "blank" in str(caught.value) or "no PDF" in str(caught.value)
    assert not (tmp_path / "gif").exists() and not (tmp_path / "png").exists()


@pytest.mark.integration
@pytest.mark.slow
def test_one_more_make_gets_past_a_damaged_frame(tmp_path):
    name = "no_padding_no_strides"
    spec_steps = 4
    box = trials.Sandbox.create(tmp_path, "damaged",
                                targets=sorted(trials.expected_outputs([name])))
    status, _ = box.build(2, "clean.log")
    assert status == 0, box.log_tail("clean.log")
    pngs = {p: p.read_bytes() for p in (box.root / "png").iterdir()}
    assert len(pngs) == spec_steps
    damaged = box.root / "pdf" / f"{name}_02.pdf"
    damaged.write_bytes(damaged.read_bytes()[:200])
    os.utime(box.root / "pdf" / f"{name}_00.pdf")   # the frame rule must run
    status, _ = box.build(2, "first.log")
    log = (box.logs / "first.log").read_text()
    assert status != 0 and f"pdf/{name}_02.pdf" in log and "run make again" in log
    assert {p: p.read_bytes() for p in (box.root / "png").iterdir()} == pngs, \
        "valid PNGs were deleted or changed"
    status, _ = box.build(2, "second.log")
    assert status == 0, box.log_tail("second.log")
    report = trials.check_tree(box.root, trials.expected_outputs([name]), temps_allowed=False)
    assert report.problems == [] and box.up_to_date()
    assert (box.root / "gif" / f"{name}.gif").read_bytes() == \
        (ROOT / "gif" / f"{name}.gif").read_bytes()
