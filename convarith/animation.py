"""An animation as a Python object: its description, frames, files and notebook display.

Rendering is cached per process, keyed on the figure, the templates' contents
and the package version, so showing or saving the same figure again reuses
its PDF and frames.
"""

from __future__ import annotations

import base64
import hashlib
import tempfile
from functools import lru_cache
from pathlib import Path

from .model.spec import FigureSpec
from .settings import DEFAULT_DPI, NOTEBOOK_DPI



def render_fingerprint() -> str:
    """What else decides the pixels besides the spec: the templates and the code version."""
    from .version import __version__
    from .render.tikz import template_dir
    digest = hashlib.sha256(__version__.encode())
    for template in sorted(Path(template_dir()).glob("*.tex.j2")):
        digest.update(template.name.encode() + b"\0" + template.read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=16)
def _step_pdfs(spec: FigureSpec, fingerprint: str) -> tuple[bytes, ...]:
    from .build import figure_pages
    return tuple(figure_pages(spec, list(range(spec.steps))))


@lru_cache(maxsize=4)
def _frames(spec: FigureSpec, dpi: int, fingerprint: str) -> tuple:
    from .render.raster import render_pages
    with tempfile.TemporaryDirectory(prefix="convarith-frames-") as workdir:
        paths = []
        for step, pdf in enumerate(_step_pdfs(spec, fingerprint)):
            paths.append(Path(workdir, f"{spec.step_name(step)}.pdf"))
            paths[-1].write_bytes(pdf)
        return tuple(render_pages(paths, dpi))


@lru_cache(maxsize=16)
def _storyboard_pdf(spec: FigureSpec, fingerprint: str) -> bytes:
    from .export.storyboard import storyboard_pdf
    return storyboard_pdf(spec)


class Animation:
    """One convolution arithmetic animation, rendered on demand.

    `describe()` is what `--describe` prints, `frames()` the steps as PIL
    images, `save(path)` writes the format its suffix names, and in Jupyter
    the animation plays inline.
    """

    def __init__(self, spec: FigureSpec, dpi: int = DEFAULT_DPI, frames=None,
                 step_pdfs=None):
        self.spec = spec
        self.dpi = dpi
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

    def describe(self) -> dict:
        """Sizes, steps, the matching torch.nn.functional call and values."""
        from .model.describe import describe
        return describe(self.spec)

    def step_pdfs(self) -> dict[str, bytes]:
        """{file stem: one-page PDF} for every step."""
        pages = self._given_pdfs or _step_pdfs(self.spec, render_fingerprint())
        return {self.spec.step_name(step): pdf for step, pdf in enumerate(pages)}

    def frames(self):
        """Every step as a PIL RGB image, at `dpi`: a list, or the command
        line's streaming sequence (re-iterable, with len())."""
        if self._given_frames is not None:
            return self._given_frames
        return list(_frames(self.spec, self.dpi, render_fingerprint()))

    def storyboard_pdf(self) -> bytes:
        """All steps on one vector page."""
        return _storyboard_pdf(self.spec, render_fingerprint())

    def save(self, path, fps: float = 1.0, hold_last: float = 0.0) -> Path:
        """Write `path` in the format its suffix chooses (.gif, .mp4, .webm,
        .webp, .apng, or a .pdf/.svg/.png storyboard)."""
        from .export.writers import write_outputs
        from .export.timing import check_timing
        [written] = write_outputs(self, [path], check_timing(fps, hold_last))
        return written

    def _repr_html_(self) -> str:
        """The animation inline in Jupyter: a GIF embedded in the page, no file."""
        from .export.timing import Timing
        from .export.animated import gif_bytes
        small = self if self.dpi == NOTEBOOK_DPI else Animation(self.spec, NOTEBOOK_DPI)
        data = base64.b64encode(gif_bytes(small.frames(), Timing())).decode("ascii")
        h, w = self.spec.output_size
        return (f'<img src="data:image/gif;base64,{data}" alt="{self.spec.name}: '
                f'{self.spec.steps} steps, output {h}x{w}">')
