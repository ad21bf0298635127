"""A short chain of layers (an nn.Sequential) animated as one: each layer's
story in turn, the shapes between them in every frame's caption.

Each drawn layer is an ordinary Animation of that layer on the shape the
previous one made; layers that keep their input's shape (activations,
normalisations) are named in the caption of the layer before them, not drawn.
The frames of all layers share one canvas, so any animated or video format
takes them.
"""

from __future__ import annotations

from pathlib import Path

from .errors import ParameterError


class ChainFrames:
    """The frames of every layer, each on a white canvas of `size` (as large
    as the largest layer's), rasterised as they are read: re-iterable and
    len()-able like the layers' own frames, and kept after a whole pass
    while they fit in the renderer's budget (render.native_png.KEEP_BYTES)."""

    def __init__(self, animations, size: tuple[int, int]):
        self.animations = animations
        self.size = size
        self._count = sum(len(animation.steps) for animation in animations)
        self._cache = None

    def __len__(self) -> int:
        return self._count

    def __iter__(self):
        return iter(self._cache) if self._cache is not None else self._generate()

    def _generate(self):
        from PIL import Image

        from .render.native import frame_svg
        from .render.native_png import KEEP_BYTES, svg_to_image
        kept, kept_bytes = [], 0
        for animation in self.animations:
            shown = animation.presented()
            for index in range(len(shown.scene.steps)):
                frame = svg_to_image(frame_svg(shown.scene, index, shown.dpi,
                                               shown.line_scale))
                canvas = Image.new("RGB", self.size, "white")
                canvas.paste(frame, (0, 0))
                del frame
                if kept is not None:
                    kept_bytes += self.size[0] * self.size[1] * 3
                    kept = kept if kept_bytes <= KEEP_BYTES else None
                    if kept is not None:
                        kept.append(canvas)
                yield canvas
        if kept is not None:
            self._cache = kept


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
        self.steps = tuple(range(sum(len(a.steps) for a, *_ in links)))

    def __repr__(self) -> str:
        return (f"<Chain of {len(self.links)} layers: "
                + " \u2192 ".join(_shape_text(before) for _, before, *_ in self.links)
                + f" \u2192 {_shape_text(self.links[-1][2])}, {len(self.steps)} frames>")

    def describe(self) -> dict:
        """The chain's per-layer table and total receptive field
        (convarith.describe): a new copy each call, the caller's to change."""
        import copy
        return copy.deepcopy(self._description)

    @property
    def dpi(self) -> int:
        """The resolution of every layer's frames (setting it sets each layer's)."""
        return self.links[0][0].dpi

    @dpi.setter
    def dpi(self, dpi: int) -> None:
        for animation, *_ in self.links:
            animation.dpi = dpi

    def frames(self) -> list:
        """Every frame of every layer, as PIL RGB images of one size: new
        images each call, the caller's to change."""
        return list(self._frames())

    def _frames(self, words=None, video: bool = False) -> ChainFrames:
        """The frames, checked against the limits first and made as they
        are read (for the writers)."""
        from .export.limits import check_shared_canvas
        from .model.vocabulary import KEYWORDS
        animations = [animation for animation, *_ in self.links]
        size = check_shared_canvas(animations, f"a {'video ' if video else ''}frame of "
                                   "the chain", words or KEYWORDS, video)
        return ChainFrames(animations, size)

    def save(self, path, fps: float = 1.0, hold_last: float = 0.0) -> Path:
        """Write `path` as an animated image or a video (.gif, .webp, .apng,
        .mp4, .webm): every layer's steps in turn, rendered as the writer
        reads them.  Everything is checked before any work."""
        from .export.writers import save_one
        return save_one(self, path, fps, hold_last)

    def _write(self, targets, timing, words, given_as: str) -> list[Path]:
        """Write every target, all checked before any frame is drawn and moved
        into place together once every one is complete."""
        from .build import memory_guard
        from .export.writers import write_outputs, writer_for
        from .files import sweep_dead_workdirs
        from .model.catalogue import refuse_built_by_make
        writers = [writer_for(target, given_as) for target in targets]
        for target, writer in zip(targets, writers):
            refuse_built_by_make(target, f"{given_as} '{target}'")
            if not writer.frames or writer.suffix == ".html":
                raise ParameterError(
                    f"{given_as} {target}: a chain of layers is saved as an animation or a "
                    f"video (.gif, .webp, .apng, .mp4, .webm), not as {writer.suffix}; draw "
                    "a storyboard or a player of each layer on its own instead.")
        rendering = _Frames(self, words, video=any(w.kind == "video" for w in writers))
        rendering.check()
        sweep_dead_workdirs()
        with memory_guard("the chain", self.dpi, words["dpi"]):
            return write_outputs(rendering, targets, timing, given_as=given_as, words=words)


class _Frames:
    """What the writers read of a chain: its frames, made as they are read
    (the limits are checked once, for the largest format asked for)."""

    spec = None
    renderer = "native"

    def __init__(self, chain: Chain, words, video: bool):
        self.dpi, self.steps = chain.dpi, chain.steps
        self._chain, self._words, self._video = chain, words, video
        self._made = None

    def check(self) -> None:
        self._made = self._chain._frames(self._words, self._video)

    def frames(self):
        if self._made is None:
            self.check()
        return self._made


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
