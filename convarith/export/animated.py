"""Animated image files: GIF (Pillow, one shared palette), WebP and APNG (imageio)."""

from __future__ import annotations

import io
from pathlib import Path

from ..files import write_bytes_atomic
from .canvas import uniform_frames
from .registry import register
from .timing import Timing


def gif_bytes(frames, timing: Timing) -> bytes:
    """The GIF exactly as the Make pipeline writes it: one shared palette,
    frames streamed when every step lasts the same (the default)."""
    from .gif import encode_gif, paletted_frames
    durations = timing.durations_ms(len(frames))
    if len(set(durations)) == 1:
        return encode_gif(frames, durations[0])
    # A lingering last step: Pillow's writer takes one duration per frame.
    images = list(paletted_frames(frames))
    buffer = io.BytesIO()
    images[0].save(buffer, format="GIF", save_all=True, append_images=images[1:],
                   duration=durations, loop=0, disposal=1)
    return buffer.getvalue()


def imageio_animation_bytes(frames, timing: Timing, extension: str, **options) -> bytes:
    """An animated image encoded by imageio's Pillow plugin, looping forever."""
    import imageio.v3 as iio
    import numpy as np
    stack = np.stack([np.asarray(frame) for frame in uniform_frames(frames)])
    buffer = io.BytesIO()
    iio.imwrite(buffer, stack, extension=extension, plugin="pillow",
                duration=timing.durations_ms(len(frames)), loop=0, **options)
    return buffer.getvalue()


@register(".gif", "animation")
def write_gif(path: Path, rendering, timing: Timing) -> None:
    write_bytes_atomic(path, gif_bytes(rendering.frames(), timing))


@register(".webp", "animation")
def write_webp(path: Path, rendering, timing: Timing) -> None:
    # Lossless: the figures are flat colours, which lossy WebP smears.
    write_bytes_atomic(path, imageio_animation_bytes(rendering.frames(), timing, ".webp",
                                                     lossless=True))


@register(".apng", "animation")
def write_apng(path: Path, rendering, timing: Timing) -> None:
    write_bytes_atomic(path, imageio_animation_bytes(rendering.frames(), timing, ".png"))
