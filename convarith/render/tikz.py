"""Render figure steps to TikZ source with Jinja2. Pure: returns strings.

The TikZ renderer translates the scene (convarith.scene): every position,
rectangle, plane placement, text and legend swatch is read off the scene's
objects (see render/tikz_context.py), never worked out here, and the
templates place what they are given.  TeX does the planes' arithmetic
itself: each plane is a scope with the scene's placement (the projection
written from the scene's Projection), and the lines that join planes run
between corners named inside them.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import jinja2

from ..model.spec import FigureSpec
from ..scene.figure import build_scene
from ..scene.types import Scene
from .tikz_context import SceneReader, document_settings, tex_number

# In a checkout the templates are the repository's templates/; an installed
# package carries them as convarith/templates (see pyproject.toml).
PACKAGE_DIR = Path(__file__).resolve().parent.parent
PACKAGED_TEMPLATE_DIR = PACKAGE_DIR / "templates"
CHECKOUT_TEMPLATE_DIR = PACKAGE_DIR.parent / "templates"
DOCUMENT_TEMPLATE = "document.tex.j2"


def template_dir() -> Path:
    """Where the templates are: packaged with an install, else the checkout's."""
    if (PACKAGED_TEMPLATE_DIR / DOCUMENT_TEMPLATE).is_file():
        return PACKAGED_TEMPLATE_DIR
    return CHECKOUT_TEMPLATE_DIR


TEMPLATE_DIR = template_dir()


def template_name(spec: FigureSpec) -> str:
    """One template per figure kind; channel figures lay out several planes."""
    return f"{spec.kind}{'_channels' if spec.multichannel else ''}.tex.j2"


def environment(template_dir: str | None = None) -> jinja2.Environment:
    """Jinja2 with TeX-friendly delimiters, so braces stay TeX's."""
    return _environment(str(template_dir or TEMPLATE_DIR))


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs (Jinja checks each against its
    template's source), which saves each pdflatex job a tenth of its Python
    time; none when the cache directory cannot be made."""
    from ..files import cache_subdir
    from .template_cache import TemplateCache
    directory = cache_subdir("templates")
    return None if directory is None else TemplateCache(directory)


@lru_cache(maxsize=None)
def _environment(template_dir: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_dir),
        bytecode_cache=_bytecode_cache(),
        block_start_string="<%", block_end_string="%>",
        variable_start_string="<<", variable_end_string=">>",
        comment_start_string="<#", comment_end_string="#>",
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined, autoescape=False)
    env.filters["n"] = tex_number
    return env


#: The parts of a figure that every step shares; a template that has one
#: renders it for part=NAME (and nothing for a part it does not have), and it
#: is typeset once into the box NAMEpart (see templates/boxes.tex.j2).  Part
#: "nodes" is several boxes, each after a line "%% node box NAME" (the
#: node_box macro of templates/macros.tex.j2); it comes last, as a node may
#: show another part's box.
SHARED_PARTS = ("static", "values", "outvalues", "legend", "nodes")
NODE_BOX = re.compile(r"^%% node box ([A-Za-z]+)$", re.MULTILINE)


def node_boxes(text: str) -> dict[str, str]:
    """The boxes of a rendered part "nodes", by name."""
    pieces = NODE_BOX.split(text)[1:]
    return {name: tex.strip() for name, tex in zip(pieces[::2], pieces[1::2])}


def _boxes(template: jinja2.Template, context: dict) -> dict[str, str]:
    boxes = {}
    for part in SHARED_PARTS:
        body = template.render(context, part=part).strip()
        if part == "nodes":
            boxes.update(node_boxes(body))
        elif body:
            boxes[f"{part}part"] = body
    return boxes


def render_scene(spec: FigureSpec, scene: Scene) -> tuple[dict[str, str], list[str]]:
    """TeX of the scene's shared parts, by the name of their box, and of
    each of its steps' pictures (no document around them).  The shared
    parts are the same on every step; they are read off the first."""
    template = environment().get_template(template_name(spec))
    reader = SceneReader(scene)
    contexts = [reader.step_context(step) for step in scene.steps]
    pictures = [template.render(context, part="step") for context in contexts]
    return _boxes(template, contexts[0]), pictures


def render_pictures(spec: FigureSpec, steps: Sequence[int], values=None) -> dict:
    """What a document of the steps is made of: the shared `boxes`, one of
    the `pictures` per step, whether they hatch cells (`patterns`: TikZ's
    patterns library is then loaded), and the document's settings
    (tikz_context.document_settings)."""
    scene = build_scene(spec, values, list(steps))
    boxes, pictures = render_scene(spec, scene)
    return {"boxes": boxes, "pictures": pictures, "patterns": scene.hatched,
            **document_settings(scene)}


def render_document(spec: FigureSpec, steps: Iterable[int], values=None) -> str:
    """A standalone document with one page per step."""
    return environment().get_template(DOCUMENT_TEMPLATE).render(
        render_pictures(spec, list(steps), values))
