"""Interrupted and parallel builds (a reduced run of tests/interrupt_trials.py).

The full experiment - 21 trials over all_animations and the -j1/-j8
comparison - runs with `.venv/bin/python tests/interrupt_trials.py`.  Here:

* the checker itself is tested on broken files (fast);
* 12 trials interrupt a build of a few animations with SIGINT, SIGKILL and
  SIGTERM, then check the files left and the next build (integration, slow);
* `make -j8` and `make -j1` of a third of the catalogue (every kind of rule)
  from clean copies give byte-identical pdf/, png/ and gif/ (integration,
  slow); the script compares whole `all_animations` builds.
"""

from __future__ import annotations

import io

import pytest

import interrupt_trials as trials

SUBSET = ["no_padding_no_strides", "padding_strides_transposed", "numerical_max_pooling",
          "output_padding_transposed"]
#: The trials cycle through the four ways of giving make work and the three
#: signals: twelve try each pair once when every one is interrupted (a trial
#: that make finishes before the signal is not counted, and the cycle moves on).
TRIALS = 12


# --- the checker catches what it must ------------------------------------------

def _pdf(pages: int) -> bytes:
    from pypdf import PdfWriter
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=72, height=72)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _image(fmt: str, frames: int) -> bytes:
    from PIL import Image
    images = [Image.new("RGB", (40, 30), (30 * n, 90, 200)) for n in range(frames)]
    buffer = io.BytesIO()
    images[0].save(buffer, format=fmt, save_all=frames > 1, append_images=images[1:])
    return buffer.getvalue()


def test_checker_accepts_good_files_and_rejects_broken_ones(tmp_path):
    expected = {"pdf/a_00.pdf": 1, "pdf/a_01.pdf": 1, "png/a_00.png": 1,
                "png/a_01.png": 1, "gif/a.gif": 2, "gif/b.gif": 3}
    for sub in trials.OUTPUT_DIRS:
        (tmp_path / sub).mkdir()
    good_pdf, good_png = _pdf(1), _image("PNG", 1)
    (tmp_path / "pdf/a_00.pdf").write_bytes(good_pdf)
    (tmp_path / "png/a_00.png").write_bytes(good_png)
    (tmp_path / "gif/a.gif").write_bytes(_image("GIF", 2))
    report = trials.check_tree(tmp_path, expected, temps_allowed=False)
    assert report.problems == [] and report.complete == 3

    (tmp_path / "pdf/a_01.pdf").write_bytes(good_pdf[:len(good_pdf) // 2])   # cut short
    (tmp_path / "png/a_01.png").write_bytes(good_png[:-20])                  # cut short
    (tmp_path / "gif/b.gif").write_bytes(_image("GIF", 2))                   # frame missing
    (tmp_path / "pdf/.a_00.123-k2j4h5g6.pdf.tmp").write_bytes(good_pdf[:10])     # temporary
    (tmp_path / "png/a_00.png.partial").write_bytes(b"")                     # other name
    report = trials.check_tree(tmp_path, expected, temps_allowed=False)
    text = "\n".join(report.problems)
    assert "pdf/a_01.pdf looks complete but is not" in text
    assert "png/a_01.png looks complete but is not" in text
    assert "gif/b.gif looks complete but is not: 2 frames, expected 3" in text
    assert "temporary file left: pdf/.a_00.123-k2j4h5g6.pdf.tmp" in text
    assert "unexpected file: png/a_00.png.partial" in text
    allowed = trials.check_tree(tmp_path, expected, temps_allowed=True)
    assert not any("temporary" in p for p in allowed.problems)
    assert allowed.temps == ["pdf/.a_00.123-k2j4h5g6.pdf.tmp"]


def test_two_page_pdf_is_not_a_frame(tmp_path):
    path = tmp_path / "x.pdf"
    path.write_bytes(_pdf(2))
    assert trials.check_file(path, 1) == "2 pages"


def test_compare_reports_missing_extra_and_different():
    reference = {"pdf/a.pdf": "1", "pdf/b.pdf": "2", "gif/a.gif": "3"}
    assert trials.compare(reference, dict(reference)) == []
    problems = trials.compare(reference, {"pdf/a.pdf": "1", "pdf/b.pdf": "X",
                                          "png/z.png": "4"})
    assert len(problems) == 3


def test_expected_outputs_follow_the_catalogue():
    from convarith.cli import catalogue_spec
    from convarith.model.catalogue import entry
    expected = trials.expected_outputs(["padding_strides"])
    steps = catalogue_spec(entry("padding_strides")).steps
    assert expected["gif/padding_strides.gif"] == steps
    assert len(expected) == 2 * steps + 1


# --- real interrupted builds -----------------------------------------------------

@pytest.mark.integration
@pytest.mark.slow
def test_interrupted_builds_leave_only_complete_files(tmp_path, capsys):
    tried, held, problems = trials.run_trials(trials=TRIALS, seed=7, jobs=2, names=SUBSET,
                                              parallel=False, workdir=tmp_path,
                                              log=lambda line: None)
    with capsys.disabled():
        print(f"\ninterrupt trials: {tried} tried, {held} held")
    assert not problems, "\n".join(problems)
    assert tried == TRIALS and held == TRIALS


#: A third of the catalogue's frames, with every kind of rule (arithmetic,
#: numerical, and both with channels), hatched cells, a ceil-mode overhang
#: and the largest figure, so -j8 runs many recipes of every kind at once.
PARALLEL = ["dilation_transposed", "numerical_transposed", "numerical_multichannel",
            "grouped", "pointwise", "numerical_depthwise", "cropped_transposed",
            "numerical_max_pooling_ceil", "causal_dilated", "numerical_reflect_padding",
            "padding_strides"]


@pytest.mark.integration
@pytest.mark.slow
def test_parallel_build_is_identical_to_serial(tmp_path):
    expected = trials.expected_outputs(PARALLEL)
    targets = sorted(expected)
    box, reference, _, problems = trials.reference_build(
        tmp_path, "j8", 8, targets, expected, log=lambda line: None)
    assert not problems, "\n".join(problems)
    problems = trials.parallel_check(tmp_path, reference, targets, expected,
                                     jobs=(1,), log=lambda line: None)
    assert not problems, "\n".join(problems)
