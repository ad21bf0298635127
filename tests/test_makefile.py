"""The generated Make rules and the committed Makefile, checked with make -n."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import interrupt_trials as trials
from convarith.cli import catalogue_spec
from convarith.model.catalogue import CATALOGUE
from convarith.makefile import CHANNEL_CODE, NUMERICAL_CODE, PDF_CODE, makefile_text

ROOT = Path(__file__).resolve().parent.parent
NUMERICAL = {e.name for e in CATALOGUE
             if e.kind == "numerical" and not catalogue_spec(e).multichannel}
ARITHMETIC = {e.name for e in CATALOGUE
              if e.kind == "arithmetic" and not catalogue_spec(e).multichannel}
NUMERICAL_CHANNELS = {e.name for e in CATALOGUE
                      if e.kind == "numerical" and catalogue_spec(e).multichannel}
ARITHMETIC_CHANNELS = {e.name for e in CATALOGUE
                       if e.kind == "arithmetic" and catalogue_spec(e).multichannel}


def dry_run(box: trials.Sandbox, *args: str) -> str:
    """What make would run in the copy `box`."""
    result = subprocess.run(["make", "-n", "--no-print-directory", f"PYTHON={box.python}",
                             f"VENV={box.root / '.trial-venv'}", *args], cwd=box.root,
                            env=box.env(), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def animations_in(plan: str) -> set[str]:
    names = set()
    for line in plan.splitlines():
        if "bin/produce_figure" in line:
            names.add(line.split()[line.split().index("all") - 1])
    return names


def test_generator_needs_only_the_standard_library():
    """bin/generate_makefile runs isolated from site-packages (-I -S)."""
    result = subprocess.run([sys.executable, "-I", "-S", "bin/generate_makefile", "-o", "-"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout == makefile_text(CATALOGUE)


def test_rules_cover_every_step_of_every_animation():
    text = makefile_text(CATALOGUE)
    for item in CATALOGUE:
        spec = catalogue_spec(item)
        last = spec.step_name(spec.steps - 1)
        assert f"pdf/{last}.pdf" in text and f"png/{last}.png" in text
        assert f"pdf/{spec.step_name(spec.steps)}.pdf" not in text
        assert f"gif/{item.name}.gif" in text


def test_makefile_declares_safety_and_phony_targets():
    text = (ROOT / "Makefile").read_text()
    assert ".DELETE_ON_ERROR:" in text
    phony = next(line for line in text.splitlines() if line.startswith(".PHONY:"))
    for target in ("all_animations", "test", "clean", "help", "check-figures"):
        assert target in phony.split()
    assert "PDFLATEX ?=" in text and "PYTHON ?=" in text


#: Runs a program (a script, or -m MODULE) and writes the package modules it
#: loaded into the file named first.
RECORD_MODULES = """
import atexit, runpy, sys
out = sys.argv.pop(1)
ran = [sys.argv[2]] if sys.argv[1] == "-m" else []    # loaded as __main__
atexit.register(lambda: open(out, "w").write("\\n".join(ran + [
    m for m in sys.modules if m.partition(".")[0] == "convarith"])))
sys.argv = sys.argv[1:]
if sys.argv[0] == "-m":
    sys.argv = sys.argv[1:]
    runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
else:
    runpy.run_path(sys.argv[0], run_name="__main__")
"""


def loaded_files(argv: list[str], cwd: Path) -> set[str]:
    """The package's files that a recipe's process loads, as paths from the root."""
    record = cwd / "modules.txt"
    result = subprocess.run([sys.executable, "-c", RECORD_MODULES, str(record), *argv],
                            cwd=cwd, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    files = set()
    for module in record.read_text().split():
        path = Path(*module.split("."))
        files.add(f"{path}/__init__.py" if (ROOT / path).is_dir() else f"{path}.py")
    return files


def prerequisites(variable: str) -> set[str]:
    """The package files among a generated variable's words, expanded."""
    text = makefile_text(CATALOGUE)
    values = dict(line.split(" := ", 1) for line in text.splitlines() if " := " in line)

    def expand(name):
        words = []
        for word in values[name].split():
            words += expand(word[2:-1]) if word.startswith("$(") else [word]
        return words
    return {word for word in expand(variable) if word.startswith("convarith/")}


@pytest.mark.integration
@pytest.mark.parametrize("name, variable", [
    ("no_padding_no_strides", "ARITHMETIC_DEPS"),
    ("numerical_no_padding_no_strides", "NUMERICAL_DEPS"),
    ("pointwise", "ARITHMETIC_CHANNELS_DEPS"),
    ("numerical_depthwise", "NUMERICAL_CHANNELS_DEPS"),
])
def test_each_rule_lists_exactly_the_package_modules_its_recipes_load(tmp_path, name,
                                                                     variable):
    """A module a recipe loads but the rule does not list would leave stale
    files after an edit; one listed but not loaded would rebuild for nothing."""
    item = next(e for e in CATALOGUE if e.name == name)
    pdf_stage = loaded_files([str(ROOT / "bin" / "produce_figure"), item.kind, name, "all",
                              *item.argv], tmp_path)
    # The catalogue too: produce_figure holds a catalogue name to its parameters.
    assert pdf_stage == prerequisites(variable)
    pdfs = sorted(str(p.relative_to(tmp_path)) for p in (tmp_path / "pdf").iterdir())
    frame_stage = loaded_files(["-m", "convarith.stages", "frames", f"gif/{name}.gif",
                                *pdfs], tmp_path)
    assert frame_stage == prerequisites("FRAME_DEPS")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A copy of the repository with everything up to date, so a dry run shows
    only what a change causes.  A copy, because the build rewrites gif/, which
    other tests read meanwhile.  The checkout's frame PDFs (`make test` builds
    them first) come along with their times, so the copy makes only the PNGs
    and GIFs."""
    box = trials.Sandbox.create(tmp_path_factory.mktemp("make"), "built",
                                targets=["all_animations", "conv_arithmetic.pdf"])
    if (ROOT / "pdf").is_dir():
        shutil.copytree(ROOT / "pdf", box.root / "pdf")
    status, _ = box.build(2, "build.log")
    assert status == 0, box.log_tail("build.log")
    return box


@pytest.mark.integration
def test_second_make_does_nothing(built):
    assert animations_in(dry_run(built, "all_animations")) == set()
    assert "convarith.stages frames" not in dry_run(built, "all_animations")


@pytest.mark.integration
@pytest.mark.parametrize("touched,expected", [
    ("templates/numerical.tex.j2", NUMERICAL),
    ("convarith/model/values.py", NUMERICAL | NUMERICAL_CHANNELS),
    ("templates/arithmetic.tex.j2", ARITHMETIC),
    ("templates/arithmetic_channels.tex.j2", ARITHMETIC_CHANNELS),
    ("templates/numerical_channels.tex.j2", NUMERICAL_CHANNELS),
    ("convarith/scene/planes.py", ARITHMETIC_CHANNELS | NUMERICAL_CHANNELS),
    ("convarith/scene/channels.py", ARITHMETIC_CHANNELS | NUMERICAL_CHANNELS),
    ("convarith/scene/build.py", NUMERICAL | ARITHMETIC | NUMERICAL_CHANNELS | ARITHMETIC_CHANNELS),
    ("convarith/render/tikz.py", NUMERICAL | ARITHMETIC | NUMERICAL_CHANNELS | ARITHMETIC_CHANNELS),
    ("templates/inputs.tex.j2", NUMERICAL | ARITHMETIC | NUMERICAL_CHANNELS | ARITHMETIC_CHANNELS),
])
def test_a_change_rebuilds_exactly_the_animations_that_use_it(built, touched, expected):
    assert animations_in(dry_run(built, "-W", touched, "all_animations")) == expected


#: Runs bin/produce_figure's command on step 0 of each animation named, in one
#: process, and prints the package modules it has loaded.
STAGE_MODULES = """
import sys
from convarith.cli import run
from convarith.commands import produce_figure
from convarith.model.catalogue import entry
for name in sys.argv[2:]:
    item = entry(name)
    argv = [item.kind, name, "0", "--pdf-dir", sys.argv[1], *item.argv]
    assert run(produce_figure, argv, prog="produce_figure") == 0, name
print(" ".join(sorted(m for m in sys.modules if m.split(".")[0] == "convarith")))
"""


def module_path(module: str) -> str:
    """convarith.render.tikz -> render/tikz; a package is its __init__."""
    parts = module.split(".")[1:]
    return "/".join(parts) if (ROOT / "convarith" / "/".join(parts)).with_suffix(".py").exists() \
        else "/".join(parts + ["__init__"])


@pytest.mark.integration
@pytest.mark.parametrize("names,listed", [
    (ARITHMETIC, PDF_CODE),
    (NUMERICAL, PDF_CODE + NUMERICAL_CODE),
    (ARITHMETIC_CHANNELS, PDF_CODE + CHANNEL_CODE),
    (NUMERICAL_CHANNELS, PDF_CODE + NUMERICAL_CODE + CHANNEL_CODE),
], ids=["arithmetic", "numerical", "arithmetic-channels", "numerical-channels"])
def test_pdf_rules_list_the_modules_their_stage_loads(tmp_path, names, listed):
    """Each kind's PDF rule depends on exactly the package modules that
    making its animations loads, so that editing one rebuilds them."""
    result = subprocess.run([sys.executable, "-c", STAGE_MODULES, str(tmp_path), *sorted(names)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    loaded = {module_path(m) for m in result.stdout.split()}
    assert loaded == set(listed) | {"model/catalogue"}


@pytest.mark.integration
def test_gif_code_change_redoes_frames_but_not_pdfs(built):
    plan = dry_run(built, "-W", "convarith/export/gif.py", "all_animations")
    assert animations_in(plan) == set()
    assert plan.count("convarith.stages frames") == len(CATALOGUE)


@pytest.mark.integration
def test_report_rebuilds_when_a_frame_it_shows_changes(built):
    assert "latexmk" not in dry_run(built, "conv_arithmetic.pdf")
    plan = dry_run(built, "-W", "pdf/padding_strides_00.pdf", "conv_arithmetic.pdf")
    assert "latexmk" in plan


@pytest.mark.integration
def test_report_rebuilds_when_any_chapter_file_changes(built):
    chapters = sorted((built.root / "chapters").glob("*.tex"))
    assert chapters
    for chapter in chapters:
        plan = dry_run(built, "-W", str(chapter.relative_to(built.root)),
                       "conv_arithmetic.pdf")
        assert "latexmk" in plan, f"changing {chapter.name} does not rebuild the report"
