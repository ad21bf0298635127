"""The Python API: same specs and checks as the command line (worded with the
API's keywords), from_module, caching, and notebook display."""

import base64
import io
import shlex
import sys

import numpy as np
import pytest
from PIL import Image

import convarith
from convarith import animation as animation_module
from convarith.cli import geometry_spec
from convarith.model.describe import describe
from convarith.errors import ParameterError


def cli_describe(kind, name, flags):
    return describe(geometry_spec(kind, name, shlex.split(flags)))


@pytest.mark.parametrize("call, kind, flags", [
    (lambda: convarith.conv2d(5, 3, stride=2, padding=1), "arithmetic", "-i 5 -k 3 -s 2 -p 1"),
    (lambda: convarith.conv2d((5, 7), (3, 2), stride=(1, 2), dilation=(2, 1)),
     "arithmetic", "-i 5,7 -k 3,2 -s 1,2 -d 2,1"),
    (lambda: convarith.conv2d(6, 3, numerical=True), "numerical", "-i 6 -k 3"),
    (lambda: convarith.conv_transpose2d(3, 3, stride=2, padding=1, output_padding=1),
     "arithmetic", "--transposed-input 3 -k 3 -s 2 -p 1 --output-padding 1"),
    (lambda: convarith.max_pool2d(5, 3, stride=1), "numerical", "-i 5 -k 3 -s 1 -m max"),
    (lambda: convarith.max_pool2d(6, 2), "numerical", "-i 6 -k 2 -s 2 -m max"),
    (lambda: convarith.avg_pool2d((4, 6), 2, padding=1), "numerical",
     "-i 4,6 -k 2 -s 2 -p 1 -m average"),
    (lambda: convarith.conv2d(5, 3, in_channels=2, out_channels=4, groups=2),
     "arithmetic", "-i 5 -k 3 --in-channels 2 --out-channels 4 --groups 2"),
    (lambda: convarith.conv2d(4, 3, in_channels=3, numerical=True), "numerical",
     "-i 4 -k 3 --in-channels 3"),
    (lambda: convarith.conv_transpose2d(3, 3, stride=2, in_channels=2, out_channels=2,
                                        groups=2),
     "arithmetic", "--transposed-input 3 -k 3 -s 2 --in-channels 2 --out-channels 2 "
     "--groups 2"),
])
def test_api_describes_what_the_equivalent_flags_describe(call, kind, flags):
    animation = call()
    expected = cli_describe(kind, animation.spec.name, flags)
    assert animation.describe() == expected


def test_look_arguments_reach_the_spec():
    plain = convarith.conv2d(5, 3, labels=False, theme="grayscale")
    assert plain.spec.labels is False
    assert plain.spec.theme == geometry_spec("arithmetic", "x", ["-i", "5", "-k", "3",
                                                                 "--theme", "grayscale"]).theme


#: (API call, the same request as flags, how the command line's words become
#: the API's): one check refuses both, each in its own words.
SAME_CHECK = [
    (lambda: convarith.conv2d(5, 0), "-i 5 -k 0", {"--kernel-size": "kernel_size"}),
    (lambda: convarith.conv2d(5, 3, dilation=(1, 0)), "-i 5 -k 3 -d 1,0",
     {"--dilation": "dilation"}),
    (lambda: convarith.conv_transpose2d(0, 3), "--transposed-input 0 -k 3",
     {"--transposed-input": "input_size"}),
    (lambda: convarith.conv2d(3, 5), "-i 3 -k 5", {}),
    (lambda: convarith.conv2d(5, 3, theme="neon"), "-i 5 -k 3 --theme neon", {}),
    (lambda: convarith.conv2d(5, 3, theme="background=#ffffff"),
     "-i 5 -k 3 --theme background=#ffffff", {"--theme": "theme"}),
    (lambda: convarith.conv_transpose2d(3, 3, stride=2, output_padding=2),
     "--transposed-input 3 -k 3 -s 2 --output-padding 2", {}),
    (lambda: convarith.avg_pool2d(5, 3, padding=2), "-i 5 -k 3 -s 3 -p 2 -m average", {}),
    (lambda: convarith.conv2d(5, 3, in_channels=3, out_channels=4, groups=2),
     "-i 5 -k 3 --in-channels 3 --out-channels 4 --groups 2",
     {"--groups 2": "groups=2", "--in-channels": "in_channels"}),
    (lambda: convarith.conv2d(5, 3, in_channels=9, numerical=True),
     "-i 5 -k 3 --in-channels 9 -m convolution",
     {"--in-channels": "in_channels", "--type arithmetic": "numerical=False"}),
    (lambda: convarith.conv2d(5, 3, padding=1, padding_mode="mirror"),
     "-i 5 -k 3 -p 1 --padding-mode mirror", {"--padding-mode": "padding_mode"}),
    (lambda: convarith.max_pool2d(5, 3, padding="same"), "-i 5 -k 3 -s 3 -p same -m max",
     {"--padding same or causal": "padding='same' or 'causal'",
      "--padding-mode": "padding_mode"}),
    (lambda: convarith.conv2d((4, 8), (1, 2), padding="causal"), "-i 4,8 -k 1,2 -p causal",
     {"--padding causal": "padding='causal'",
      "-i 1,16 -k 1,2": "input_size=(1, 16), kernel_size=(1, 2)"}),
    (lambda: convarith.conv2d(12, 1, numerical=True, max_steps=100),
     "-i 12 -k 1 -m convolution --max-steps 100", {"--max-steps N": "max_steps=N"}),
    (lambda: convarith.conv2d(40, 21, numerical=True), "-i 40 -k 21 -m convolution",
     {"--type arithmetic": "numerical=False"}),
]


@pytest.mark.parametrize("call, flags, words", SAME_CHECK)
def test_a_bad_argument_gets_the_command_lines_message_in_the_apis_words(call, flags,
                                                                         words):
    with pytest.raises(ParameterError) as from_api:
        call()
    assert isinstance(from_api.value, ValueError)
    kind = "numerical" if "-m" in flags else "arithmetic"
    with pytest.raises(ParameterError) as from_flags:
        geometry_spec(kind, "x", shlex.split(flags))
    worded = str(from_flags.value)
    for flag, keyword in words.items():
        assert flag in worded
        worded = worded.replace(flag, keyword)
    assert str(from_api.value) == worded
    assert "--" not in str(from_api.value)


@pytest.mark.parametrize("call, keyword", [
    (lambda: convarith.conv2d(2.5, 3), "input_size"),
    (lambda: convarith.conv2d((5, 5, 5), 3), "input_size"),
    (lambda: convarith.conv2d(5, True), "kernel_size"),
    (lambda: convarith.conv2d(5, 3, stride="2"), "stride"),
    (lambda: convarith.conv2d(5, 3, padding="wide"), "padding"),
    (lambda: convarith.conv2d(5, 3, in_channels=0), "in_channels"),
    (lambda: convarith.conv2d(5, 3, max_steps=0), "max_steps"),
    (lambda: convarith.conv2d(5, 3, theme=3), "theme"),
    (lambda: convarith.max_pool2d(5, 3, ceil_mode=True, max_steps=2), "max_steps=N"),
    (lambda: convarith.avg_pool2d(5, 3, count_include_pad="no"), "count_include_pad"),
])
def test_what_only_python_can_pass_is_refused_naming_the_keyword(call, keyword):
    with pytest.raises(ParameterError) as error:
        call()
    message = str(error.value)
    assert message.startswith(keyword) or f" {keyword}" in message, message
    assert "--" not in message and "--help" not in message


@pytest.mark.parametrize("padding", ["valid", "same", "causal"])
def test_the_command_line_takes_every_named_padding_the_api_takes(padding):
    argv = ["-i", "1,6", "-k", "1,3", "-p", padding]
    flags = geometry_spec("arithmetic", "x", argv)
    assert convarith.conv2d((1, 6), (1, 3), padding=padding).spec.axes == flags.axes
    # The command line is lenient with the text; the API spells it as
    # PyTorch does, which refuses padding='VALID'.
    loose = geometry_spec("arithmetic", "x", ["-i", "1,6", "-k", "1,3", "-p",
                                              f" {padding.upper()} "])
    assert loose.axes == flags.axes
    with pytest.raises(ParameterError, match="^padding must be"):
        convarith.conv2d((1, 6), (1, 3), padding=padding.upper())


def test_cache_key_follows_templates_and_version_not_time(monkeypatch, tmp_path):
    import shutil

    from convarith.render import tikz
    first = animation_module.render_fingerprint()
    assert animation_module.render_fingerprint() == first
    monkeypatch.setattr("convarith.version.__version__", "0.0.0-other")
    assert animation_module.render_fingerprint() != first
    monkeypatch.undo()
    copy = tmp_path / "templates"
    shutil.copytree(tikz.template_dir(), copy)
    (copy / "arithmetic.tex.j2").write_text("changed", encoding="utf-8")
    monkeypatch.setattr(tikz, "template_dir", lambda: copy)
    assert animation_module.render_fingerprint() != first


@pytest.mark.integration
def test_rendering_twice_reuses_the_frames_and_display_writes_nothing(tmp_path,
                                                                       monkeypatch):
    monkeypatch.chdir(tmp_path)
    animation_module._step_pdfs.cache_clear()
    animation_module._frames.cache_clear()
    first = convarith.conv2d(4, 3, renderer="tex").frames()
    again = convarith.conv2d(4, 3, renderer="tex").frames()
    # Rendered once; each call hands out images of its own (the caller's to change).
    assert animation_module._frames.cache_info().misses == 1
    assert len(first) == 4 and all(a is not b and a.tobytes() == b.tobytes()
                                   for a, b in zip(first, again))
    assert animation_module._step_pdfs.cache_info().misses == 1
    shown = convarith.conv2d(4, 3, renderer="tex")._repr_mimebundle_()
    gif = Image.open(io.BytesIO(base64.b64decode(shown["image/gif"])))
    assert gif.n_frames == 4 and "data-convarith-player" in shown["text/html"]
    assert list(tmp_path.iterdir()) == []
    saved = convarith.conv2d(4, 3).save(tmp_path / "a.apng")
    assert saved.exists() and animation_module._step_pdfs.cache_info().misses == 1


torch = pytest.importorskip("torch")
nn = torch.nn


@pytest.mark.parametrize("module, input_size, equivalent", [
    (nn.Conv2d(1, 1, 3, stride=2, padding=1), 5, lambda: convarith.conv2d(5, 3, 2, 1)),
    (nn.Conv2d(1, 1, (3, 2), stride=(1, 2), dilation=(2, 1)), (5, 7),
     lambda: convarith.conv2d((5, 7), (3, 2), stride=(1, 2), dilation=(2, 1))),
    (nn.Conv2d(1, 1, 3, padding="same"), 5, lambda: convarith.conv2d(5, 3, padding=1)),
    (nn.Conv2d(1, 1, 3, padding="valid"), 5, lambda: convarith.conv2d(5, 3)),
    (nn.ConvTranspose2d(1, 1, 3, stride=2, padding=1, output_padding=1), 3,
     lambda: convarith.conv_transpose2d(3, 3, 2, 1, output_padding=1)),
    (nn.MaxPool2d(2), 6, lambda: convarith.max_pool2d(6, 2)),
    (nn.MaxPool2d(3, stride=1, padding=1, dilation=1), 5,
     lambda: convarith.max_pool2d(5, 3, 1, 1)),
    (nn.AvgPool2d(2, padding=1), 4, lambda: convarith.avg_pool2d(4, 2, padding=1)),
    (nn.Conv2d(2, 4, 3, groups=2), 5,
     lambda: convarith.conv2d(5, 3, in_channels=2, out_channels=4, groups=2)),
    (nn.Conv2d(3, 3, 3, groups=3, padding=1), 4,
     lambda: convarith.conv2d(4, 3, padding=1, in_channels=3, out_channels=3, groups=3)),
    (nn.ConvTranspose2d(2, 4, 2, stride=2), 3,
     lambda: convarith.conv_transpose2d(3, 2, 2, in_channels=2, out_channels=4)),
])
def test_from_module_matches_the_functions(module, input_size, equivalent):
    """The same figure as the function's; from_module adds what the layer computes."""
    described = convarith.from_module(module, input_size).describe()
    layer = described.pop("layer")
    assert described == equivalent().describe()
    size = input_size if isinstance(input_size, tuple) else (input_size, input_size)
    channels = getattr(module, "in_channels", 1)
    assert layer["output_shape"] == list(module(torch.zeros(1, channels, *size)).shape)


@pytest.mark.parametrize("module", [
    nn.ConvTranspose2d(1, 1, 3, stride=2, padding=1, output_padding=1),
    nn.Conv2d(2, 4, 3, stride=2, groups=2),
])
def test_from_module_output_shape_is_torchs(module):
    animation = convarith.from_module(module, (3, 4))
    out = module(torch.zeros(1, module.in_channels, 3, 4))
    assert animation.describe()["output_size"] == list(out.shape[2:])
    assert animation.spec.out_channels == out.shape[1]


def module_output(module, described: dict) -> np.ndarray:
    """The layer itself on the figure's input, with the figure's weights."""
    x = torch.tensor(described["input"], dtype=torch.float64)
    x = x.reshape(1, -1, *x.shape[-2:])
    module = module.double()
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
        with torch.no_grad():
            module.weight.copy_(torch.tensor(described["kernel"], dtype=torch.float64)
                                .reshape(module.weight.shape))
            if module.bias is not None:
                module.bias.zero_()
    with torch.no_grad():
        return module(x)[0].numpy()


@pytest.mark.parametrize("module, input_size", [
    (nn.Conv2d(1, 1, 3, padding=1, padding_mode="reflect"), 5),
    (nn.Conv2d(2, 2, 3, padding=1, padding_mode="circular", bias=False), 4),
    (nn.Conv2d(1, 1, 3, padding=2, padding_mode="replicate"), 4),
    (nn.Conv2d(1, 1, 2, padding="same"), 5),              # one cell more bottom/right
    (nn.Conv2d(1, 1, (2, 3), padding="same", dilation=(1, 2)), (4, 6)),
    (nn.MaxPool2d(3, stride=2, ceil_mode=True), 6),
    (nn.MaxPool2d(2, stride=2, padding=1, ceil_mode=True), 5),
    (nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False), 5),
    (nn.AvgPool2d(2, stride=2, padding=1, ceil_mode=True, count_include_pad=False), 4),
])
def test_from_module_draws_padding_modes_same_ceil_mode_and_counts_as_torch(module,
                                                                            input_size):
    """Settings beyond the defaults, checked value for value against the layer."""
    described = convarith.from_module(module, input_size, numerical=True).describe()
    expected = module_output(module, described)
    assert np.asarray(described["output"]).shape[-2:] == expected.shape[-2:]
    assert np.allclose(np.asarray(described["output"]).reshape(expected.shape), expected)


@pytest.mark.parametrize("call, flags", [
    (lambda: convarith.conv2d(5, 3, padding=1, padding_mode="reflect"),
     "-i 5 -k 3 -p 1 --padding-mode reflect"),
    (lambda: convarith.conv2d(5, 2, padding="same"), "-i 5 -k 2 -p same"),
    (lambda: convarith.conv2d((1, 8), (1, 3), padding="causal"), "-i 1,8 -k 1,3 -p causal"),
    (lambda: convarith.conv2d(5, 3, padding="valid"), "-i 5 -k 3 -p 0"),
    (lambda: convarith.conv2d(5, 3, padding="valid"), "-i 5 -k 3 -p valid"),
    (lambda: convarith.max_pool2d(6, 3, stride=2, ceil_mode=True, in_channels=2),
     "-i 6 -k 3 -s 2 -m max --ceil-mode --in-channels 2"),
    (lambda: convarith.avg_pool2d(5, 3, 2, 1, count_include_pad=False),
     "-i 5 -k 3 -s 2 -p 1 -m average --no-count-include-pad"),
])
def test_api_settings_beyond_the_defaults_are_the_flags(call, flags):
    animation = call()
    kind = animation.spec.kind
    assert animation.describe() == cli_describe(kind, animation.spec.name, flags)


@pytest.mark.parametrize("module, words", [
    (nn.Linear(3, 4), r"nn.Conv2d.*not Linear"),
    (nn.AvgPool2d(2, divisor_override=3), r"divisor_override=3"),
])
def test_from_module_refuses_what_it_cannot_draw_in_words(module, words):
    with pytest.raises(ParameterError, match=words):
        convarith.from_module(module, 5)


def test_api_padding_mode_is_checked_as_on_the_command_line():
    with pytest.raises(ParameterError, match="Unknown padding_mode 'mirror'"):
        convarith.conv2d(5, 3, padding=1, padding_mode="mirror")


def test_from_module_without_torch_says_how_to_get_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ImportError, match=r"pip install torch.*convarith.conv2d"):
        convarith.from_module(object(), 5)
