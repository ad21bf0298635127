"""The frame stage streams: frames come from PageFrames in bounded batches,
the GIF is written one frame at a time (with the bytes Pillow's own writer
makes), and peak memory does not grow with the number of steps."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from convarith import build
from convarith.render import raster
from convarith.errors import ToolError
from convarith.export.gif import encode_gif, paletted_frames
from convarith.export.gif_stream import write_gif_stream
from test_bad_input import base_env

ROOT = Path(__file__).resolve().parent.parent


def random_frames(rng, count, size=(30, 40), repeat_at=()):
    base = rng.integers(0, 4, size=size, dtype=np.uint8) * 60
    frames = []
    for n in range(count):
        frame = base.copy()
        if n not in repeat_at:
            frame[n % size[0], :] = 255 - 10 * n
        frames.append(np.stack([frame, frame // 2, 255 - frame], 2))
    return frames


def pillow_gif(frames, frame_ms=700) -> bytes:
    images = list(paletted_frames(frames))
    buffer = io.BytesIO()
    images[0].save(buffer, format="GIF", save_all=True, append_images=images[1:],
                   duration=frame_ms, loop=0, disposal=1)
    return buffer.getvalue()


@pytest.mark.parametrize("count,repeat_at", [(1, ()), (2, ()), (7, ()), (6, (2, 3, 5))])
def test_streamed_gif_has_the_bytes_of_pillows_writer(count, repeat_at):
    frames = random_frames(np.random.default_rng(count), count, repeat_at=repeat_at)
    buffer = io.BytesIO()
    write_gif_stream(buffer, paletted_frames(frames), 700)
    assert buffer.getvalue() == pillow_gif(frames)
    assert encode_gif(frames, 700) == buffer.getvalue()


def test_frames_of_different_sizes_share_one_canvas():
    rng = np.random.default_rng(3)
    frames = random_frames(rng, 3) + [np.zeros((35, 20, 3), np.uint8)]
    with Image.open(io.BytesIO(encode_gif(frames, 100))) as gif:
        assert gif.size == (40, 35) and gif.n_frames == 4


class CountingFrames:
    """PageFrames' contract (len, re-iterable) with a count of frames alive."""

    def __init__(self, count):
        self.count, self.alive, self.most_alive = count, 0, 0

    def __len__(self):
        return self.count

    def __iter__(self):
        for n in range(self.count):
            frame = np.full((20, 20, 3), n, np.uint8)
            self.alive += 1
            self.most_alive = max(self.most_alive, self.alive)
            yield _Tracked(frame, self)


class _Tracked(np.ndarray):
    def __new__(cls, array, owner):
        obj = np.asarray(array).view(cls)
        obj.owner = owner
        return obj

    def __del__(self):
        owner = getattr(self, "owner", None)
        if owner is not None:
            owner.alive -= 1
            self.owner = None


def test_gif_encoding_holds_few_frames_whatever_the_count():
    frames = CountingFrames(200)
    encode_gif(frames, 100)
    assert frames.most_alive <= 4


def record_renders(monkeypatch) -> list:
    """The number of pages of each poppler call PageFrames makes from now on."""
    calls = []
    real = raster._render

    def recording(merged, first, last, dpi, threads):
        calls.append(last - first + 1)
        return real(merged, first, last, dpi, threads)

    monkeypatch.setattr(raster, "_render", recording)
    return calls


@pytest.mark.integration
def test_page_frames_render_in_bounded_batches(tmp_path, monkeypatch):
    pdfs = sorted((ROOT / "pdf").glob("padding_strides_0*.pdf"))
    if len(pdfs) < 5:
        pytest.skip("needs the catalogue's frames (make all_animations)")
    calls = record_renders(monkeypatch)
    monkeypatch.setattr(raster, "BATCH_BYTES", 1)        # one frame per batch
    monkeypatch.setattr(raster, "CACHE_BYTES", 1)        # and no cache
    frames = raster.PageFrames(pdfs[:5], dpi=30)
    assert len(frames) == 5
    first = [np.asarray(f) for f in frames]
    second = [np.asarray(f) for f in frames]
    assert max(calls) == 1 and len(calls) == 10         # rendered twice, one at a time
    assert all(np.array_equal(a, b) for a, b in zip(first, second))


@pytest.mark.integration
def test_the_encoding_pass_reads_the_staged_pngs_instead_of_rendering_again(
        tmp_path, monkeypatch):
    """Without the cache (many or large frames), each page is still rendered
    once: the GIF's second pass reads the PNGs the first pass staged, and the
    GIF has the same bytes as when every frame is kept in memory."""
    pdfs = []
    for n, frame in enumerate(random_frames(np.random.default_rng(3), 4)):
        pdfs.append(tmp_path / f"frame_{n}.pdf")
        Image.fromarray(frame).save(pdfs[-1], resolution=72)
    calls = record_renders(monkeypatch)
    monkeypatch.setattr(raster, "CACHE_BYTES", 1)
    build.write_frames(pdfs, tmp_path / "streamed", tmp_path / "streamed.gif", 72, 500)
    assert sum(calls) == 4
    monkeypatch.setattr(raster, "CACHE_BYTES", 1 << 30)
    build.write_frames(pdfs, tmp_path / "cached", tmp_path / "cached.gif", 72, 500)
    assert sum(calls) == 8
    assert (tmp_path / "streamed.gif").read_bytes() == (tmp_path / "cached.gif").read_bytes()
    assert len(list((tmp_path / "streamed").glob("*.png"))) == 4


def test_a_memory_error_names_the_figure_and_the_way_out(tmp_path, monkeypatch):
    def no_memory(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(build, "write_frames", no_memory)
    with pytest.raises(ToolError) as caught:
        build.build_frames([tmp_path / "big_00.pdf"], tmp_path, tmp_path / "big.gif", 150, 1000)
    message = str(caught.value)
    assert "'big'" in message and "--dpi" in message and "smaller sizes" in message


def peak_rss_kib(argv, cwd, timeout: float = 600) -> int:
    """The peak resident memory of a command and its children, in KiB."""
    script = ("import resource, subprocess, sys\n"
              "status = subprocess.run(sys.argv[1:]).returncode\n"
              "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
              "sys.exit(status)\n")
    result = subprocess.run([sys.executable, "-c", script, *argv], cwd=cwd, env=base_env(),
                            capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stderr
    return int(result.stdout.split()[-1])


@pytest.mark.integration
@pytest.mark.slow
def test_peak_memory_does_not_grow_with_the_number_of_frames(tmp_path):
    source = ROOT / "pdf" / "padding_strides_00.pdf"
    if not source.exists():
        pytest.skip("needs the catalogue's frames (make all_animations)")
    peaks = {}
    for count in (30, 60):
        work = tmp_path / f"n{count}"
        (work / "pdf").mkdir(parents=True)
        pdfs = []
        for n in range(count):
            pdfs.append(f"pdf/big_{n:02d}.pdf")
            shutil.copy(source, work / pdfs[-1])
        peaks[count] = peak_rss_kib(
            [sys.executable, "-m", "convarith.stages", "frames", "--dpi", "600",
             "gif/big.gif", *pdfs], cwd=work)
        with Image.open(work / "gif" / "big.gif") as gif:
            assert gif.n_frames == 1 or gif.n_frames == count   # identical frames merge
    # 30 more frames at 600 dpi are about 300 MB decoded (and more as packed
    # pixels): held at once they would show here.
    assert peaks[60] - peaks[30] < 100 * 1024, peaks
