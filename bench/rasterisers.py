#!/usr/bin/env python3
"""Benchmark of SVG rasterisers for native frames: speed, import time and output.

Builds a frame like padding_strides' (an oblique dashed input grid, 25 units,
a footprint and an output cell at 40% opacity, four joining lines) plus about
thirty text elements in Latin Modern, varied from frame to frame, and times
SVG text -> RGB PIL.Image (PNG decoding included where a rasteriser returns
PNG) for every rasteriser that is installed.  Each one runs in a subprocess of
its own, so that its import time is measured cold and the fontconfig setting
below reaches it before its first use.

Fonts: the resvg bindings are given convarith/render/fonts/ and skip system
fonts.  cairosvg, skia-python and pyvips can only find fonts through
fontconfig; they run with FONTCONFIG_FILE naming a configuration that lists
only that directory, the closest they come to "our fonts only".

Usage: python bench/rasterisers.py [--frames 50] [--out DIR]
  --out DIR keeps frame 0 and a test card from each rasteriser as DIR/NAME_*.png
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "convarith" / "render" / "fonts"
CANDIDATES = ["resvg_py", "resvg", "native_png", "cairosvg", "skia", "pyvips"]
DISTRIBUTIONS = {"resvg_py": "resvg-py", "resvg": "resvg", "native_png": "native_png",
                 "cairosvg": "cairosvg", "skia": "skia-python", "pyvips": "pyvips"}

PX_PER_PT = 150 / 72
CELL = 0.5 / 2.54 * 150          # one cell at scale 0.5, in pixels at 150 dpi
THICK, THIN, DASH = 0.8 * PX_PER_PT, 0.4 * PX_PER_PT, 3 * PX_PER_PT
BORDER = 10 * PX_PER_PT
COLOURS = {"blue": "#268bd2", "cyan": "#2aa198", "base02": "#073642", "base03": "#002b36"}
# Each optical size is a family of its own (see bench/ship_fonts.py).
# Quoted: CSS reads an unquoted name with a number in it as invalid.
FAMILY = "'Convarith Roman {size}'"


def project(x: float, y: float, lift: float = 0.0) -> tuple[float, float]:
    """Oblique view of plane point (x, y), y upwards, in cells.  TikZ's
    [yslant=0.5, xslant=-0.7] applies the x slant first; the output plane is
    shifted by `lift` cells up and 5 pt left after slanting."""
    x = x - 0.7 * y
    return x - (5 * PX_PER_PT / CELL if lift else 0.0), y + 0.5 * x + lift


def text(x: float, y: float, size: int, body: str, italic: bool = False,
         anchor: str = "middle") -> str:
    style = ' font-style="italic"' if italic else ""
    return (f'<text x="{x:.2f}" y="{y:.2f}" font-family="{FAMILY.format(size=size)}"'
            f'{style} font-size="{size * PX_PER_PT:.3f}" text-anchor="{anchor}">{body}</text>')


def frame_svg(step: int) -> str:
    """A padding_strides-like frame for `step` (0-8), with labels and values."""
    inputs, pad, out, kernel, stride = 5, 1, 3, 3, 2
    area = inputs + 2 * pad
    row, col = divmod(step % (out * out), out)
    lift = area + 1
    shapes: list[tuple[str, list, float]] = []   # (kind, plane corners, plane's lift)

    def cell(c: float, r: float, side: int, cells: int = 1) -> list:
        """Corners of the block of cells at column c, row r from the top."""
        top = side - r
        return [(c, top), (c + cells, top), (c + cells, top - cells), (c, top - cells)]

    for r in range(inputs):
        for c in range(inputs):
            shapes.append(("unit", cell(c + pad, r + pad, area), 0))
    for r in range(kernel):
        for c in range(kernel):
            shapes.append(("shade", cell(stride * col + c, stride * row + r, area), 0))
    for r in range(out):
        for c in range(out):
            shapes.append(("output", cell(c, r, out), lift))
    shapes.append(("shade", cell(col, row, out), lift))

    points = [project(x, y, up) for _, pts, up in shapes for x, y in pts]
    points += [project(x, y) for x in (0, area) for y in (0, area)]
    left, right = min(p[0] for p in points), max(p[0] for p in points)
    bottom, top = min(p[1] for p in points), max(p[1] for p in points)
    width = round((right - left) * CELL + 2 * BORDER)
    height = round((top - bottom) * CELL + 2 * BORDER)

    def px(x: float, y: float, up: float = 0) -> tuple[float, float]:
        u, v = project(x, y, up)
        return (u - left) * CELL + BORDER, (top - v) * CELL + BORDER

    def path(pts: list, up: float) -> str:
        return "M" + " L".join(f"{a:.2f},{b:.2f}" for a, b in (px(*p, up) for p in pts)) + " Z"

    def grid(n: int, up: float = 0) -> str:
        lines = [(px(k, 0, up), px(k, n, up)) for k in range(n + 1)]
        lines += [(px(0, k, up), px(n, k, up)) for k in range(n + 1)]
        return " ".join(f"M{a[0]:.2f},{a[1]:.2f} L{b[0]:.2f},{b[1]:.2f}" for a, b in lines)

    fills = {"unit": f'fill="{COLOURS["blue"]}"', "output": f'fill="{COLOURS["cyan"]}"',
             "shade": f'fill="{COLOURS["base02"]}" fill-opacity="0.4"'}
    body = [f'<path d="{grid(area)}" fill="none" stroke="{COLOURS["base03"]}" '
            f'stroke-width="{THICK:.3f}" stroke-dasharray="{DASH:.3f} {DASH:.3f}"/>']
    for kind, pts, up in shapes:
        body.append(f'<path d="{path(pts, up)}" {fills[kind]} stroke="{COLOURS["base03"]}" '
                    f'stroke-width="{THICK:.3f}" stroke-linejoin="round"/>')
    body.append(f'<path d="{grid(out, lift)}" fill="none" stroke="{COLOURS["base03"]}" '
                f'stroke-width="{THICK:.3f}"/>')
    footprint = cell(stride * col, stride * row, area, kernel)
    for a, b in zip(footprint, cell(col, row, out)):
        (x1, y1), (x2, y2) = px(*a), px(*b, lift)
        body.append(f'<line x1="{x1:.2f}" y1="{y1:.2f}" x2="{x2:.2f}" y2="{y2:.2f}" '
                    f'stroke="black" stroke-width="{THIN:.3f}"/>')
    # Thirty texts: the labels, one value per unit (changing with the step so
    # no rasteriser can reuse a previous frame), and a partial-sum line.
    x, y = px(area, 0)
    body.append(text(x - 40, y, 9, "input"))
    x, y = px(0, out, lift)
    body.append(text(x - 30, y + 10, 9, "output"))
    for r in range(inputs):
        for c in range(inputs):
            x, y = px(c + pad + 0.5, area - r - pad - 0.5)
            value = (r * 7 + c * 3 + step) % 13 - 3
            shown = "\u2212\u221e" if value == 9 else str(value).replace("-", "\u2212")
            body.append(text(x, y + 5.5, 8, shown))
    eq = (f'<tspan font-family="{FAMILY.format(size=8)}">\u2192 </tspan>'
          f'<tspan font-style="italic">p</tspan>'
          f'<tspan font-family="{FAMILY.format(size=6)}" font-size="{6 * PX_PER_PT:.3f}" '
          f'baseline-shift="-2.5">0</tspan> = {step + 12}')
    body.append(text(BORDER, height - BORDER, 8, eq, anchor="start"))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}">\n' + "\n".join(body) + "\n</svg>\n")


def test_card() -> str:
    """One SVG probing each feature the native frames need."""
    rows = []
    for k, (size, italic, label) in enumerate(
            [(9, False, "9 input output"), (8, False, "8 output channel 0: 12"),
             (7, False, "7 filter 1 4.5"), (5, False, "5 \u2212\u221e \u2192"),
             (8, True, "8 italic p")]):
        rows.append(text(8, 24 + 22 * k, size, label, italic=italic, anchor="start"))
    # Anchors and baselines: a cross at (260, 40) with three texts on it.
    rows.append('<path d="M190,40 H330 M260,20 V60" stroke="red" stroke-width="0.5"/>')
    for anchor, baseline, dy in [("start", "auto", 0), ("middle", "central", 0),
                                 ("end", "hanging", 0)]:
        rows.append(f'<text x="260" y="40" font-family="{FAMILY.format(size=8)}" '
                    f'font-size="16.667" text-anchor="{anchor}" '
                    f'dominant-baseline="{baseline}" fill="#268bd2">x{anchor[0]}</text>')
    # Opacity over a boundary, dashes, and a hairline square for crispness.
    rows.append('<rect x="200" y="80" width="40" height="40" fill="#268bd2"/>')
    rows.append('<rect x="220" y="100" width="40" height="40" fill="#073642" '
                'fill-opacity="0.4"/>')
    rows.append(f'<path d="M280,90 H380" stroke="#002b36" stroke-width="{THICK:.3f}" '
                f'stroke-dasharray="{DASH:.3f} {DASH:.3f}"/>')
    rows.append('<rect x="280.5" y="105.5" width="30" height="30" fill="none" '
                'stroke="#002b36" stroke-width="1"/>')
    rows.append('<text x="300" y="170" font-family="NoSuchFamily" font-size="16">none</text>')
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="180">\n'
            + "\n".join(rows) + "\n</svg>\n")


# --- one rasteriser, inside its own subprocess ------------------------------

def loader(name: str):
    """(import seconds, svg -> RGB PIL.Image) for rasteriser `name`."""
    from PIL import Image
    fonts = sorted(str(p) for p in FONTS.glob("*.otf"))
    start = time.perf_counter()
    if name == "resvg_py":
        import resvg_py
        took = time.perf_counter() - start

        def render(svg):
            png = resvg_py.svg_to_bytes(svg_string=svg, background="white",
                                        skip_system_fonts=True, font_files=fonts)
            return Image.open(io.BytesIO(bytes(png))).convert("RGB")
    elif name == "resvg":
        from resvg import render as resvg_render
        from resvg import usvg
        took = time.perf_counter() - start
        options = usvg.Options.default()      # loads no font until told to
        for font in fonts:
            options.load_font_file(font)

        def render(svg):
            tree = usvg.Tree.from_str(svg, options)
            png = resvg_render(tree, (1.0, 0.0, 0.0, 0.0, 1.0, 0.0),  # row-major affine
                               bg_color=(255, 255, 255, 255))
            return Image.open(io.BytesIO(png)).convert("RGB")
    elif name == "native_png":         # convarith's own module, checks included
        sys.path.insert(0, str(ROOT))
        from convarith.render.native_png import svg_to_image as render
        took = time.perf_counter() - start
    elif name == "cairosvg":
        import cairosvg
        took = time.perf_counter() - start

        def render(svg):
            png = cairosvg.svg2png(bytestring=svg.encode(), background_color="white")
            return Image.open(io.BytesIO(png)).convert("RGB")
    elif name == "skia":
        import skia
        took = time.perf_counter() - start

        def render(svg):
            dom = skia.SVGDOM.MakeFromStream(skia.MemoryStream(svg.encode(), True))
            size = dom.containerSize()
            surface = skia.Surface(int(size.width()), int(size.height()))
            with surface as canvas:
                canvas.clear(skia.ColorWHITE)
                dom.render(canvas)
            rgba = surface.makeImageSnapshot().toarray(colorType=skia.kRGBA_8888_ColorType)
            return Image.fromarray(rgba[:, :, :3])
    elif name == "pyvips":
        import pyvips
        took = time.perf_counter() - start

        def render(svg):
            image = pyvips.Image.svgload_buffer(svg.encode()).flatten(background=255)
            return Image.frombuffer("RGB", (image.width, image.height),
                                    image.write_to_memory(), "raw", "RGB", 0, 1)
    else:
        raise SystemExit(f"unknown rasteriser {name!r}")
    return took, render


def worker(name: str, frames: int, out: str | None) -> None:
    took, render = loader(name)
    svgs = [frame_svg(k) for k in range(frames)]
    render(svgs[0])                          # warm up: font loading, caches
    times = []
    for svg in svgs:
        start = time.perf_counter()
        image = render(svg)
        times.append(time.perf_counter() - start)
    if out:
        render(svgs[0]).save(Path(out, f"{name}_frame.png"))
        render(test_card()).save(Path(out, f"{name}_card.png"))
    print(json.dumps({"import_ms": took * 1000, "median_ms": statistics.median(times) * 1000,
                      "min_ms": min(times) * 1000, "size": image.size, "mode": image.mode}))


# --- the comparison ----------------------------------------------------------

def fontconfig_file(workdir: str) -> str:
    """A fontconfig configuration that lists only our font directory."""
    path = Path(workdir, "fonts.conf")
    path.write_text(f'<?xml version="1.0"?>\n<fontconfig>\n  <dir>{FONTS}</dir>\n'
                    f'  <cachedir>{workdir}/cache</cachedir>\n</fontconfig>\n')
    return str(path)


def installed_version(name: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version
    if name == "native_png":
        return "(this checkout)"
    try:
        return version(DISTRIBUTIONS[name])
    except PackageNotFoundError:
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=50)
    parser.add_argument("--out", help="directory for each rasteriser's frame and test card")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.frames, args.out)
        return
    if args.out:
        Path(args.out).mkdir(parents=True, exist_ok=True)
        Path(args.out, "frame.svg").write_text(frame_svg(0))
        Path(args.out, "card.svg").write_text(test_card())
    print(f"{args.frames} frames of {frame_svg(0).count('<text')} texts, "
          f"{frame_svg(0).count('<path')} paths")
    print(f"{'rasteriser':26s} {'median ms':>9s} {'min ms':>7s} {'import ms':>9s}  size")
    with tempfile.TemporaryDirectory(prefix="rasterisers-") as workdir:
        env = dict(os.environ, FONTCONFIG_FILE=fontconfig_file(workdir))
        for name in CANDIDATES:
            version = installed_version(name)
            label = f"{DISTRIBUTIONS[name]} {version}"
            if version is None:
                print(f"{label:26s} not installed")
                continue
            command = [sys.executable, __file__, "--worker", name, "--frames", str(args.frames)]
            if args.out:
                command += ["--out", args.out]
            result = subprocess.run(command, env=env, capture_output=True, text=True)
            if result.returncode != 0:
                print(f"{label:26s} failed: {result.stderr.strip().splitlines()[-1:]}")
                continue
            numbers = json.loads(result.stdout.strip().splitlines()[-1])
            print(f"{label:26s} {numbers['median_ms']:9.1f} {numbers['min_ms']:7.1f} "
                  f"{numbers['import_ms']:9.1f}  {numbers['size'][0]}x{numbers['size'][1]}")


if __name__ == "__main__":
    main()
