"""The layer calculator agrees with PyTorch at any size: shapes, parameters,
what it refuses, and receptive fields measured by back-propagation."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convarith.errors import ParameterError
from convarith.model.layer_numbers import (describe_chain, describe_layer, describe_text,
                                           receptive_field)
from convarith.model.layers import parse_layer

torch = pytest.importorskip("torch")
nn = torch.nn

#: Real layers (text as PyTorch writes them, input shape (N, C, H, W)).
REAL = [
    ("Conv2d(3, 64, 7, stride=2, padding=3)", (1, 3, 224, 224)),
    ("Conv2d(64, 128, 1, stride=2)", (1, 64, 56, 56)),
    ("MaxPool2d(3, stride=2, padding=1)", (1, 64, 112, 112)),
    ("Conv2d(96, 96, 3, stride=2, padding=1, groups=96)", (1, 96, 112, 112)),
    ("ConvTranspose2d(512, 256, 4, 2, 1)", (1, 512, 4, 4)),
    ("ConvTranspose2d(128, 64, 2, stride=2)", (1, 128, 28, 28)),
    ("Conv2d(256, 256, 3, dilation=2, padding=2)", (1, 256, 65, 65)),
    ("Conv2d(32, 32, 3, padding='same', groups=32, bias=False)", (2, 32, 56, 56)),
    ("AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False)", (1, 8, 15, 15)),
    ("Conv2d(3, 8, (3, 5), stride=(2, 1), padding=(1, 2), padding_mode='reflect')",
     (3, 28, 30)),
]


def torch_module(text: str):
    return eval(text, {"__builtins__": {}}, vars(nn))     # trusted test text only


@pytest.mark.parametrize("text, shape", REAL)
def test_real_layers_agree_with_torch(text, shape):
    module = torch_module(text)
    described = describe_layer(parse_layer(text), shape)
    batch = shape if len(shape) == 4 else (1, *shape)
    out = module(torch.zeros(batch))
    assert described["output_shape"] == list(out.shape)
    assert described["parameters"]["total"] == sum(p.numel() for p in module.parameters())
    if hasattr(module, "weight"):
        assert described["weight_shape"] == list(module.weight.shape)
        assert described["parameters"]["bias"] == (0 if module.bias is None
                                                   else module.bias.numel())
    assert described["output_bytes"] == out.numel() * 4


def test_resnet_stem_in_numbers():
    """The figures every ResNet description quotes."""
    d = describe_layer(parse_layer("Conv2d(3, 64, 7, stride=2, padding=3, bias=False)"),
                       (3, 224, 224))
    assert d["output_shape"] == [1, 64, 112, 112]
    assert d["parameters"]["total"] == 9408
    assert d["multiply_accumulates"] == 118_013_952
    assert d["receptive_field"] == [7, 7] and d["jump"] == ["2", "2"]
    assert "118,013,952 multiply-accumulates" in describe_text(d)


def test_padding_same_is_split_as_pytorch_splits_it():
    d = describe_layer(parse_layer("Conv2d(1, 1, 4, padding='same', dilation=1)"), (1, 9, 9))
    assert d["padding"] == {"top": 1, "bottom": 2, "left": 1, "right": 2}
    assert d["output_shape"] == [1, 1, 9, 9]


layers = st.one_of(
    st.builds(lambda c, o, k, s, p, d, g: f"Conv2d({c * g}, {o * g}, {k}, stride={s}, "
              f"padding={p}, dilation={d}, groups={g})",
              st.integers(1, 3), st.integers(1, 3), st.integers(1, 7), st.integers(1, 4),
              st.integers(0, 4), st.integers(1, 3), st.integers(1, 3)),
    st.builds(lambda c, o, k, s, p, a, d: f"ConvTranspose2d({c}, {o}, {k}, stride={s}, "
              f"padding={p}, output_padding={a}, dilation={d})",
              st.integers(1, 3), st.integers(1, 3), st.integers(1, 5), st.integers(1, 4),
              st.integers(0, 4), st.integers(0, 3), st.integers(1, 3)),
    st.builds(lambda k, s, p, d, c: f"MaxPool2d({k}, {s}, {p}, {d}, ceil_mode={c})",
              st.integers(1, 5), st.integers(1, 4), st.integers(0, 3), st.integers(1, 3),
              st.booleans()),
    st.builds(lambda k, s, p, c, i: f"AvgPool2d({k}, {s}, {p}, ceil_mode={c}, "
              f"count_include_pad={i})",
              st.integers(1, 5), st.integers(1, 4), st.integers(0, 3), st.booleans(),
              st.booleans()),
)


def channels_of(text: str) -> int:
    module = torch_module(text)
    return getattr(module, "in_channels", 2)


@settings(max_examples=300, deadline=None)
@given(text=layers, size=st.integers(1, 40))
def test_accepts_what_torch_accepts_and_agrees_on_the_shape(text, size):
    shape = (1, channels_of(text), size, size)
    try:
        torch_shape = list(torch_module(text)(torch.zeros(shape)).shape)
    except (RuntimeError, ValueError):
        torch_shape = None
    if torch_shape is not None and 0 in torch_shape:
        torch_shape = None      # an empty output: we refuse it, saying there is none
    try:
        ours = describe_layer(parse_layer(text), shape)["output_shape"]
    except ParameterError:
        ours = None
    assert ours == torch_shape, text


def torch_field(modules, period: int, size: int = 200):
    """Widest input span, in cells, that one output cell depends on, away from
    the borders (back-propagation through all-ones weights)."""
    chain = nn.Sequential(*modules).double()
    for module in chain:
        if hasattr(module, "weight"):
            nn.init.ones_(module.weight)
    x = torch.ones((1, chain[0].in_channels if hasattr(chain[0], "in_channels") else 1,
                    size, size), dtype=torch.float64, requires_grad=True)
    out = chain(x)
    middle = out.shape[-1] // 2
    widest = 0
    for offset in range(period):
        x.grad = None
        out[0, 0, middle + offset, middle + offset].backward(retain_graph=True)
        touched = (x.grad[0].abs().sum(0) > 0).nonzero()
        if len(touched):
            widest = max(widest, int(touched[:, 0].max() - touched[:, 0].min()) + 1)
    return widest


CHAINS = [
    ["Conv2d(1, 2, 3, stride=2, padding=1)", "Conv2d(2, 2, 3, padding=1)",
     "AvgPool2d(2, 2)", "Conv2d(2, 1, 5, dilation=2)"],
    ["Conv2d(1, 1, 7, stride=2, padding=3)", "AvgPool2d(3, 2, 1)", "Conv2d(1, 1, 3)"],
    ["Conv2d(1, 2, 3, stride=2)", "ConvTranspose2d(2, 1, 4, stride=2, padding=1)"],
    ["ConvTranspose2d(1, 1, 3, stride=2)", "Conv2d(1, 1, 3, dilation=2)"],
]


@pytest.mark.parametrize("texts", CHAINS, ids=range(len(CHAINS)))
def test_receptive_field_is_what_backpropagation_reaches(texts):
    layers_ = [parse_layer(t) for t in texts]
    (field, _), jump = receptive_field(layers_)
    period = math.prod(layer.stride[0] for layer in layers_ if layer.transposed)
    assert field == torch_field([torch_module(t) for t in texts], period)
    if not any(layer.transposed for layer in layers_):
        strides = math.prod(layer.stride[0] for layer in layers_)
        assert jump == (str(strides), str(strides))


def test_a_chain_passes_each_output_on():
    texts = ["Conv2d(32, 32, 3, padding=1, groups=32)", "Conv2d(32, 64, 1)"]
    chain = describe_chain([parse_layer(t) for t in texts], (1, 32, 56, 56))
    modules = nn.Sequential(*[torch_module(t) for t in texts])
    assert chain["output_shape"] == list(modules(torch.zeros(1, 32, 56, 56)).shape)
    assert chain["parameters"] == sum(p.numel() for p in modules.parameters())
    assert [row["input_shape"] for row in chain["layers"]] == [[1, 32, 56, 56],
                                                               [1, 32, 56, 56]]
    assert chain["receptive_field"] == [3, 3]
    assert "total" in describe_text(chain)


@pytest.mark.parametrize("text, message", [
    ("Conv2d(3, 64, 7, stride=2, padding='same')", "not supported for strided"),
    ("Conv2d(3, 64, 7, groups=2)", "divisible by groups"),
    ("ConvTranspose2d(3, 3, 3, padding_mode='reflect')", "only padding_mode='zeros'"),
    ("MaxPool2d(3, padding=2)", "half of the kernel size"),
    ("Linear(3, 4)", "not a layer written as in PyTorch"),
    ("Conv2d(3, 4, __import__('os'))", "plain numbers"),
])
def test_refusals_say_why(text, message):
    with pytest.raises(ParameterError, match=message):
        describe_layer(parse_layer(text), (1, 3, 32, 32))


def test_the_input_must_have_the_layers_channels():
    with pytest.raises(ParameterError, match="expects an input with 3 channels"):
        describe_layer(parse_layer("Conv2d(3, 8, 3)"), (1, 4, 16, 16))


def test_the_api_describes_modules_and_sequences_as_torch_counts_them():
    import convarith
    block = nn.Sequential(nn.Conv2d(3, 32, 3, 2, 1, bias=False), nn.BatchNorm2d(32),
                          nn.ReLU6(), nn.Conv2d(32, 32, 3, 1, 1, groups=32, bias=False),
                          nn.BatchNorm2d(32), nn.ReLU6(), nn.Conv2d(32, 64, 1, bias=False))
    described = convarith.describe(block, (3, 224, 224))
    assert described["parameters"] == sum(p.numel() for p in block.parameters())
    assert described["output_shape"] == list(block(torch.zeros(1, 3, 224, 224)).shape)
    assert [row["layer"] for row in described["layers"]][1:3] == ["BatchNorm2d(32)", "ReLU6()"]
    one = convarith.describe(nn.MaxPool2d(3, 2, 1), (1, 64, 112, 112))
    assert one["output_shape"] == [1, 64, 56, 56] and one["parameters"]["total"] == 0
    with pytest.raises(ParameterError, match="not LSTM"):
        convarith.describe(nn.LSTM(3, 3), (1, 3, 8, 8))


def test_the_command_line_describes_a_layer_as_text_or_json(capsys):
    import json

    from convarith.console import console
    assert console(["describe", "--layer", "Conv2d(3, 64, 7, stride=2, padding=3)",
                    "--input", "3,224,224"]) == 0
    text = capsys.readouterr().out
    assert "1×64×112×112" in text and "9,472 parameters" in text
    assert console(["describe", "--layer", "Conv2d(32, 32, 3, padding=1, groups=32)",
                    "--layer", "Conv2d(32, 64, 1)", "--input", "1,32,56,56", "--json"]) == 0
    chain = json.loads(capsys.readouterr().out)
    assert chain["output_shape"] == [1, 64, 56, 56] and chain["parameters"] == 2432


def test_from_module_takes_torch_shapes_and_describes_the_layer():
    import convarith
    pool = convarith.from_module(nn.MaxPool2d(3, 2, 1), (1, 3, 8, 8))
    assert pool.spec.in_channels == 3
    assert pool.describe()["layer"]["output_shape"] == list(
        nn.MaxPool2d(3, 2, 1)(torch.zeros(1, 3, 8, 8)).shape)
    conv = nn.Conv2d(2, 4, 3, padding=1)
    described = convarith.from_module(conv, (2, 6, 6)).describe()
    assert described["layer"]["parameters"]["total"] == sum(p.numel()
                                                           for p in conv.parameters())
    assert described["output_size"] == [6, 6]
    with pytest.raises(ParameterError, match="expects an input with 2 channels"):
        convarith.from_module(conv, (3, 6, 6))


@pytest.mark.parametrize("module", [nn.Conv2d(2, 2, 3, padding=1), nn.Conv2d(1, 3, 2, stride=2),
                                    nn.ConvTranspose2d(2, 1, 3, stride=2),
                                    nn.MaxPool2d(2), nn.AvgPool2d(3, 1, 1)],
                         ids=["conv", "strided", "transposed", "max", "average"])
def test_a_modules_own_numbers_are_drawn_and_its_output_shown(module):
    import numpy as np

    import convarith
    from convarith.model.numbers import number_text
    torch.manual_seed(1)
    channels = getattr(module, "in_channels", 2)
    x = torch.randn(1, channels, 4, 4)
    animation = convarith.from_module(module, numerical=True, input=x)
    described = animation.describe()
    truth = module(x)[0].detach().double().numpy()
    np.testing.assert_allclose(np.array(described["output"]), truth, atol=1e-5)  # float32
    first = next(iter(animation.svg_frames().values())).decode()
    assert f">{number_text(abs(float(x[0, 0, 1, 1])))}<" in first
    if hasattr(module, "weight"):
        np.testing.assert_array_equal(np.array(described["kernel"]),
                                      module.weight.detach().double().numpy())
        np.testing.assert_array_equal(np.array(described["bias"]),
                                      module.bias.detach().double().numpy())
    assert len(animation.frames()) == len(animation.steps) == len(animation.scene().steps)


def test_a_modules_numbers_need_numerical_figures_and_the_native_renderer(
        as_if_tex_were_installed):
    import convarith
    x = torch.zeros(1, 1, 4, 4)
    with pytest.raises(ParameterError, match="numerical=True"):
        convarith.from_module(nn.Conv2d(1, 1, 3), input=x)
    with pytest.raises(ParameterError, match="native renderer"):
        convarith.from_module(nn.Conv2d(1, 1, 3), numerical=True, input=x, renderer="tex")
