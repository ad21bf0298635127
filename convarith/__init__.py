"""Convolution arithmetic animations: a Python API named like torch.nn.functional.

>>> import convarith
>>> animation = convarith.conv2d(5, 3, stride=2, padding=1)
>>> animation.save("demo.mp4")

Importing the package needs only the standard library (bin/generate_makefile
relies on that); rendering imports the rest when it is first needed.
"""

__version__ = "1.1.0"

from .api import (avg_pool2d, conv2d, conv_transpose2d, from_module,  # noqa: E402
                  max_pool2d)
from .errors import ParameterError, ToolError  # noqa: E402

__all__ = ["Animation", "ParameterError", "ToolError", "avg_pool2d", "conv2d",
           "conv_transpose2d", "from_module", "max_pool2d", "__version__"]


def __getattr__(name):
    # Animation lives with the rendering code; load it only when asked for.
    if name == "Animation":
        from .animation import Animation
        return Animation
    raise AttributeError(f"module 'convarith' has no attribute {name!r}")
