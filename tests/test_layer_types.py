"""Layers written as in PyTorch (--layer, from_layer, from_module, describe)
take what PyTorch takes and refuse, in one paragraph, what it refuses: odd
literals, numpy's numbers, a normalisation of the wrong width, inputs that
are not tensors."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

import convarith
from convarith.errors import ParameterError
from test_console import convarith_process

#: --layer texts PyTorch could not run, and words the refusal must hold.
REFUSED_TEXTS = [
    ("Conv2d(**{'in_channels': 1})", "unpacks its arguments"),
    ("Conv2d(1, 1, {[]: 1})", "plain numbers"),
    ("Conv2d(1, 1, {3})", "plain numbers"),
    ("Conv2d(1, 1, 3, stride=None)", "stride"),
    ("Conv2d(1, 1, (3,))", "kernel_size"),
    ("BatchNorm2d(-3)", "num_features"),
    ("BatchNorm2d(1.5)", "num_features"),
    ("GroupNorm(3, 64)", "divisible by num_groups"),
    ("BatchNorm2d(1, affine='yes')", "affine"),
]


@pytest.mark.parametrize("text, words", REFUSED_TEXTS)
@pytest.mark.parametrize("command", ["describe", "animate"])
def test_layer_texts_torch_refuses_are_refused_in_one_paragraph(tmp_path, command, text,
                                                                words):
    name = [] if command == "describe" else ["mine"]
    out = [] if command == "describe" else ["--out", "mine.gif"]
    result = convarith_process([command, *name, "--layer", text, "--layer", "ReLU()",
                                "--input", "1,8,8", *out], tmp_path, os.environ)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("convarith: error: ") and words in result.stderr
    assert result.stderr.count("\n") == 1 and "internal error" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_normalisation_of_other_channels_than_its_input_is_refused(tmp_path):
    result = convarith_process(["describe", "--layer", "Conv2d(3, 64, 3)", "--layer",
                                "BatchNorm2d(32)", "--input", "3,8,8"], tmp_path, os.environ)
    assert result.returncode == 2
    assert "BatchNorm2d(32) expects an input with 32 channels, but it has 64" in result.stderr
    result = convarith_process(["describe", "--layer", "Conv2d(3, 64, 3)", "--layer",
                                "BatchNorm2d(num_features=64)", "--input", "3,8,8", "--json"],
                               tmp_path, os.environ)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["layers"][1]["parameters"]["total"] == 128


def test_the_explorer_does_not_draw_a_shape_keeping_layer_as_a_convolution():
    from convarith.explorer import explore
    for text in ("ReLU()", "BatchNorm2d(1)"):
        answer = json.loads(explore(text, "5"))
        assert "nothing to draw" in answer["error"], answer
    assert "plain numbers" in json.loads(explore("Conv2d(1, 1, {[]: 1})", "5"))["error"]


@pytest.mark.parametrize("function", [
    lambda: convarith.describe("Conv2d(1, 1, 3)", None),
    lambda: convarith.describe("Conv2d(1, 1, 3)", 5),
    lambda: convarith.describe("Conv2d(1, 1, 3)", "1,5,5"),
    lambda: convarith.describe("Conv2d(1, 1, 3)", (1, 5, 5), text=1),
    lambda: convarith.conv2d(5, 3, padding="SAME"),
    lambda: convarith.conv2d(5, 3, in_channels=None),
    lambda: convarith.conv_transpose2d(5, (3,)),
    lambda: convarith.conv2d(5, 3, steps=[True]),
    lambda: convarith.conv2d(5, 3, steps=[1.0]),
    lambda: convarith.from_layer("ReLU()", (1, 5, 5)),
    lambda: convarith.from_layer(None, (1, 5, 5)),
], ids=["shape None", "shape 5", "shape text", "text=1", "padding SAME", "channels None",
        "kernel (3,)", "steps [True]", "steps [1.0]", "from_layer ReLU", "from_layer None"])
def test_the_api_refuses_what_torch_refuses_with_a_parameter_error(function):
    with pytest.raises(ParameterError) as caught:
        function()
    assert "\n" not in str(caught.value) and "--" not in str(caught.value)


def test_the_api_takes_numpy_numbers_and_one_element_sizes_as_torch_does():
    layer = convarith.from_layer("Conv2d(2, 2, 3, stride=(2,), padding=[1])",
                                 np.array([2, 7, 7]))
    assert layer.spec.output_size == (4, 4)
    assert convarith.describe("MaxPool2d((2,))", (1, 4, 4))["output_shape"] == [1, 1, 2, 2]


def test_modules_built_with_numpy_numbers_are_drawn_and_described():
    nn = pytest.importorskip("torch.nn")
    module = nn.Conv2d(np.int64(2), np.int64(4), np.int64(3), stride=np.int64(2),
                       groups=np.int64(2))
    assert convarith.describe(module, (1, 2, 7, 7))["output_shape"] == [1, 4, 3, 3]
    assert convarith.from_module(module, (1, 2, 7, 7)).spec.out_channels == 4
    pool = nn.MaxPool2d((2,))
    assert convarith.from_module(pool, (1, 1, 4, 4)).spec.output_size == (2, 2)


def test_from_module_refuses_what_the_module_would_not_take():
    torch = pytest.importorskip("torch")
    nn = torch.nn
    layer = nn.Conv2d(1, 1, 3)
    cases = [
        dict(numerical=True, input=np.zeros((1, 1, 5, 5))),
        dict(numerical=True, input=[[[0.0] * 5] * 5]),
        dict(input_size=9, numerical=True, input=torch.zeros(1, 1, 5, 5)),
    ]
    for kwargs in cases:
        with pytest.raises(ParameterError, match="input"):
            convarith.from_module(layer, **kwargs)
    chain = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(3), nn.Conv2d(4, 1, 3))
    with pytest.raises(ParameterError, match="BatchNorm2d.* expects an input with 3 channels"):
        convarith.from_module(chain, (1, 9, 9))
    good = nn.Sequential(nn.Conv2d(1, 1, 3), nn.Conv2d(1, 1, 3))
    with pytest.raises(ParameterError, match="caption="):
        convarith.from_module(good, (1, 9, 9), caption=1)


#: Activations written as in PyTorch, some of which its constructors refuse.
ACTIVATION_TEXTS = [
    "ReLU()", "ReLU(True)", "ReLU(inplace=True)", "ReLU(1, 2, 3)", "ReLU(foo=1)",
    "ReLU(True, inplace=True)", "LeakyReLU(0.2)", "LeakyReLU(0.2, True, 3)", "GELU('tanh')",
    "Dropout(0.5)", "Dropout(1.5)", "Dropout(-0.1)", "Dropout('a')", "Dropout2d(p=0.1)",
    "Sigmoid()", "Sigmoid(1, 2)", "Tanh(x=1)", "Identity(5, x=3)", "ELU(1.0, False, 3)",
    "Hardswish(True, True)", "SiLU(inplace=False)", "Mish(1, 2)",
]


@pytest.mark.parametrize("text", ACTIVATION_TEXTS)
def test_an_activation_is_refused_exactly_when_torch_refuses_it(text):
    nn = pytest.importorskip("torch.nn")
    try:
        eval("nn." + text, {"nn": nn})
    except (TypeError, ValueError):
        torch_takes = False
    else:
        torch_takes = True
    try:
        convarith.describe([text], (1, 3, 8, 8))
    except ParameterError as error:
        assert text.split("(")[0] in str(error) and "\n" not in str(error)
        assert not torch_takes, f"{text} is refused, though torch takes it: {error}"
    else:
        assert torch_takes, f"{text} is taken, though torch refuses it"


@pytest.mark.parametrize("dtype, channels", [("int64", 1), ("float64", 1), ("float32", 2)])
def test_from_module_refuses_an_input_the_module_refuses(dtype, channels):
    torch = pytest.importorskip("torch")
    module = torch.nn.Conv2d(1, 1, 3)
    tensor = (torch.rand(1, channels, 5, 5) * 4).to(getattr(torch, dtype))
    with pytest.raises(RuntimeError):
        module(tensor)
    with pytest.raises(ParameterError, match=r"The module refuses input= .*torch\.rand\(1, 1,"):
        convarith.from_module(module, numerical=True, input=tensor)
    assert convarith.from_module(module, numerical=True,
                                 input=torch.rand(1, 1, 5, 5)).spec.input_size == (5, 5)
