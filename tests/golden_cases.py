"""The figures whose generated TeX is kept as golden files in tests/golden/."""

from convarith.model.catalogue import entry
from convarith.cli import geometry_spec

GOLDEN_DIR = __import__("pathlib").Path(__file__).parent / "golden"

# (golden file stem, spec factory, step)
CASES = [
    ("padding_strides_00", lambda: entry("padding_strides").spec(), 0),
    ("dilation_04", lambda: entry("dilation").spec(), 4),
    ("padding_strides_odd_transposed_00",
     lambda: entry("padding_strides_odd_transposed").spec(), 0),
    ("numerical_padding_strides_01", lambda: entry("numerical_padding_strides").spec(), 1),
    ("numerical_max_pooling_04", lambda: entry("numerical_max_pooling").spec(), 4),
    ("rectangular_05", lambda: entry("rectangular").spec(), 5),
    ("labelled_numerical_transposed_07",
     lambda: geometry_spec("numerical", "labelled", ["--transposed-input", "3", "-k", "3",
                                                    "-s", "2", "-p", "1", "--labels",
                                                    "--theme", "grayscale"]), 7),
    # Channel figures: groups with idle planes, and a numerical sum over channels.
    ("grouped_09", lambda: entry("grouped").spec(), 9),
    ("numerical_multichannel_13", lambda: entry("numerical_multichannel").spec(), 13),
    # beyond symmetric zero padding
    ("cropped_transposed_04", lambda: entry("cropped_transposed").spec(), 4),
    ("numerical_max_pooling_ceil_08", lambda: entry("numerical_max_pooling_ceil").spec(), 8),
    ("numerical_reflect_padding_05", lambda: entry("numerical_reflect_padding").spec(), 5),
    ("causal_dilated_05", lambda: entry("causal_dilated").spec(), 5),
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
