"""`convarith doctor`: is every program and package the figures need in place?"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass

from .render.tools import PROGRAMS, TEX_FILES, install_hint, missing_tex_files
from .settings import FFMPEG_ENV, chosen_ffmpeg

#: Encoders the video writers use, from imageio-ffmpeg's own ffmpeg.
VIDEO_ENCODERS = {"libx264": ".mp4", "libvpx-vp9": ".webm"}
FFMPEG_HINT = ("Install it with 'pip install imageio-ffmpeg' (it ships its own ffmpeg; "
               f"set {FFMPEG_ENV} to use another one).")


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def program_checks() -> list[Check]:
    checks = []
    for program in ("pdflatex", "pdftoppm", "pdfinfo", "pdftocairo"):
        entry = PROGRAMS[program]
        path = shutil.which(program)
        checks.append(Check(program, path is not None,
                            path or f"missing; it {entry[0]}. " + install_hint(*entry[1:])))
    return checks


def tex_checks() -> list[Check]:
    if shutil.which("pdflatex") is None:
        return []
    missing = set(missing_tex_files())
    return [Check(name, name not in missing,
                  "found by kpsewhich" if name not in missing
                  else "missing. " + install_hint(*TEX_FILES[name])) for name in TEX_FILES]


def ffmpeg_program() -> str:
    """The ffmpeg the video writers use: $IMAGEIO_FFMPEG_EXE, else the one
    imageio-ffmpeg ships (ImportError or RuntimeError when there is none)."""
    chosen = chosen_ffmpeg()
    if chosen:
        return chosen
    import imageio_ffmpeg
    return imageio_ffmpeg.get_ffmpeg_exe()


def ffmpeg_checks() -> list[Check]:
    try:
        ffmpeg = ffmpeg_program()
    except (ImportError, RuntimeError) as error:
        return [Check("ffmpeg", False, f"not available ({error}). {FFMPEG_HINT}")]
    listing = subprocess.run([ffmpeg, "-hide_banner", "-encoders"], capture_output=True,
                             text=True).stdout
    encoders = {line.split()[1] for line in listing.splitlines() if len(line.split()) > 1}
    checks = [Check("ffmpeg", True, ffmpeg)]
    for encoder, suffix in VIDEO_ENCODERS.items():
        found = encoder in encoders
        checks.append(Check(encoder, found, f"encodes {suffix}" if found else
                            f"missing from {ffmpeg}, so {suffix} cannot be written. "
                            + FFMPEG_HINT))
    return checks


def native_checks() -> list[Check]:
    """The native renderer: resvg draws a test frame with the shipped fonts."""
    from .render.native_png import FONT_DIR
    fonts = sorted(FONT_DIR.glob("*.otf"))
    checks = [Check("fonts", bool(fonts), f"{len(fonts)} Latin Modern faces in {FONT_DIR}"
                    if fonts else f"missing from {FONT_DIR}; reinstall convarith")]
    try:
        from .render.native_png import svg_to_image
        image = svg_to_image('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8">'
                             '<rect x="2" y="2" width="4" height="4" fill="#000"/></svg>')
        drawn = image.getpixel((4, 4)) == (0, 0, 0) and image.getpixel((0, 0)) == (255,) * 3
        checks.append(Check("resvg", drawn, "draws the native frames" if drawn else
                            "installed, but drew a test frame wrongly; reinstall it "
                            "('pip install --force-reinstall resvg')"))
    except Exception as error:  # any failure of the rasteriser is the finding here
        checks.append(Check("resvg", False, f"cannot draw ({error})"))
    return checks


def renderer_summary(checks: list[Check]) -> list[Check]:
    """One line per renderer: can it draw here?"""
    ok = {check.name: check.ok for check in checks}
    native = ok.get("fonts", False) and ok.get("resvg", False)
    tex = all(ok.get(name, False) for name in ("pdflatex", "pdftoppm", "pdfinfo")) and all(
        ok.get(name, True) for name in TEX_FILES)
    return [Check("renderer native", native, "ready (the default of convarith animate "
                  "and the API)" if native else "cannot draw: see the lines above"),
            Check("renderer tex", tex, "ready (the catalogue and the report)" if tex else
                  "cannot draw: see the lines above; convarith animate and the API fall "
                  "back to the native renderer")]


def all_checks() -> list[Check]:
    checks = native_checks() + program_checks() + tex_checks() + ffmpeg_checks()
    return checks + renderer_summary(checks)


def report(checks: list[Check]) -> str:
    width = max(len(check.name) for check in checks)
    lines = [f"{'ok' if check.ok else 'MISSING':7s} {check.name:{width}s}  {check.detail}"
             for check in checks]
    missing = [check.name for check in checks if not check.ok]
    native_ready = any(check.name == "renderer native" and check.ok for check in checks)
    if not missing:
        lines.append("Everything is in place.")
    elif native_ready and "renderer tex" in missing:
        lines.append(f"Missing: {', '.join(missing)}. The native renderer draws every "
                     "figure and format without them; install them as shown above for "
                     "--renderer tex, make and the report.")
    else:
        lines.append(f"Missing: {', '.join(missing)}. Install them as shown above.")
    return "\n".join(lines)
