"""The API takes the types PyTorch takes and refuses, in its own words, the
ones PyTorch refuses: True for a count, 1.0 for a size, 1 for a switch."""

from __future__ import annotations

import numpy as np
import pytest

import convarith
from convarith.errors import ParameterError

#: (function, keyword arguments, keyword the message must name)
REFUSED = [
    (convarith.conv2d, dict(in_channels=True), "in_channels"),
    (convarith.conv2d, dict(in_channels=1.0), "in_channels"),
    (convarith.conv2d, dict(out_channels=2.0), "out_channels"),
    (convarith.conv2d, dict(groups=True), "groups"),
    (convarith.conv2d, dict(stride=1.0), "stride"),
    (convarith.max_pool2d, dict(ceil_mode=1), "ceil_mode"),
    (convarith.max_pool2d, dict(ceil_mode="yes"), "ceil_mode"),
    (convarith.avg_pool2d, dict(ceil_mode=1.0), "ceil_mode"),
    (convarith.avg_pool2d, dict(count_include_pad=0), "count_include_pad"),
    (convarith.conv2d, dict(numerical=1.0), "numerical"),
    (convarith.conv2d, dict(numerical="yes"), "numerical"),
    (convarith.conv2d, dict(labels="no"), "labels"),
    (convarith.max_pool2d, dict(in_channels=True), "in_channels"),
]


@pytest.mark.parametrize("function, kwargs, keyword", REFUSED,
                         ids=[f"{f.__name__}-{k}" for f, k, _ in REFUSED])
def test_wrong_types_are_refused_naming_the_keyword(function, kwargs, keyword):
    with pytest.raises(ParameterError) as caught:
        function(5, 3, **kwargs)
    message = str(caught.value)
    assert message.startswith(keyword), message
    assert "--" not in message and "\n" not in message


def test_numpy_whole_numbers_are_taken_as_pytorch_takes_them():
    layer = convarith.conv2d(np.int64(5), np.int64(3), in_channels=np.int64(2),
                             out_channels=np.int32(2), groups=np.int64(2),
                             max_steps=np.int64(100))
    assert (layer.spec.in_channels, layer.spec.out_channels, layer.spec.groups) == (2, 2, 2)
    assert type(layer.spec.in_channels) is int


@pytest.mark.parametrize("kwargs, keyword", [(dict(fps=True), "fps"), (dict(fps="2"), "fps"),
                                             (dict(hold_last=-1), "hold_last"),
                                             (dict(hold_last=float("nan")), "hold_last")])
def test_save_names_its_own_keywords(tmp_path, kwargs, keyword):
    with pytest.raises(ParameterError) as caught:
        convarith.conv2d(5, 3).save(tmp_path / "a.gif", **kwargs)
    assert str(caught.value).startswith(f"{keyword} must be a number"), str(caught.value)
    assert list(tmp_path.iterdir()) == []


TORCH_CASES = [dict(ceil_mode=1), dict(ceil_mode=1.0), dict(ceil_mode="yes"),
               dict(ceil_mode=True), dict(ceil_mode=False)]


@pytest.mark.parametrize("kwargs", TORCH_CASES, ids=str)
def test_pooling_switches_are_refused_exactly_where_torch_refuses_them(kwargs):
    torch = pytest.importorskip("torch")
    x = torch.zeros(1, 1, 5, 5)
    for ours, theirs in ((convarith.max_pool2d, torch.nn.functional.max_pool2d),
                         (convarith.avg_pool2d, torch.nn.functional.avg_pool2d)):
        try:
            theirs(x, 3, **kwargs)
            torch_accepts = True
        except TypeError:
            torch_accepts = False
        try:
            ours(5, 3, **kwargs)
            we_accept = True
        except ParameterError:
            we_accept = False
        assert we_accept == torch_accepts, (ours.__name__, kwargs)
