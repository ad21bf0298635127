"""Animated PNG written one frame at a time: PNG's own chunks, two frames held.

Pillow's APNG writer keeps every frame until the end (gigabytes for a long,
large animation) and stores a frame's delay as a fraction of two 16-bit
numbers, so a step longer than 65.535 s overflows it.  Here each frame is
the rectangle that changed since the one before, compressed by Pillow's PNG
encoder and moved into APNG's frame chunks, and a longer delay is carried
on by one-pixel frames that change nothing.
"""

from __future__ import annotations

import io
import struct
import zlib
from typing import IO, Sequence

from PIL import Image, ImageChops

SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: A frame's delay is delay_num / delay_den seconds, each at most 65535.
DELAY_DENOMINATOR = 1000
MAX_DELAY_MS = 65535
DISPOSE_NONE, BLEND_SOURCE = 0, 0


def _chunk(fp: IO[bytes], kind: bytes, data: bytes) -> None:
    fp.write(struct.pack(">I", len(data)) + kind + data
             + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def _png_chunks(image: Image.Image) -> list[tuple[bytes, bytes]]:
    """The chunks of `image` encoded as a PNG by Pillow."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    data, chunks, offset = buffer.getvalue(), [], len(SIGNATURE)
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        chunks.append((kind, data[offset + 8:offset + 8 + length]))
        offset += 12 + length
    return chunks


def _pieces(duration_ms: int) -> list[int]:
    """A delay split into parts that each fit a frame's delay."""
    pieces = []
    while duration_ms > MAX_DELAY_MS:
        pieces.append(MAX_DELAY_MS)
        duration_ms -= MAX_DELAY_MS
    return pieces + [duration_ms]


class _Writer:
    def __init__(self, fp: IO[bytes], size, frame_count: int):
        self.fp, self.size, self.sequence = fp, size, 0
        self.frame_count = frame_count

    def frame(self, image: Image.Image, box, delay_ms: int, first: bool) -> None:
        """One frame: `image` placed at `box` (left, top), shown `delay_ms`."""
        chunks = _png_chunks(image)
        if first:
            self.fp.write(SIGNATURE)
            _chunk(self.fp, b"IHDR", dict(chunks)[b"IHDR"])
            _chunk(self.fp, b"acTL", struct.pack(">II", self.frame_count, 0))
        _chunk(self.fp, b"fcTL", struct.pack(
            ">IIIIIHHBB", self.sequence, image.width, image.height, box[0], box[1],
            delay_ms, DELAY_DENOMINATOR, DISPOSE_NONE, BLEND_SOURCE))
        self.sequence += 1
        for kind, data in chunks:
            if kind != b"IDAT":
                continue
            if first:
                _chunk(self.fp, b"IDAT", data)
            else:
                _chunk(self.fp, b"fdAT", struct.pack(">I", self.sequence) + data)
                self.sequence += 1


def write_apng(fp: IO[bytes], frames, durations_ms: Sequence[int]) -> None:
    """Write RGB frames of one size as a looping APNG, frame n shown for
    durations_ms[n] milliseconds (`frames` is iterated once)."""
    frame_count = sum(len(_pieces(ms)) for ms in durations_ms)
    writer, previous = None, None
    for image, duration in zip(frames, durations_ms):
        image = image.convert("RGB")
        if writer is None:
            writer = _Writer(fp, image.size, frame_count)
            part, box = image, (0, 0)
        else:
            # The changed rectangle; a frame identical to the one before
            # still gets a frame (one pixel), so the count is known up front.
            bbox = ImageChops.difference(image, previous).getbbox() or (0, 0, 1, 1)
            part, box = image.crop(bbox), bbox[:2]
        pieces = _pieces(duration)
        writer.frame(part, box, pieces[0], first=previous is None)
        for piece in pieces[1:]:
            # Nothing changes: the top-left pixel drawn again over itself.
            writer.frame(image.crop((0, 0, 1, 1)), (0, 0), piece, first=False)
        previous = image
    if writer is None:
        raise ValueError("an animated PNG needs at least one frame")
    _chunk(fp, b"IEND", b"")
