"""check-figures: committed GIFs are compared frame by frame with a rebuild."""

import numpy as np
import pytest

from convarith.check_figures import compare_gifs
from convarith.export.gif import encode_gif


def frames(n, shift=0, size=(60, 80)):
    out = []
    for index in range(n):
        frame = np.full((*size, 3), 255, dtype=np.uint8)
        frame[10:30, 10 + 5 * index + shift:30 + 5 * index + shift] = (38, 139, 210)
        out.append(frame)
    return out


def write(path, frame_list, frame_ms=1000):
    path.write_bytes(encode_gif(frame_list, frame_ms))
    return path


def test_identical_gifs_agree(tmp_path):
    a = write(tmp_path / "a.gif", frames(4))
    b = write(tmp_path / "b.gif", frames(4))
    assert compare_gifs(a, b) == []


@pytest.mark.parametrize("other,expected", [
    (lambda: frames(3), "frames committed"),
    (lambda: frames(4, shift=3), "RMS difference"),
    (lambda: frames(4, size=(60, 81)), "size"),
])
def test_changed_gifs_are_reported(tmp_path, other, expected):
    a = write(tmp_path / "a.gif", frames(4))
    b = write(tmp_path / "b.gif", other())
    problems = compare_gifs(a, b)
    assert problems and expected in problems[0]


def test_other_durations_are_reported(tmp_path):
    a = write(tmp_path / "a.gif", frames(4))
    b = write(tmp_path / "b.gif", frames(4), frame_ms=500)
    assert any("durations" in p for p in compare_gifs(a, b))


def test_missing_committed_gif_is_reported(tmp_path):
    b = write(tmp_path / "b.gif", frames(2))
    assert compare_gifs(tmp_path / "absent.gif", b) == [f"{tmp_path / 'absent.gif'} is missing"]


def test_one_pixel_edge_shift_is_within_tolerance(tmp_path):
    """An anti-aliased edge moving by a pixel (as between TeX versions) passes."""
    base = np.full((300, 400, 3), 255, dtype=np.uint8)
    base[100:200, 100:200] = (38, 139, 210)
    moved = base.copy()
    moved[200, 100:200] = (38, 139, 210)    # the box's bottom edge one pixel lower
    a = write(tmp_path / "a.gif", [base])
    b = write(tmp_path / "b.gif", [moved])
    assert compare_gifs(a, b) == []
    # ...while the same box moved by a whole cell (15 px) does not.
    shifted = np.full_like(base, 255)
    shifted[115:215, 100:200] = (38, 139, 210)
    c = write(tmp_path / "c.gif", [shifted])
    assert compare_gifs(a, c)
