"""Build stages that Make runs: `python -m convarith png|gif ...`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from .cli import ArgumentParser, run


def stages(argv: Sequence[str]) -> int:
    parser = ArgumentParser(prog="python -m convarith",
                            description="Rasterise PDF frames, or assemble a GIF.")
    sub = parser.add_subparsers(dest="stage", required=True)
    png = sub.add_parser("png", help="pdf/NAME_NN.pdf -> png/NAME_NN.png")
    png.add_argument("--dpi", type=int, default=150)
    png.add_argument("--out-dir", default="png")
    png.add_argument("pdfs", nargs="+")
    gif = sub.add_parser("gif", help="PNG frames -> one looping GIF")
    gif.add_argument("--frame-ms", type=int, default=1000)
    gif.add_argument("gif")
    gif.add_argument("pngs", nargs="+")
    args = parser.parse_args(argv)
    if args.stage == "png":
        from .build import build_pngs
        build_pngs([Path(p) for p in args.pdfs], Path(args.out_dir), args.dpi)
    else:
        from .build import build_gif
        build_gif([Path(p) for p in args.pngs], Path(args.gif), args.frame_ms)
    return 0


if __name__ == "__main__":
    sys.exit(run(stages, prog="convarith"))
