"""The scene: a backend-neutral description of a figure, built from its FigureSpec.

Frozen dataclasses (types), built by pure functions (build, channels), with
TeX's own font metrics for the size of text (text, measure).  Standard
library only, so it runs in a browser too.
"""
