"""`convarith doctor`: is every program and package the figures need in place?"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass

from .errors import ParameterError
from .files import cache_subdir
from .render.tools import PROGRAMS, TEX_FILES, install_hint, missing_tex_files
from .settings import (FFMPEG_ENV, MAX_STEPS_ENV, PDFLATEX_ENV, TEX_FORMAT_ENV, cache_dir,
                       chosen_ffmpeg, max_steps, pdflatex_program, setting_problem,
                       tex_format_problem)

#: How long a program may take to list what it can do.
PROBE_SECONDS = 30

#: Encoders the video writers use, from imageio-ffmpeg's own ffmpeg.
VIDEO_ENCODERS = {"libx264": ".mp4", "libvpx-vp9": ".webm"}
FFMPEG_HINT = ("Install it with 'pip install imageio-ffmpeg' (it ships its own ffmpeg; "
               f"set {FFMPEG_ENV} to use another one).")


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


#: How each program is asked who it is, and what its answer begins with.
IDENTITIES = {"pdflatex": ("--version", "pdfTeX"), "pdftoppm": ("-v", "pdftoppm version"),
              "pdfinfo": ("-v", "pdfinfo version"), "pdftocairo": ("-v", "pdftocairo version")}


def _not_itself(program: str, path: str) -> str | None:
    """Why the program at `path` is not a working `program`, or None: a
    setting may name any program, or one that fails at once."""
    flag, answer = IDENTITIES[program]
    try:
        result = subprocess.run([path, flag], capture_output=True, stdin=subprocess.DEVNULL,
                                timeout=PROBE_SECONDS)
    except subprocess.TimeoutExpired:
        return f"did not answer '{flag}' within {PROBE_SECONDS} s"
    except OSError as error:
        return f"cannot be run ({error.strerror or error})"
    said = (result.stdout + result.stderr).decode("utf-8", "replace")
    if result.returncode != 0 or answer not in said:
        first = (said.strip().splitlines() or ["nothing"])[0][:80]
        return (f"answered '{flag}' with exit status {result.returncode} and "
                f"{first!r}, not as {program} does")
    return None


def _program_check(program: str, command: str | None, variable: str) -> Check:
    """Whether `program` (or the `command` that $`variable` names) can be run,
    and answers as that program."""
    entry = PROGRAMS[program]
    path = shutil.which(command or program)
    if path is not None:
        problem = _not_itself(program, path)
        where = f"{path} (from {variable})" if command else path
        if problem is None:
            return Check(program, True, where)
        fix = (f"point {variable} at {program}, or unset it to use the {program} on PATH."
               if command else "reinstall it. " + install_hint(*entry[1:]))
        return Check(program, False, f"{where} {problem}; {fix}")
    if command and command != program:     # (make exports PDFLATEX=pdflatex)
        return Check(program, False, f"{variable} is set to '{command}', which "
                     f"{setting_problem(command)}; point it at {program}, or unset it to "
                     f"use the {program} on PATH.")
    return Check(program, False, f"missing; it {entry[0]}. " + install_hint(*entry[1:]))


def program_checks() -> list[Check]:
    checks = [_program_check("pdflatex", pdflatex_program(), PDFLATEX_ENV)]
    for program in ("pdftoppm", "pdfinfo", "pdftocairo"):
        checks.append(_program_check(program, None, ""))
    return checks


def tex_checks() -> list[Check]:
    if shutil.which(pdflatex_program() or "pdflatex") is None:
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
    chosen = chosen_ffmpeg()
    if chosen and setting_problem(chosen):
        return [Check("ffmpeg", False, f"{FFMPEG_ENV} is set to '{chosen}', which "
                      f"{setting_problem(chosen)}, so no video can be written; point it "
                      "at an ffmpeg program, or unset it to use the one imageio-ffmpeg "
                      "ships.")]
    try:
        ffmpeg = ffmpeg_program()
        listing = subprocess.run([ffmpeg, "-hide_banner", "-encoders"], capture_output=True,
                                 text=True, stdin=subprocess.DEVNULL,
                                 timeout=PROBE_SECONDS).stdout
    except (ImportError, RuntimeError) as error:
        return [Check("ffmpeg", False, f"not available ({error}). {FFMPEG_HINT}")]
    except (OSError, subprocess.TimeoutExpired) as error:
        reason = (f"did not answer within {PROBE_SECONDS} s"
                  if isinstance(error, subprocess.TimeoutExpired)
                  else f"cannot be run ({error.strerror or error})")
        return [Check("ffmpeg", False, f"{ffmpeg} {reason}. {FFMPEG_HINT}")]
    encoders = {line.split()[1] for line in listing.splitlines() if len(line.split()) > 1}
    checks = [Check("ffmpeg", True, ffmpeg)]
    for encoder, suffix in VIDEO_ENCODERS.items():
        found = encoder in encoders
        checks.append(Check(encoder, found, f"encodes {suffix}" if found else
                            f"missing from {ffmpeg}, so {suffix} cannot be written. "
                            + FFMPEG_HINT))
    return checks


def settings_checks() -> list[Check]:
    """The settings read from the environment: each one the commands would refuse."""
    checks = []
    try:
        limit = max_steps()
        checks.append(Check(MAX_STEPS_ENV, True, f"{limit} steps at most"))
    except ParameterError as error:
        checks.append(Check(MAX_STEPS_ENV, False, str(error)))
    cache = cache_dir()
    detail = f"{cache}"
    if os.environ.get("XDG_CACHE_HOME") and not os.path.isabs(os.environ["XDG_CACHE_HOME"]):
        detail += (f" (XDG_CACHE_HOME is the relative path "
                   f"'{os.environ['XDG_CACHE_HOME']}', which is ignored, as the XDG rules say)")
    if cache_subdir("tex") is None:
        detail += ("; it cannot be written, so every figure compiles without the "
                   "preloaded format (slower, the same pages)")
    checks.append(Check("cache", True, detail))
    problem = tex_format_problem()
    if problem is not None:
        checks.append(Check(TEX_FORMAT_ENV, False, problem))
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


def _guarded(name: str, checks) -> list[Check]:
    """`checks()`, or one failed check saying why it could not be made: the
    doctor reports a broken setup, it does not fail on one."""
    try:
        return checks()
    except Exception as error:   # whatever broke is the finding
        return [Check(name, False, f"could not be checked ({type(error).__name__}: {error})")]


def all_checks() -> list[Check]:
    checks = []
    for name, group in (("native renderer", native_checks), ("programs", program_checks),
                        ("TeX files", tex_checks), ("ffmpeg", ffmpeg_checks),
                        ("settings", settings_checks)):
        checks += _guarded(name, group)
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
        lines.append(f"Missing: {', '.join(missing)}. Each line above says how to fix it.")
    return "\n".join(lines)
