"""The model: a layer's geometry, the figure spec, values, themes and the catalogue."""
