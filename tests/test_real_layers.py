"""Layers of real networks are drawn elided: a few channels, long axes broken
with every drawn cell at its true index, a short story of steps; what
`describe` says of them agrees with PyTorch, and their GIFs stay small."""

import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

import convarith
from convarith.scene.elision import CHANNEL_SLOTS, figure_views
from convarith.scene.types import Cells, Plane, Text

ROOT = Path(__file__).resolve().parent.parent
torch = pytest.importorskip("torch")
nn = torch.nn

#: name: (module, input shape) for every layer the README promises.
REAL = {
    "resnet stem": (lambda: nn.Conv2d(3, 64, 7, stride=2, padding=3), (1, 3, 224, 224)),
    "resnet 1x1 stride 2": (lambda: nn.Conv2d(64, 128, 1, stride=2), (1, 64, 56, 56)),
    "resnet max pool": (lambda: nn.MaxPool2d(3, stride=2, padding=1), (1, 64, 112, 112)),
    "mobilenetv2 depthwise": (lambda: nn.Conv2d(96, 96, 3, stride=2, padding=1, groups=96),
                              (1, 96, 112, 112)),
    "dcgan": (lambda: nn.ConvTranspose2d(512, 256, 4, 2, 1), (1, 512, 4, 4)),
    "u-net up": (lambda: nn.ConvTranspose2d(128, 64, 2, stride=2), (1, 128, 28, 28)),
    "dilated 256": (lambda: nn.Conv2d(256, 256, 3, dilation=2, padding=2), (1, 256, 65, 65)),
}
CHAIN = (lambda: nn.Sequential(nn.Conv2d(32, 32, 3, padding=1, groups=32), nn.BatchNorm2d(32),
                               nn.ReLU(), nn.Conv2d(32, 64, 1)), (1, 32, 56, 56))


@pytest.fixture(scope="module")
def drawn():
    """Each real layer's animation and scene (built once: a few seconds in all)."""
    built = {}
    for name, (make, shape) in REAL.items():
        module = make()
        animation = convarith.from_module(module, shape)
        built[name] = (module, shape, animation, animation.scene())
    return built


def torch_reads(module, shape, channel, row, col):
    """Input cells (row, column) that output (row, col) reads, by PyTorch's
    rules written out: a direct layer's window, a transposed one's scatter."""
    height, width = shape[2:]
    k, s, p, d = (getattr(module, a) for a in ("kernel_size", "stride", "padding",
                                               "dilation"))
    pair = lambda v: v if isinstance(v, tuple) else (v, v)  # noqa: E731
    k, s, p, d = pair(k), pair(s), pair(p), pair(d)
    if isinstance(module, nn.ConvTranspose2d):
        def axis(out, n, a):
            return [j for m in range(k[a]) for j in [(out + p[a] - m * d[a]) / s[a]]
                    if j == int(j) and 0 <= j < n]
    else:
        def axis(out, n, a):
            return [out * s[a] - p[a] + m * d[a] for m in range(k[a])
                    if 0 <= out * s[a] - p[a] + m * d[a] < n]
    return {(int(r), int(c)) for r in axis(row, height, 0) for c in axis(col, width, 1)}


@pytest.mark.parametrize("name", [*REAL, "depthwise separable"])
def test_describe_agrees_with_torch(name):
    make, shape = CHAIN if name == "depthwise separable" else REAL[name]
    module = make()
    described = convarith.describe(module, shape)
    with torch.no_grad():
        out = module(torch.zeros(shape))
    assert described["output_shape"] == list(out.shape)
    counted = described["parameters"]
    total = counted if isinstance(counted, int) else counted["total"]     # a chain's, a layer's
    assert total == sum(p.numel() for p in module.parameters())


@pytest.mark.parametrize("name", REAL)
def test_a_real_layer_is_elided_and_tells_a_short_story(drawn, name):
    module, shape, animation, _ = drawn[name]
    spec = animation.spec
    assert spec.elided
    out_h, out_w = spec.output_size
    per_channel = out_h * out_w
    assert 1 < len(animation.steps) <= 60
    assert {0, per_channel - 1, spec.steps - 1} <= set(animation.steps)
    assert any(step >= (spec.out_channels - 1) * per_channel for step in animation.steps)


@pytest.mark.parametrize("name", REAL)
def test_each_step_reads_what_torch_reads_and_draws_it_where_its_cells_are(drawn, name):
    module, shape, animation, scene = drawn[name]
    spec = animation.spec
    rows, cols = spec.layouts
    view = figure_views(spec, animation.steps).inputs
    for step in scene.steps:
        meaning = step.meaning
        for channel in {c for c, _, _ in meaning.reads}:
            read = {(r, c) for ch, r, c in meaning.reads if ch == channel}
            assert read == torch_reads(module, shape, channel, meaning.row, meaning.col)
        # The shaded footprint covers exactly the drawn cells of the window.
        window = {view.cell(r, c) for r in rows.footprint_cells(meaning.row)
                  for c in cols.footprint_cells(meaning.col)
                  if r < rows.extent and c < cols.extent}
        for layer in step.layers:
            if not isinstance(layer, Plane):
                continue
            for item in layer.items:
                if isinstance(item, Cells) and item.role == "footprint":
                    covered = {(round(x + i, 6), round(y + j, 6)) for x, y, w, h in item.rects
                               for i in range(int(w)) for j in range(int(h))}
                    assert covered == {(round(x, 6), round(y, 6)) for x, y in window}


@pytest.mark.parametrize("name", ["resnet stem", "dilated 256", "u-net up"])
def test_index_labels_name_the_true_index_of_the_cell_they_stand_by(drawn, name):
    _, _, animation, scene = drawn[name]
    spec = animation.spec
    rows, cols = spec.layouts
    view = figure_views(spec, animation.steps).inputs
    assert not view.cols.whole
    labels = [item for layer in (*scene.static, *scene.steps[0].layers)
              if isinstance(layer, Plane) and layer.name.startswith("in")
              for item in layer.items if isinstance(item, Text) and item.role == "index"]
    under = {round(item.at[0] - 0.5, 6): int(item.plain) for item in labels if item.at[1] < 0}
    assert len(under) >= 3                   # two runs, each with its ends labelled
    for x, number in under.items():
        [column] = [c for c in view.cols.kept if round(view.cols.position(c), 6) == x]
        assert cols.units[number] == column
    # and the breaks are marked
    marks = [item for layer in scene.static + scene.steps[0].layers
             if isinstance(layer, Plane) for item in layer.items
             if isinstance(item, Cells) and item.role == "break"]
    assert marks


def test_many_channels_draw_a_few_with_the_group_read(drawn):
    """Depthwise: output channel c reads input channel c only, and that plane
    is among the four drawn, with its footprint."""
    _, _, animation, scene = drawn["mobilenetv2 depthwise"]
    for step in scene.steps:
        channel = step.meaning.channel
        names = [layer.name for layer in step.layers if isinstance(layer, Plane) and layer.name]
        inputs = {n for n in names if n.startswith("in")}
        outputs = {n for n in names if n.startswith("out")}
        assert len(inputs) == len(outputs) == CHANNEL_SLOTS
        assert {f"in{channel}", f"out{channel}", "in0", "in95"} <= inputs | outputs
        read = {layer.name for layer in step.layers if isinstance(layer, Plane)
                for item in layer.items if isinstance(item, Cells) and item.role == "footprint"}
        assert read == {f"in{channel}"}
        assert {c for c, _, _ in step.meaning.reads} == {channel}


def test_slides_of_a_real_layer_are_legible_and_fit_the_screen():
    make, shape = REAL["resnet stem"]
    animation = convarith.from_module(make(), shape, preset="slides", caption=True)
    for svg in animation.svg_frames().values():
        text = svg.decode()
        width, height = (int(v) for v in re.search(r'width="(\d+)" height="(\d+)"',
                                                    text).groups())
        assert width <= 1920 and height <= 1080
        sizes = [float(v) for v in re.findall(r'font-size="([0-9.]+)"', text)]
        assert sizes and min(sizes) >= 20


@pytest.mark.slow
@pytest.mark.parametrize("name", [*REAL, "depthwise separable"])
def test_a_real_layers_gif_is_short_and_small(tmp_path, name):
    make, shape = CHAIN if name == "depthwise separable" else REAL[name]
    target = convarith.from_module(make(), shape).save(tmp_path / "layer.gif")
    with Image.open(target) as gif:
        assert 1 < gif.n_frames <= 60
    assert target.stat().st_size <= 5 * 2**20


def test_a_chain_shows_each_layer_on_the_shape_before_it(tmp_path):
    make, shape = CHAIN
    chain = convarith.from_module(make(), shape)
    first, second = chain.links
    assert first[1] == (1, 32, 56, 56) and first[2] == (1, 32, 56, 56)
    assert second[1] == first[2] and second[2] == (1, 64, 56, 56)
    assert first[3] == ("BatchNorm2d", "ReLU")
    frames = chain.frames()
    assert len(frames) == len(first[0].steps) + len(second[0].steps)
    assert len({frame.size for frame in frames}) == 1
    caption = next(iter(second[0].svg_frames().values())).decode()
    assert "layer 2 of 2: 32\u00d756\u00d756 \u2192 64\u00d756\u00d756" in caption
    with pytest.raises(convarith.ParameterError, match="animation or a video"):
        chain.save(tmp_path / "board.png")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_the_command_line_draws_the_resnet_stem(tmp_path):
    result = convarith_animate(tmp_path, "stem", "--in-channels", "3", "--out-channels", "64",
                               "-i", "224", "-k", "7", "-s", "2", "-p", "3", "--out", "stem.gif")
    assert result.returncode == 0, result.stderr
    assert "802816 steps" in result.stderr and "showing 8 of them" in result.stderr
    with Image.open(tmp_path / "stem.gif") as gif:
        assert gif.n_frames == 8
    assert math.isclose(len(list(tmp_path.iterdir())), 1)


def convarith_animate(tmp_path, *argv):
    """`convarith animate` from this checkout, run in `tmp_path`."""
    return subprocess.run([sys.executable, "-m", "convarith", "animate", *argv], cwd=tmp_path,
                          capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))


def test_the_command_line_draws_a_chain_written_as_in_pytorch(tmp_path):
    result = convarith_animate(
        tmp_path, "block", "--layer", "Conv2d(32, 32, 3, padding=1, groups=32)", "--layer",
        "BatchNorm2d(32)", "--layer", "ReLU()", "--layer", "Conv2d(32, 64, 1)", "--input",
        "32,56,56", "--out", "block.gif")
    assert result.returncode == 0, result.stderr
    assert "a chain of 2 layers, 16 frames" in result.stderr
    with Image.open(tmp_path / "block.gif") as gif:
        assert gif.n_frames == 16
    assert [p.name for p in tmp_path.iterdir()] == ["block.gif"]


@pytest.mark.parametrize("argv, words", [
    (["--layer", "Conv2d(3, 64, 7)", "-i", "5", "--input", "3,10,10"],
     "without the size flags (-i)"),
    (["--layer", "Conv2d(3, 64, 7)", "--input", "4,10,10"], "expects an input with 3 channels"),
    (["--layer", "ReLU()", "--input", "4,10,10"], "nothing to draw"),
    (["--layer", "Conv2d(3, 64, 7)", "--input", "3,x,10"], "--input must be the input's shape"),
    (["--layer", "Conv2d(3, 64, 7)", "--layer", "Conv2d(64, 8, 1)", "--input", "3,10,10",
      "--steps", "0-3"], "--steps applies to one layer"),
    (["--layer", "Linear(3, 4)", "--input", "3,10,10"], "not a layer written as in PyTorch"),
])
def test_the_command_lines_layers_are_checked_before_any_work(tmp_path, argv, words):
    result = convarith_animate(tmp_path, "x", *argv, "--out", "x.gif")
    assert result.returncode == 2
    assert words in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []
