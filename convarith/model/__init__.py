"""The model: a layer's geometry and parameters, the figure spec, its values and
description, themes and the catalogue.  Standard library only, but for values."""
