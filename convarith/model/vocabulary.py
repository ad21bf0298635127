"""How each front door names a figure's parameters in its messages.

The model checks every parameter under one neutral key, the keyword the
Python API and FigureSpec use (in_channels, padding_mode, ...), and words its
messages with the vocabulary the front door passes: the command line says
--in-channels where the API says in_channels, from the same check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping


@dataclass(frozen=True)
class Vocabulary:
    """`style` is "flag" (--in-channels 3) or "keyword" (in_channels=3);
    `names` overrides the word for a key, or for a setting written
    "key=value" (e.g. "kind=arithmetic": "--type arithmetic")."""

    style: str
    names: Mapping[str, str] = field(default_factory=dict)

    def __getitem__(self, key: str) -> str:
        """The parameter `key` as its users write it."""
        if key in self.names:
            return self.names[key]
        return f"--{key.replace('_', '-')}" if self.style == "flag" else key

    def setting(self, key: str, value) -> str:
        """The parameter `key` set to `value`, as its users write it."""
        phrase = self.names.get(f"{key}={value}")
        if phrase is not None:
            return phrase
        if self.style == "flag":
            return f"{self[key]} {value}"
        return f"{self[key]}={value!r}"

    def renamed(self, **names: str) -> "Vocabulary":
        """The same vocabulary with other words for some keys."""
        return Vocabulary(self.style, {**self.names, **names})


#: The Python keywords: FigureSpec's own words, and the API's.
KEYWORDS = Vocabulary("keyword", {
    "kind=arithmetic": "numerical=False",
    "max_steps=N": "max_steps=N",
    "padding=same or causal": "padding='same' or 'causal'",
    "causal example": "input_size=(1, 16), kernel_size=(1, 2)",
    "pooling": "max_pool2d or avg_pool2d",
    "mode=average": "avg_pool2d",
    "mode=convolution": "conv2d",
    "transposed": "conv_transpose2d",
})
