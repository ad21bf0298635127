"""The figures whose generated TeX is kept as golden files in tests/golden/."""

from convarith.cli import catalogue_spec, geometry_spec
from convarith.model.catalogue import entry

GOLDEN_DIR = __import__("pathlib").Path(__file__).parent / "golden"

# (golden file stem, spec factory, step)
CASES = [
    ("padding_strides_00", lambda: catalogue_spec(entry("padding_strides")), 0),
    ("dilation_04", lambda: catalogue_spec(entry("dilation")), 4),
    ("padding_strides_odd_transposed_00",
     lambda: catalogue_spec(entry("padding_strides_odd_transposed")), 0),
    ("numerical_padding_strides_01", lambda: catalogue_spec(entry("numerical_padding_strides")), 1),
    ("numerical_max_pooling_04", lambda: catalogue_spec(entry("numerical_max_pooling")), 4),
    ("rectangular_05", lambda: catalogue_spec(entry("rectangular")), 5),
    ("labelled_numerical_transposed_07",
     lambda: geometry_spec("numerical", "labelled", ["--transposed-input", "3", "-k", "3",
                                                    "-s", "2", "-p", "1", "--labels",
                                                    "--theme", "grayscale"]), 7),
    # Channel figures: groups with idle planes, and a numerical sum over channels.
    ("grouped_09", lambda: catalogue_spec(entry("grouped")), 9),
    ("numerical_multichannel_13", lambda: catalogue_spec(entry("numerical_multichannel")), 13),
    # beyond symmetric zero padding
    ("cropped_transposed_04", lambda: catalogue_spec(entry("cropped_transposed")), 4),
    ("numerical_max_pooling_ceil_08",
     lambda: catalogue_spec(entry("numerical_max_pooling_ceil")), 8),
    ("numerical_reflect_padding_05", lambda: catalogue_spec(entry("numerical_reflect_padding")), 5),
    ("causal_dilated_05", lambda: catalogue_spec(entry("causal_dilated")), 5),
    ("same_strided_08", lambda: geometry_spec("arithmetic", "same", ["-i", "6", "-k", "3",
                                                                    "-s", "2", "-p", "same"]), 8),
    ("average_not_counting_padding_00",
     lambda: geometry_spec("numerical", "avg", ["-i", "4", "-k", "3", "-s", "2", "-p", "1",
                                                "-m", "average", "--ceil-mode",
                                                "--no-count-include-pad"]), 0),
]


def render(factory, step):
    from convarith.build import figure_tex
    return figure_tex(factory(), [step])
