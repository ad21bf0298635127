"""Animated image files: GIF (one shared palette), WebP and APNG, each
streamed: a writer holds a frame or two, whatever the number of steps."""

from __future__ import annotations

import io
from pathlib import Path

from .canvas import uniform_frames
from .limits import check_frames
from .registry import register
from .timing import Timing


def write_gif_frames(fp, frames, timing: Timing) -> None:
    """The GIF exactly as the Make pipeline writes it (one shared palette),
    with one duration per step, so the last one may linger."""
    from .gif import paletted_frames
    from .gif_stream import write_gif_stream
    durations = timing.durations_ms(len(frames))
    write_gif_stream(fp, paletted_frames(frames),
                     durations[0] if len(set(durations)) == 1 else durations)


def gif_bytes(frames, timing: Timing) -> bytes:
    buffer = io.BytesIO()
    write_gif_frames(buffer, frames, timing)
    return buffer.getvalue()


def write_webp_frames(fp, frames, timing: Timing) -> None:
    """Lossless animated WebP through libwebp's animation encoder, which
    keeps encoded frames only; the settings are Pillow's for lossless."""
    from PIL import WebPImagePlugin
    durations = timing.durations_ms(len(frames))
    encoder_class = getattr(getattr(WebPImagePlugin, "_webp", None), "WebPAnimEncoder", None)
    canvas = uniform_frames(frames)
    if encoder_class is None:     # a Pillow without it: its own writer, all frames held
        images = list(canvas)
        images[0].save(fp, format="WEBP", save_all=True, append_images=images[1:],
                       duration=durations, loop=0, lossless=True)
        return
    encoder, timestamp = None, 0
    # Pillow's defaults for a lossless animation (kmin 9, kmax 17, quality 80,
    # method 0, a transparent black background).
    for image, duration in zip(canvas, durations):
        if encoder is None:
            encoder = encoder_class(image.size, 0, 0, False, 9, 17, False, False)
        encoder.add(image.getim(), timestamp, True, 80, 100, 0)
        timestamp += duration
    encoder.add(None, timestamp, True, 80, 100, 0)
    data = encoder.assemble("", "", "")
    if data is None:
        raise OSError("libwebp could not assemble the animation")
    fp.write(data)


def write_apng_frames(fp, frames, timing: Timing) -> None:
    from .apng import write_apng
    write_apng(fp, uniform_frames(frames), timing.durations_ms(len(frames)))


@register(".gif", "animation", check=check_frames)
def write_gif(target: Path, rendering, timing: Timing) -> None:
    with open(target, "wb") as handle:
        write_gif_frames(handle, rendering.frames(), timing)


@register(".webp", "animation", check=check_frames)
def write_webp(target: Path, rendering, timing: Timing) -> None:
    # Lossless: the figures are flat colours, which lossy WebP smears.
    with open(target, "wb") as handle:
        write_webp_frames(handle, rendering.frames(), timing)


@register(".apng", "animation", check=check_frames)
def write_apng(target: Path, rendering, timing: Timing) -> None:
    with open(target, "wb") as handle:
        write_apng_frames(handle, rendering.frames(), timing)
