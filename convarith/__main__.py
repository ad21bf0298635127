"""Build stages that Make runs: `python -m convarith png|gif ...`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Sequence

from .cli import ArgumentParser, run
from .errors import ParameterError


def stages(argv: Sequence[str]) -> int:
    parser = ArgumentParser(prog="python -m convarith",
                            description="Rasterise PDF frames and assemble GIFs.")
    sub = parser.add_subparsers(dest="stage", required=True)
    png = sub.add_parser("png", help="pdf/NAME_NN.pdf -> png/NAME_NN.png")
    png.add_argument("--dpi", type=int, default=150)
    png.add_argument("--out-dir", default="png")
    png.add_argument("pdfs", nargs="+")
    gif = sub.add_parser("gif", help="PNG frames -> one looping GIF")
    gif.add_argument("--frame-ms", type=int, default=1000)
    gif.add_argument("gif")
    gif.add_argument("pngs", nargs="+")
    frames = sub.add_parser("frames", help="PDF frames -> PNG frames and one GIF")
    frames.add_argument("--dpi", type=int, default=150)
    frames.add_argument("--frame-ms", type=int, default=1000)
    frames.add_argument("--png-dir", default="png")
    frames.add_argument("gif")
    frames.add_argument("pdfs", nargs="+")
    args = parser.parse_args(argv)
    if not 10 <= getattr(args, "dpi", 150) <= 1200:
        raise ParameterError(f"--dpi must be between 10 and 1200, not {args.dpi}.")
    if not 10 <= getattr(args, "frame_ms", 1000) <= 100000:
        raise ParameterError(f"--frame-ms must be between 10 and 100000, not {args.frame_ms}.")
    if args.stage == "frames":
        from .build import build_frames
        build_frames([Path(p) for p in args.pdfs], Path(args.png_dir), Path(args.gif),
                     args.dpi, args.frame_ms)
    elif args.stage == "png":
        from .build import build_pngs
        build_pngs([Path(p) for p in args.pdfs], Path(args.out_dir), args.dpi)
    else:
        from .build import build_gif
        build_gif([Path(p) for p in args.pngs], Path(args.gif), args.frame_ms)
    return 0


if __name__ == "__main__":
    sys.exit(run(stages, prog="convarith"))
