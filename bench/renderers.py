#!/usr/bin/env python3
"""Native against TeX, side by side: the time to make one custom animation.

Runs `convarith animate` for the same 9-step figure with each renderer,
alternately, several times, each in a fresh process in an empty directory
(start-up included, as a user pays it), and prints the median and best wall
times with their ratio; then the same inside one Python process through the
API (frames only, a warm process).

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
    print(f"convarith animate, 9 steps, GIF ({args.runs} runs each, alternating)")
    print(f"{'renderer':10s} {'median s':>9s} {'best s':>8s} {'API frames s':>13s}")
    for renderer in RENDERERS:
        print(f"{renderer:10s} {statistics.median(times[renderer]):9.3f} "
              f"{min(times[renderer]):8.3f} {api[renderer]:13.3f}")
    ratio = statistics.median(times["native"]) / statistics.median(times["tex"])
    print(f"native / tex: {ratio:.2f} of the time (command, median); "
          f"{api['native'] / api['tex']:.2f} (API frames, best)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
