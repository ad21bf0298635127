#!/usr/bin/env python3
"""Real layers, drawn elided: the time, frames and size of each one's GIF.

Each layer of the README's list is drawn by `convarith.from_module(...).save`
in a fresh Python process (start-up included, as a user pays it), several
times; the median and best wall times print beside the GIF's frames, pixels
and size, and the goals (at most 15 s, 60 frames, 5 MB).

Usage: python bench/real_layers.py [--runs 3]   (needs PyTorch)
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

LAYERS = {
    "resnet stem": "nn.Conv2d(3, 64, 7, stride=2, padding=3), (1, 3, 224, 224)",
    "resnet 1x1 s2": "nn.Conv2d(64, 128, 1, stride=2), (1, 64, 56, 56)",
    "resnet max pool": "nn.MaxPool2d(3, stride=2, padding=1), (1, 64, 112, 112)",
    "mobilenetv2 dw": "nn.Conv2d(96, 96, 3, stride=2, padding=1, groups=96), (1, 96, 112, 112)",
    "dcgan": "nn.ConvTranspose2d(512, 256, 4, 2, 1), (1, 512, 4, 4)",
    "u-net up": "nn.ConvTranspose2d(128, 64, 2, stride=2), (1, 128, 28, 28)",
    "dw-separable": "nn.Sequential(nn.Conv2d(32, 32, 3, padding=1, groups=32), nn.ReLU(), "
                    "nn.Conv2d(32, 64, 1)), (1, 32, 56, 56)",
    "dilated 256": "nn.Conv2d(256, 256, 3, dilation=2, padding=2), (1, 256, 65, 65)",
}

PROGRAM = "import convarith, torch.nn as nn\nconvarith.from_module({layer}).save('layer.gif')\n"


def run(layer: str, directory: str) -> float:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", PROGRAM.format(layer=layer)], cwd=directory,
                   env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from PIL import Image
    print(f"{'layer':<17} {'median s':>8} {'best s':>7} {'frames':>6} {'pixels':>11} "
          f"{'KiB':>6}   goals: 15 s, 60 frames, 5120 KiB")
    for name, layer in LAYERS.items():
        with tempfile.TemporaryDirectory() as directory:
            times = [run(layer, directory) for _ in range(args.runs)]
            gif = Path(directory, "layer.gif")
            with Image.open(gif) as image:
                frames, size = image.n_frames, f"{image.width}x{image.height}"
            kib = gif.stat().st_size // 1024
        print(f"{name:<17} {statistics.median(times):8.2f} {min(times):7.2f} {frames:6d} "
              f"{size:>11} {kib:6d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
