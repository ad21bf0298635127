"""Presets: slides fit a 1920x1080 screen with text of at least 20 px and lines
of at least 2 px in every SVG frame; paper doubles the web's resolution."""

import re

import pytest

import convarith
from convarith.errors import ParameterError

FIGURES = {
    "arithmetic": lambda **k: convarith.conv2d(5, 3, stride=2, padding=1, **k),
    "transposed with legend": lambda **k: convarith.conv_transpose2d(3, 3, stride=2, **k),
    "numerical channels": lambda **k: convarith.conv2d(6, 3, in_channels=2, out_channels=2,
                                                       numerical=True, **k),
    "max pooling": lambda **k: convarith.max_pool2d(6, 3, stride=2, ceil_mode=True, **k),
    "grouped": lambda **k: convarith.conv2d(4, 3, in_channels=4, out_channels=4, groups=2,
                                            **k),
}


@pytest.mark.parametrize("name", FIGURES)
def test_slides_are_legible_and_fit_the_screen(name):
    animation = FIGURES[name](preset="slides")
    for svg in animation.svg_frames().values():
        text = svg.decode()
        width, height = (int(v) for v in re.search(r'width="(\d+)" height="(\d+)"',
                                                    text).groups())
        assert width <= 1920 and height <= 1080
        assert max(width / 1920, height / 1080) > 0.9          # it uses the screen
        sizes = [float(v) for v in re.findall(r'font-size="([0-9.]+)"', text)]
        # (a hatch pattern's line is in the pattern's units, scaled with it)
        drawn = re.sub(r"<defs>.*?</defs>", "", text, flags=re.S)
        strokes = [float(v) for v in re.findall(r'stroke-width="([0-9.]+)"', drawn)]
        assert sizes and min(sizes) >= 20
        assert strokes and min(strokes) >= 2
    frame = animation.frames()[0]
    assert frame.size[0] <= 1920 and frame.size[1] <= 1080


def test_paper_doubles_the_web_resolution():
    web, paper = (FIGURES["arithmetic"](preset=p).frames()[0].size for p in ("web", "paper"))
    assert abs(paper[0] - 2 * web[0]) <= 2 and abs(paper[1] - 2 * web[1]) <= 2


def test_slides_need_the_native_renderer_and_presets_are_named(as_if_tex_were_installed):
    with pytest.raises(ParameterError, match="native renderer"):
        convarith.conv2d(5, 3, preset="slides", renderer="tex")
    with pytest.raises(ParameterError, match="preset must be one of web, slides, paper"):
        convarith.conv2d(5, 3, preset="poster")


def test_a_caption_names_the_layer_and_the_step_above_each_frame(as_if_tex_were_installed):
    plain = convarith.conv2d(7, 3, stride=2, padding=1, in_channels=2, out_channels=3)
    captioned = convarith.conv2d(7, 3, stride=2, padding=1, in_channels=2, out_channels=3,
                                 caption=True)
    frames = captioned.svg_frames()
    assert len(frames) == captioned.spec.steps == 48
    last = frames[captioned.spec.step_name(47)].decode()
    assert "Conv2d(2, 3, k=3, s=2, p=1) \u00b7 step 47/48 \u00b7 output (2, 3, 3)" in last
    assert captioned.frames()[0].size[1] > plain.frames()[0].size[1]
    assert captioned.frames()[0].size[0] == plain.frames()[0].size[0]
    with pytest.raises(ParameterError, match="native renderer"):
        convarith.conv2d(5, 3, caption=True, renderer="tex")


@pytest.mark.parametrize("call, text", [
    (lambda: convarith.max_pool2d(6, 3, stride=2, padding=1, caption=True),
     "MaxPool2d(k=3, s=2, p=1)"),
    (lambda: convarith.conv_transpose2d(3, 4, stride=2, padding=1, caption=True),
     "ConvTranspose2d(1, 1, k=4, s=2, p=1)"),
    (lambda: convarith.conv2d((5, 6), (3, 1), dilation=(2, 1), caption=True),
     "Conv2d(1, 1, k=(3, 1), d=(2, 1))"),
])
def test_captions_write_the_layer_as_a_short_call(call, text):
    first = next(iter(call().svg_frames().values())).decode()
    assert text in first


@pytest.mark.slow
@pytest.mark.parametrize("paper, size", [("a4", (595.3, 841.9)), ("letter", (612, 792))])
def test_a_long_storyboard_goes_onto_pages_of_paper(tmp_path, paper, size):
    from pypdf import PdfReader

    from convarith.animation import Animation
    spec = convarith.conv2d(21, 2).spec                      # 400 steps
    animation = Animation(spec, steps=range(spec.steps), page_size=paper)
    assert len(animation.steps) == 400
    path = animation.save(tmp_path / "board.pdf")
    pages = PdfReader(path).pages
    assert 10 < len(pages) < 400
    for page in pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert width <= size[0] + 1 and height <= size[1] + 1
        assert width >= size[0] - 2 and height >= size[1] - 2


def test_the_page_size_is_named():
    with pytest.raises(ParameterError, match="page_size must be one of a4, letter"):
        from convarith.animation import Animation
        Animation(convarith.conv2d(4, 3).spec, page_size="a3")
