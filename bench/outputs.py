#!/usr/bin/env python3
"""Benchmark of the output writers: time and size of each format for one animation.

Renders the animation once (pdflatex and poppler, timed apart), then writes
every format of convarith.export.writers from the same frames in a temporary
directory, and shows the in-process cache at work.

Usage: python bench/outputs.py [-i 5 -k 3 -s 2 -p 1 ...]   (flags as for animate)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from convarith.animation import Animation  # noqa: E402
from convarith.cli import geometry_spec  # noqa: E402
from convarith.export.writers import WRITERS, Timing, write_outputs  # noqa: E402


def timed(action):
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def main(flags: list[str]) -> None:
    flags = flags or ["-i", "5", "-k", "3", "-s", "2", "-p", "1"]
    animation = Animation(geometry_spec("arithmetic", "bench", flags))
    print(f"animation: {' '.join(flags)} ({animation.spec.steps} steps)")
    _, seconds = timed(animation.step_pdfs)
    print(f"  {'pdflatex':12s} {seconds:6.2f} s")
    frames, seconds = timed(animation.frames)
    print(f"  {'rasterise':12s} {seconds:6.2f} s  ({len(frames)} frames, {frames[0].size})")
    _, seconds = timed(animation.frames)
    print(f"  {'again':12s} {seconds:6.3f} s  (cached)")
    with tempfile.TemporaryDirectory() as workdir:
        for suffix in WRITERS:
            path = Path(workdir, f"bench{suffix}")
            _, seconds = timed(lambda: write_outputs(animation, [path], Timing()))
            print(f"  {suffix:12s} {seconds:6.2f} s  {path.stat().st_size:9,d} bytes")


if __name__ == "__main__":
    main(sys.argv[1:])
