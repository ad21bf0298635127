"""The scene's vocabulary: frozen dataclasses that say what a figure draws, not how.

Positions are in figure units (one cell is one unit, y pointing up) inside a
`Plane`, whose `Placement` puts the plane in the figure: the oblique
projection of the arithmetic figures is part of it, and renderers apply it
(as its affine `transform`, or part by part as TikZ scopes), never write it
again.  Colours are theme roles (`input`,
`output`, `footprint`, `lines`, plus `white` and `black`); text has a size
role that a preset turns into points.  Widths of lines are in points and do
not scale with the figure, as in TikZ.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Tuple, Union

Point = Tuple[float, float]
#: A rectangle of cells: (x, y, width, height), (x, y) its lower-left corner.
Rect = Tuple[float, float, float, float]

#: Line widths in points (TikZ's "thick" and its default).
THICK, THIN = 0.8, 0.4
#: TeX points in a centimetre: one cell is a centimetre before the figure's scale.
CM = 72.27 / 2.54
#: The corners of a rectangle: top left, top right, bottom left, bottom right.
CORNERS = ("tl", "tr", "bl", "br")


@dataclass(frozen=True)
class Affine:
    """x' = a·x + c·y + e, y' = b·x + d·y + f."""

    a: float = 1.0
    b: float = 0.0
    c: float = 0.0
    d: float = 1.0
    e: float = 0.0
    f: float = 0.0

    def __call__(self, x: float, y: float) -> Point:
        return (self.a * x + self.c * y + self.e, self.b * x + self.d * y + self.f)

    def then(self, outer: "Affine") -> "Affine":
        """This transform followed by `outer`."""
        return Affine(a=outer.a * self.a + outer.c * self.b,
                      b=outer.b * self.a + outer.d * self.b,
                      c=outer.a * self.c + outer.c * self.d,
                      d=outer.b * self.c + outer.d * self.d,
                      e=outer.a * self.e + outer.c * self.f + outer.e,
                      f=outer.b * self.e + outer.d * self.f + outer.f)

    @property
    def linear(self) -> bool:
        """Whether it only moves things (no slant or scale)."""
        return (self.a, self.b, self.c, self.d) == (1.0, 0.0, 0.0, 1.0)


IDENTITY = Affine()


def shift(dx: float, dy: float) -> Affine:
    return Affine(e=dx, f=dy)


@dataclass(frozen=True)
class Projection:
    """The oblique view of the arithmetic figures: a shear along x by `xslant`,
    then along y by `yslant` (TikZ's xslant and yslant, in that order)."""

    xslant: float
    yslant: float

    @property
    def affine(self) -> Affine:
        return Affine(c=self.xslant).then(Affine(b=self.yslant))


@dataclass(frozen=True)
class Placement:
    """Where a plane's points go: shifted by `shift` (cells, in the plane),
    seen through `projection` (None: flat), then raised by `lift` cells and
    moved right by `nudge` points (before the figure's scale).  Renderers
    that place planes themselves (TikZ scopes) read the parts."""

    shift: Point = (0, 0)
    projection: Optional[Projection] = None
    lift: float = 0
    nudge: float = 0.0

    @property
    def affine(self) -> Affine:
        parts = []
        if self.shift != (0, 0):
            parts.append(shift(*self.shift))
        if self.projection is not None:
            parts.append(self.projection.affine)
        if self.lift or self.nudge:
            parts.append(shift(self.nudge / CM, self.lift))
        placed = parts[0] if parts else IDENTITY
        for part in parts[1:]:
            placed = placed.then(part)
        return placed


FLAT = Placement()


@dataclass(frozen=True)
class Paint:
    """A fill: a theme role mixed with white (`tint` of the colour, as TikZ's
    colour!NN) and drawn at `opacity`."""

    colour: str
    tint: float = 1.0
    opacity: float = 1.0


@dataclass(frozen=True)
class Stroke:
    """An outline: a theme role, a width in points, maybe dashed."""

    colour: str = "lines"
    width: float = THICK
    dashed: bool = False
    opacity: float = 1.0


@dataclass(frozen=True)
class Cells:
    """Rectangles drawn as one path: filled, then hatched, then stroked.
    `bounds` False: the shape does not widen the frame (an overlay)."""

    rects: Tuple[Rect, ...]
    fill: Optional[Paint] = None
    stroke: Optional[Stroke] = None
    hatch: bool = False
    bounds: bool = True
    #: Whether a renderer may merge or skip it (drawn only for the extent).
    invisible: bool = False
    #: What the cells are, for renderers that tag or pick them: "units",
    #: "inserted", "mode-padding", "cropped", "footprint", "overhang",
    #: "outputs", "current", "outline", "weights", "fade", "extent" (what
    #: the frame must hold), "margin".
    role: str = ""


@dataclass(frozen=True)
class Grid:
    """The lines of a block of whole cells, its border included."""

    rect: Rect
    stroke: Stroke
    #: "padded" (the whole drawn input), "units", "block" (the kernel's
    #: window), "outputs", "weights".
    role: str = ""


@dataclass(frozen=True)
class Corner:
    """Corner `corner` (one of CORNERS) of rectangle `rect` of the plane named `plane`."""

    plane: str
    rect: Rect
    corner: str


@dataclass(frozen=True)
class Segment:
    """A straight line between two points of the figure (outside any plane);
    `joins` names them as corners of planes' rectangles, for renderers that
    place the planes themselves and find the points there (TikZ)."""

    start: Point
    end: Point
    stroke: Stroke = field(default_factory=lambda: Stroke(colour="black", width=THIN))
    joins: Optional[Tuple[Corner, Corner]] = None


@dataclass(frozen=True)
class Span:
    """A run of text: `roman`, `math` (italic letters, as TeX's math mode) or
    `sub` (a subscript of the run before it)."""

    text: str
    style: str = "roman"


@dataclass(frozen=True)
class Text:
    """Upright text whose `anchor` ("center", "north", "south", "west",
    "south west") sits at `at`, a point of its plane.  `pad` is the room
    left and right, and above and below the text (a TikZ node's inner sep,
    in points): it widens the frame but shows nothing, except a
    `background` fill."""

    at: Point
    spans: Tuple[Span, ...]
    size: str
    anchor: str = "center"
    pad: Tuple[float, float] = (0.0, 0.0)
    opacity: float = 1.0
    background: Optional[Paint] = None
    #: Extra shift of the anchor, in points (a node's outer sep).
    nudge: Point = (0.0, 0.0)
    bounds: bool = True
    #: "value" (a number in a cell), "weight", "label", "partial" (a
    #: partial sum), "sum" (the line that adds them up).
    role: str = ""

    @property
    def plain(self) -> str:
        return "".join(span.text for span in self.spans)


@dataclass(frozen=True)
class Swatch:
    """One entry of a legend: a sample square drawn like a kind of cell, and its name."""

    cells: Cells
    label: str


@dataclass(frozen=True)
class Legend:
    """A row of swatches centred under everything else drawn on the step."""

    entries: Tuple[Swatch, ...]
    size: str = "small"
    gap: float = 1.0   # points between the figure and the legend


@dataclass(frozen=True)
class Caption:
    """A line of text above everything else drawn on the step, from its left
    edge: the layer and the step (drawn by the native renderer)."""

    text: str
    size: str = "label"
    gap: float = 4.0   # points between the caption and the figure


Item = Union[Cells, Grid, Text]


@dataclass(frozen=True)
class Plane:
    """Items drawn in one plane, put in the figure by `placement` (its
    `transform`, as an affine map)."""

    placement: Placement
    items: Tuple[Item, ...]
    #: A name for renderers that group a plane's items: "in0", "out1" (an
    #: input or output channel), "w2" (a filter's slice for input channel 2).
    name: str = ""
    transform: Affine = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "transform", self.placement.affine)


Drawable = Union[Plane, Segment, Legend, Caption]


@dataclass(frozen=True)
class StepMeaning:
    """What a step computes: output cell (channel, row, column) from the input
    cells (channel, row, column: true indices), the padding cells of the
    padded grid (channel, row, column), and for numerical figures the
    weights and the value."""

    index: int
    channel: int
    row: int
    col: int
    reads: Tuple[Tuple[int, int, int], ...]
    padding: Tuple[Tuple[int, int, int], ...]
    value: Optional[float] = None


@dataclass(frozen=True)
class Step:
    """What one step draws over the scene's static part, and what it means."""

    meaning: StepMeaning
    layers: Tuple[Drawable, ...]


@dataclass(frozen=True)
class Bounds:
    """A box in points, y up."""

    left: float
    bottom: float
    right: float
    top: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.top - self.bottom

    def union(self, other: "Bounds") -> "Bounds":
        return Bounds(min(self.left, other.left), min(self.bottom, other.bottom),
                      max(self.right, other.right), max(self.top, other.top))


@dataclass(frozen=True)
class Scene:
    """One figure: what every step shares (`static`, drawn first) and a part
    per step, drawn over it.  `unit` is the length of one cell in points;
    `border` the white margin around the drawing, in points."""

    name: str
    static: Tuple[Drawable, ...]
    steps: Tuple[Step, ...]
    unit: float
    border: float
    #: Sizes of the text roles, in points.
    text_sizes: Tuple[Tuple[str, float], ...]
    #: Theme colours by role, as RGB.
    colours: Tuple[Tuple[str, Tuple[int, int, int]], ...]
    #: Which renderers' pictures need TikZ's patterns (hatched cells).
    hatched: bool = False

    def colour(self, role: str) -> Tuple[int, int, int]:
        return dict(self.colours)[role]

    def text_size(self, role: str) -> float:
        return dict(self.text_sizes)[role]
