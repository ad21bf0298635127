"""Renderers: TikZ text for pdflatex, and poppler rasterising of its pages."""
