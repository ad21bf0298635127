"""The HTML player's file: self-contained, its contract's attributes, every drawn cell tagged."""

import json
import re
import subprocess
import sys

import pytest

import convarith
from convarith.errors import ParameterError
from convarith.export.player import MAX_PLAYER_STEPS, player_fragment
from convarith.scene.elision import figure_views
from test_native_outputs import without_tex_env

CELL = re.compile(r'<rect x="([-\d.]+)" y="([-\d.]+)" width="1" height="1" '
                  r'data-cell="(in|pad|out):(\d+):(\d+):(\d+)"/>')


def config_of(html: str) -> dict:
    text = re.search(r"<script type=\"application/json\" data-convarith-config>(.*?)</script>",
                     html, re.DOTALL).group(1)
    return json.loads(text)


def cells_of(html: str) -> dict:
    """{data-cell: (x, y)} of the first cell overlay."""
    overlay = html[html.index("<g data-cells"):]
    overlay = overlay[:overlay.index("</g></g>")]
    return {f"{kind}:{c}:{r}:{x}": (float(px), float(py))
            for px, py, kind, c, r, x in CELL.findall(overlay)}


def test_the_saved_page_needs_no_other_host(tmp_path):
    path = convarith.conv2d(5, 3, stride=2, padding=1, numerical=True).save(tmp_path / "a.html")
    html = path.read_text(encoding="utf-8")
    assert re.findall(r"[a-z][a-z0-9+.-]*://|\bsrc=|\bhref=|@import|url\((?!#)", html) == []
    root = re.search(r"<div [^>]*data-convarith-player[^>]*>", html).group(0)
    assert 'data-step="0"' in root and 'data-steps="9"' in root
    assert html.count("<svg") == 1


def test_a_single_channel_figure_tags_each_cell_with_its_true_indices():
    animation = convarith.conv2d(5, 3, stride=2, padding=1)
    cells = cells_of(player_fragment(animation))
    inputs = {name for name in cells if name.startswith("in:")}
    padding = {name for name in cells if name.startswith("pad:")}
    outputs = {name for name in cells if name.startswith("out:")}
    assert inputs == {f"in:0:{r}:{x}" for r in range(5) for x in range(5)}
    # The padded grid is 7x7; its ring of 24 cells is padding.
    assert padding == {f"pad:0:{r}:{x}" for r in range(7) for x in range(7)
                       if r in (0, 6) or x in (0, 6)}
    assert outputs == {f"out:0:{r}:{x}" for r in range(3) for x in range(3)}
    # Input cell (R, X) sits where padded cell (R+1, X+1) would: one to the
    # right of the padding column and one below the padding row (y up).
    views = figure_views(animation.spec, animation.steps)
    assert cells["in:0:0:0"] == views.inputs.cell(1, 1)
    assert cells["pad:0:0:0"] == views.inputs.cell(0, 0)
    assert cells["in:0:0:1"][0] == cells["in:0:0:0"][0] + 1
    assert cells["in:0:1:0"][1] == cells["in:0:0:0"][1] - 1


def test_a_transposed_figure_tags_inserted_zeros_as_padding():
    cells = cells_of(player_fragment(convarith.conv_transpose2d(3, 3, stride=2)))
    # Stretched input: 3 units with a zero between each (5 cells), padded by
    # k - 1 = 2 on each side: a 9x9 drawn grid, of which 9 cells are inputs.
    assert {n for n in cells if n.startswith("in:")} == {
        f"in:0:{r}:{x}" for r in range(3) for x in range(3)}
    assert len([n for n in cells if n.startswith("pad:")]) == 81 - 9
    assert "pad:0:3:3" in cells and "pad:0:2:2" not in cells   # (2, 2) is input (0, 0)


def test_channels_and_groups_have_a_plane_of_cells_each():
    animation = convarith.conv2d(4, 3, in_channels=4, out_channels=2, groups=2,
                                 numerical=True)
    html = player_fragment(animation)
    cells = cells_of(html)
    assert {n.split(":")[1] for n in cells if n.startswith("in:")} == {"0", "1", "2", "3"}
    assert {n.split(":")[1] for n in cells if n.startswith("out:")} == {"0", "1"}
    config = config_of(html)
    assert (config["inChannels"], config["outChannels"], config["groups"]) == (4, 2, 2)
    assert config["values"]["output"][1][0][1] != ""


def test_an_elided_layer_shows_only_its_steps_and_the_cells_drawn():
    torch = pytest.importorskip("torch")
    animation = convarith.from_module(torch.nn.Conv2d(3, 64, 7, stride=2, padding=3),
                                      (3, 224, 224))
    html = player_fragment(animation)
    config = config_of(html)
    assert [step["index"] for step in config["steps"]] == list(animation.steps)
    assert f'data-steps="{len(animation.steps)}"' in html
    cells = cells_of(html)
    rows = {int(n.split(":")[2]) for n in cells if n.startswith("in:")}
    assert {0, 223} <= rows and 112 not in rows and len(rows) < 40
    channels = {int(n.split(":")[1]) for n in cells if n.startswith("out:")}
    assert 63 in channels and len(channels) == 4
    assert config["axes"][0]["units"] == list(range(3, 227))


def test_steps_drawn_alike_are_written_once():
    animation = convarith.conv2d(5, 3, stride=2, padding=1, numerical=True)
    html = player_fragment(animation)
    frames = animation.svg_frames()
    # Every frame draws the 49 input values; the player writes them once.
    per_frame = [svg.decode().count("<text") for svg in frames.values()]
    assert html.count("<text") < sum(per_frame) / 3
    assert len(html) < sum(len(svg) for svg in frames.values()) / 2


def test_two_figures_on_one_page_share_no_id():
    first = player_fragment(convarith.conv_transpose2d(3, 3, stride=2, padding=3))
    second = player_fragment(convarith.conv_transpose2d(4, 3, stride=2, padding=3))
    ids = [set(re.findall(r'\bid="([^"]+)"', html)) for html in (first, second)]
    assert ids[0] and ids[1] and not ids[0] & ids[1]   # cropped borders are hatched


def test_too_many_steps_are_refused_before_anything_is_written(tmp_path):
    layer = convarith.conv2d(100, 3, steps="all", max_steps=20000)
    assert len(layer.steps) > MAX_PLAYER_STEPS
    with pytest.raises(ParameterError, match="steps"):
        layer.save(tmp_path / "big.html")
    assert list(tmp_path.iterdir()) == []


def test_the_command_line_writes_a_player(tmp_path):
    run = [sys.executable, "-m", "convarith", "animate", "mine", "-i", "5", "-k", "3",
           "--out", "mine.html"]
    result = subprocess.run(run, cwd=tmp_path, env=without_tex_env(), capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "mine.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and 'data-steps="9"' in html
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.html"]


def test_the_command_line_refuses_a_player_too_long(tmp_path):
    run = [sys.executable, "-m", "convarith", "animate", "mine", "-i", "100", "-k", "3",
           "--steps", "all", "--max-steps", "20000", "--out", "big.html"]
    result = subprocess.run(run, cwd=tmp_path, env=without_tex_env(), capture_output=True,
                            text=True)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and "--steps" in result.stderr
    assert list(tmp_path.iterdir()) == []
