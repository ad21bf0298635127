"""Convolution arithmetic animations: a Python API named like torch.nn.functional.

>>> import convarith
>>> animation = convarith.conv2d(5, 3, stride=2, padding=1)
>>> animation.save("demo.mp4")

Importing the package needs only the standard library (bin/generate_makefile
relies on that), and loads the API only when it is first used: the build's
many short processes import submodules of the package and nothing else.
"""

from .errors import ParameterError, ToolError
from .version import __version__

#: The API's functions, imported from convarith.api on first use.
_API = ("conv2d", "conv_transpose2d", "max_pool2d", "avg_pool2d", "from_layer", "from_module",
        "describe")

__all__ = ["Animation", "ParameterError", "ToolError", "avg_pool2d", "conv2d",
           "conv_transpose2d", "describe", "from_layer", "from_module", "max_pool2d",
           "__version__"]


def __getattr__(name):
    if name in _API:
        from . import api
        return getattr(api, name)
    if name == "Animation":
        from .animation import Animation
        return Animation
    raise AttributeError(f"module 'convarith' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
