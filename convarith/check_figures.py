"""`make check-figures`: rebuild every catalogue GIF in a temporary directory
and compare it with the committed gif/, so a change to templates or code that
was not followed by regenerated GIFs is caught.

Frames must agree in count, size and duration, and in pixels up to an RMS
difference of RMS_TOLERANCE (out of 255) per frame: other TeX Live and
poppler versions move anti-aliased edges by a pixel, while any change to
what a figure shows (a moved cell, another colour, another value) gives far
more.
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Sequence

import numpy as np
from PIL import Image

from .cli import catalogue_spec, run
from .model.catalogue import CATALOGUE, entry
from .settings import DEFAULT_DPI, DEFAULT_FRAME_MS

RMS_TOLERANCE = 6.0


def gif_frames(path: Path) -> tuple[list[np.ndarray], list[int]]:
    frames, durations = [], []
    with Image.open(path) as image:
        for index in range(image.n_frames):
            image.seek(index)
            frames.append(np.asarray(image.convert("RGB"), dtype=np.float64))
            durations.append(image.info.get("duration"))
    return frames, durations


def compare_gifs(committed: Path, rebuilt: Path) -> list[str]:
    """Differences between two GIFs, as sentences; empty when they agree."""
    if not committed.exists():
        return [f"{committed} is missing"]
    old, old_durations = gif_frames(committed)
    new, new_durations = gif_frames(rebuilt)
    if len(old) != len(new):
        return [f"{committed.name}: {len(old)} frames committed, {len(new)} rebuilt"]
    problems = []
    if old_durations != new_durations:
        problems.append(f"{committed.name}: frame durations differ")
    for index, (a, b) in enumerate(zip(old, new)):
        if a.shape != b.shape:
            problems.append(f"{committed.name} frame {index}: size {a.shape[1]}x"
                            f"{a.shape[0]} committed, {b.shape[1]}x{b.shape[0]} rebuilt")
            break
        rms = float(np.sqrt(((a - b) ** 2).mean()))
        if rms > RMS_TOLERANCE:
            problems.append(f"{committed.name} frame {index}: RMS difference "
                            f"{rms:.2f} > {RMS_TOLERANCE}")
            break
    return problems


def rebuild(name: str, workdir: str) -> Path:
    from .build import build_frames, build_pdfs
    spec = catalogue_spec(entry(name))
    root = Path(workdir)
    gif = root / "gif" / f"{name}.gif"
    pdfs = build_pdfs(spec, range(spec.steps), root / "pdf")
    build_frames(pdfs, root / "png", gif, DEFAULT_DPI, DEFAULT_FRAME_MS)
    return gif


def check(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="check-figures", description=__doc__.split("\n")[0])
    parser.add_argument("--gif-dir", default="gif", help="committed GIFs (default gif)")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    names = [e.name for e in CATALOGUE]
    problems: dict[str, list[str]] = {}
    from .files import private_workdir
    with private_workdir("check-figures") as workdir:
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            rebuilt = list(pool.map(rebuild, names, [workdir] * len(names)))
        for name, path in zip(names, rebuilt):
            found = compare_gifs(Path(args.gif_dir) / f"{name}.gif", path)
            if found:
                problems[name] = found
    print(f"check-figures: {len(names)} GIFs rebuilt, "
          f"{len(names) - len(problems)} match {args.gif_dir}/")
    for found in problems.values():
        for problem in found:
            print(f"  {problem}")
    if problems:
        print("Regenerate them with 'make all_animations' and commit gif/.")
        return 1
    return 0

if __name__ == "__main__":
    sys.exit(run(check, prog="check-figures"))
