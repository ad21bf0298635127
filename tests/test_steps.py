"""Which steps an animation shows: all of a small figure, the story of a large
one, or the steps asked for."""

import pytest

from convarith.cli import geometry_spec
from convarith.errors import ParameterError
from convarith.model.steps import STORY_ABOVE, parse_steps, story_steps


def spec(flags: str):
    return geometry_spec("arithmetic", "s", flags.split())


def test_a_small_figure_shows_every_step():
    small = spec("-i 5 -k 3")
    assert small.steps <= STORY_ABOVE and story_steps(small) == list(range(small.steps))


def test_a_large_figure_tells_its_story():
    large = spec("-i 14 -k 3 --in-channels 2 --out-channels 3")   # 12x12 outputs, 3 channels
    steps = story_steps(large)
    assert large.steps == 432 and len(steps) <= 10
    cells = [(large.step_channel(s), *large.step_cell(s)) for s in steps]
    assert cells[:3] == [(0, 0, 0), (0, 0, 1), (0, 0, 2)]              # the first cells
    assert (0, 11, 11) in cells                                        # the last cell
    assert any(c == 0 and r > 6 and x > 6 for c, r, x in cells[:-2])   # beyond the middle
    assert cells[-2:] == [(2, 0, 0), (2, 11, 11)]                      # the last channel
    assert steps == sorted(set(steps))


@pytest.mark.parametrize("text, expected", [
    ("all", list(range(16))),
    ("0-3,9", [0, 1, 2, 3, 9]),
    ("5, 2 ,5", [2, 5]),
    ("row:1", [4, 5, 6, 7]),
    ("channel:0", list(range(16))),
])
def test_steps_asked_for(text, expected):
    assert parse_steps(text, spec("-i 6 -k 3")) == expected


def test_rows_and_channels_of_a_figure_with_channels():
    s = spec("-i 4 -k 3 --in-channels 1 --out-channels 3")             # 2x2 outputs
    assert parse_steps("row:1", s) == [2, 3, 6, 7, 10, 11]
    assert parse_steps("channel:2", s) == [8, 9, 10, 11]


@pytest.mark.parametrize("text, message", [
    ("", "must name steps"),
    ("16", "outside this figure's steps, numbered 0 to 15"),
    ("4-2", "outside"),
    ("row:4", "rows 0 to 3"),
    ("channel:1", "channels 0 to 0"),
    ("first", "is not a step"),
])
def test_refusals_name_the_range(text, message):
    with pytest.raises(ParameterError, match=message):
        parse_steps(text, spec("-i 6 -k 3"))


def test_the_command_and_the_api_show_the_steps_asked_for(tmp_path):
    import subprocess
    import sys

    from PIL import Image

    import convarith
    from test_native_outputs import without_tex_env
    result = subprocess.run([sys.executable, "-m", "convarith", "animate", "big", "-i", "14",
                             "-k", "3", "--out", "story.gif"], cwd=tmp_path,
                            env=without_tex_env(), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    story = story_steps(spec("-i 14 -k 3"))
    assert 5 <= len(story) <= 10
    assert f"144 steps, output 12x12, showing {len(story)} of them" in result.stderr
    with Image.open(tmp_path / "story.gif") as gif:
        assert gif.n_frames == len(story)
    result = subprocess.run([sys.executable, "-m", "convarith", "animate", "big", "-i", "14",
                             "-k", "3", "--steps", "row:11", "--out", "row.gif"],
                            cwd=tmp_path, env=without_tex_env(), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    with Image.open(tmp_path / "row.gif") as gif:
        assert gif.n_frames == 12
    picked = convarith.conv2d(5, 3, steps=[0, 8])
    assert picked.steps == (0, 8) and len(picked.frames()) == 2
    with pytest.raises(ParameterError, match="steps=: the output has rows 0 to 2"):
        convarith.conv2d(5, 3, steps="row:3")
