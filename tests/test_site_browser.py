"""The built site in headless Chromium, served by http.server on localhost with
every other host blocked: the explorer runs our package through Pyodide.

The site is built once for the module, with a gallery of three animations
and no report (the gallery's pages are the same for all 35).  Each page
leaves a screenshot in CONVARITH_SCREENSHOTS, when set, to look at.
"""

import functools
import http.server
import shutil
import threading
import time
from urllib.parse import parse_qs, quote, urlparse

import pytest

from convarith.site import build_site
from convarith.site_assets import PYODIDE_VERSION
from test_bad_input import ROOT
from test_player_browser import CELL_CENTRE, CHROMIUM, HIGHLIGHTED, conv_reads
from test_player_browser import Visit as PlayerVisit

CACHE = ROOT / "build" / "site-cache"
HAS_PYODIDE = shutil.which("npm") is not None or (
    CACHE / f"pyodide-{PYODIDE_VERSION}.tgz").exists()
pytestmark = [pytest.mark.integration, pytest.mark.slow,
              pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed "
                                 "(bin/setup --test installs Debian's chromium)"),
              pytest.mark.skipif(not HAS_PYODIDE, reason="npm is not installed, and the "
                                 "site needs Pyodide from npm (bin/setup --site installs it)")]
sync_api = pytest.importorskip("playwright.sync_api")

GALLERY = ["no_padding_no_strides", "numerical_max_pooling", "grouped"]
#: How long Pyodide may take to start and draw the first figure.
PYTHON_TIMEOUT_MS = 60_000
SETTLED = ("() => ['ready', 'error'].includes("
           "document.documentElement.getAttribute('data-explorer-state'))")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The base URL of a freshly built site."""
    target = build_site(tmp_path_factory.mktemp("site") / "site", None, GALLERY, CACHE)
    handler = functools.partial(QuietHandler, directory=str(target))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    thread.join()


class Visit(PlayerVisit):
    """A page of the site in its own context: other hosts blocked, errors kept."""

    def __init__(self, browser, url: str, name: str):
        started = time.monotonic()
        super().__init__(browser, url, f"site-{name}")
        self.load_seconds = time.monotonic() - started

    def settle(self) -> str:
        """Wait for the explorer to draw (or refuse); its state."""
        self.page.wait_for_function(SETTLED, timeout=PYTHON_TIMEOUT_MS)
        return self.page.evaluate("document.documentElement.getAttribute('data-explorer-state')")

    def player(self):
        return self.page.locator("[data-explorer-player] [data-convarith-player]")

    def status(self) -> str:
        return self.page.locator("[data-explorer-status]").inner_text()

    def finish(self) -> None:
        # The browser asks for what the page names, and for its icon, after
        # the load event: wait for those too.
        self.page.wait_for_load_state("networkidle")
        super().finish()


def explorer_url(base: str, layer: str, shape: str) -> str:
    return f"{base}explore.html?layer={quote(layer)}&input={quote(shape)}"


def test_the_explorer_draws_the_layer_of_its_address(browser, served):
    visit = Visit(browser, explorer_url(served, "Conv2d(2,2,3,stride=2,padding=1)", "5"),
                  "explorer")
    assert visit.settle() == "ready", visit.status()
    o = (5 + 2 * 1 - 3) // 2 + 1
    assert visit.player().get_attribute("data-steps") == str(2 * o * o)
    assert visit.player().get_attribute("data-ready") == ""
    numbers = visit.page.locator("[data-explorer-numbers]").inner_text()
    assert f"output  1\u00d72\u00d7{o}\u00d7{o}" in numbers and "padding top 1" in numbers
    # the player's own script runs in the inserted markup: keys step it
    visit.player().focus()
    visit.page.keyboard.press("ArrowRight")
    assert visit.player().get_attribute("data-step") == "1"
    # pointing at an output highlights what PyTorch's arithmetic says it reads
    visit.page.keyboard.press("Home")
    visit.page.mouse.move(*visit.page.evaluate(CELL_CENTRE, "out:1:1:2"))
    expected = conv_reads(1, 1, 2, i=5, k=3, s=2, p=1, channels=(2, 2, 1))
    assert set(visit.player().evaluate(HIGHLIGHTED)) == expected
    visit.finish()


def test_a_layer_typed_into_the_form_is_drawn_and_its_address_kept(browser, served):
    visit = Visit(browser, f"{served}explore.html", "explorer-form")
    assert visit.settle() == "ready", visit.status()
    for layer, shape, steps in (
            ("ConvTranspose2d(1, 1, 3, stride=2, padding=1)", "3", ((3 - 1) * 2 - 2 + 3) ** 2),
            ("MaxPool2d(3, stride=2)", "2,7,7", 2 * ((7 - 3) // 2 + 1) ** 2)):
        visit.page.fill("[data-explorer-form] [name=layer]", layer)
        visit.page.fill("[data-explorer-form] [name=input]", shape)
        visit.page.click("[data-explorer-form] button[type=submit]")
        assert visit.settle() == "ready", visit.status()
        assert visit.player().get_attribute("data-steps") == str(steps), layer
        query = parse_qs(urlparse(visit.page.url).query)
        assert query == {"layer": [layer], "input": [shape]}, visit.page.url
    # the builder shows the pooling layer's own fields
    assert visit.page.locator("[data-explorer-builder] [name=kind]").input_value() == \
        "MaxPool2d"
    assert visit.page.locator("[data-explorer-builder] [name=ceil_mode]").is_visible()
    assert not visit.page.locator("[data-explorer-builder] [name=groups]").is_visible()
    visit.finish()


def test_a_bad_layer_is_one_paragraph_on_the_page(browser, served):
    visit = Visit(browser, explorer_url(served, "Conv2d(2, 3, 3, groups=2)", "5"), "error")
    assert visit.settle() == "error"
    assert "divisible by groups" in visit.status() and "Traceback" not in visit.status()
    assert visit.player().count() == 0
    visit.finish()


def test_the_gallery_loads_every_player_without_an_error(browser, served):
    visit = Visit(browser, f"{served}index.html", "gallery")
    players = visit.page.locator("[data-convarith-player]")
    assert players.count() == len(GALLERY)
    assert all(players.nth(n).get_attribute("data-ready") == "" for n in range(len(GALLERY)))
    last = players.nth(len(GALLERY) - 1)          # the one script sets up every player
    last.focus()
    visit.page.keyboard.press("End")
    assert last.get_attribute("data-step") == str(int(last.get_attribute("data-steps")) - 1)
    assert players.nth(0).get_attribute("data-step") == "0"
    assert visit.page.locator("a[href='explore.html']").count() >= 1
    assert visit.load_seconds < 10
    visit.finish()
