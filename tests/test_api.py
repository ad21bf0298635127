"""The Python API: same specs and messages as the command line, from_module,
caching, and notebook display."""

import base64
import io
import re
import shlex
import sys

import pytest
from PIL import Image

import convarith
from convarith import animation as animation_module
from convarith.cli import geometry_spec
from convarith.commands import describe
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


@pytest.mark.parametrize("call, flags", [
    (lambda: convarith.conv2d(5, 0), "-i 5 -k 0"),
    (lambda: convarith.conv2d(2.5, 3), "-i 2.5 -k 3"),
    (lambda: convarith.conv2d((5, 5, 5), 3), "-i 5,5,5 -k 3"),
    (lambda: convarith.conv2d(3, 5), "-i 3 -k 5"),
    (lambda: convarith.conv2d(5, 3, theme="neon"), "-i 5 -k 3 --theme neon"),
    (lambda: convarith.conv_transpose2d(3, 3, stride=2, output_padding=2),
     "--transposed-input 3 -k 3 -s 2 --output-padding 2"),
    (lambda: convarith.avg_pool2d(5, 3, padding=2), "-i 5 -k 3 -s 3 -p 2 -m average"),
    (lambda: convarith.conv2d(5, 3, in_channels=3, out_channels=4, groups=2),
     "-i 5 -k 3 --in-channels 3 --out-channels 4 --groups 2"),
    (lambda: convarith.conv2d(5, 3, in_channels=9), "-i 5 -k 3 --in-channels 9"),
])
def test_bad_arguments_raise_the_command_lines_message(call, flags):
    with pytest.raises(ParameterError) as from_api:
        call()
    assert isinstance(from_api.value, ValueError)
    kind = "numerical" if "-m" in flags else "arithmetic"
    with pytest.raises(ParameterError) as from_flags:
        geometry_spec(kind, "x", shlex.split(flags))
    assert str(from_api.value) == str(from_flags.value)


def test_cache_key_follows_templates_and_version_not_time(monkeypatch, tmp_path):
    import shutil

    from convarith import tikz
    first = animation_module.render_fingerprint()
    assert animation_module.render_fingerprint() == first
    monkeypatch.setattr(convarith, "__version__", "0.0.0-other")
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
    first = convarith.conv2d(4, 3).frames()
    again = convarith.conv2d(4, 3).frames()
    assert len(first) == 4 and all(a is b for a, b in zip(first, again))
    assert animation_module._step_pdfs.cache_info().misses == 1
    html = convarith.conv2d(4, 3)._repr_html_()
    match = re.search(r'src="data:image/gif;base64,([^"]+)"', html)
    gif = Image.open(io.BytesIO(base64.b64decode(match.group(1))))
    assert gif.n_frames == 4
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
    assert convarith.from_module(module, input_size).describe() == equivalent().describe()


@pytest.mark.parametrize("module", [
    nn.ConvTranspose2d(1, 1, 3, stride=2, padding=1, output_padding=1),
    nn.Conv2d(2, 4, 3, stride=2, groups=2),
])
def test_from_module_output_shape_is_torchs(module):
    animation = convarith.from_module(module, (3, 4))
    out = module(torch.zeros(1, module.in_channels, 3, 4))
    assert animation.describe()["output_size"] == list(out.shape[2:])
    assert animation.spec.out_channels == out.shape[1]


@pytest.mark.parametrize("module, words", [
    (nn.Linear(3, 4), r"nn.Conv2d.*not Linear"),
    (nn.Conv2d(1, 1, 3, padding_mode="reflect"), r"padding_mode='reflect'"),
    (nn.Conv2d(1, 1, 2, padding="same"), r"padding='same'.*one side more"),
    (nn.MaxPool2d(2, ceil_mode=True), r"ceil_mode=True"),
    (nn.AvgPool2d(2, count_include_pad=False), r"count_include_pad=False"),
])
def test_from_module_refuses_what_it_cannot_draw_in_words(module, words):
    with pytest.raises(ParameterError, match=words):
        convarith.from_module(module, 5)


def test_from_module_without_torch_says_how_to_get_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ImportError, match=r"pip install torch.*convarith.conv2d"):
        convarith.from_module(object(), 5)
