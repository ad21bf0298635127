"""The output limits through the newer front doors: real layers (--layer,
from_module), chains, captions.  Each output is checked before any is drawn,
in the words of the door used; the size checked is the size drawn; a chain
streams its frames and takes its resolution as an animation does."""

from __future__ import annotations

import re

import pytest
from PIL import Image, ImageDraw

import convarith
from convarith.errors import ParameterError
from convarith.settings import MAX_FRAME_PIXELS, MAX_VIDEO_PIXELS
from test_api_save import count_rendered_frames
from test_bad_input import run_program

CHAIN = ["--layer", "Conv2d(3, 8, 3)", "--layer", "ReLU()", "--layer", "Conv2d(8, 4, 3)",
         "--input", "3,12,12"]
STEM = ["--layer", "Conv2d(3, 64, 7, stride=2, padding=3)", "--input", "3,224,224"]


def chain():
    """The chain CHAIN draws, as the API builds it from an nn.Sequential."""
    from convarith.api import from_layer
    from convarith.chain import chain_of_layers
    from convarith.model.layers import parse_layer
    layers = [parse_layer(text) for text in ("Conv2d(3, 8, 3)", "ReLU()", "Conv2d(8, 4, 3)")]
    return chain_of_layers(layers, (3, 12, 12), {}, from_layer)


def test_a_captioned_frame_is_measured_with_its_caption(tmp_path):
    """A caption may be wider than its figure: the check measures the frame
    drawn, so the resolution it offers gives frames within the limit."""
    layer = convarith.conv2d((2, 6), (1, 2), caption=True, steps="0-1")
    layer.dpi = 1200
    with pytest.raises(ParameterError, match=r"use dpi=(\d+) or lower") as caught:
        layer.save(tmp_path / "a.mp4")
    assert list(tmp_path.iterdir()) == []
    layer.dpi = int(re.search(r"dpi=(\d+)", str(caught.value))[1])
    sizes = [frame.size for frame in layer.frames()]
    assert max(w * h for w, h in sizes) <= MAX_VIDEO_PIXELS
    layer.dpi += 1
    assert max(w * h for w, h in (f.size for f in layer.frames())) > MAX_VIDEO_PIXELS


@pytest.mark.parametrize("case", ["chain storyboard", "layer video too large"])
def test_layer_outputs_are_all_checked_before_any_is_written(tmp_path, case):
    argv = {"chain storyboard": ["ch", *CHAIN, "--out", "a.gif", "--out", "b.pdf",
                                 "--dpi", "20"],
            "layer video too large": ["stem", *STEM, "--out", "a.gif", "--out", "b.mp4",
                                      "--dpi", "400"]}[case]
    result = run_program("convarith", ["animate", *argv], tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    message = result.stderr.splitlines()[-1]
    assert message.startswith("convarith: error:") and "=" not in message, message
    assert {"chain storyboard": "--out b.pdf",
            "layer video too large": "use --dpi 225 or lower"}[case] in message
    assert list(tmp_path.iterdir()) == []


def test_a_layer_speaks_of_its_flags(tmp_path):
    result = run_program("convarith", ["animate", "stem", *STEM, "--steps", "all"], tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "--steps names 802,816 steps" in result.stderr
    assert "--max-steps N" in result.stderr and "max_steps=" not in result.stderr
    # and --max-steps, --theme and --no-labels are taken, not ignored
    result = run_program("convarith", ["animate", "stem", *STEM, "--steps", "0-1199",
                                       "--max-steps", "1000"], tmp_path)
    assert result.returncode == 2 and "above the limit of 1,000 frames" in result.stderr
    outs = {}
    for look in ([], ["--theme", "grayscale"], ["--no-labels"]):
        name = f"l{len(outs)}.gif"
        result = run_program("convarith", ["animate", "x", "--layer", "Conv2d(1, 1, 3)",
                                           "--input", "1,5,5", "--dpi", "30", "--out", name,
                                           *look], tmp_path)
        assert result.returncode == 0, result.stderr
        with Image.open(tmp_path / name) as gif:
            outs[name] = gif.convert("RGB").tobytes()
    assert len(set(outs.values())) == 3


def test_a_layer_is_called_by_its_name_and_a_chain_keeps_its_captions(tmp_path):
    result = run_program("convarith", ["animate", "stemx", *STEM, "--out", "s.mp4",
                                       "--dpi", "600"], tmp_path)
    assert result.returncode == 2 and "a video frame of 'stemx'" in result.stderr
    assert "'conv2d'" not in result.stderr
    result = run_program("convarith", ["animate", "ch", "--layer", "Conv2d(3, 8, 3)",
                                       "--layer", "MaxPool2d(2)", "--input", "3,8,8",
                                       "--out", "c.gif", "--no-caption"], tmp_path)
    assert result.returncode == 2 and "--no-caption: a chain's frames" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_chain_takes_its_resolution_and_checks_it_first(tmp_path, monkeypatch):
    drawn = chain()
    drawn.dpi = 5000
    rendered = count_rendered_frames(monkeypatch)
    with pytest.raises(ParameterError) as caught:
        drawn.save(tmp_path / "a.gif")
    assert "dpi" in str(caught.value) and "--" not in str(caught.value)
    assert rendered == [] and list(tmp_path.iterdir()) == []
    sizes = {}
    for dpi in (20, 40):
        drawn.dpi = dpi
        drawn.save(tmp_path / f"{dpi}.gif")
        with Image.open(tmp_path / f"{dpi}.gif") as gif:
            sizes[dpi] = gif.size
            assert gif.n_frames == len(drawn.steps)
    assert sizes[40][0] > 1.8 * sizes[20][0]


def test_a_chains_frames_are_the_callers(tmp_path):
    drawn = chain()
    drawn.dpi = 20
    frames = drawn.frames()
    pristine = [frame.tobytes() for frame in frames]
    for frame in frames:
        ImageDraw.Draw(frame).rectangle((0, 0, frame.width, frame.height), fill="black")
    assert [frame.tobytes() for frame in drawn.frames()] == pristine
    drawn.save(tmp_path / "a.apng")
    with Image.open(tmp_path / "a.apng") as saved:
        saved.seek(0)
        assert saved.convert("RGB").tobytes() == pristine[0]


def test_a_chain_is_refused_as_a_storyboard_or_player_before_any_work(tmp_path, monkeypatch):
    rendered = count_rendered_frames(monkeypatch)
    for suffix in (".pdf", ".svg", ".png", ".html"):
        with pytest.raises(ParameterError, match=rf"not as \{suffix}"):
            chain().save(tmp_path / f"a{suffix}")
    assert rendered == [] and list(tmp_path.iterdir()) == []


#: Pictures a streaming writer holds at once, whatever the number of frames:
#: the GIF's first frame (its palette's sample), the frame being encoded and
#: the one before it (a GIF stores what changed), and their padded and
#: paletted copies.
HELD_AT_ONCE = 8


def alive_frames(monkeypatch, area: int) -> list[int]:
    """The most pictures of at least `area` pixels alive at once, sampled
    whenever a native frame is rasterised; the renderer keeps no frames for
    a second pass (its budget is 0), so a writer that holds them all shows."""
    import weakref

    from PIL import Image

    from convarith.render import native_png
    alive, most = [], [0]            # (pictures compare by content: no WeakSet)
    made = Image.Image.__init__

    def tracked(self, *args, **kwargs):
        made(self, *args, **kwargs)
        alive.append(weakref.ref(self))

    def sampled(svg):
        image = rasterise(svg)
        alive[:] = [ref for ref in alive if ref() is not None]
        most[0] = max(most[0], sum(1 for ref in alive
                                   if ref() is not None and ref().width * ref().height >= area))
        return image
    rasterise = native_png.svg_to_image
    monkeypatch.setattr(Image.Image, "__init__", tracked)
    monkeypatch.setattr(native_png, "svg_to_image", sampled)
    monkeypatch.setattr(native_png, "KEEP_BYTES", 0)
    return most


@pytest.mark.parametrize("suffix", [".gif", ".webp", ".mp4"])
def test_a_chain_streams_its_frames(tmp_path, monkeypatch, suffix):
    """A chain held every frame (a two-layer chain at 480 dpi peaked at
    4.7 GB): the writers now hold a few of its 16, however many there are."""
    drawn = chain()
    drawn.dpi = 40
    most = alive_frames(monkeypatch, area=200 * 200)
    drawn.save(tmp_path / f"a{suffix}")
    assert len(drawn.steps) == 16 and 1 <= most[0] <= HELD_AT_ONCE, most


def test_a_native_pdf_storyboard_keeps_its_pages_within_the_picture_limit(tmp_path,
                                                                          monkeypatch):
    """Each page is drawn as a picture of the paper's size: at 1200 dpi an A4
    page would be 139 megapixels, so the resolution is refused before any
    work with the highest that fits, and at that one the page is drawn."""
    from pypdf import PdfReader
    layer = convarith.conv2d(3, 2)
    layer.dpi = 1200
    rendered = count_rendered_frames(monkeypatch)
    with pytest.raises(ParameterError, match=r"page \(A4\).*use dpi=(\d+) or lower") as caught:
        layer.save(tmp_path / "a.pdf")
    with pytest.raises(ParameterError, match=r"page \(A4\)"):
        layer.storyboard_pdf()
    assert rendered == [] and list(tmp_path.iterdir()) == []
    layer.dpi = int(re.search(r"dpi=(\d+)", str(caught.value))[1])
    layer.save(tmp_path / "a.pdf")
    [page] = PdfReader(tmp_path / "a.pdf").pages
    [image] = [xobject.get_object() for xobject in page["/Resources"]["/XObject"].values()]
    width, height = image["/Width"], image["/Height"]
    assert 0.99 * MAX_FRAME_PIXELS < width * height <= MAX_FRAME_PIXELS
    result = run_program("convarith", ["animate", "x", "-i", "3", "-k", "2", "--out", "b.pdf",
                                       "--page-size", "letter", "--dpi", "700"], tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "page (letter)" in result.stderr and "use --dpi 654 or lower" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf"]


@pytest.mark.slow
def test_a_native_pdf_storyboard_is_written_page_by_page(tmp_path):
    """The pages were all kept (compressed) and copied twice before the file
    was written: 30 MB of Python memory for a PDF of 4.5 MB.  Now only the
    page being drawn is held (the pictures themselves are not Python
    memory, so the figure measured is the PDF's)."""
    import tracemalloc

    from pypdf import PdfReader
    layer = convarith.conv2d(224, 7, stride=2, padding=3, in_channels=3, out_channels=64,
                             steps="0-19")
    layer.dpi = 400
    tracemalloc.start()
    try:
        layer.save(tmp_path / "board.pdf")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    size = (tmp_path / "board.pdf").stat().st_size
    assert len(PdfReader(tmp_path / "board.pdf").pages) == 20
    assert peak < 0.75 * size, (peak, size)


def test_a_chain_out_of_memory_says_so_and_changes_no_file(tmp_path, monkeypatch):
    """Memory running out halfway through a chain's frames was a bare
    MemoryError; now it is the message an animation gives, and true: the
    file that was there is whole, and nothing is left beside it."""
    from convarith.errors import ToolError
    from convarith.render import native_png
    drawn, made = chain(), []
    drawn.dpi = 20
    original = native_png.svg_to_image

    def runs_out(svg):
        made.append(1)
        if len(made) > 3:
            raise MemoryError
        return original(svg)
    monkeypatch.setattr(native_png, "svg_to_image", runs_out)
    (tmp_path / "a.webp").write_bytes(b"kept")
    with pytest.raises(ToolError, match="Not enough memory.*no file was changed.*lower dpi"):
        drawn.save(tmp_path / "a.webp")
    assert [p.name for p in tmp_path.iterdir()] == ["a.webp"]
    assert (tmp_path / "a.webp").read_bytes() == b"kept"


def test_the_notebook_display_streams_its_frames(monkeypatch):
    """The GIF beside the notebook's player held every frame twice (a figure
    of 1,024 steps peaked at 12.5 GB); it is now made as save() makes one."""
    most = alive_frames(monkeypatch, area=200 * 200)
    bundle = convarith.conv2d(12, 1, steps="0-59")._repr_mimebundle_()
    assert bundle["image/gif"] and "data-convarith-player" in bundle["text/html"]
    import base64
    import io
    with Image.open(io.BytesIO(base64.b64decode(bundle["image/gif"]))) as gif:
        assert gif.n_frames == 60 and gif.width * gif.height >= 200 * 200
    assert 1 <= most[0] <= HELD_AT_ONCE, most


def test_a_slides_storyboard_is_measured_at_the_resolution_it_is_drawn(tmp_path):
    """Slides choose their own resolution (here 77 dpi, for 1920x1080): the
    sheet was measured at the default 150 dpi instead, so a 15-megapixel
    sheet was refused with a resolution that slides ignore."""
    layer = convarith.conv2d(32, 1, preset="slides", steps="0-15")
    layer.save(tmp_path / "board.png")
    with Image.open(tmp_path / "board.png") as sheet:
        assert sheet.width * sheet.height <= MAX_FRAME_PIXELS
    more = convarith.conv2d(32, 1, preset="slides", steps="0-63")
    with pytest.raises(ParameterError, match="show fewer steps, or draw it with another "
                                             "preset") as caught:
        more.save(tmp_path / "more.png")
    assert "dpi=" not in str(caught.value)
    assert [p.name for p in tmp_path.iterdir()] == ["board.png"]


@pytest.mark.parametrize("paper, name", [("a4", "A4"), ("letter", "Letter")])
def test_the_readme_gives_the_highest_resolution_of_a_pdf_page(paper, name):
    from convarith.export.limits import _largest_dpi
    from convarith.render.storyboard import page_pixels
    from test_bad_input import ROOT
    best = _largest_dpi(lambda dpi: page_pixels(paper, dpi), MAX_FRAME_PIXELS)
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert f"{name} up to {best}" in readme


def test_a_chains_description_is_the_callers():
    drawn = chain()
    table = drawn.describe()
    pristine = repr(table)
    table["layers"][0]["output_shape"][1] = 999
    table["layers"].clear()
    assert repr(drawn.describe()) == pristine
