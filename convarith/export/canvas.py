"""Frames of one size: formats other than GIF need every frame on a common canvas."""

from __future__ import annotations

from typing import Iterable, Sequence


def canvas_size(frames: Iterable, multiple: int = 1) -> tuple[int, int]:
    """(width, height) holding every frame, rounded up to `multiple` (2 for yuv420p)."""
    width = height = 0
    for frame in frames:
        width, height = max(width, frame.size[0]), max(height, frame.size[1])
    return (-(-width // multiple) * multiple, -(-height // multiple) * multiple)


def on_canvas(frame, size: tuple[int, int]):
    """`frame` on a white canvas of `size`, top-left aligned as in the GIFs."""
    frame = frame.convert("RGB")
    if frame.size == tuple(size):
        return frame
    from PIL import Image
    canvas = Image.new("RGB", size, (255, 255, 255))
    canvas.paste(frame, (0, 0))
    return canvas


def uniform_frames(frames: Sequence, multiple: int = 1):
    """Every frame on one canvas, lazily (the frames may be streamed)."""
    size = canvas_size(frames, multiple)
    return (on_canvas(frame, size) for frame in frames)
