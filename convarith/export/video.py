"""Video files through imageio's ffmpeg plugin (imageio-ffmpeg ships ffmpeg itself).

Each step is repeated for a whole number of encoded frames at a rate of at
least MIN_VIDEO_RATE, so its time on screen is exact and players still seek
and loop smoothly.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..errors import ToolError
from .canvas import uniform_frames
from .registry import register
from .timing import Timing

#: Encoder settings that bound ffmpeg's memory (about 130 bytes a pixel, so
#: under 1.2 GB at MAX_VIDEO_PIXELS, against 2 GB and more by default):
#: two threads and a short look-ahead, for these flat, slowly changing pictures.
MEMORY_OPTIONS = {".mp4": ["-threads", "2", "-rc-lookahead", "10"],
                  ".webm": ["-threads", "2", "-lag-in-frames", "0"]}
#: suffix -> (ffmpeg container, encoder, encoder options)
VIDEO_FORMATS = {
    # H.264 in yuv420p plays in browsers and slide software; faststart puts
    # the index first, for streaming.  No B-frames: with them the mp4 muxer
    # measures a variable-rate video in decoding order and cuts a long last
    # frame (the hold) short.
    ".mp4": ("mp4", "libx264", ["-crf", "18", "-bf", "0", "-movflags", "+faststart",
                                *MEMORY_OPTIONS[".mp4"]]),
    # VP9 at constant quality. The realtime preset encodes these flat
    # pictures over ten times faster than the default, at about the same
    # error (RMS 4 of 255 against the frames, H.264's is 3).
    ".webm": ("webm", "libvpx-vp9", ["-crf", "32", "-b:v", "0", "-row-mt", "1",
                                     "-deadline", "realtime", "-cpu-used", "8",
                                     *MEMORY_OPTIONS[".webm"]]),
}


def planned_frames(frames, timing: Timing):
    """The encoded frame sequence (timing.video_plan): each step's frame, as
    often as the plan shows it; the frames are read once, in order."""
    import numpy as np
    plan = timing.video_plan(len(frames))
    counts = [sum(1 for step, _ in plan if step == n) for n in range(len(frames))]
    for frame, count in zip(uniform_frames(frames, multiple=2), counts):
        pixels = np.asarray(frame)
        for _ in range(count):
            yield pixels


def check_video(rendering, words) -> None:
    """The frames' size, and the encoder, before any work."""
    from .limits import check_frames
    check_frames(rendering, words, video=True)
    check_ffmpeg()


def check_ffmpeg() -> None:
    """A ToolError, before any work, when $IMAGEIO_FFMPEG_EXE names a program
    that cannot be run."""
    from ..settings import FFMPEG_ENV, chosen_ffmpeg, setting_problem
    chosen = chosen_ffmpeg()
    if chosen and setting_problem(chosen):
        raise ToolError(f"{FFMPEG_ENV} is set to '{chosen}', which "
                        f"{setting_problem(chosen)}, so no video can be written; point it "
                        "at an ffmpeg program, or unset it to use the one imageio-ffmpeg "
                        "ships.")


def encode_video(target: Path, frames, timing: Timing, suffix: str) -> None:
    """Encode `frames` into the file `target` in the format of `suffix`,
    through a private temporary directory (imageio picks its plugin by the
    file's suffix)."""
    import imageio.v2 as imageio

    from ..files import private_workdir
    container, codec, options = VIDEO_FORMATS[suffix]
    with private_workdir("video") as workdir:
        encoded = Path(workdir, f"video{suffix}")
        # Frames arrive one tick apart and are moved to their planned ticks;
        # the variable frame rate keeps ffmpeg from filling gaps with copies.
        _encode(imageio, encoded, frames, timing, suffix, codec,
                [*options, "-vf", f"setpts='{timing.video_timestamps(len(frames))}'",
                 "-fps_mode", "vfr", "-f", container])
        shutil.move(encoded, target)


def video_bytes(frames, timing: Timing, suffix: str) -> bytes:
    """The encoded video's bytes."""
    from ..files import private_workdir
    with private_workdir("video") as workdir:
        target = Path(workdir, f"out{suffix}")
        encode_video(target, frames, timing, suffix)
        return target.read_bytes()


def _encode(imageio, target, frames, timing, suffix, codec, output_params) -> None:
    check_ffmpeg()
    try:
        writer = imageio.get_writer(
            target, format="FFMPEG", mode="I", fps=float(timing.video_rate), codec=codec,
            pixelformat="yuv420p", quality=None, macro_block_size=2,
            ffmpeg_log_level="error", output_params=output_params)
        with writer:
            for pixels in planned_frames(frames, timing):
                writer.append_data(pixels)
    except (OSError, RuntimeError) as error:
        if isinstance(error, OSError) and error.errno is not None:
            raise   # the file system's own error, reported as such
        detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ToolError(f"ffmpeg could not encode the {suffix} video ({detail}). Run "
                        "'convarith doctor' to check the video encoder.") from None


def _writer(suffix: str):
    def write_video(target: Path, rendering, timing: Timing) -> None:
        encode_video(target, rendering.frames(), timing, suffix)
    return write_video


for _suffix in VIDEO_FORMATS:
    register(_suffix, "video", check=check_video)(_writer(_suffix))
