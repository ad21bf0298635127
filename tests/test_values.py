"""The catalogue's numerical figures teach something: their outputs differ."""

import numpy as np
import pytest

from convarith.cli import catalogue_spec
from convarith.model.catalogue import CATALOGUE
from convarith.model.values import compute

POOLING = [e for e in CATALOGUE
           if e.kind == "numerical" and catalogue_spec(e).mode != "convolution"]


def test_the_catalogue_has_both_poolings():
    assert {catalogue_spec(e).mode for e in POOLING} == {"average", "max"}


@pytest.mark.parametrize("item", POOLING, ids=[e.name for e in POOLING])
def test_pooling_outputs_are_not_all_equal(item):
    """A pooling figure whose outputs are all the same (as max pooling of
    inputs 0-3 over 3x3 windows was: every output 3.0) shows nothing."""
    output = compute(catalogue_spec(item)).output
    for channel in output:
        assert len(np.unique(channel)) >= 3, f"{item.name}: {channel}"
