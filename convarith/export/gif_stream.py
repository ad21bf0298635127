"""Writing an animated GIF one frame at a time, with Pillow's frame encoder.

Pillow's own multi-frame writer keeps every frame until the end; for long,
large animations that is gigabytes.  This writer holds two frames: the one
before (to find the changed rectangle) and one not yet written (whose
duration grows when the next frame is identical).  It makes the same choices
as Pillow's writer does for paletted frames saved with loop=0 and disposal=1
and one duration, or one per frame - the bytes are identical, which
tests/test_frames.py checks against Image.save - using Pillow's per-frame
encoding functions.  Unlike Pillow's, it also writes delays longer than a
GIF frame holds (655.35 s), as several frames.
"""

from __future__ import annotations

import itertools
from typing import IO, Iterable, Sequence

from PIL import GifImagePlugin as gif_plugin
from PIL import Image, ImageChops

#: Pillow's helpers this writer builds on (private, so checked at import).
_HELPERS = ("_normalize_mode", "_normalize_palette", "_getbbox",
            "_get_global_header", "_write_frame_data")
STREAMING = all(hasattr(gif_plugin, name) for name in _HELPERS)
#: The longest delay one GIF frame holds: 65535 hundredths of a second.
MAX_FRAME_MS = 655350


class _Pending:
    """A frame whose bytes wait for the next frame (which may extend it)."""

    def __init__(self, image, bbox, info):
        self.image, self.bbox, self.info = image, bbox, info


def _write(fp: IO[bytes], frame: _Pending) -> None:
    image = frame.image
    # A GIF stores a frame's delay in hundredths of a second, in 16 bits: a
    # longer one is carried on by one-pixel frames that change nothing.
    duration = frame.info["duration"]
    frame.info["duration"] = min(duration, MAX_FRAME_MS)
    if frame.bbox is None:
        for chunk in gif_plugin._get_global_header(image, frame.info):
            fp.write(chunk)
        offset = (0, 0)
    else:
        # Without a global palette option every later frame carries its table.
        frame.info["include_color_table"] = True
        if frame.bbox != (0, 0, *image.size):
            image = image.crop(frame.bbox)
        offset = frame.bbox[:2]
    gif_plugin._write_frame_data(fp, image, offset, frame.info)
    duration -= MAX_FRAME_MS
    while duration > 0:
        # The top-left pixel of the frame just written, over itself (or, where
        # it is the transparent index, over what is shown already).
        info = dict(frame.info, duration=min(duration, MAX_FRAME_MS),
                    include_color_table=True)
        gif_plugin._write_frame_data(fp, frame.image.crop((0, 0, 1, 1)), (0, 0), info)
        duration -= MAX_FRAME_MS


def _unchanged_as_transparent(image, delta, info):
    """Paint the pixels equal to the previous frame's with an unused index."""
    if "transparency" not in info:
        try:
            info["transparency"] = image.palette._new_color_index(image)
        except ValueError:
            return None
    if delta.mode == "RGBA":
        # Frames with different palettes are compared in RGBA: a pixel is
        # unchanged when all four of its differences are zero.
        red, green, blue, alpha = delta.split()
        delta = ImageChops.lighter(ImageChops.lighter(red, green),
                                   ImageChops.lighter(blue, alpha))
    unchanged = delta.point([255, *(0,) * 255], "1")
    painted = image.copy()
    painted.paste(info["transparency"], mask=unchanged)
    return painted


def write_gif_stream(fp: IO[bytes], frames: Iterable[Image.Image],
                     frame_ms: int | Sequence[int]) -> None:
    """Write paletted frames as a looping GIF with `frame_ms` per frame (one
    number for all, or one per frame)."""
    durations = (itertools.repeat(frame_ms) if isinstance(frame_ms, int)
                 else iter(frame_ms))
    if not STREAMING:     # a Pillow without the helpers: its own writer
        images = list(frames)
        images[0].save(fp, format="GIF", save_all=True, append_images=images[1:],
                       duration=frame_ms if isinstance(frame_ms, int) else list(frame_ms),
                       loop=0, disposal=1)
        return
    base = {"loop": 0, "disposal": 1, "optimize": True}
    previous = pending = first = None
    written = 0
    for image in frames:
        image = gif_plugin._normalize_mode(image.copy())
        info = dict(base, duration=next(durations))
        image = gif_plugin._normalize_palette(image, None, info)
        if first is None:
            first = image
        bbox = shown = None
        if previous is not None:
            delta, bbox = gif_plugin._getbbox(previous, image)
            if not bbox:          # identical to the frame before: show that longer
                pending.info["duration"] += info["duration"]
                continue
            shown = _unchanged_as_transparent(image, delta, info)
        previous = image
        if pending is not None:
            _write(fp, pending)
            written += 1
        pending = _Pending(shown or image, bbox, info)
    if first is None:
        raise ValueError("a GIF needs at least one frame")
    if written == 0 and pending.info["duration"] <= MAX_FRAME_MS:
        # One distinct frame: Pillow writes a still image with the whole duration.
        first.save(fp, format="GIF", duration=pending.info["duration"], loop=0,
                   disposal=1)
        return
    _write(fp, pending)
    fp.write(b";")
