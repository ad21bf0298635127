"""The HTML player: one self-contained page that steps through an animation, or a notebook cell.

The page holds every step in one inline SVG (render/player_svg), the
layer's arithmetic as JSON, and our own script and style: no request to any
other host, so it works from file://.  Its contract, which tests and pages
that embed it rely on: the root element has `data-convarith-player`,
`data-step` (the position of the step shown, from 0) and `data-steps`;
every drawn cell has `data-cell`; the cells a pointed cell reads, or that
read it, have `data-hl`.  Everything is scoped to the root: no ids but the
patterns', whose prefix is the figure's own.
"""

from __future__ import annotations

import hashlib
import json
from html import escape
from functools import lru_cache
from pathlib import Path

from ..errors import ParameterError
from ..model.vocabulary import KEYWORDS
from .registry import register
from .timing import Timing

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: Steps a player holds at most: each is drawn into the page, and past this
#: the page grows beyond what a browser opens quickly.
MAX_PLAYER_STEPS = 2500
#: Playing speeds offered, as multiples of the animation's own rate.
SPEEDS = (0.25, 0.5, 1, 2, 4)


@lru_cache(maxsize=1)
def environment():
    import jinja2
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                              autoescape=jinja2.select_autoescape(["html", "j2"]),
                              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def _axis(layout) -> dict:
    """One axis of the drawn grid, as the player's script reads it."""
    return {"extent": layout.extent, "units": list(layout.units), "kernel": layout.kernel,
            "dilation": layout.dilation, "stride": layout.stride, "offset": layout.offset}


def _value_texts(spec, values) -> dict | None:
    """The numbers a numerical figure shows: output[c][r][x] and the drawn
    input grid[c][r][x] (padding included), as the figure writes them."""
    if values is None:
        return None
    from ..model.numbers import number_text, whole_numbers
    from ..scene.build import format_value, output_decimals, shown_input
    whole, decimals = whole_numbers(values), output_decimals(spec)
    rows, cols = spec.layouts
    padding_rows, padding_cols = set(rows.padding), set(cols.padding)

    def output_text(value):
        if whole or value == float("-inf"):
            return format_value(value, decimals).replace("-inf", "\u2212\u221e")
        return number_text(value)

    def input_text(r, c, value):
        shown = shown_input(spec, r in padding_rows or c in padding_cols, value)
        return "" if shown is None else shown[0].replace("-inf", "\u2212\u221e")

    return {"output": [[[output_text(v) for v in row] for row in channel]
                       for channel in values.output],
            "input": [[[input_text(r, c, v) for c, v in enumerate(row)]
                       for r, row in enumerate(channel)] for channel in values.grid]}


def player_config(animation, timing: Timing, scene) -> dict:
    """What the player's script needs: the steps shown, the layer's drawn
    arithmetic (to find what a cell reads or is read by) and the timing."""
    from ..model.describe import figure_values
    from ..model.values import compute
    from ..scene.meaning import step_label
    spec = animation.spec
    values = figure_values(spec) if animation.given is None else compute(spec, animation.given)
    rows, cols = spec.layouts
    step_ms = round(1000 * float(timing.step_seconds))
    return {
        "name": spec.name,
        "steps": [{"index": s.meaning.index, "label": step_label(spec, s.meaning.index),
                   "channel": s.meaning.channel, "row": s.meaning.row, "col": s.meaning.col}
                  for s in scene.steps],
        "axes": [_axis(rows), _axis(cols)],
        "inChannels": spec.in_channels, "outChannels": spec.out_channels,
        "groups": spec.groups, "pooling": spec.mode != "convolution",
        "transposed": spec.transposed,
        "outputSize": list(spec.output_size), "inputSize": list(spec.input_size),
        "values": _value_texts(spec, values),
        "stepMs": step_ms, "holdMs": round(1000 * timing.hold_last),
    }


def _prefix(animation) -> str:
    """Ids of this figure's patterns start so: two players on one page keep
    theirs apart, and the same figure twice has the same definitions."""
    key = repr((animation.spec, animation.steps, animation.preset, animation.dpi,
                animation.caption, animation.given))
    return "ca" + hashlib.sha256(key.encode()).hexdigest()[:10] + "-"


def _script_json(data: dict) -> str:
    """JSON safe inside a <script> element."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def check_player(rendering, words) -> None:
    shown = len(rendering.steps)
    if shown > MAX_PLAYER_STEPS:
        raise ParameterError(
            f"An HTML player of '{rendering.spec.name}' would hold {shown:,} steps, above "
            f"the limit of {MAX_PLAYER_STEPS:,} that keeps the page quick to open; show "
            f"fewer {words['steps']} (a row, a channel or a range), or make a video of it "
            "(.mp4, .webm).")


def _fragment_markup(svg: str, config: str, labels, title: str, name: str,
                     assets: bool) -> str:
    """The player's element around its drawing: controls, readouts, and its
    style and script unless the page has them once for all its players.
    Written with the standard library so that it runs in a browser (Pyodide
    has no jinja2 offline)."""
    style, script = player_assets() if assets else (None, None)
    style = "" if style is None else f"<style>{style}</style>\n"
    script = "" if script is None else f"<script>{script}</script>\n"
    count, name_title = len(labels), escape(f"{name}, {title}")
    speeds = "\n".join(f'<option value="{speed}"{" selected" if speed == 1 else ""}>'
                       f"{speed}&times;</option>" for speed in SPEEDS)
    return f"""<div class="convarith-player" data-convarith-player data-step="0" \
data-steps="{count}" tabindex="0" role="group" aria-label="{name_title}: {count} steps. Left \
and Right step, Space plays or pauses, Home and End go to the first and last step.">
{style}<div class="ca-title">{escape(title)}</div>
<div class="ca-figure">{svg}</div>
<div class="ca-controls">
<button type="button" data-control="previous" aria-label="Previous step">&lsaquo;</button>
<button type="button" data-control="play" aria-label="Play or pause">Play</button>
<button type="button" data-control="next" aria-label="Next step">&rsaquo;</button>
<input type="range" data-control="step" min="0" max="{count - 1}" value="0" step="1" \
aria-label="Step">
<label>speed <select data-control="speed">
{speeds}
</select></label>
</div>
<div class="ca-readout" data-readout="step">{escape(labels[0])} (1 of {count})</div>
<div class="ca-readout ca-cell" data-readout="cell" aria-live="polite">Point at a cell to \
see what it reads or what reads it.</div>
<script type="application/json" data-convarith-config>{config}</script>
{script}</div>
"""


def player_assets() -> tuple:
    """(style, script) of the player: a page of several players may hold
    them once (the script sets up every player on the page not yet set up)."""
    return ((TEMPLATES / "player.css").read_text(encoding="utf-8"),
            (TEMPLATES / "player.js").read_text(encoding="utf-8"))


def player_fragment(animation, timing: Timing = Timing(), assets: bool = True) -> str:
    """The player as an HTML fragment, for a notebook cell or any page: with
    its style and script, unless `assets` is False (see player_assets)."""
    from ..render.player_svg import player_svg
    from ..scene.meaning import layer_text
    check_player(animation, KEYWORDS)
    shown = animation.presented()
    drawing = player_svg(shown.scene, animation.spec, shown.dpi, shown.line_scale,
                         _prefix(animation))
    config = player_config(animation, timing, shown.scene)
    return _fragment_markup(
        drawing.markup, _script_json(config), [step["label"] for step in config["steps"]],
        layer_text(animation.spec), animation.spec.name, assets)


def player_page(animation, timing: Timing = Timing()) -> str:
    """The player as a whole HTML document."""
    from ..scene.meaning import layer_text
    return environment().get_template("page.html.j2").render(
        fragment=player_fragment(animation, timing), name=animation.spec.name,
        title=layer_text(animation.spec))


@register(".html", "interactive player", check=check_player, frames=False)
def write_player(target: Path, rendering, timing) -> None:
    target.write_text(player_page(rendering, timing), encoding="utf-8")
