"""What the TikZ templates are given: a scene's step, read off plane by plane.

Planes are found by name ("in0", "out1", "w2"; "" for the figure's own
extent and sum line) and their items by kind and role (Cells.role,
Grid.role, Text.role).  Every number is the scene's; text becomes TeX from
its spans, and paints and strokes become TikZ styles (marks).  Nothing is
laid out here.
"""

from __future__ import annotations

import re
from typing import Dict, List, Optional

from ..scene.types import CM, Cells, Grid, Legend, Plane, Scene, Segment, Step, Text
from .marks import draw_style, marks, stroke_style

#: The theme colours the templates define (colours.tex.j2).
COLOUR_ROLES = ("input", "output", "footprint", "lines")
#: LaTeX's size commands in the 10 pt standalone class, by size in points.
SIZE_COMMANDS = {5.0: r"\tiny", 7.0: r"\scriptsize", 8.0: r"\footnotesize", 9.0: r"\small",
                 10.0: r"\normalsize"}
#: Characters of math spans that TeX writes as commands.
MATH = {"\u2212": "-", "\u221e": r"\infty", "\u2192": r"\to", "\u00b7": r"\cdot"}
SPECIAL = re.compile(r"([#$%&_{}])")


def tex_number(value) -> str:
    """A coordinate as the templates write it: whole numbers as they are,
    others to nine places, so that a sum such as -0.1 + 4.2 does not show
    its binary rounding (far below what TeX can tell apart)."""
    if isinstance(value, int):
        return str(value)
    return repr(round(value, 9))


def figure_scale(scene: Scene) -> str:
    """The pictures' scale (TikZ's `scale`): one cell is a centimetre scaled by it."""
    text = f"{scene.unit / CM:g}"
    return text[1:] if text.startswith("0.") else text


def document_settings(scene: Scene) -> dict:
    """What a document of the scene's pictures sets up: the page's border
    (points), the drawn size of a cell (cm) and the pictures' scale."""
    return {"border": f"{scene.border:g}", "cell": f"{scene.unit / CM:g}",
            "scale": figure_scale(scene)}


def _math(text: str) -> str:
    out = []
    for index, char in enumerate(text):
        word = MATH.get(char, char)
        out.append(word)
        following = text[index + 1:index + 2]
        if word[:1] == "\\" and word[-1].isalpha() and following.isalpha():
            out.append(" ")
    return "".join(out)


def tex_text(spans) -> str:
    """Spans as TeX: roman text as it is, each run of math (and subscripts)
    in one pair of dollars."""
    out, in_math = [], False
    for span in spans:
        if (span.style != "roman") != in_math:
            out.append("$")
            in_math = not in_math
        if span.style == "roman":
            out.append(SPECIAL.sub(r"\\\1", span.text))
        elif span.style == "sub":
            out.append(f"_{{{_math(span.text)}}}")
        else:
            out.append(_math(span.text))
    if in_math:
        out.append("$")
    return "".join(out)


class _Planes:
    """Layers' planes by name, in the order they are drawn, with their items
    by (name, kind, role); name None: of any plane."""

    def __init__(self, layers, reader: "SceneReader"):
        self.named: Dict[str, List[Plane]] = {}
        self.index: Dict[tuple, list] = {}
        for layer in layers:
            if not isinstance(layer, Plane):
                continue
            self.named.setdefault(layer.name, []).append(layer)
            for (kind, role), items in reader.items_of(layer).items():
                self.index.setdefault((layer.name, kind, role), []).extend(items)
                self.index.setdefault((None, kind, role), []).extend(items)

    def names(self, prefix: str) -> List[str]:
        """Names of the channel planes "PREFIXn", by channel."""
        found = [name for name in self.named if name.startswith(prefix)
                 and name[len(prefix):].isdigit()]
        return sorted(found, key=lambda name: int(name[len(prefix):]))

    def items(self, name: Optional[str], kind, role: str) -> list:
        return self.index.get((name, kind, role), [])

    def item(self, name: Optional[str], kind, role: str):
        found = self.index.get((name, kind, role))
        return found[0] if found else None

    def placement(self, name: str):
        return self.named[name][0].placement


def _rects(cells: Optional[Cells]):
    return None if cells is None else cells.rects


def _first_rect(cells: Optional[Cells]):
    return None if cells is None else cells.rects[0]


def _label(scene: Scene, text: Optional[Text]) -> Optional[dict]:
    """A text for a template: its point in its plane, its anchor and its TeX."""
    if text is None:
        return None
    return {"at": text.at, "anchor": text.anchor, "tex": _tex(scene, text, None)}


def _tex(scene: Scene, text: Text, base: Optional[str]) -> str:
    """The TeX of a text that a template sets in the size `base`: one of
    another size switches to its own."""
    tex = tex_text(text.spans)
    if base is None or text.size == base:
        return tex
    command = SIZE_COMMANDS[scene.text_size(text.size)]
    return command + (" " if tex[:1].isalpha() else "") + tex


def _values(scene: Scene, texts, base: str) -> list:
    """Numbers in cells as (x, y, TeX), (x, y) the point they are centred on."""
    return [(text.at[0], text.at[1], _tex(scene, text, base)) for text in texts]


def _inputs(plane: Plane) -> dict:
    """The input plane every step shares: marks under the padded input's
    grid, the grid, the units with their grids, and marks over them."""
    under, over, units, unit_grids, padded = [], [], None, [], None
    for item in plane.items:
        if isinstance(item, Grid) and item.role == "padded":
            padded = {"rect": item.rect, "style": stroke_style(item.stroke)}
        elif isinstance(item, Grid) and item.role == "units":
            unit_grids.append((stroke_style(item.stroke), item.rect))
        elif isinstance(item, Cells) and item.role == "units":
            units = {"rects": item.rects, "style": draw_style(item)}
        elif isinstance(item, Cells) and item.fill is not None and item.stroke is None:
            (under if padded is None else over).extend(marks(item))
    return {"under": under, "padded": padded, "units": units, "unit_grids": unit_grids,
            "over": over}


def _lines(layers) -> tuple[list, dict]:
    """The joining lines, by the planes they join: (start plane, end plane,
    [(start corner, end corner)]), and the rectangle whose corners they
    meet in each plane."""
    groups: list = []
    ends: dict = {}
    for segment in layers:
        if not isinstance(segment, Segment) or segment.joins is None:
            continue
        start, end = segment.joins
        ends[start.plane], ends[end.plane] = start.rect, end.rect
        if not groups or groups[-1][:2] != (start.plane, end.plane):
            groups.append((start.plane, end.plane, []))
        groups[-1][2].append((start.corner, end.corner))
    return groups, ends


def projection_options(scene: Scene) -> Optional[str]:
    """The scene's oblique view as TikZ options (TikZ applies the last
    option first: xslant, then yslant), or None for a flat figure."""
    for layer in scene.static + (scene.steps[0].layers if scene.steps else ()):
        if isinstance(layer, Plane) and layer.placement.projection is not None:
            view = layer.placement.projection
            return f"yslant={view.yslant}, xslant={view.xslant}"
    return None


class SceneReader:
    """Reads a scene's steps for the templates.  What several steps share
    (the static planes, a numerical figure's planes of values: the same
    objects on every step) is read once."""

    def __init__(self, scene: Scene):
        self.scene = scene
        self._items: Dict[int, dict] = {}
        self._numbers: Dict[tuple, list] = {}
        self.static = _Planes(scene.static, self)
        self.figure = {
            "colours": {role: ",".join(str(v) for v in scene.colour(role))
                        for role in COLOUR_ROLES},
            "projection": projection_options(scene),
            "scale": figure_scale(scene),
        }
        self.inputs = {name: _inputs(self.static.named[name][0])
                       for name in self.static.names("in")}

    def items_of(self, plane: Plane) -> dict:
        """The plane's items by (kind, role)."""
        found = self._items.get(id(plane))
        if found is None:
            found = {}
            for item in plane.items:
                found.setdefault((type(item), item.role), []).append(item)
            self._items[id(plane)] = found
        return found

    def numbers(self, planes: List[Plane], role: str, base: str) -> list:
        """The texts of a role in the planes, as (x, y, TeX) for a template
        that sets them in the size `base`."""
        found = []
        for plane in planes:
            key = (id(plane), role, base)
            if key not in self._numbers:
                texts = self.items_of(plane).get((Text, role), [])
                self._numbers[key] = _values(self.scene, texts, base)
            found += self._numbers[key]
        return found

    def _in_plane(self, planes: _Planes, name: str, ends: dict) -> dict:
        static, scene = self.static, self.scene
        fade = planes.item(name, Cells, "fade")
        block = planes.item(name, Grid, "block")
        layers = static.named[name] + planes.named.get(name, [])
        return {
            "name": name, "channel": int(name[2:]), "shift": static.placement(name).shift,
            "inputs": self.inputs[name],
            "numbers": self.numbers(layers, "value", "value"),
            "label": _label(scene, planes.item(name, Text, "label")
                            or static.item(name, Text, "label")),
            "active": fade is None, "fade": _first_rect(fade),
            "read": _rects(planes.item(name, Cells, "footprint")),
            "overhang": marks(planes.item(name, Cells, "overhang")),
            "block": None if block is None else block.rect,
            "weights": self.numbers(planes.named.get(name, []), "weight", "small"),
            "corners": ends.get(name),
        }

    def _out_plane(self, planes: _Planes, name: str, ends: dict) -> dict:
        placement = planes.placement(name)
        fade = planes.item(name, Cells, "fade")
        return {
            "name": name, "channel": int(name[3:]), "shift": placement.shift,
            "lift": placement.lift, "nudge": f"{placement.nudge:g}",
            "outputs": _first_rect(planes.item(name, Cells, "outputs")),
            "grid": planes.item(name, Grid, "outputs").rect,
            "current": _first_rect(planes.item(name, Cells, "current")),
            "active": fade is None, "fade": _first_rect(fade),
            "numbers": self.numbers(planes.named[name], "value", "small"),
            "label": _label(self.scene, planes.item(name, Text, "label")),
            "corners": ends.get(name),
        }

    def _slice(self, planes: _Planes, name: str) -> dict:
        """A filter's weights for one input channel, with their partial sum."""
        return {
            "shift": planes.placement(name).shift,
            "cells": _first_rect(planes.item(name, Cells, "weights")),
            "grid": planes.item(name, Grid, "weights").rect,
            "weights": self.numbers(planes.named[name], "weight", "small"),
            "partial": _label(self.scene, planes.item(name, Text, "partial")),
            "label": _label(self.scene, planes.item(name, Text, "label")),
        }

    def step_context(self, step: Step) -> dict:
        """Everything a template needs to draw one step of the scene."""
        planes = _Planes(step.layers, self)
        lines, ends = _lines(step.layers)
        key = next((layer for layer in step.layers if isinstance(layer, Legend)), None)
        return {
            **self.figure,
            "in_planes": [self._in_plane(planes, name, ends) for name in self.static.names("in")],
            "out_planes": [self._out_plane(planes, name, ends) for name in planes.names("out")],
            "slices": [self._slice(planes, name) for name in planes.names("w")],
            "sum": _label(self.scene, planes.item(None, Text, "sum")),
            "lines": lines,
            "extent": _first_rect(planes.item(None, Cells, "extent")),
            "margin": _first_rect(planes.item(None, Cells, "margin")),
            "channel": step.meaning.channel,
            "labels": bool(planes.items(None, Text, "label")
                           or self.static.items(None, Text, "label")),
            "legend_entries": ([(draw_style(swatch.cells), swatch.label)
                                for swatch in key.entries] if key is not None else []),
        }
