"""An animation as a Python object: its description, frames, files and notebook display.

It is drawn by one of two renderers: "native" (the scene as SVG, rasterised
by resvg; no system program) or "tex" (TikZ, pdflatex and poppler: the
catalogue's and the report's renderer).  TeX rendering is cached per
process, keyed on the figure, the templates' contents and the package
version, so showing or saving the same figure again reuses its PDF and frames.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
from functools import lru_cache
from pathlib import Path

from .errors import ParameterError
from .model.spec import FigureSpec
from .settings import DEFAULT_DPI, NOTEBOOK_DPI

#: The renderers, and the one an Animation uses unless told: the native one
#: draws frames that match the TeX ones (tests/test_native_parity.py) several
#: times faster and without any system program (bench/renderers.py).
RENDERERS = ("native", "tex")
DEFAULT_RENDERER = "native"



def render_fingerprint() -> str:
    """What else decides the pixels besides the spec: the templates and the code version."""
    from .version import __version__
    from .render.tikz import template_dir
    digest = hashlib.sha256(__version__.encode())
    for template in sorted(Path(template_dir()).glob("*.tex.j2")):
        digest.update(template.name.encode() + b"\0" + template.read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=16)
def _step_pdfs(spec: FigureSpec, fingerprint: str, steps: tuple) -> tuple[bytes, ...]:
    from .build import figure_pages
    return tuple(figure_pages(spec, list(steps)))


@lru_cache(maxsize=4)
def _frames(spec: FigureSpec, dpi: int, fingerprint: str, steps: tuple) -> tuple:
    from .render.raster import render_pages
    with _page_files(spec, steps, _step_pdfs(spec, fingerprint, steps)) as paths:
        return tuple(render_pages(paths, dpi))


@contextlib.contextmanager
def _page_files(spec: FigureSpec, steps, pages):
    """The step PDFs as files in a private directory (swept by a later run
    if this process is killed), for the rasteriser."""
    from .files import private_workdir
    with private_workdir("frames") as workdir:
        paths = [Path(workdir, f"{spec.step_name(step)}.pdf") for step in steps]
        for path, pdf in zip(paths, pages):
            path.write_bytes(pdf)
        yield paths


@lru_cache(maxsize=16)
def _storyboard_pdf(spec: FigureSpec, fingerprint: str, steps: tuple) -> bytes:
    from .export.storyboard import storyboard_pdf
    return storyboard_pdf(spec, steps)


@lru_cache(maxsize=16)
def scene_of(spec: FigureSpec, steps: tuple, caption: bool = False, given=None):
    """The figure's scene with `steps` (the native renderer's input), with a
    caption above each step if asked (`caption` True, or the text that begins
    it), and `given` numbers (model.values.Given)
    instead of the seeded ones."""
    from .model.describe import figure_values
    from .model.values import compute
    from .scene.figure import build_scene, with_captions
    values = figure_values(spec) if given is None else compute(spec, given)
    scene = build_scene(spec, values, steps)
    if not caption:
        return scene
    # A chain's layer puts its place in the chain before the caption.
    return with_captions(scene, spec, caption if isinstance(caption, str) else "")


@lru_cache(maxsize=16)
def presented(spec: FigureSpec, steps: tuple, preset: str, dpi: float,
              caption: bool = False, given=None):
    """The scene as the preset draws it: text size, resolution, line widths."""
    from .scene.presets import PRESETS, present
    return present(scene_of(spec, steps, caption, given), PRESETS[preset], dpi)


@lru_cache(maxsize=4)
def _native_frames(spec: FigureSpec, dpi: int, steps: tuple, preset: str,
                   caption: bool, given=None) -> tuple:
    from .render.native_png import NativeFrames
    shown = presented(spec, steps, preset, dpi, caption, given)
    return tuple(NativeFrames(shown.scene, shown.dpi, shown.line_scale))


def check_renderer(renderer: str, words: str = "renderer") -> str:
    if renderer not in RENDERERS:
        raise ParameterError(f"{words} must be one of {', '.join(map(repr, RENDERERS))}, "
                             f"not {renderer!r}: 'native' draws without TeX, 'tex' "
                             "through pdflatex as the catalogue does.")
    return renderer


def available_renderer(renderer: str, say=None) -> str:
    """`renderer`, or "native" with a one-line notice through `say` when TeX
    is asked for but pdflatex is not installed."""
    import shutil

    from .settings import pdflatex_program
    program = pdflatex_program() or "pdflatex"
    if renderer == "tex" and shutil.which(program) is None:
        if say is not None:
            say(f"{program} is not installed: drawing with the native renderer "
                "instead of TeX.")
        return "native"
    return renderer


class Animation:
    """One convolution arithmetic animation, rendered on demand.

    `describe()` is what `--describe` prints, `frames()` the steps as PIL
    images, `save(path)` writes the format its suffix names, and in Jupyter
    the animation plays inline.
    """

    def __init__(self, spec: FigureSpec, dpi: int | None = None, frames=None,
                 step_pdfs=None, renderer: str = DEFAULT_RENDERER, steps=None,
                 preset: str = "web", caption: bool | None = None, page_size: str = "a4"):
        from .model.steps import story_steps
        from .scene.presets import preset_named
        self.spec = spec
        self.renderer = check_renderer(renderer)
        #: How large it is drawn ("web", "slides", "paper": scene.presets).
        self.preset = preset_named(preset, "preset").name
        if self.preset == "slides" and self.renderer == "tex":
            raise ParameterError("The slides preset scales the figures' text and lines, "
                                 "which the native renderer does; draw slides with "
                                 "renderer 'native', or give TeX a dpi instead.")
        if self.renderer == "tex":
            spec.check_whole(native="renderer 'native'")
        self.dpi = dpi if dpi is not None else (300 if self.preset == "paper"
                                                else DEFAULT_DPI)
        if caption is None:
            # An elided layer shows a few of its many steps: each frame says which.
            caption = spec.elided and self.renderer == "native"
        if not isinstance(caption, bool):
            raise ParameterError(f"caption must be True or False, not {caption!r}.")
        if caption and self.renderer == "tex":
            raise ParameterError("Captions are drawn by the native renderer: drop "
                                 "renderer 'tex', or caption.")
        #: Whether each frame has a caption line: the layer and the step.
        self.caption = caption
        from .render.storyboard import PAGE_SIZES
        if page_size not in PAGE_SIZES:
            raise ParameterError(f"page_size must be one of {', '.join(PAGE_SIZES)}, not "
                                 f"{page_size!r}.")
        #: Paper of a PDF storyboard from the native renderer.
        self.page_size = page_size
        #: The steps shown: by default every step, or a large layer's story.
        self.steps = tuple(story_steps(spec) if steps is None else steps)
        # What the command line has already built, so it is not built twice.
        self._given_frames = frames
        self._given_pdfs = step_pdfs

    def __repr__(self) -> str:
        h, w = self.spec.output_size
        return (f"<Animation {self.spec.name}: {self.describe_call()}, "
                f"{self.spec.steps} steps, output {h}x{w}>")

    def describe_call(self) -> str:
        call = self.describe()["torch"]
        kwargs = ", ".join(f"{k}={v}" for k, v in call["kwargs"].items())
        return f"{call['op']}(input {call['input_size']}, {kwargs})"

    #: (model.layers.Layer, input shape) when made from a torch layer.
    layer = None
    #: A module's own numbers to draw (model.values.Given), instead of the seeded ones.
    given = None

    def describe(self) -> dict:
        """Sizes, steps, the matching torch.nn.functional call and values;
        for an animation of a torch layer, also what the layer computes."""
        from .model.describe import describe
        description = describe(self.spec)
        if self.layer is not None:
            from .model.layer_numbers import describe_layer
            description["layer"] = describe_layer(*self.layer)
        if self.given is not None:
            from .model.values import compute
            values = compute(self.spec, self.given)
            description["input"], description["output"] = values.input, values.output
            description["kernel"], description["bias"] = values.kernel, values.bias
        return description

    def step_pdfs(self) -> dict[str, bytes]:
        """{file stem: one-page PDF} for every step."""
        pages = self._given_pdfs or _step_pdfs(self.spec, render_fingerprint(), self.steps)
        return {self.spec.step_name(step): pdf for step, pdf in zip(self.steps, pages)}

    def frames(self):
        """Every step as a PIL RGB image, at `dpi`: a list of images that are
        the caller's to change (rendering again reuses the frames when they
        take at most 256 MB, never these images), or a streaming sequence
        (re-iterable, with len())."""
        if self._given_frames is not None:
            return self._given_frames
        from .export.limits import check_frames
        check_frames(self)
        if self.renderer == "native":
            from .export.limits import drawn_dpi, frame_sizer
            from .render.native_png import KEEP_BYTES
            width, height = frame_sizer(self)(drawn_dpi(self))
            if width * height * 3 * len(self.steps) > KEEP_BYTES:
                # Too many to keep for the session as well as hand out.
                shown = self.presented()
                from .render.native_png import NativeFrames
                return list(NativeFrames(shown.scene, shown.dpi, shown.line_scale))
            rendered = _native_frames(self.spec, self.dpi, self.steps, self.preset,
                                      self.caption, self.given)
        else:
            rendered = _frames(self.spec, self.dpi, render_fingerprint(), self.steps)
        return [frame.copy() for frame in rendered]

    def scene(self):
        """What the figure draws, step by step (convarith.scene)."""
        return scene_of(self.spec, self.steps, False, self.given)

    def presented(self):
        """The scene as the preset draws it (scene.presets.Presented)."""
        return presented(self.spec, self.steps, self.preset, self.dpi, self.caption,
                         self.given)

    def svg_frames(self) -> dict[str, bytes]:
        """{file stem: SVG} for every step: the native renderer's own SVG, or
        the TeX pages converted by poppler."""
        if self.renderer == "native":
            from .render.native import frame_svg
            shown = self.presented()
            return {self.spec.step_name(step.meaning.index):
                    frame_svg(shown.scene, index, shown.dpi, shown.line_scale).encode()
                    for index, step in enumerate(shown.scene.steps)}
        from .export.svg import svg_frames
        return svg_frames(self.step_pdfs())

    def _check_sheet(self, picture: bool) -> None:
        from .export.limits import check_storyboard
        check_storyboard(self, picture=picture)

    def storyboard_svg(self) -> bytes:
        """All steps on one sheet, as SVG."""
        self._check_sheet(picture=False)
        if self.renderer == "native":
            from .render.storyboard import storyboard_svg
            from .scene.meaning import grid_columns, step_label
            labels = [step_label(self.spec, step) for step in self.steps]
            shown = self.presented()
            return storyboard_svg(shown.scene, labels, grid_columns(self.spec, len(self.steps)),
                                  shown.dpi,
                                  shown.line_scale).encode()
        from .export.svg import pdf_to_svg
        return pdf_to_svg(self.storyboard_pdf())

    def storyboard_png(self) -> bytes:
        """All steps on one sheet, rasterised at `dpi`."""
        self._check_sheet(picture=True)
        if self.renderer == "native":
            from .render.native_png import svg_to_png_bytes
            return svg_to_png_bytes(self.storyboard_svg().decode())
        from .export.storyboard import storyboard_png
        return storyboard_png(self.storyboard_pdf(), self.dpi)

    def storyboard_pdf(self) -> bytes:
        """All steps on paper: one vector page from TeX; from the native
        renderer, pages of `page_size` (A4 or Letter), each holding as many
        steps as fit legibly, rasterised at `dpi`."""
        if self.renderer == "native":
            import io
            out = io.BytesIO()
            self._write_pages(out)
            return out.getvalue()
        self._check_sheet(picture=False)
        return _storyboard_pdf(self.spec, render_fingerprint(), self.steps)

    def _write_pages(self, fp) -> None:
        """The native renderer's PDF storyboard, written to the binary file
        `fp` page by page: only the page being drawn is in memory."""
        from .export.limits import check_pages
        from .export.pdf_pages import write_picture_pdf
        from .render.native_png import svg_to_image
        from .render.storyboard import storyboard_pages
        from .scene.meaning import step_label
        check_pages(self)
        shown = self.presented()
        labels = [step_label(self.spec, step) for step in self.steps]
        pages = storyboard_pages(shown.scene, labels, self.page_size, self.dpi,
                                 shown.line_scale)
        write_picture_pdf(fp, (svg_to_image(page) for page in pages), self.dpi)

    def save(self, path, fps: float = 1.0, hold_last: float = 0.0) -> Path:
        """Write `path` in the format its suffix chooses (.gif, .mp4, .webm,
        .webp, .apng, a .pdf/.svg/.png storyboard, or an .html player).

        Everything is checked before any work (the timing, the path, the
        format's limits); the frames are then rendered as the writer reads
        them, as the command line does, and the file is written under a
        temporary name and moved into place."""
        from .export.writers import save_one
        return save_one(self, path, fps, hold_last)

    def _write(self, targets, timing, words, given_as: str) -> list[Path]:
        """Write every target (paths already checked as paths): each is
        checked against its format's limits before any is drawn, and all
        are moved into place together once every one is complete."""
        from .export.writers import check_outputs, write_outputs
        from .files import sweep_dead_workdirs
        from .model.catalogue import refuse_built_by_make
        for target in targets:
            refuse_built_by_make(target, f"{given_as} '{target}'")
        checked = check_outputs(self, targets, given_as, words)
        # What killed saves left in the temporary directory.
        sweep_dead_workdirs()
        # A storyboard is drawn from its own sheet, a player from its own
        # SVG: the frames are needed only by the formats that read them.
        from .build import memory_guard
        frames = (self._streamed() if any(writer.frames for _, writer in checked)
                  else contextlib.nullcontext(self))
        with memory_guard(self.spec.name, self.dpi, words["dpi"]), frames as rendering:
            return write_outputs(rendering, targets, timing, given_as=given_as, words=words)

    @contextlib.contextmanager
    def _streamed(self):
        """This animation with frames rendered as a writer reads them: never
        all in memory, and never the images frames() hands out."""
        if self._given_frames is not None:
            yield self
        elif self.renderer == "native":
            from .render.native_png import NativeFrames
            shown = self.presented()
            yield self._alike(frames=NativeFrames(shown.scene, shown.dpi, shown.line_scale))
        else:
            from .render.raster import PageFrames
            pages = list(self.step_pdfs().values())
            with _page_files(self.spec, self.steps, pages) as paths:
                yield self._alike(step_pdfs=pages, frames=PageFrames(paths, self.dpi))

    def _alike(self, **given) -> "Animation":
        """The same animation (its steps, look and numbers), with `given`
        frames or pages already made."""
        twin = Animation(self.spec, self.dpi, renderer=self.renderer, steps=self.steps,
                         preset=self.preset, caption=self.caption,
                         page_size=self.page_size, **given)
        twin.layer, twin.given = self.layer, self.given
        return twin

    def _notebook_gif(self) -> bytes:
        """The animation as a small GIF, for viewers that run no script."""
        from .export.timing import Timing
        from .export.animated import gif_bytes
        from .export.limits import check_frames
        small = self._alike()
        small.dpi = NOTEBOOK_DPI
        check_frames(small)
        # Made as the GIF's writer reads them, as save() does: a figure of a
        # thousand steps would otherwise hold every frame, twice.
        with small._streamed() as rendering:
            return gif_bytes(rendering.frames(), Timing())

    def _gif_tag(self, gif: bytes) -> str:
        data = base64.b64encode(gif).decode("ascii")
        h, w = self.spec.output_size
        return (f'<img src="data:image/gif;base64,{data}" alt="{self.spec.name}: '
                f'{self.spec.steps} steps, output {h}x{w}">')

    def _player_or_gif(self, gif=None) -> str:
        from .export.player import player_fragment
        try:
            return player_fragment(self)
        except ParameterError:   # too many steps for one page
            return self._gif_tag(self._notebook_gif() if gif is None else gif)

    def _repr_html_(self) -> str:
        """The animation inline in Jupyter: the HTML player (export.player),
        or a GIF embedded in the page when it holds too many steps for one."""
        return self._player_or_gif()

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        """The player as text/html, with a GIF beside it (image/gif) for
        viewers that show no HTML or run no script."""
        gif = self._notebook_gif()
        return {"text/html": self._player_or_gif(gif),
                "image/gif": base64.b64encode(gif).decode("ascii")}
