"""Named palettes for the figures, and parsing of user-given colours.

Colours reach TeX only as validated RGB triples, never as user text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace

from ..errors import ParameterError

RGB = tuple[int, int, int]
HEX_COLOUR = re.compile(r"#?([0-9A-Fa-f]{6})")


@dataclass(frozen=True)
class Theme:
    """Colours of an animation: input units, output units, kernel footprint
    (drawn at 40% opacity) and all lines."""

    input: RGB
    output: RGB
    footprint: RGB
    lines: RGB


SOLARIZED = Theme(input=(38, 139, 210), output=(42, 161, 152),
                  footprint=(7, 54, 66), lines=(0, 43, 54))
THEMES = {
    "solarized": SOLARIZED,
    "grayscale": Theme(input=(170, 170, 170), output=(220, 220, 220),
                       footprint=(0, 0, 0), lines=(0, 0, 0)),
    # Blue/orange pair from the Okabe-Ito palette, safe for colour-blind readers.
    "colorblind": Theme(input=(86, 180, 233), output=(230, 159, 0),
                        footprint=(0, 0, 0), lines=(0, 0, 0)),
}
DEFAULT_THEME = SOLARIZED
ROLES = tuple(f.name for f in fields(Theme))


def parse_hex(text: str) -> RGB:
    match = HEX_COLOUR.fullmatch(text.strip())
    if not match:
        raise ParameterError(
            f"{text!r} is not a colour; give six hexadecimal digits such as "
            "#268bd2.")
    value = match.group(1)
    return tuple(int(value[j:j + 2], 16) for j in (0, 2, 4))


def parse_theme(text: str, given_as: str = "theme") -> Theme:
    """Parse ``NAME``, ``ROLE=#RRGGBB,...`` or ``NAME,ROLE=#RRGGBB,...``;
    `given_as` names the parameter in messages."""
    theme = DEFAULT_THEME
    for position, part in enumerate(p.strip() for p in text.split(",")):
        if "=" not in part:
            if position != 0 or part not in THEMES:
                raise ParameterError(
                    f"Unknown theme {part!r}. Use one of {', '.join(THEMES)}, "
                    f"optionally followed by ROLE=#RRGGBB overrides, where ROLE "
                    f"is one of {', '.join(ROLES)} (e.g. "
                    "'solarized,input=#ff8800').")
            theme = THEMES[part]
            continue
        role, colour = (s.strip() for s in part.split("=", 1))
        if role not in ROLES:
            raise ParameterError(
                f"Unknown colour role {role!r} in {given_as}; roles are "
                f"{', '.join(ROLES)}.")
        theme = replace(theme, **{role: parse_hex(colour)})
    return theme
