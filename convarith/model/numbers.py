"""How a figure writes its numbers: whole ones as they are, a real layer's rounded.

Standard library only, and apart from model.values so that figures without
numbers do not load the number generator.
"""

from __future__ import annotations


def whole_numbers(values) -> bool:
    """Whether the figure's inputs and weights are whole numbers (the seeded
    ones are; a real layer's are not)."""
    numbers = [values.input, values.kernel, values.bias]

    def whole(nested):
        if isinstance(nested, (tuple, list)):
            return all(whole(item) for item in nested)
        return nested is None or float(nested).is_integer()

    return all(whole(n) for n in numbers)


def number_text(value: float) -> str:
    """A number as a figure shows it: whole numbers as they are, others
    rounded to one decimal (none from 10), with a true minus sign."""
    if value in (float("inf"), float("-inf")):
        return str(value)
    if float(value).is_integer():
        text = str(int(value))
    else:
        text = f"{value:.{0 if abs(value) >= 10 else 1}f}"
    text = {"-0": "0", "-0.0": "0.0"}.get(text, text)
    return text.replace("-", "\u2212")
