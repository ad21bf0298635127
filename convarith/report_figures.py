"""The report's figures of real layers: elided frames from the native renderer, as vector PDFs.

A real layer's frame is wide (a ResNet stem is about 940 pt across) while the
report prints it at half the text width, so its labels would shrink to under
2 pt.  Each figure is therefore drawn at the width it is printed, its text
enlarged until the smallest label prints at MIN_TEXT_PT, and the report
includes it unscaled.  The SVG frame becomes a PDF through cairosvg, with
fontconfig shown only the package's own fonts, so the text stays text, in
the faces the frames are measured with.

    python -m convarith.report_figures --out figures
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict

from .errors import ConvArithError, ParameterError, ToolError

#: Text width of the report (A4, 2.5 cm margins), in TeX points.
TEXT_WIDTH_PT = 455.24
#: Smallest text of a figure as printed.
MIN_TEXT_PT = 5.5
#: Thinnest line of a figure as printed: thinner hairlines vanish in print.
MIN_LINE_PT = 0.12
FONT_DIR = Path(__file__).resolve().parent / "render" / "fonts"


@dataclass(frozen=True)
class Figure:
    """One frame of a layer: `step` (a step number of its story), printed
    `width` times the text width."""

    layer: Callable
    step: int
    width: float


# The report's captions say which step each frame is: the frames carry none.
def resnet_stem():
    from .api import conv2d
    return conv2d(224, 7, stride=2, padding=3, in_channels=3, out_channels=64,
                  caption=False)


def mobilenet_depthwise():
    from .api import conv2d
    return conv2d(112, 3, stride=2, padding=1, in_channels=96, out_channels=96, groups=96,
                  caption=False)


def separable_depthwise():
    from .api import conv2d
    return conv2d(56, 3, padding=1, in_channels=32, out_channels=32, groups=32,
                  caption=False)


def separable_pointwise():
    from .api import conv2d
    return conv2d(56, 1, in_channels=32, out_channels=64, caption=False)


HALF = 0.49
FIGURES: Dict[str, Figure] = {
    # one frame, wide: at half the text width its labels would crowd
    "resnet_stem_last_row": Figure(resnet_stem, 111 * 112, 0.72),
    "mobilenet_depthwise_first": Figure(mobilenet_depthwise, 0, HALF),
    "mobilenet_depthwise_last_channel": Figure(mobilenet_depthwise, 95 * 56 * 56, HALF),
    "separable_depthwise": Figure(separable_depthwise, 0, HALF),
    "separable_pointwise": Figure(separable_pointwise, 0, HALF),
}


def story_index(animation, step: int) -> int:
    """Where `step` stands in the animation's story of steps."""
    if step not in animation.steps:
        raise ParameterError(f"step {step:,} is not among the steps this layer shows: "
                             f"{', '.join(f'{s:,}' for s in animation.steps)}.")
    return animation.steps.index(step)


def _smallest_text(scene, index: int) -> float:
    """Size in points of the smallest text the step draws."""
    from .render.native import frame_svg
    sizes = [float(size) for size in
             re.findall(r'font-size="([\d.]+)"', frame_svg(scene, index, 72.27))]
    return min(sizes)


def _frame_width(scene, index: int) -> float:
    from .scene.measure import step_frame
    bounds = step_frame(scene, scene.steps[index].layers).bounds
    return bounds.width + 2 * scene.border


def printed_svg(figure: Figure) -> tuple[str, float]:
    """The SVG of the figure's frame at its printed width (in px at 96 per
    inch, as cairosvg reads it), and its smallest text as printed, in pt."""
    from .render.native import frame_svg
    from .scene.presets import scaled_text
    from .scene.types import THIN
    animation = figure.layer()
    index = story_index(animation, figure.step)
    base = animation.scene()
    # whole pixels of cairosvg's 96 per inch, rounded down: never wider than asked
    wanted = math.floor(figure.width * TEXT_WIDTH_PT * 96 / 72.27) * 72.27 / 96
    factor, scene = 1.0, base
    for _ in range(8):           # larger text widens the frame: settle both
        scene = scaled_text(base, factor)
        scale = wanted / _frame_width(scene, index)
        needed = max(1.0, MIN_TEXT_PT / (_smallest_text(base, index) * scale))
        if abs(needed - factor) < 1e-6:
            break
        factor = needed
    scale = wanted / _frame_width(scene, index)
    line_scale = max(1.0, MIN_LINE_PT / (THIN * scale))
    # frame_svg draws a TeX point of the scene as dpi/72.27 px, and cairosvg
    # makes 96 px an inch: the page is `wanted` TeX points wide.
    svg = frame_svg(scene, index, 96 * scale, line_scale)
    return svg, _smallest_text(base, index) * factor * scale


def _fontconfig_file(directory: Path) -> Path:
    """A fontconfig set-up that knows the package's fonts and nothing else, so
    a face it lacks cannot be replaced silently by another."""
    config = directory / "fonts.conf"
    config.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
                      f"<fontconfig><dir>{FONT_DIR}</dir>"
                      f"<cachedir>{directory / 'cache'}</cachedir></fontconfig>\n",
                      encoding="utf-8")
    return config


def svg_to_pdf(svg: str) -> bytes:
    """The SVG as a one-page PDF, its text in the embedded package fonts."""
    try:
        import cairosvg
    except (ImportError, OSError) as error:
        raise ToolError(
            "The report's figures of real layers need cairosvg and the cairo library "
            f"({error}). Run `make setup`, which installs them with TeX Live and "
            "poppler.") from None
    pdf = cairosvg.svg2pdf(bytestring=svg.encode(), dpi=96)
    return _dated(pdf, int(os.environ.get("SOURCE_DATE_EPOCH", "0")))


def _dated(pdf: bytes, epoch: int) -> bytes:
    """The PDF with its creation date at `epoch`, as the report's build fixes
    every date, so that the same figure gives the same bytes.  The date keeps
    its length, so no offset of the file moves."""
    stamp = time.strftime("D:%Y%m%d%H%M%SZ", time.gmtime(epoch)).encode()
    return re.sub(rb"/CreationDate \(D:\d{14}Z\)", b"/CreationDate (" + stamp + b")", pdf)


def build(out: Path, names=None) -> Dict[Path, bytes]:
    """Every figure's PDF, keyed by its path under `out`."""
    return {out / f"{name}.pdf": svg_to_pdf(printed_svg(FIGURES[name])[0])
            for name in (names or FIGURES)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="directory of the figures")
    args = parser.parse_args(argv)
    from .files import ensure_directory, private_workdir, write_all_atomic
    # A directory of this process's own, which a later run removes if this
    # one is killed.
    with private_workdir("fonts") as fonts:
        # read by fontconfig when cairo first needs a font, after this
        os.environ["FONTCONFIG_FILE"] = str(_fontconfig_file(Path(fonts)))
        try:
            ensure_directory(args.out)
            write_all_atomic(build(args.out))
        except ConvArithError as error:
            print(f"report_figures: {error}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
