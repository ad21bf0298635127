"""Build stages that Make runs: `python -m convarith.stages frames|png|gif ...`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Sequence

from .cli import ArgumentParser, bounded_number, run
from .files import check_output_path
from .settings import DEFAULT_DPI, DEFAULT_FRAME_MS, DPI_RANGE


PROG = "convarith.stages"
DPI = bounded_number(int, *DPI_RANGE)
FRAME_MS = bounded_number(int, 10, 100000)


def stages(argv: Sequence[str]) -> int:
    parser = ArgumentParser(prog=f"python -m {PROG}",
                            description="Rasterise PDF frames and assemble GIFs.")
    sub = parser.add_subparsers(dest="stage", required=True)
    png = sub.add_parser("png", help="pdf/NAME_NN.pdf -> png/NAME_NN.png")
    png.add_argument("--dpi", type=DPI, default=DEFAULT_DPI)
    png.add_argument("--out-dir", default="png")
    png.add_argument("pdfs", nargs="+")
    gif = sub.add_parser("gif", help="PNG frames -> one looping GIF")
    gif.add_argument("--frame-ms", type=FRAME_MS, default=DEFAULT_FRAME_MS)
    gif.add_argument("gif")
    gif.add_argument("pngs", nargs="+")
    frames = sub.add_parser("frames", help="PDF frames -> PNG frames and one GIF")
    frames.add_argument("--dpi", type=DPI, default=DEFAULT_DPI)
    frames.add_argument("--frame-ms", type=FRAME_MS, default=DEFAULT_FRAME_MS)
    frames.add_argument("--png-dir", default="png")
    frames.add_argument("gif")
    frames.add_argument("pdfs", nargs="+")
    args = parser.parse_args(argv)
    if args.stage in ("frames", "gif"):
        check_output_path(args.gif, "The GIF path", suffix=".gif")
    directory = {"frames": "png_dir", "png": "out_dir"}.get(args.stage)
    if directory:
        check_output_path(getattr(args, directory), f"--{directory.replace('_', '-')}",
                          directory=True)
    if args.stage == "frames":
        from .build import build_frames
        build_frames([Path(p) for p in args.pdfs], Path(args.png_dir), Path(args.gif),
                     args.dpi, args.frame_ms, forget_damaged=True)
    elif args.stage == "png":
        from .build import build_pngs
        build_pngs([Path(p) for p in args.pdfs], Path(args.out_dir), args.dpi)
    else:
        from .build import build_gif
        build_gif([Path(p) for p in args.pngs], Path(args.gif), args.frame_ms)
    return 0


if __name__ == "__main__":
    sys.exit(run(stages, prog=PROG))
