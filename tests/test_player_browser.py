"""The HTML player in headless Chromium: keys, and what pointing at a cell
highlights, against the layer's arithmetic as PyTorch defines it.

Every request that is not for a file or localhost is blocked (and counted),
and no page may log an error.  Each test leaves a screenshot of its page in
CONVARITH_SCREENSHOTS, when set, to look at.
"""

import os
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest

import convarith
from convarith.export.player import player_fragment

CHROMIUM = next((path for path in map(shutil.which, ("chromium", "chromium-browser")) if path),
                None)
pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed "
                                 "(bin/setup --test installs Debian's chromium)")]
sync_api = pytest.importorskip("playwright.sync_api")

#: The centre of a drawn cell's square (or parallelogram) on the screen,
#: scrolled into view first.
CELL_CENTRE = """(name) => {
  const cell = [...document.querySelectorAll(`[data-cell="${name}"]`)]
    .find(el => !el.closest('[display="none"]'));
  cell.scrollIntoView({block: "center", inline: "center"});
  const point = cell.ownerSVGElement.createSVGPoint();
  point.x = Number(cell.getAttribute("x")) + 0.5;
  point.y = Number(cell.getAttribute("y")) + 0.5;
  const screen = point.matrixTransform(cell.getScreenCTM());
  return [screen.x, screen.y];
}"""
HIGHLIGHTED = "root => [...root.querySelectorAll('[data-hl]')].map(el => el.dataset.cell)"
#: The cells of the overlay the current step shows.
DRAWN = """root => [...root.querySelectorAll('[data-cells]')]
  .filter(group => !group.closest('[display="none"]'))
  .flatMap(group => [...group.querySelectorAll('[data-cell]')].map(el => el.dataset.cell))"""


class Visit:
    """A page in its own browser context, with other hosts blocked and its errors kept."""

    def __init__(self, browser, address, name: str):
        """`address`: a file's path, or a URL."""
        self.blocked, self.errors, self.name = [], [], name
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console",
                     lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.goto(address.as_uri() if isinstance(address, Path) else address)
        self.root = self.page.locator("[data-convarith-player]").first

    def _route(self, route):
        url = route.request.url
        if url.startswith(("file:", "data:")) or urlparse(url).hostname in ("localhost",
                                                                             "127.0.0.1"):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def point_at(self, name: str) -> None:
        self.page.mouse.move(*self.page.evaluate(CELL_CENTRE, name))

    def highlighted(self) -> set:
        return set(self.root.evaluate(HIGHLIGHTED))

    def drawn(self) -> set:
        return set(self.root.evaluate(DRAWN))

    def step(self) -> int:
        return int(self.root.get_attribute("data-step"))

    def finish(self) -> None:
        """Leave a screenshot; no request left for another host, no error logged."""
        folder = os.environ.get("CONVARITH_SCREENSHOTS")
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(Path(folder) / f"{self.name}.png"), full_page=True)
        self.context.close()
        assert self.blocked == [] and self.errors == []


@pytest.fixture
def visit(browser, tmp_path):
    def open_player(animation, name: str) -> Visit:
        return Visit(browser, animation.save(tmp_path / f"{name}.html"), name)
    return open_player


def group_inputs(out_channel: int, in_channels: int, out_channels: int, groups: int) -> range:
    per_in, per_out = in_channels // groups, out_channels // groups
    group = out_channel // per_out
    return range(group * per_in, (group + 1) * per_in)


def conv_reads(channel, r, x, i, k, s=1, p=0, d=1, channels=(1, 1, 1)) -> set:
    """What output (channel, r, x) of a convolution reads: input rows
    r*s - p + m*d inside 0..i-1 by their indices, the rest as padding,
    named by the padded grid's indices (shifted by p)."""
    names = set()
    rows = [r * s - p + m * d for m in range(k)]
    cols = [x * s - p + m * d for m in range(k)]
    for c in group_inputs(channel, *channels):
        for row in rows:
            for col in cols:
                inside = 0 <= row < i and 0 <= col < i
                names.add(f"in:{c}:{row}:{col}" if inside else f"pad:{c}:{row + p}:{col + p}")
    return names


def conv_readers(channel, row, col, i, k, s=1, p=0, d=1) -> set:
    """Outputs (of one channel in and out) whose window holds input (row, col)."""
    o = (i + 2 * p - d * (k - 1) - 1) // s + 1
    rows = [r for r in range(o) if any(r * s - p + m * d == row for m in range(k))]
    cols = [x for x in range(o) if any(x * s - p + m * d == col for m in range(k))]
    return {f"out:{channel}:{r}:{x}" for r in rows for x in cols}


def transposed_reads(r, x, i, k, s=1, p=0) -> set:
    """What output (r, x) of a transposed convolution reads: input j where
    j*s - p + m == r for some kernel tap m (PyTorch's scatter); the rest of
    its k x k window over the zero-stretched, (k-1-p)-padded grid is zeros."""
    before = k - 1 - p
    names = set()
    for row in range(r, r + k):
        for col in range(x, x + k):
            j_row, j_col = (row - before) / s, (col - before) / s
            is_input = all(v.is_integer() and 0 <= v < i for v in (j_row, j_col))
            names.add(f"in:0:{int(j_row)}:{int(j_col)}" if is_input else f"pad:0:{row}:{col}")
    scatter = {f"in:0:{j}:{jc}" for j in range(i) for jc in range(i)
               if any(j * s - p + m == r for m in range(k))
               and any(jc * s - p + m == x for m in range(k))}
    assert {n for n in names if n.startswith("in:")} == scatter
    return names


def test_keys_move_the_step_and_space_plays(visit):
    page = visit(convarith.conv2d(5, 3, stride=2, padding=1, numerical=True), "keys")
    assert page.root.get_attribute("data-steps") == "9" and page.step() == 0
    page.root.focus()
    for key, expected in (("ArrowRight", 1), ("ArrowRight", 2), ("ArrowLeft", 1), ("End", 8),
                          ("ArrowRight", 8), ("Home", 0), ("ArrowLeft", 0)):
        page.page.keyboard.press(key)
        assert page.step() == expected, key
    page.root.locator('[data-control="speed"]').select_option("4")
    page.root.focus()
    page.page.keyboard.press(" ")
    page.page.wait_for_function(
        "() => document.querySelector('[data-convarith-player]').dataset.step === '2'",
        timeout=5000)
    page.page.keyboard.press(" ")
    stopped = page.step()
    page.page.wait_for_timeout(600)
    assert page.step() == stopped and page.root.get_attribute("data-playing") is None
    page.finish()


def test_a_numerical_figure_highlights_each_footprint_and_shows_the_value(visit):
    animation = convarith.conv2d(5, 3, stride=2, padding=1, numerical=True)
    output = animation.describe()["output"]
    page = visit(animation, "numerical")
    for r in range(3):
        for x in range(3):
            page.point_at(f"out:0:{r}:{x}")
            assert page.highlighted() == conv_reads(0, r, x, i=5, k=3, s=2, p=1), (r, x)
            readout = page.root.locator('[data-readout="cell"]').inner_text()
            value = str(int(output[r][x])).replace("-", "\u2212")   # a true minus sign
            assert f"= {value} reads" in readout
    page.point_at("in:0:2:0")
    assert page.highlighted() == conv_readers(0, 2, 0, i=5, k=3, s=2, p=1)
    page.finish()


def test_channels_and_groups_highlight_the_group_read(visit):
    page = visit(convarith.conv2d(5, 3, stride=2, dilation=1, in_channels=4, out_channels=2,
                                  groups=2), "channels")
    for channel, r, x in ((0, 0, 0), (1, 1, 0), (1, 0, 1)):
        page.point_at(f"out:{channel}:{r}:{x}")
        expected = conv_reads(channel, r, x, i=5, k=3, s=2, channels=(4, 2, 2))
        assert page.highlighted() == expected
        assert {int(n.split(":")[1]) for n in expected} == {2 * channel, 2 * channel + 1}
    page.point_at("in:3:2:2")
    assert {n.split(":")[1] for n in page.highlighted()} == {"1"}
    page.finish()


def test_a_transposed_figure_highlights_inputs_and_inserted_zeros(visit):
    page = visit(convarith.conv_transpose2d(3, 3, stride=2, padding=1), "transposed")
    for r in range(5):
        for x in range(5):
            page.point_at(f"out:0:{r}:{x}")
            assert page.highlighted() == transposed_reads(r, x, i=3, k=3, s=2, p=1), (r, x)
    page.finish()


def test_an_elided_layer_highlights_the_drawn_part_of_each_footprint(visit):
    torch = pytest.importorskip("torch")
    layer = torch.nn.Conv2d(3, 64, 7, stride=2, padding=3)
    animation = convarith.from_module(layer, (3, 224, 224))
    page = visit(animation, "elided")
    assert int(page.root.get_attribute("data-steps")) == len(animation.steps)
    page.root.focus()
    page.page.keyboard.press("End")
    assert page.step() == len(animation.steps) - 1
    drawn = page.drawn()
    for channel, r, x in ((63, 111, 111), (0, 0, 0), (63, 110, 111)):
        name = f"out:{channel}:{r}:{x}"
        if name not in drawn:
            continue
        page.point_at(name)
        expected = conv_reads(channel, r, x, i=224, k=7, s=2, p=3, channels=(3, 64, 1))
        shown = page.highlighted()
        assert shown == expected & drawn and len(shown) > 3 * 7
        assert any(n.startswith("pad:") for n in shown)
    assert "out:63:111:111" in drawn
    page.finish()


def test_two_players_on_one_page_keep_to_themselves(browser, tmp_path):
    first = player_fragment(convarith.conv2d(4, 3, numerical=True))
    second = player_fragment(convarith.conv_transpose2d(4, 3, stride=2, padding=3))
    path = tmp_path / "two.html"
    path.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>{first}"
                    f"{second}</body></html>", encoding="utf-8")
    page = Visit(browser, path, "two")
    roots = page.page.locator("[data-convarith-player]")
    assert roots.count() == 2
    roots.nth(1).focus()
    page.page.keyboard.press("End")
    assert roots.nth(0).get_attribute("data-step") == "0"
    assert int(roots.nth(1).get_attribute("data-step")) == 8
    page.page.mouse.move(*page.page.evaluate(CELL_CENTRE, "out:0:0:0"))
    assert roots.nth(0).evaluate(HIGHLIGHTED) and not roots.nth(1).evaluate(HIGHLIGHTED)
    page.finish()
