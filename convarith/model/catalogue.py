"""The named animations that `make all_animations` builds.

Each entry is the command line that `bin/produce_figure` receives, so the
Make rules, the tests and the CLI all read the same parameters
(convarith.cli.catalogue_spec reads one into a FigureSpec).  To add an
animation, add an entry here and run `make all_animations`.
"""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Entry:
    name: str
    kind: str
    flags: str
    classic: bool = False

    @property
    def argv(self) -> list[str]:
        return shlex.split(self.flags)


def _classic(name: str, kind: str, flags: str) -> Entry:
    # The classic animations keep their original look: no labels.
    return Entry(name, kind, flags + " --no-labels", classic=True)


CLASSIC = [
    _classic("no_padding_no_strides", "arithmetic", "-i 4 -o 2 -p 0 -k 3 -s 1"),
    _classic("no_padding_no_strides_transposed", "arithmetic",
             "-i 4 -o 2 -p 0 -k 3 -s 1 --transposed"),
    _classic("arbitrary_padding_no_strides", "arithmetic", "-i 5 -o 6 -p 2 -k 4 -s 1"),
    _classic("arbitrary_padding_no_strides_transposed", "arithmetic",
             "-i 5 -o 6 -p 2 -k 4 -s 1 --transposed"),
    _classic("same_padding_no_strides", "arithmetic", "-i 5 -o 5 -p 1 -k 3 -s 1"),
    _classic("same_padding_no_strides_transposed", "arithmetic",
             "-i 5 -o 5 -p 1 -k 3 -s 1 --transposed"),
    _classic("full_padding_no_strides", "arithmetic", "-i 5 -o 7 -p 2 -k 3 -s 1"),
    _classic("full_padding_no_strides_transposed", "arithmetic",
             "-i 5 -o 7 -p 2 -k 3 -s 1 --transposed"),
    _classic("no_padding_strides", "arithmetic", "-i 5 -o 2 -p 0 -k 3 -s 2"),
    _classic("no_padding_strides_transposed", "arithmetic",
             "-i 5 -o 2 -p 0 -k 3 -s 2 --transposed"),
    _classic("padding_strides", "arithmetic", "-i 5 -o 3 -p 1 -k 3 -s 2"),
    _classic("padding_strides_transposed", "arithmetic",
             "-i 5 -o 3 -p 1 -k 3 -s 2 --transposed"),
    _classic("padding_strides_odd", "arithmetic", "-i 6 -o 3 -p 1 -k 3 -s 2"),
    _classic("padding_strides_odd_transposed", "arithmetic",
             "-i 6 -o 3 -p 1 -k 3 -s 2 --transposed"),
    _classic("dilation", "arithmetic", "-i 7 -o 3 -p 0 -k 3 -s 1 -d 2"),
    _classic("numerical_no_padding_no_strides", "numerical",
             "-i 5 -o 3 -p 0 -k 3 -s 1 -m convolution"),
    _classic("numerical_padding_strides", "numerical",
             "-i 5 -o 3 -p 1 -k 3 -s 2 -m convolution"),
    _classic("numerical_average_pooling", "numerical",
             "-i 5 -o 3 -p 0 -k 3 -s 1 -m average"),
    _classic("numerical_max_pooling", "numerical", "-i 5 -o 3 -p 0 -k 3 -s 1 -m max"),
]

EXTENDED = [
    Entry("rectangular", "arithmetic", "-i 5,7 -k 3 -s 1,2 -p 0,1"),
    Entry("dilation_transposed", "arithmetic", "-i 7 -k 3 -d 2 --transposed"),
    Entry("output_padding_transposed", "arithmetic",
          "--transposed-input 2 -k 3 -s 2 --output-padding 1"),
    Entry("upsampling_transposed", "arithmetic", "--transposed-input 3 -k 2 -s 2"),
    Entry("numerical_transposed", "numerical", "--transposed-input 3 -k 3 -s 2 -p 1"),
    Entry("numerical_dilation", "numerical", "-i 7 -k 3 -d 2"),
]

#: What PyTorch accepts beyond symmetric zero padding: cropped transposed
#: convolution, ceil_mode pooling, padding modes and causal padding.
PADDING_AND_POOLING = [
    Entry("cropped_transposed", "arithmetic", "--transposed-input 4 -k 3 -s 2 -p 3"),
    Entry("numerical_max_pooling_ceil", "numerical", "-i 6 -k 3 -s 2 --ceil-mode -m max"),
    Entry("numerical_reflect_padding", "numerical",
          "-i 5 -k 3 -s 2 -p 2 --padding-mode reflect"),
    Entry("causal_dilated", "arithmetic", "-i 1,16 -k 1,2 -d 2 -p causal"),
]

#: Layers with several channels. For the transposed convention see the
#: README: channel flags always describe the drawn layer.
CHANNELS = [
    Entry("multichannel", "arithmetic", "-i 4 -k 3 --in-channels 2 --out-channels 3"),
    Entry("numerical_multichannel", "numerical",
          "-i 5 -k 3 -p 1 -s 2 --in-channels 3 --out-channels 2"),
    Entry("grouped", "arithmetic", "-i 4 -k 3 --in-channels 4 --out-channels 4 --groups 2"),
    Entry("depthwise", "arithmetic", "-i 4 -k 3 --in-channels 3 --out-channels 3 --groups 3"),
    Entry("pointwise", "arithmetic", "-i 3 -k 1 --in-channels 3 --out-channels 2"),
    Entry("numerical_depthwise", "numerical",
          "-i 4 -k 3 --in-channels 3 --out-channels 3 --groups 3"),
]

CATALOGUE = CLASSIC + EXTENDED + CHANNELS + PADDING_AND_POOLING


def entry(name: str) -> Entry:
    for candidate in CATALOGUE:
        if candidate.name == name:
            return candidate
    raise KeyError(name)


#: The files make builds for the catalogue in a checkout (folder: name
#: pattern): the frames in pdf/ and png/, the GIFs in gif/ that the repository
#: keeps, the report, and the frames of real layers it prints (figures/).
BUILT_FILES = {"pdf": r"{name}_[0-9]+\.pdf", "png": r"{name}_[0-9]+\.png",
               "gif": r"{name}\.gif", ".": r"conv_arithmetic\.pdf",
               "figures": r"[A-Za-z0-9_-]+\.pdf"}
#: What `make site` builds and replaces as a whole (its default target).
SITE_DIR = "site"


def checkouts() -> set[Path]:
    """The checkouts of this project a command could write into: the one the
    package runs from, and the working directory, when either is one."""
    found = set()
    for root in (Path(__file__).resolve().parents[2], Path.cwd().resolve()):
        if (root / "Makefile").is_file() and (root / "convarith" / "model" /
                                              "catalogue.py").is_file():
            found.add(root)
    return found


def _same_directory(path: Path, directory: Path) -> bool:
    """Whether `path` is `directory`, also where the names differ (case on
    a case-insensitive file system, hard-linked or bind-mounted folders)."""
    if path == directory.resolve():
        return True
    try:
        return os.path.samefile(path, directory)
    except OSError:
        return False


def built_by_make(path) -> Path | None:
    """The checkout in which `path` is a file that make builds for the
    catalogue, or None.  Such a file written by hand would look up to date."""
    real = Path(os.path.realpath(Path(path).parent)) / Path(path).name
    names = "|".join(re.escape(entry.name) for entry in CATALOGUE)
    for root in checkouts():
        site = (root / SITE_DIR).resolve()
        if any(_same_directory(parent, site) for parent in real.parents):
            return root
        for folder, pattern in BUILT_FILES.items():
            if _same_directory(real.parent, root / folder) and re.fullmatch(
                    pattern.format(name=f"({names})"), real.name,
                    flags=re.IGNORECASE if _case_blind(real.parent) else 0):
                return root
    return None


def _case_blind(directory: Path) -> bool:
    """Whether the file system holding `directory` ignores the case of names."""
    flipped = directory.with_name(directory.name.swapcase())
    return flipped != directory and os.path.exists(flipped) and os.path.samefile(
        flipped, directory)


def refuse_built_by_make(path, what: str) -> None:
    """A ParameterError, naming the output as `what`, when make builds `path`."""
    from ..errors import ParameterError
    root = built_by_make(path)
    if root is not None:
        raise ParameterError(
            f"{what} is one of the files that 'make' builds in {root} (the catalogue's "
            "frames and GIFs, the report and its figures, and the site); written by other "
            "means, make would take it for up to date, or remove it. Choose another path.")
