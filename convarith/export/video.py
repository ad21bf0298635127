"""Video files through imageio's ffmpeg plugin (imageio-ffmpeg ships ffmpeg itself).

Each step is repeated for a whole number of encoded frames at a rate of at
least MIN_VIDEO_RATE, so its time on screen is exact and players still seek
and loop smoothly.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..errors import ToolError
from ..files import write_bytes_atomic
from .canvas import uniform_frames
from .registry import register
from .timing import Timing

#: suffix -> (ffmpeg container, encoder, encoder options)
VIDEO_FORMATS = {
    # H.264 in yuv420p plays in browsers and slide software; faststart puts
    # the index first, for streaming.
    ".mp4": ("mp4", "libx264", ["-crf", "18", "-movflags", "+faststart"]),
    # VP9 at constant quality. The realtime preset encodes these flat
    # pictures over ten times faster than the default, at about the same
    # error (RMS 4 of 255 against the frames, H.264's is 3).
    ".webm": ("webm", "libvpx-vp9", ["-crf", "32", "-b:v", "0", "-row-mt", "1",
                                     "-deadline", "realtime", "-cpu-used", "8"]),
}


def repeated_frames(frames, timing: Timing):
    """The encoded frame sequence: each step's frame, as often as its time needs."""
    import numpy as np
    for frame, repeats in zip(uniform_frames(frames, multiple=2),
                              timing.video_repeats(len(frames))):
        pixels = np.asarray(frame)
        for _ in range(repeats):
            yield pixels


def video_bytes(frames, timing: Timing, suffix: str) -> bytes:
    """The encoded video, made in a private temporary directory."""
    import imageio.v2 as imageio
    container, codec, options = VIDEO_FORMATS[suffix]
    with tempfile.TemporaryDirectory(prefix="convarith-video-") as workdir:
        target = Path(workdir, f"video{suffix}")
        _encode(imageio, target, frames, timing, suffix, codec,
                [*options, "-f", container])
        return target.read_bytes()


def _encode(imageio, target, frames, timing, suffix, codec, output_params) -> None:
    try:
        writer = imageio.get_writer(
            target, format="FFMPEG", mode="I", fps=float(timing.video_rate), codec=codec,
            pixelformat="yuv420p", quality=None, macro_block_size=2,
            ffmpeg_log_level="error", output_params=output_params)
        with writer:
            for pixels in repeated_frames(frames, timing):
                writer.append_data(pixels)
    except (OSError, RuntimeError) as error:
        if isinstance(error, OSError) and error.errno is not None:
            raise   # the file system's own error, reported as such
        detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ToolError(f"ffmpeg could not encode the {suffix} video ({detail}). Run "
                        "'convarith doctor' to check the video encoder.") from None


def write_video(path: Path, rendering, timing: Timing) -> None:
    write_bytes_atomic(path, video_bytes(rendering.frames(), timing, Path(path).suffix.lower()))


for _suffix in VIDEO_FORMATS:
    register(_suffix, "video")(write_video)
