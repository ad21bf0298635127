"""--out cannot overwrite what make builds in the checkout (make would take
the file for up to date), nor the frames the run itself writes; and a run
that fails midway (out of memory) changes no file at all."""

from __future__ import annotations

import subprocess
import sys

import pytest

import convarith
from convarith.cli import run
from convarith.errors import ParameterError
from test_bad_input import ROOT, base_env

KEPT = ["gif/padding_strides.gif", "gif/../gif/dilation.gif", "pdf/padding_strides_03.pdf",
        "png/numerical_max_pooling_00.png", "conv_arithmetic.pdf",
        # the report's frames of real layers, and make site's pages
        "figures/resnet_stem_last_row.pdf", "site/index.html", "site/explore.html"]


def checkout(tmp_path):
    """A checkout of the project (what the commands look for in the working
    directory), holding the files make builds; a test that went wrong
    overwrites these, not the real ones."""
    (tmp_path / "convarith" / "model").mkdir(parents=True)
    (tmp_path / "convarith" / "model" / "catalogue.py").write_text("")
    (tmp_path / "Makefile").write_text("")
    for kept in KEPT:
        path = tmp_path / kept
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"kept")
    return {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")}


@pytest.mark.parametrize("program", ["animate", "convarith"])
@pytest.mark.parametrize("kept", KEPT)
def test_out_onto_a_file_make_builds_is_refused(tmp_path, program, kept):
    before = checkout(tmp_path)
    command = ([str(ROOT / "bin" / "animate")] if program == "animate"
               else ["-m", "convarith", "animate"])
    for out in (kept, str(tmp_path / kept)):
        result = subprocess.run([sys.executable, *command, "mine", "-i", "4", "-k", "3",
                                 "--out", out], cwd=tmp_path, env=base_env(),
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 2, result.stderr
        assert "one of the files that 'make' builds" in result.stderr
        assert result.stderr.count("\n") == 1
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")} == before


def test_the_api_refuses_them_too(tmp_path, monkeypatch):
    before = checkout(tmp_path)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ParameterError, match="^path 'gif/padding_strides.gif' is one of"):
        convarith.conv2d(4, 3).save("gif/padding_strides.gif")
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")} == before


def test_a_chain_and_a_layer_refuse_them_too(tmp_path, monkeypatch):
    """The new front doors: --layer on the command line, and a chain's save()."""
    before = checkout(tmp_path)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "linked").symlink_to(tmp_path / "gif")
    from convarith.chain import chain_of_layers
    from convarith.model.layers import parse_layer
    # a chain of layers, as from_module builds one of an nn.Sequential
    layers = [parse_layer("Conv2d(1, 1, 3)"), parse_layer("Conv2d(1, 1, 3)")]
    drawn = chain_of_layers(layers, (1, 7, 7), {}, convarith.from_layer)
    for path in ("gif/padding_strides.gif", "linked/dilation.gif",
                 "figures/resnet_stem_last_row.pdf"):
        with pytest.raises(ParameterError, match="is one of the files that 'make' builds"):
            (drawn if path.endswith(".gif") else convarith.from_layer(
                "Conv2d(1, 1, 3)", (1, 5, 5))).save(path)
    result = subprocess.run([sys.executable, "-m", "convarith", "animate", "mine", "--layer",
                             "Conv2d(1, 1, 3)", "--layer", "Conv2d(1, 1, 3)", "--input",
                             "1,7,7", "--out", "site/index.html", "--out", "a.gif"],
                            cwd=tmp_path, env=base_env(), capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 2 and "one of the files that 'make' builds" in result.stderr
    (tmp_path / "linked").unlink()
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")} == before


def test_files_of_other_names_in_a_scratch_directory_are_allowed(tmp_path):
    for folder in ("gif", "pdf", "png"):
        (tmp_path / folder).mkdir()
    result = subprocess.run([sys.executable, "-m", "convarith", "animate", "mine", "-i", "4",
                             "-k", "3", "--out", "gif/padding_strides.gif"], cwd=tmp_path,
                            env=base_env(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr        # not a checkout: nothing is make's


@pytest.mark.parametrize("out", ["png/mine_01.png", "pdf/mine_0.pdf", "svg/mine_03.svg"])
def test_out_onto_the_runs_own_frames_is_refused(tmp_path, out):
    result = subprocess.run([sys.executable, str(ROOT / "bin" / "animate"), "mine", "-i", "4",
                             "-k", "3", "--renderer", "native", "--svg-frames", "svg", "--out",
                             out], cwd=tmp_path, env=base_env(), capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 2, result.stderr
    assert "where this run writes a frame of its own" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("renderer", ["native",
                                      pytest.param("tex", marks=pytest.mark.integration)])
def test_running_out_of_memory_midway_changes_no_file(tmp_path, monkeypatch, capsys,
                                                      renderer):
    """bin/animate writes frames in pdf/ and png/ and then the outputs: when
    memory runs out in the last output, no frame and no output is left, as
    the message says."""
    from convarith.commands import animate
    from convarith.export import registry
    monkeypatch.chdir(tmp_path)

    def out_of_memory(target, rendering, timing):
        raise MemoryError
    webm = registry.WRITERS[".webm"]
    monkeypatch.setitem(registry.WRITERS, ".webm",
                        registry.Writer(".webm", webm.kind, out_of_memory, webm.check))
    code = run(animate, ["mine", "-i", "4", "-k", "3", "--renderer", renderer, "--out",
                         "a.gif", "--out", "b.webm", "--svg-frames", "svg"], prog="animate")
    err = capsys.readouterr().err
    assert code == 3 and "Not enough memory" in err and "no file was changed" in err
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")
                  if p.is_file()) == []


@pytest.mark.parametrize("program", ["produce_figure", "convarith"])
def test_frames_of_other_parameters_under_a_catalogue_name_are_refused(tmp_path, program):
    """make runs bin/produce_figure with the catalogue's parameters; other ones
    would leave pdf/ holding frames make takes for the catalogue's."""
    before = checkout(tmp_path)
    command = ([str(ROOT / "bin" / "produce_figure")] if program == "produce_figure"
               else ["-m", "convarith", "figure"])
    result = subprocess.run([sys.executable, *command, "arithmetic", "padding_strides", "0",
                             "-i", "6", "-k", "3"], cwd=tmp_path, env=base_env(),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    assert "make builds from its own parameters" in result.stderr
    assert "my_padding_strides" in result.stderr and result.stderr.count("\n") == 1
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")} == before
