"""A short chain of layers (an nn.Sequential) animated as one: each layer's
story in turn, the shapes between them in every frame's caption.

Each drawn layer is an ordinary Animation of that layer on the shape the
previous one made; layers that keep their input's shape (activations,
normalisations) are named in the caption of the layer before them, not drawn.
The frames of all layers share one canvas, so any animated or video format
takes them.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import ParameterError


class ChainFrames:
    """The frames of every layer, each on a white canvas as large as the largest."""

    def __init__(self, parts):
        self.parts = parts
        sizes = [frame.size for part in parts for frame in part]
        self.size = (max(w for w, _ in sizes), max(h for _, h in sizes))

    def __len__(self) -> int:
        return sum(len(part) for part in self.parts)

    def __iter__(self):
        from PIL import Image
        for part in self.parts:
            for frame in part:
                canvas = Image.new("RGB", self.size, "white")
                canvas.paste(frame, (0, 0))
                yield canvas


def _shape_text(shape) -> str:
    return "\u00d7".join(str(n) for n in shape[1:])


class Chain:
    """The animation of several layers, one after the other.  `links` holds,
    per drawn layer, its Animation, its input and output shapes (N, C, H, W)
    and the shape-keeping layers that follow it."""

    spec = None          # no single figure: the output limits are each layer's
    renderer = "native"

    def __init__(self, links, description: dict):
        self.links = links
        self._description = description
        count = len(links)
        for number, (animation, before, after, then) in enumerate(links, 1):
            followed = f" (then {', '.join(then)})" if then else ""
            animation.caption = (f"layer {number} of {count}: {_shape_text(before)} \u2192 "
                                 f"{_shape_text(after)}{followed} \u00b7 ")
        self.dpi = links[0][0].dpi
        self.steps = tuple(range(sum(len(a.steps) for a, *_ in links)))

    def __repr__(self) -> str:
        return (f"<Chain of {len(self.links)} layers: "
                + " \u2192 ".join(_shape_text(before) for _, before, *_ in self.links)
                + f" \u2192 {_shape_text(self.links[-1][2])}, {len(self.steps)} frames>")

    def describe(self) -> dict:
        """The chain's per-layer table and total receptive field (convarith.describe)."""
        return self._description

    def frames(self) -> list:
        """Every frame of every layer, as PIL RGB images of one size."""
        return list(self._frames())

    def _frames(self) -> ChainFrames:
        """The frames, made as they are read (for the writers)."""
        from .export.limits import check_frames
        for animation, *_ in self.links:
            check_frames(animation)
        return ChainFrames([animation.frames() for animation, *_ in self.links])

    def save(self, path, fps: float = 1.0, hold_last: float = 0.0) -> Path:
        """Write `path` as an animated image or a video (.gif, .webp, .apng,
        .mp4, .webm): every layer's steps in turn."""
        from .export.limits import check_frames
        from .export.timing import check_timing
        from .export.writers import write_outputs, writer_for
        from .files import check_output_path
        from .model.vocabulary import KEYWORDS
        timing = check_timing(fps, hold_last, KEYWORDS)
        from .model.catalogue import refuse_built_by_make
        target = check_output_path(os.fspath(path) if isinstance(path, os.PathLike) else path,
                                   "path")
        refuse_built_by_make(target, f"path '{target}'")
        writer = writer_for(target, "path")
        if not writer.frames or writer.suffix == ".html":
            raise ParameterError(
                f"A chain of layers is saved as an animation or a video (.gif, .webp, "
                f".apng, .mp4, .webm), not as {writer.suffix}: save a storyboard or a "
                f"player of each layer (convarith.from_module on it) instead.")
        for animation, *_ in self.links:
            check_frames(animation, video=writer.kind == "video")
        [written] = write_outputs(_Frames(self), [target], timing, given_as="path")
        return written


class _Frames:
    """What the writers read of a chain: its frames, made as they are read."""

    spec = None
    renderer = "native"

    def __init__(self, chain: Chain):
        self.dpi, self.steps = chain.dpi, chain.steps
        self._chain = chain

    def frames(self):
        return self._chain._frames()


def chain_of_layers(layers, input_size, look: dict, from_layer) -> Chain:
    """The Chain of convarith.model.layers.Layer objects (an nn.Sequential's,
    or `--layer` texts) on an input of shape (N, C, H, W) or (C, H, W), each
    layer drawn by `from_layer` (the API's) with `look`."""
    from .model.layer_numbers import describe_chain
    from .model.layers import ELEMENTWISE, input_shape
    if not isinstance(input_size, (tuple, list)) or len(input_size) not in (3, 4):
        raise ParameterError("A chain of layers needs the input's shape, (N, C, H, W) or "
                             "(C, H, W), so that each layer's channels follow from the one "
                             f"before, not {input_size!r}.")
    shape = input_shape(input_size)
    description = describe_chain(layers, shape)
    links = []
    for layer, row in zip(layers, description["layers"]):
        if layer.op == ELEMENTWISE:
            if not links:
                raise ParameterError(f"A chain to draw starts with a convolution or a "
                                     f"pooling layer, not {layer.name()}.")
            links[-1][3].append(layer.name().partition("(")[0])
            continue
        animation = from_layer(layer, shape, **look)
        after = tuple(row["output_shape"])
        links.append((animation, shape, after, []))
        shape = after
    if len(links) < 2:
        raise ParameterError("A chain to draw needs at least two convolution or pooling "
                             "layers; draw a single layer on its own.")
    return Chain([(a, b, c, tuple(d)) for a, b, c, d in links], description)
