"""The explorer's Python side: a layer and an input as the page's address gives
them, drawn as a player beside the layer's numbers, with the standard library only.

What the browser runs is checked in a Python whose numpy, Pillow, jinja2 and
markupsafe cannot be imported, as in Pyodide offline.
"""

import json
import subprocess
import sys

import pytest

from convarith.errors import ParameterError
from convarith.explorer import explore, parse_input
from convarith.model.layers import parse_layer
from test_bad_input import ROOT

#: Run in a fresh Python: every import of these packages fails.
WITHOUT_THIRD_PARTY = """
import importlib.abc, json, sys
BLOCKED = {"numpy", "PIL", "jinja2", "markupsafe", "pypdf", "pdf2image", "imageio", "resvg"}
class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ImportError("not in the browser: " + name)
sys.meta_path.insert(0, Refuse())
from convarith.explorer import explore
results = [json.loads(explore(*case)) for case in json.loads(sys.argv[1])]
loaded = sorted({m.partition(".")[0] for m in sys.modules} & BLOCKED)
print(json.dumps({"results": [{k: r.get(k) for k in ("error", "steps")} for r in results],
                  "loaded": loaded}))
"""


def conv_size(i, k, s=1, p=0, d=1):
    return (i + 2 * p - d * (k - 1) - 1) // s + 1


def transposed_size(i, k, s=1, p=0, a=0, d=1):
    return (i - 1) * s - 2 * p + d * (k - 1) + a + 1


def test_what_the_browser_runs_needs_only_the_standard_library():
    cases = [["Conv2d(2, 2, 3, stride=2, padding=1)", "5", False],
             ["ConvTranspose2d(1, 1, 3, stride=2)", "3", True],
             ["MaxPool2d(2)", "4", False],
             ["AvgPool2d(3, stride=1, padding=1)", "2,5,5", False],
             ["Conv2d(3, 64, 7, stride=2, padding=3)", "224", False]]
    result = subprocess.run([sys.executable, "-c", WITHOUT_THIRD_PARTY, json.dumps(cases)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["loaded"] == []
    assert [r["error"] for r in answer["results"]] == [None] * len(cases)
    expected_steps = [2 * conv_size(5, 3, 2, 1) ** 2, transposed_size(3, 3, 2) ** 2,
                      conv_size(4, 2, 2) ** 2, 2 * conv_size(5, 3, 1, 1) ** 2]
    assert [r["steps"] for r in answer["results"][:4]] == expected_steps
    # a real layer is drawn elided: its story, not its 800,000 steps
    assert 0 < answer["results"][4]["steps"] <= 32


def test_the_player_and_the_numbers_of_a_strided_padded_convolution():
    result = json.loads(explore("Conv2d(2,2,3,stride=2,padding=1)", "5"))
    side = conv_size(5, 3, 2, 1)
    assert result["input"] == [1, 2, 5, 5]
    assert result["numbers"]["output_shape"] == [1, 2, side, side]
    assert result["steps"] == result["allSteps"] == 2 * side * side
    assert f'data-steps="{2 * side * side}"' in result["player"]
    assert result["player"].count("<script>") == 1        # the page runs it anew
    assert result["layer"] == "Conv2d(2, 2, 3, stride=2, padding=1)"
    assert result["fields"]["stride"] == [2, 2] and result["fields"]["op"] == "conv2d"


def test_the_numbers_are_those_of_convarith_describe():
    layer = "ConvTranspose2d(4, 2, 3, stride=2, padding=1, output_padding=1, groups=2)"
    result = json.loads(explore(layer, "4,6,5"))
    command = subprocess.run([sys.executable, "-m", "convarith", "describe", "--layer", layer,
                              "--input", "4,6,5"], cwd=ROOT, capture_output=True, text=True)
    assert command.returncode == 0, command.stderr
    assert command.stdout.strip() == result["text"]
    expected = [transposed_size(6, 3, 2, 1, 1), transposed_size(5, 3, 2, 1, 1)]
    assert result["numbers"]["output_shape"] == [1, 2, *expected]


def test_a_pooling_layer_over_channels_is_not_called_grouped():
    player = json.loads(explore("MaxPool2d(3, stride=2)", "2,7,7"))["player"]
    title = player.split('<div class="ca-title">', 1)[1].split("</div>", 1)[0]
    assert title.startswith("MaxPool2d(") and "groups" not in title


def test_values_are_drawn_when_asked():
    plain = json.loads(explore("Conv2d(1, 1, 3)", "4"))["player"]
    valued = json.loads(explore("Conv2d(1, 1, 3)", "4", True))["player"]
    assert '"values":null' in plain and '"values":{' in valued


@pytest.mark.parametrize("text, shape", [
    ("5", (1, 3, 5, 5)), ("5,7", (1, 3, 5, 7)), ("5x7", (1, 3, 5, 7)),
    ("3,6,4", (1, 3, 6, 4)), ("1, 3, 6, 4", (1, 3, 6, 4)),
])
def test_inputs_as_visitors_type_them(text, shape):
    assert parse_input(text, parse_layer("Conv2d(3, 8, 3)")) == shape


def test_a_pooling_input_without_channels_has_one():
    assert parse_input("6", parse_layer("MaxPool2d(2)")) == (1, 1, 6, 6)


@pytest.mark.parametrize("layer, shape, words", [
    ("Linear(3, 4)", "5", "not a layer written as in PyTorch"),
    ("Conv2d(2, 2, 3)", "abc", "The input must be a size"),
    ("Conv2d(2, 2, 3)", "3,5,5", "expects an input with 2 channels"),
    ("Conv2d(2, 2, 3)", "2,2,5,5", "batch size must be 1"),
    ("Conv2d(2, 2, 3)", "", "The input must be a size"),
    ("Conv2d(2, 2, 7)", "3", "kernel"),
    ("Conv2d(2, 3, 3, groups=2)", "5", "divisible by groups"),
    ("__import__('os')", "5", "not a layer written as in PyTorch"),
])
def test_a_bad_request_is_one_paragraph(layer, shape, words):
    result = json.loads(explore(layer, shape))
    assert set(result) == {"error"}
    assert words in result["error"] and "\n" not in result["error"]
    assert "Traceback" not in result["error"]


def test_parse_input_raises_the_api_error():
    with pytest.raises(ParameterError):
        parse_input("0", parse_layer("Conv2d(1, 1, 3)"))


def test_the_explorer_says_whether_a_layer_is_elided_or_only_shows_its_story():
    story = json.loads(explore("ConvTranspose2d(2,2,3,stride=2,padding=1)", "2,4,4"))
    assert story["allSteps"] == 2 * 7 * 7 and story["steps"] < story["allSteps"]
    assert story["elided"] is False
    stem = json.loads(explore("Conv2d(3,64,7,stride=2,padding=3)", "3,224,224"))
    assert stem["elided"] is True and stem["steps"] == 8
