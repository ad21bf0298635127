"""The report's section on drawing real layers: what it says an elided figure
keeps is what the views keep, the numbers it quotes are the layers' own, and
the figures the build draws for it are printed at their size, in the
package's fonts, with legible text."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

import convarith
from convarith import report_figures
from convarith.model.geometry import conv_output_size
from convarith.scene.elision import figure_views
from test_relationships import normalise, report_source  # tests/ is on sys.path

ROOT = Path(__file__).resolve().parent.parent
CHAPTER = ROOT / "chapters" / "channels.tex"

# (input, kernel, stride, padding, dilation, channels in, out, groups):
# the report's layers and others with long axes, dilated ones among them.
LAYERS = [
    (224, 7, 2, 3, 1, 3, 64, 1),       # ResNet stem
    (112, 3, 2, 1, 1, 96, 96, 96),     # MobileNetV2 depthwise
    (56, 3, 1, 1, 1, 32, 32, 32),      # separable: depthwise
    (56, 1, 1, 0, 1, 32, 64, 1),       # separable: pointwise
    (56, 1, 2, 0, 1, 64, 128, 1),      # ResNet 1x1 stride 2
    (65, 3, 1, 2, 2, 8, 8, 1),         # dilated
    (100, 5, 3, 2, 1, 2, 2, 1),        # stride leaves cells over
    (41, 4, 1, 0, 3, 1, 4, 1),
]


def _animation(i, k, s, p, d, n_in, n_out, g):
    return convarith.conv2d(i, k, stride=s, padding=p, dilation=d, in_channels=n_in,
                            out_channels=n_out, groups=g)


def _stated_kept(i, k, s, p, d):
    """The kept cells of the padded axis as the report states them: rows and
    columns, each a (first block, last block) of indices."""
    padded, k_eff = i + 2 * p, (k - 1) * d + 1
    o = (padded - k_eff) // s + 1
    bottom = list(range(padded - (padded - s * (o - 1) + 1), padded))
    return ((list(range(s + k_eff + 1)), bottom), (list(range(2 * s + k_eff + 1)), bottom))


@pytest.mark.parametrize("layer", LAYERS, ids=lambda layer: "x".join(map(str, layer)))
def test_an_elided_axis_keeps_the_cells_the_report_says(layer):
    animation = _animation(*layer)
    views = figure_views(animation.spec, animation.steps)
    i, k, s, p, d = layer[:5]
    for view, (first, last) in zip((views.inputs.rows, views.inputs.cols),
                                   _stated_kept(i, k, s, p, d)):
        assert view.extent == i + 2 * p and not view.whole
        assert list(view.kept) == first + last
        assert len(view.breaks) == 1     # one ellipsis, between the two blocks


def test_an_axis_of_sixteen_cells_is_whole_and_of_seventeen_broken():
    assert _in_report("An axis of at most $16$ cells is drawn whole.")
    for size, whole in ((14, True), (15, False)):   # padded to 16 and 17 cells
        animation = convarith.conv2d(size, 3, padding=1, in_channels=2, out_channels=40)
        assert animation.spec.steps > 60                 # the story, not every step
        assert figure_views(animation.spec, animation.steps).inputs.rows.whole is whole


def _in_report(text: str) -> bool:
    return normalise(text) in report_source()


def test_the_stem_numbers_of_the_text():
    stem = report_figures.resnet_stem()
    o = conv_output_size(224, 7, 2, 3, 1)
    assert stem.spec.steps == o * o * 64 == 802816
    assert _in_report(r"$112 \cdot 112 \cdot 64 = 802816$ steps")
    assert 802816 / 86400 > 9 and _in_report("over nine days at one step a")
    assert 230 * 0.5 > 100 and _in_report("more than a metre across")
    listed = "$0$, $1$, $2$, $112$, $12432$, $12543$, $790272$ and $802815$"
    assert _in_report(listed)
    assert list(stem.steps) == [int(n) for n in re.findall(r"\d+", listed)]
    views = figure_views(stem.spec, stem.steps)
    (top, bottom), (left, right) = _stated_kept(224, 7, 2, 3, 1)
    rows, cols = views.inputs.rows, views.inputs.cols
    assert (len(top), len(bottom), len(rows.kept)) == (10, 9, 19)
    assert (len(left), len(right), len(cols.kept)) == (12, 9, 21)
    assert _in_report("$10 + 9 = 19$ of $230$ rows and $12 + 9 = 21$ of $230$ columns")
    assert (len(views.outputs.rows.kept), len(views.outputs.cols.kept)) == (5, 6)
    assert _in_report("$5$ of $112$ output rows and $6$ of $112$ output columns")


def test_the_stem_caption():
    stem = report_figures.resnet_stem()
    step = report_figures.FIGURES["resnet_stem_last_row"].step
    assert step == 12432 and stem.spec.step_cell(step) == (111, 0)
    assert stem.spec.step_channel(step) == 0
    assert _in_report(r"step $12432$ of $802816$, output cell $(111, 0)$ of channel 0")
    rows = figure_views(stem.spec, stem.steps).inputs.rows
    unpadded = [r - 3 for r in rows.kept if 0 <= r - 3 < 224]
    assert unpadded == list(range(0, 7)) + list(range(218, 224))
    assert _in_report(r"keeps rows $0$--$6$ and $218$--$223$ of its $224$")
    meaning = stem.scene().steps[stem.steps.index(step)].meaning
    assert sorted({r for _, r, _ in meaning.reads}) == list(range(219, 224))
    padding_rows = sorted({r for _, r, _ in meaning.padding})
    assert [r - 3 for r in padding_rows if r - 3 >= 224] == [224, 225]   # two below
    assert _in_report("the window covers input rows $219$--$223$ and two padding rows")


def test_a_depthwise_output_reads_only_its_own_input_channel():
    for name, channel in (("mobilenet_depthwise_first", 0),
                          ("mobilenet_depthwise_last_channel", 95)):
        figure = report_figures.FIGURES[name]
        animation = figure.layer()
        assert animation.spec.step_channel(figure.step) == channel
        meaning = animation.scene().steps[animation.steps.index(figure.step)].meaning
        assert {c for c, _, _ in meaning.reads} == {channel}
    pointwise = report_figures.separable_pointwise()
    meaning = pointwise.scene().steps[0].meaning
    assert {c for c, _, _ in meaning.reads} == set(range(32))
    assert len({(r, c) for _, r, c in meaning.reads}) == 1   # a single cell in each


def test_every_figure_of_the_build_is_included_unscaled_in_its_place():
    text = CHAPTER.read_text(encoding="utf-8")
    included = re.findall(r"\\includegraphics(\[[^]]*\])?\{figures/([a-z_]+)\.pdf\}", text)
    assert sorted(name for _, name in included) == sorted(report_figures.FIGURES)
    assert all(not options for options, _ in included)     # drawn at the printed size
    plan = subprocess.run(["make", "-s", "--no-print-directory", "--eval",
                           "print-figures: ; @echo '$(REAL_LAYER_FIGURES)'", "print-figures"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert sorted(plan.stdout.split()) == sorted(
        f"figures/{name}.pdf" for name in report_figures.FIGURES)
    # the report's text width: A4 less two margins of 2.5 cm
    source = (ROOT / "conv_arithmetic.tex").read_text(encoding="utf-8")
    assert "a4paper" in source and "margin=2.5cm" in source
    assert report_figures.TEXT_WIDTH_PT == pytest.approx((210 - 50) / 25.4 * 72.27, abs=0.01)


def test_a_step_outside_the_story_is_refused_in_words():
    with pytest.raises(convarith.ParameterError, match="not among the steps"):
        report_figures.story_index(report_figures.resnet_stem(), 5)


@pytest.mark.integration
@pytest.mark.parametrize("name", sorted(report_figures.FIGURES))
def test_the_built_figure_is_as_wide_as_printed_in_the_package_fonts(name):
    path = ROOT / "figures" / f"{name}.pdf"
    assert path.exists(), f"{path} is missing: build the report first (make)"
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                          check=True).stdout
    width_bp = float(re.search(r"Page size:\s+([\d.]+) x", info).group(1))
    wanted = report_figures.FIGURES[name].width * report_figures.TEXT_WIDTH_PT * 72 / 72.27
    assert wanted - 1 <= width_bp <= wanted
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert fonts and all("ConvarithRoman" in line and "Type 3" not in line for line in fonts)
    words = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True,
                           text=True, check=True).stdout
    heights = [float(y1) - float(y0) for y0, y1 in re.findall(
        r'<word xMin="[-\d.]+" yMin="([-\d.]+)" xMax="[-\d.]+" yMax="([-\d.]+)"', words)]
    assert len(heights) > 20 and min(heights) >= 5.0


def test_subcaptions_name_the_step_cell_and_channel_of_their_frame():
    pattern = (r"\\includegraphics\{figures/([a-z_]+)\.pdf\} \\caption\{step (\d+), "
               r"cell \$\((\d+),(\d+)\)\$, output channel (\d+)\}")
    named = re.findall(pattern, report_source())
    assert {name for name, *_ in named} == {"mobilenet_depthwise_first",
                                            "mobilenet_depthwise_last_channel"}
    for name, step, row, col, channel in named:
        figure = report_figures.FIGURES[name]
        spec = figure.layer().spec
        assert figure.step == int(step)
        assert spec.step_cell(figure.step) == (int(row), int(col))
        assert spec.step_channel(figure.step) == int(channel)
