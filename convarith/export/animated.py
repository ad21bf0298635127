"""Animated image files: GIF (Pillow, one shared palette), WebP and APNG (imageio)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from ..files import write_bytes_atomic
from .canvas import uniform_frames
from .registry import register
from .timing import Timing


def gif_bytes(frames, timing: Timing) -> bytes:
    """The GIF exactly as the Make pipeline writes it (a single duration when
    nothing lingers, so default output stays byte-identical)."""
    from ..gif import encode_gif
    durations = timing.durations_ms(len(frames))
    frame_ms = durations[0] if len(set(durations)) == 1 else durations
    return encode_gif([np.asarray(frame.convert("RGB")) for frame in frames], frame_ms)


def imageio_animation_bytes(frames, timing: Timing, extension: str, **options) -> bytes:
    """An animated image encoded by imageio's Pillow plugin, looping forever."""
    import imageio.v3 as iio
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
