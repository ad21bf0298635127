"""Assembling PNG frames into a looping GIF.

All frames of a GIF share one small palette and are mapped to it exactly,
without dithering: flat fills keep their precise colour, and consecutive
frames differ only where the picture changes, so Pillow stores just the
changed rectangle of each frame.  The palette holds the most common colours
(the fills) plus the edge shades that reduce the error most; 16 colours
keep anti-aliased edges smooth at a fraction of the size of 256.
(imageio's GIF writer quantises each frame on its own, which defeats frame
differencing, so Pillow, which imageio wraps, writes the file here.)
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image

from .errors import ToolError
from .files import write_bytes_atomic

FRAME_MS = 1000
PALETTE_SIZE = 16
SEED_COLOURS = 8


def _same_size(frames: list[np.ndarray]) -> np.ndarray:
    """Stack RGB frames, padding on white to a common size, top-left aligned."""
    height = max(f.shape[0] for f in frames)
    width = max(f.shape[1] for f in frames)
    stack = np.full((len(frames), height, width, 3), 255, dtype=np.uint8)
    for index, frame in enumerate(frames):
        stack[index, :frame.shape[0], :frame.shape[1]] = frame
    return stack


def choose_palette(colours: np.ndarray, counts: np.ndarray, size: int) -> np.ndarray:
    """`size` colours from `colours` (N x 3): the commonest first, then greedily
    the colour whose pixels are worst served by the palette so far."""
    if len(colours) <= size:
        return colours
    order = np.argsort(-counts, kind="stable")
    chosen = list(order[:min(SEED_COLOURS, size)])
    values = colours.astype(np.int64)
    error = ((values[:, None, :] - values[chosen][None, :, :]) ** 2).sum(2).min(1)
    while len(chosen) < size:
        pick = int(np.argmax(error * counts))
        chosen.append(pick)
        error = np.minimum(error, ((values - values[pick]) ** 2).sum(1))
    return colours[chosen]


def quantise(stack: np.ndarray, size: int = PALETTE_SIZE) -> tuple[np.ndarray, np.ndarray]:
    """Palette indices for every pixel of `stack`, and the palette (K x 3).

    Colours are counted on the first frame and on the pixels where later
    frames differ from it: every colour that occurs is among them, and
    counting only those is ten times faster than counting every pixel.
    """
    packed = ((stack[..., 0].astype(np.int32) << 16)
              | (stack[..., 1].astype(np.int32) << 8) | stack[..., 2])
    later = packed[1:]
    sample = np.concatenate([packed[0].ravel(), later[later != packed[0]]])
    present, counts = np.unique(sample, return_counts=True)
    colours = np.stack([present >> 16, (present >> 8) & 255, present & 255], 1).astype(np.int64)
    palette = choose_palette(colours, counts, size)
    distance = ((colours[:, None, :] - palette[None, :, :].astype(np.int64)) ** 2).sum(2)
    lookup = np.zeros(1 << 24, dtype=np.uint8)
    lookup[present] = distance.argmin(1)
    return lookup[packed], palette.astype(np.uint8)


def encode_gif(frames: list[np.ndarray], frame_ms: int = FRAME_MS,
               palette_size: int = PALETTE_SIZE) -> bytes:
    """GIF bytes showing each RGB frame for `frame_ms` ms, looping forever."""
    indices, palette = quantise(_same_size(frames), palette_size)
    # An unpadded palette lets the GIF use as few bits per pixel as it needs.
    flat = palette.ravel().tolist()
    images = []
    for frame in indices:
        image = Image.fromarray(frame, "P")
        image.putpalette(flat)
        images.append(image)
    buffer = io.BytesIO()
    images[0].save(buffer, format="GIF", save_all=True, append_images=images[1:],
                   duration=frame_ms, loop=0, disposal=1)
    return buffer.getvalue()


def write_gif(pngs: list[Path], gif: Path, frame_ms: int = FRAME_MS) -> None:
    frames = []
    for path in pngs:
        try:
            with Image.open(path) as image:
                frames.append(np.asarray(image.convert("RGB")))
        except (OSError, SyntaxError) as error:
            raise ToolError(f"Cannot read the frame '{path}' ({error}); rebuild it, "
                            "e.g. by deleting it and running make again.") from None
    write_bytes_atomic(Path(gif), encode_gif(frames, frame_ms))
