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
import itertools
from pathlib import Path

import numpy as np
from PIL import Image

from ..errors import ToolError
from ..files import StagedFiles
from ..render.raster import PngFrames
from ..settings import DEFAULT_FRAME_MS
from .gif_stream import write_gif_stream

FRAME_MS = DEFAULT_FRAME_MS
PALETTE_SIZE = 16
SEED_COLOURS = 8


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


WHITE = 0xFFFFFF


def frame_size(frame) -> tuple[int, int]:
    """(height, width) of a PIL image or an h x w x 3 array."""
    if isinstance(frame, Image.Image):
        return frame.height, frame.width
    return np.asarray(frame).shape[:2]


def pack(frame, height: int, width: int) -> np.ndarray:
    """An RGB frame (a PIL image or an h x w x 3 array) as one number per
    pixel, R | G << 8 | B << 16, padded on white to height x width (top-left
    aligned), so frames of different sizes share one canvas.  That is the
    order of a pixel's bytes in memory, so Pillow packs an image in one pass
    in C, several times faster than shifting and combining the channels."""
    if isinstance(frame, Image.Image):
        rgb = frame if frame.mode == "RGB" else frame.convert("RGB")
        packed = np.frombuffer(rgb.convert("RGBX").tobytes(), "<u4")
        packed = (packed & WHITE).reshape(frame.height, frame.width)
    else:
        array = np.asarray(frame)
        rgbx = np.zeros((*array.shape[:2], 4), dtype=np.uint8)
        rgbx[..., :3] = array[..., :3]
        packed = rgbx.view("<u4")[..., 0]
    h, w = packed.shape
    if (h, w) == (height, width):
        return packed
    canvas = np.full((height, width), WHITE, dtype=packed.dtype)
    canvas[:h, :w] = packed
    return canvas


def as_rgb_numbers(packed: np.ndarray) -> np.ndarray:
    """Packed pixels (R | G << 8 | B << 16) as R << 16 | G << 8 | B, the
    order in which colours are ranked (and ties broken) for the palette."""
    packed = packed.astype(np.int64)
    return ((packed & 0xFF) << 16) | (packed & 0xFF00) | (packed >> 16)


class ColourSample:
    """Counts of the colours on the first frame and on the pixels where later
    frames differ from it: every colour that occurs is among them, and counting
    only those is ten times faster than counting every pixel.  Frames are added
    one at a time, so no more than two are held."""

    def __init__(self):
        self.first = None
        self._first_packed = None     # the first frame packed on the canvas so far
        self.height = self.width = 0
        self._colours = np.zeros(0, dtype=np.int64)
        self._counts = np.zeros(0, dtype=np.int64)

    def _count(self, values: np.ndarray) -> None:
        colours, counts = np.unique(values, return_counts=True)
        merged = np.concatenate([self._colours, colours])
        weights = np.concatenate([self._counts, counts])
        self._colours, inverse = np.unique(merged, return_inverse=True)
        self._counts = np.bincount(inverse.ravel(), weights=weights).astype(np.int64)

    def add(self, frame) -> None:
        h, w = frame_size(frame)
        if self.first is None:
            self.first = frame
            self._first_packed = pack(frame, h, w)
            self._count(self._first_packed)
        else:
            fh, fw = frame_size(self.first)
            height, width = max(h, fh), max(w, fw)
            later = pack(frame, height, width)
            if self._first_packed.shape != (height, width):
                self._first_packed = pack(self.first, height, width)
            base = self._first_packed
            self._count(later[later != base])
        self.height, self.width = max(self.height, h), max(self.width, w)

    def colours_and_counts(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The sample as if the first frame had been padded to the final
        canvas: the packed colours, the same as R << 16 | G << 8 | B, and
        their counts, all in increasing order of the second."""
        fh, fw = frame_size(self.first)
        padding = self.height * self.width - fh * fw
        colours, counts = self._colours, self._counts.copy()
        if padding:
            white = np.searchsorted(colours, WHITE)
            if white < len(colours) and colours[white] == WHITE:
                counts[white] += padding
            else:
                colours = np.insert(colours, white, WHITE)
                counts = np.insert(counts, white, padding)
        rgb = as_rgb_numbers(colours)
        order = np.argsort(rgb, kind="stable")
        return colours[order], rgb[order], counts[order]


class Quantiser:
    """Maps RGB frames to indices of one palette chosen from all frames."""

    def __init__(self, frames, size: int = PALETTE_SIZE):
        sample = ColourSample()
        for frame in frames:
            sample.add(frame)
        if sample.first is None:
            raise ToolError("There are no frames to make a GIF from.")
        packed, present, counts = sample.colours_and_counts()
        colours = np.stack([present >> 16, (present >> 8) & 255, present & 255],
                           1).astype(np.int64)
        palette = choose_palette(colours, counts, size)
        distance = ((colours[:, None, :] - palette[None, :, :].astype(np.int64)) ** 2).sum(2)
        self.lookup = np.zeros(1 << 24, dtype=np.uint8)
        self.lookup[packed] = distance.argmin(1)
        self.palette = palette.astype(np.uint8)
        self.height, self.width = sample.height, sample.width

    def indices(self, frame) -> np.ndarray:
        return self.lookup[pack(frame, self.height, self.width)]


def quantise(frames: list[np.ndarray], size: int = PALETTE_SIZE) -> tuple[np.ndarray, np.ndarray]:
    """Palette indices for every pixel of every frame (padded to one size),
    and the palette (K x 3)."""
    quantiser = Quantiser(frames, size)
    return np.stack([quantiser.indices(f) for f in frames]), quantiser.palette


def paletted_frames(frames, palette_size: int = PALETTE_SIZE, first_pass=None):
    """Two passes over a re-iterable sequence of RGB frames: the palette from
    the first (`first_pass` if given: the same frames, e.g. while they are
    also written as PNGs), then one paletted image at a time."""
    quantiser = Quantiser(frames if first_pass is None else first_pass, palette_size)
    # An unpadded palette lets the GIF use as few bits per pixel as it needs.
    flat = quantiser.palette.ravel().tolist()
    for frame in frames:
        image = Image.fromarray(quantiser.indices(frame), "P")
        image.putpalette(flat)
        yield image


def encode_gif(frames, frame_ms: int = FRAME_MS,
               palette_size: int = PALETTE_SIZE) -> bytes:
    """GIF bytes showing each RGB frame for `frame_ms` ms, looping forever.
    `frames` must be re-iterable (a list, or convarith.raster.PageFrames)."""
    buffer = io.BytesIO()
    write_gif_stream(buffer, paletted_frames(frames, palette_size=palette_size), frame_ms)
    return buffer.getvalue()


def write_gif_file(frames, gif: Path, frame_ms: int = FRAME_MS) -> None:
    """Write the GIF of a re-iterable sequence of RGB frames atomically,
    holding a bounded number of frames in memory."""
    with StagedFiles() as staged:
        write_gif_staged(staged, Path(gif), frames, frame_ms)
        staged.commit()


def write_gif_staged(staged, gif: Path, frames, frame_ms: int = FRAME_MS,
                     first_pass=None) -> None:
    """Write the GIF of `frames` as a staged file (convarith.files.StagedFiles),
    created only once the palette pass has read every frame."""
    paletted = paletted_frames(frames, first_pass=first_pass)
    first = next(paletted)
    with open(staged.stage(gif), "wb") as handle:
        write_gif_stream(handle, itertools.chain([first], paletted), frame_ms)


def write_gif(pngs: list[Path], gif: Path, frame_ms: int = FRAME_MS) -> None:
    write_gif_file(PngFrames(pngs), gif, frame_ms)
