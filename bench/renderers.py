#!/usr/bin/env python3
"""Native against TeX, side by side: the time to make one custom animation.

Runs `convarith animate` for the same 9-step figure with each renderer,
alternately, several times, each in a fresh process in an empty directory
(start-up included, as a user pays it), and prints the median and best wall
times with their ratio; then the same inside one Python process through the
API (frames only, a warm process); then each renderer's own stage alone
(TeX: pdflatex and poppler; native: the SVG and resvg), which bounds the
ratio: however little the shared work (Python, the scene, the GIF) took,
native could take no less than own-native / own-TeX of TeX's time.

Usage: python bench/renderers.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIGURE = ["demo", "-i", "5", "-k", "3", "-s", "2", "-p", "1", "--out", "demo.gif"]
RENDERERS = ("native", "tex")


def command_seconds(renderer: str, cache: str) -> float:
    env = dict(os.environ, PYTHONPATH=str(ROOT), CONVARITH_CACHE_DIR=cache)
    with tempfile.TemporaryDirectory() as empty:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "convarith", "animate", *FIGURE,
                        "--renderer", renderer], cwd=empty, env=env, check=True,
                       capture_output=True)
        return time.perf_counter() - start


def api_seconds(renderer: str) -> float:
    sys.path.insert(0, str(ROOT))
    import convarith
    from convarith import animation
    animation._native_frames.cache_clear()
    animation._frames.cache_clear()
    animation._step_pdfs.cache_clear()
    start = time.perf_counter()
    frames = convarith.conv2d(5, 3, stride=2, padding=1, renderer=renderer).frames()
    assert len(frames) == 9
    return time.perf_counter() - start


def own_stage_seconds(renderer: str) -> float:
    """The renderer's own work for the figure's 9 frames in a warm process:
    what the other renderer does not do."""
    sys.path.insert(0, str(ROOT))
    import convarith
    from convarith import animation
    animation._native_frames.cache_clear()
    animation._frames.cache_clear()
    animation._step_pdfs.cache_clear()
    figure = convarith.conv2d(5, 3, stride=2, padding=1, renderer=renderer)
    spec, steps = figure.spec, tuple(range(figure.spec.steps))
    if renderer == "tex":
        from convarith.render.raster import render_pages
        start = time.perf_counter()
        pages = animation._step_pdfs(spec, animation.render_fingerprint(), steps)
        with animation._page_files(spec, steps, pages) as paths:
            frames = render_pages(paths, figure.dpi)
    else:
        from convarith.render.native import frame_svg
        from convarith.render.native_png import svg_to_image
        shown = animation.presented(spec, steps, "web", figure.dpi)
        start = time.perf_counter()
        frames = [svg_to_image(frame_svg(shown.scene, index, shown.dpi, shown.line_scale))
                  for index in range(len(steps))]
    seconds = time.perf_counter() - start
    assert len(frames) == 9
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    # Bytecode as an installed package has it, so neither run compiles.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "convarith")],
                   check=True)
    times = {renderer: [] for renderer in RENDERERS}
    with tempfile.TemporaryDirectory() as cache:
        for renderer in RENDERERS:              # warm the TeX format cache once
            command_seconds(renderer, cache)
        for _ in range(args.runs):
            for renderer in RENDERERS:
                times[renderer].append(command_seconds(renderer, cache))
        api = {renderer: min(api_seconds(renderer) for _ in range(3))
               for renderer in RENDERERS}
        own = {renderer: min(own_stage_seconds(renderer) for _ in range(3))
               for renderer in RENDERERS}
    print(f"convarith animate, 9 steps, GIF ({args.runs} runs each, alternating)")
    print(f"{'renderer':10s} {'median s':>9s} {'best s':>8s} {'API frames s':>13s} "
          f"{'own stage s':>12s}")
    for renderer in RENDERERS:
        print(f"{renderer:10s} {statistics.median(times[renderer]):9.3f} "
              f"{min(times[renderer]):8.3f} {api[renderer]:13.3f} {own[renderer]:12.3f}")
    ratio = statistics.median(times["native"]) / statistics.median(times["tex"])
    print(f"native / tex: {ratio:.2f} of the time (command, median); "
          f"{api['native'] / api['tex']:.2f} (API frames, best); "
          f"{own['native'] / own['tex']:.2f} (own stages alone: the lowest the command "
          f"could reach)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
