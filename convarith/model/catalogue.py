"""The named animations that `make all_animations` builds.

Each entry is the command line that `bin/produce_figure` receives, so the
Make rules, the tests and the CLI all read the same parameters
(convarith.cli.catalogue_spec reads one into a FigureSpec).  To add an
animation, add an entry here and run `make all_animations`.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass


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
