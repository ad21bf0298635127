"""The TikZ renderer translates the scene: what it draws, and where, comes from the scene."""

import ast
import re
from pathlib import Path

from convarith.build import figure_tex
from convarith.cli import catalogue_spec
from convarith.model.catalogue import entry
from convarith.render import marks
from convarith.render.tikz import TEMPLATE_DIR
from convarith.render.tikz_context import tex_number, tex_text
from convarith.scene import build, legend
from convarith.scene.types import Projection, Span

ROOT = Path(__file__).resolve().parent.parent


def test_no_template_writes_the_projection():
    for path in sorted(TEMPLATE_DIR.glob("*.j2")):
        assert not re.search(r"slant=-?[0-9.]", path.read_text(encoding="utf-8")), path.name


def test_the_planes_follow_the_scenes_projection_and_nudge(monkeypatch):
    spec = catalogue_spec(entry("padding_strides"))
    usual = figure_tex(spec, [0])
    scopes = usual.count("yslant=0.5, xslant=-0.7")
    assert scopes == 3                 # the shared input plane, and each plane of the step
    monkeypatch.setattr(build, "OBLIQUE", Projection(xslant=-0.3, yslant=0.25))
    monkeypatch.setattr(build, "NUDGE", 3.0)
    changed = figure_tex(spec, [0])
    assert changed.count("yslant=0.25, xslant=-0.3") == scopes
    assert "slant=-0.7" not in changed and "xshift=-5pt" not in changed
    assert "[xshift=-3pt, yshift=8cm," in changed


def test_spans_become_tex():
    assert tex_text((Span("\u2192 p", "math"), Span("0", "sub"), Span(" = 5", "math"))) \
        == r"$\to p_{0} = 5$"
    assert tex_text((Span("\u2212", "math"), Span("3"))) == "$-$3"
    assert tex_text((Span("\u2212\u221e", "math"),)) == r"$-\infty$"
    assert tex_text((Span("\u2192p", "math"),)) == r"$\to p$"
    assert tex_text((Span("out_1 50%"),)) == r"out\_1 50\%"


def test_numbers_keep_their_kind_and_lose_binary_noise():
    assert tex_number(3) == "3" and tex_number(3.0) == "3.0"
    assert tex_number(-0.1 + 4.2) == "4.1"
    assert tex_number(0.5) == "0.5"


def test_swatches_become_tikz_styles():
    hatch = "pattern=north east lines, pattern color=lines"
    assert marks.draw_style(legend.UNIT.cells) == "fill=input, draw=lines, thick"
    assert marks.draw_style(legend.PADDING.cells) == "draw=lines, thick, dashed"
    assert marks.draw_style(legend.CROPPED.cells) == \
        f"fill=input!45, postaction={{{hatch}}}, draw=lines, thick, dashed"
    assert marks.draw_style(legend.OVERHANG.cells) == f"{hatch}, draw=lines, thick"


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            names.add("." * node.level + (node.module or ""))
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_the_translation_reads_the_scene_not_the_model():
    """What lays a figure out (the model's geometry, the spec) is not within
    reach of the modules that turn a scene into template contexts and styles."""
    for module in ("tikz_context.py", "marks.py"):
        names = imported(ROOT / "convarith" / "render" / module)
        assert not any("model" in name for name in names), (module, names)
        assert any(name.startswith("..scene") for name in names), (module, names)
