"""The drawing commands of templates/drawing.tex.j2 make the same PDF as the
TikZ commands they stand for: the same path operators, coordinates, colours
and opacities, byte for byte, and the same page size, in the transformations
the figures use."""

from __future__ import annotations

import io
import shutil

import pytest

from convarith.render.latex import compile_tex
from convarith.render.texformat import preamble_tex
from convarith.render.tikz import environment

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(shutil.which("pdflatex") is None, reason="needs pdflatex")]

#: (TikZ, our command) pairs, each drawn in every frame below.
PAIRS = [
    (r"\fill[footprint, opacity=0.4] (0,4) rectangle ++(3,3) (4,4) rectangle ++(1,1);",
     r"\shadecells{\cellrect{0}{4}{3}{7}\cellrect{4}{4}{5}{5}}"),
    (r"\fill[output] (0,0) rectangle (3,2);", r"\fillcells{output}{\cellrect{0}{0}{3}{2}}"),
    (r"\draw[draw=lines, thick] (2,1) rectangle ++(1,1);",
     r"\outlinecells{\cellrect{2}{1}{3}{2}}"),
    (r"\draw[draw=lines, thick] (1,2) grid ++(3,2);", r"\cellgrid{1}{2}{4}{4}"),
    (r"\draw[draw=lines, thick] (0,0) grid (0.5,7);", r"\cellgrid{0}{0}{0.5}{7}"),
    (r"\draw (a) -- (b) (c) -- (b);", r"\joinpoints{a}{b}\joinpoints{c}{b}\pgfusepath{stroke}"),
    (r"\draw[thick, draw opacity=0] (0,0) rectangle (7,5);", r"\boundcells{\cellrect{0}{0}{7}{5}}"),
    (r"\fill[output] (0,0) rectangle (2,2); \fill[white, opacity=0.75, overlay] (-0.1,-0.1) "
     r"rectangle (9.1,9.1);",
     r"\fillcells{output}{\cellrect{0}{0}{2}{2}}\fadecells{\cellrect{-0.1}{-0.1}{9.1}{9.1}}"),
    (r"\fill[output] (0,0) rectangle (1,1); \path (-0.5,-3) rectangle (11.5,7.5);",
     r"\fillcells{output}{\cellrect{0}{0}{1}{1}}\extendto{\cellrect{-0.5}{-3}{11.5}{7.5}}"),
]
#: The frames the figures draw in: flat, shifted, and the oblique planes.
FRAMES = ["", "shift={(8,2.5)}", "yslant=0.5, xslant=-0.7",
          "xshift=-5pt, yshift=8cm, yslant=0.5, xslant=-0.7, shift={(1,5)}"]


def page(body: str, frame: str) -> str:
    colours = environment().get_template("colours.tex.j2").render(
        colours={"input": "38,139,210", "output": "42,161,152",
                 "footprint": "7,54,66", "lines": "0,43,54"})
    return (r"\begin{figurestep}\begin{tikzpicture}[scale=.5]" + "\n" + colours + "\n"
            + rf"\begin{{scope}}[{frame}]" + "\n"
            + r"\pgfcoordinate{a}{\pgfpointxy{1}{2}}\pgfcoordinate{b}{\pgfpointxy{3}{7}}"
            + r"\pgfcoordinate{c}{\pgfpointxy{4}{1}}" + "\n"
            + body + "\n" + r"\end{scope}\end{tikzpicture}\end{figurestep}" + "\n")


def contents(pdf: bytes) -> list[tuple[list[float], str]]:
    """Each page's size (what the drawing adds to the bounding box) and its
    content stream."""
    from pypdf import PdfReader
    return [([float(v) for v in p.mediabox], p.get_contents().get_data().decode("latin-1"))
            for p in PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize("frame", FRAMES)
def test_drawing_commands_equal_their_tikz(frame):
    tikz = "".join(page(ours_tikz, frame) for ours_tikz, _ in PAIRS)
    ours = "".join(page(ours, frame) for _, ours in PAIRS)
    document = (preamble_tex() + "\\begin{document}\n" + tikz + ours + "\\end{document}\n")
    pages = contents(compile_tex(document, "drawing"))
    assert len(pages) == 2 * len(PAIRS)
    for number, (tikz_page, our_page) in enumerate(zip(pages[:len(PAIRS)], pages[len(PAIRS):])):
        assert " m" in tikz_page[1], "the TikZ page draws a path"
        assert our_page == tikz_page, f"{PAIRS[number][1]} differs from {PAIRS[number][0]}"


#: Nodes the templates typeset once and place on every step (node_box and
#: place_node in templates/macros.tex.j2): (TikZ node options, text, anchor).
NODES = [
    ("anchor=north, font=\\small", "input", "north"),
    ("anchor=south, font=\\small", "output", "south"),
    ("anchor=west, font=\\scriptsize, fill=white, inner sep=1pt, text opacity=0.4", "in 2", "west"),
    ("anchor=south west, font=\\scriptsize, inner xsep=0pt", "filter 1", "south west"),
]
PLACED = r'''<% from "macros.tex.j2" import node_box, place_node %>
<% for options, text, anchor in nodes %>
<< node_box("node" ~ "ABCD"[loop.index0], "\\node[%s] at (0,0) {%s};" % (options, text)) >>
<% endfor %>
%% pages
<% for frame in frames %>
<% for options, text, anchor in nodes %>
<% set name = "node" ~ "ABCD"[loop.index0] %>
<% for ours in (false, true) %>
\begin{figurestep}\begin{tikzpicture}[scale=.5]
\begin{scope}[<< frame >>]
\fill (0,0) rectangle (3,3);
<% if ours %>
<< place_node(name, anchor, 2.5, "3.3") >>
<% else %>
\node[<< options >>] at (2.5,3.3) {<< text >>};
<% endif %>
\end{scope}
\draw (1,1) -- (2.6,3.3);
\end{tikzpicture}\end{figurestep}
<% endfor %>
<% endfor %>
<% endfor %>
'''


def test_placed_nodes_look_like_tikz_nodes():
    """Each node box, placed, gives the pixels and the page size of the TikZ
    node it was made from, and leaves nothing that widens the next stroke."""
    import numpy as np
    from pdf2image import convert_from_bytes

    from convarith.render.tikz import node_boxes
    text = environment().from_string(PLACED).render(nodes=NODES, frames=FRAMES)
    nodes, pages = text.split("%% pages")
    # Declared and typeset as a figure document does (templates/boxes.tex.j2).
    template = environment().get_template("boxes.tex.j2")
    boxes = node_boxes(nodes)
    document = (preamble_tex() + template.render(boxes=boxes, part="declare")
                + "\\begin{document}\n" + template.render(boxes=boxes, part="typeset")
                + pages + "\\end{document}\n")
    pdf = compile_tex(document, "nodes")
    sizes = [size for size, _ in contents(pdf)]
    images = [np.asarray(page.convert("RGB")) for page in convert_from_bytes(pdf, dpi=150)]
    assert len(images) == 2 * len(NODES) * len(FRAMES)
    for number in range(0, len(images), 2):
        assert sizes[number] == sizes[number + 1], f"page {number}: page size"
        assert images[number].shape == images[number + 1].shape
        assert np.array_equal(images[number], images[number + 1]), f"page {number}: pixels"
        assert (images[number] < 128).any(), "the text and the square are drawn"
