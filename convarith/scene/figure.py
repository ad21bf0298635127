"""The scene of any figure: the builder its kind needs."""

from __future__ import annotations

from typing import Optional, Sequence

from ..model.spec import FigureSpec
from .build import arithmetic_scene, numerical_scene
from .types import Scene


def build_scene(spec: FigureSpec, values=None, steps: Optional[Sequence[int]] = None) -> Scene:
    """The scene of `spec` with the steps `steps` (default: all); `values`
    are a numerical figure's numbers (model.values.compute)."""
    steps = range(spec.steps) if steps is None else steps
    if spec.multichannel:
        # Loaded for channel figures only, so that only their Make rules
        # depend on it (convarith/makefile.py).
        from .channels import channel_scene
        return channel_scene(spec, values, steps)
    if spec.kind == "numerical":
        return numerical_scene(spec, values, steps)
    return arithmetic_scene(spec, steps)


def with_captions(scene: Scene, spec: FigureSpec, prefix: str = "") -> Scene:
    """The scene with a caption line above each step: the layer and the step,
    after `prefix`."""
    from dataclasses import replace

    from .meaning import caption_text
    from .types import Caption
    steps = tuple(replace(step, layers=(*step.layers,
                                        Caption(prefix + caption_text(spec, step.meaning.index))))
                  for step in scene.steps)
    return replace(scene, steps=steps)
