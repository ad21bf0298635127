"""`make site`: the web site of the project, built into site/ (a static directory).

  index.html     the gallery: every catalogue animation as a player
  explore.html   the explorer: any layer, drawn in the browser by Pyodide
  conv_arithmetic.pdf   the report, when it was built
  pyodide/, py/  Python for the browser (from npm) and our wheel

The whole site is built in a directory beside the target and moved into
place when complete, so a failed or interrupted build leaves the previous
site as it was.  Run as `python -m convarith.site --help`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
from pathlib import Path
from typing import Sequence

from .errors import ParameterError

TEMPLATES = Path(__file__).resolve().parent / "site_templates"
ROOT = Path(__file__).resolve().parent.parent
#: The file that marks a directory as a site of ours: only such a directory
#: is replaced by a new build.
MARKER = ".convarith-site"
REPORT = "conv_arithmetic.pdf"
#: The gallery's sections: the catalogue's lists, in its order.
SECTIONS = (("classic", "The classic animations", "CLASSIC"),
            ("extended", "Rectangles, dilation and transposed sizes", "EXTENDED"),
            ("channels", "Channels and groups", "CHANNELS"),
            ("padding-and-pooling", "Padding modes and pooling", "PADDING_AND_POOLING"))
#: Widths in pixels past which a figure takes two columns of the gallery
#: (a column is about 400 pixels wide on a laptop's screen).
WIDE_FIGURE, WIDE_NUMBERS = 550, 450
DEFAULT_LAYER, DEFAULT_INPUT = "Conv2d(1, 1, 3, stride=2, padding=1)", "5"
PAGE_POLICY = ("default-src 'self'; style-src 'self' 'unsafe-inline'; "
               "script-src 'unsafe-inline'; img-src 'self' data:")
#: Pyodide compiles WebAssembly and runs the player's script, inserted anew
#: with each figure; it fetches only from the site (connect-src).
EXPLORER_POLICY = ("default-src 'self'; style-src 'self' 'unsafe-inline'; "
                   "script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; "
                   "connect-src 'self'; img-src 'self' data:")
NO_REPORT = ("The site is built without the report (make site leaves it out where "
             "pdflatex is not installed). Install TeX Live ('make setup' does on "
             "Debian/Ubuntu) and run make site again to include it.")
#: What the gallery says in its place.
NO_REPORT_NOTE = "This build of the site has no report: it was built without TeX."


def gallery_entries(names: Sequence[str] | None):
    """The catalogue's entries by section, all of them or those named."""
    from .model import catalogue
    known = {entry.name for entry in catalogue.CATALOGUE}
    unknown = [name for name in names or () if name not in known]
    if unknown:
        raise ParameterError(f"--gallery names animations of the catalogue (see 'convarith "
                             f"list'); {', '.join(unknown)} is not one.")
    sections = []
    for anchor, title, attribute in SECTIONS:
        entries = [entry for entry in getattr(catalogue, attribute)
                   if names is None or entry.name in names]
        if entries:
            sections.append((anchor, title, entries))
    return sections


def _wide(entry, player: str) -> bool:
    """Whether a player takes two columns of the gallery: a figure whose
    numbers would be too small to read in one."""
    width = int(re.search(r'<svg width="(\d+)"', player).group(1))
    return width > WIDE_FIGURE or (entry.kind == "numerical" and width > WIDE_NUMBERS)


def gallery_sections(names: Sequence[str] | None) -> list:
    """Each section with its players (style and script left to the page)."""
    from .animation import Animation
    from .cli import catalogue_spec
    from .export.player import player_fragment
    sections = []
    for anchor, title, entries in gallery_entries(names):
        players = []
        for entry in entries:
            player = player_fragment(Animation(catalogue_spec(entry)), assets=False)
            players.append({"name": entry.name, "kind": entry.kind, "player": player,
                            "wide": _wide(entry, player)})
        sections.append({"id": anchor, "title": title, "players": players})
    return sections


def _environment():
    import jinja2
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                              autoescape=jinja2.select_autoescape(["html", "j2"]),
                              trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=True)


def _size_text(count: int) -> str:
    return f"{count / 2 ** 20:.1f} MB" if count >= 2 ** 20 else f"{count // 1024} KB"


def render_pages(sections: list, wheel: str, report: Path | None) -> dict:
    """{file name: text} of the site's pages, its style and its script."""
    from .export.player import player_assets
    from .model.geometry import PADDING_MODES
    from .site_assets import PYODIDE_VERSION
    from .version import __version__
    environment = _environment()
    common = dict(version=__version__, pyodide_version=PYODIDE_VERSION,
                  report=REPORT if report else None,
                  report_size=_size_text(report.stat().st_size) if report else "")
    style, script = player_assets()
    config = json.dumps({"wheel": f"py/{wheel}", "pyodide": "./pyodide/pyodide.mjs",
                         "defaultLayer": DEFAULT_LAYER, "defaultInput": DEFAULT_INPUT})
    return {
        "index.html": environment.get_template("index.html.j2").render(
            common, page="gallery", title="Gallery", policy=PAGE_POLICY, sections=sections,
            count=sum(len(section["players"]) for section in sections),
            player_style=style, player_script=script, report_note=NO_REPORT_NOTE),
        "explore.html": environment.get_template("explore.html.j2").render(
            common, page="explorer", title="Explorer", policy=EXPLORER_POLICY,
            config=config.replace("<", "\\u003c"), default_layer=DEFAULT_LAYER,
            default_input=DEFAULT_INPUT, kinds=("Conv2d", "ConvTranspose2d", "MaxPool2d",
                                                "AvgPool2d"),
            padding_modes=PADDING_MODES),
        "site.css": (TEMPLATES / "site.css").read_text(encoding="utf-8"),
        "explorer.js": (TEMPLATES / "explorer.js").read_text(encoding="utf-8"),
        "favicon.svg": (TEMPLATES / "favicon.svg").read_text(encoding="utf-8"),
    }


def _check_target(target: Path) -> None:
    if target.exists() and (not target.is_dir() or (
            any(target.iterdir()) and not (target / MARKER).exists())):
        raise ParameterError(f"{target} exists and is not a site built by make site; the "
                             "build replaces its target as a whole, so give another --out "
                             "(or remove it yourself).")


def build_site(target: Path, report: Path | None, names: Sequence[str] | None,
               cache: Path, source: Path = ROOT) -> Path:
    """Build the site into `target`, replacing the site there (if any) when complete."""
    from .site_assets import build_wheel, copy_pyodide
    target = Path(target).resolve()
    _check_target(target)
    gallery_entries(names)              # refuse an unknown name before any download
    if report is not None and not report.is_file():
        raise ParameterError(f"The report {report} does not exist: run make (which builds "
                             "it) first, or build the site with --no-report.")
    _sweep_dead_builds(target)
    staging = target.with_name(f".{target.name}.build-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        staging.mkdir(parents=True)
        copy_pyodide(Path(cache), staging / "pyodide")
        wheel = build_wheel(source, staging / "py")
        for name, text in render_pages(gallery_sections(names), wheel.name, report).items():
            (staging / name).write_text(text, encoding="utf-8")
        if report is not None:
            shutil.copyfile(report, staging / REPORT)
        (staging / MARKER).write_text("built by make site\n", encoding="utf-8")
        _replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _sweep_dead_builds(target: Path) -> None:
    """Remove what killed builds of `target` left beside it: their staging
    directories and the sites they were replacing (a running build's stay)."""
    from .files import process_alive
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.(build|old)-(?P<pid>[0-9]+)$")
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return
    for entry in entries:
        match = pattern.match(entry.name)
        if match and int(match["pid"]) != os.getpid() and not process_alive(
                int(match["pid"])) and entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)


def _replace(staging: Path, target: Path) -> None:
    """Move the complete site into place; the old one goes only after."""
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def site_files(target: Path) -> tuple[int, int]:
    """(files, bytes) of a built site."""
    files = [path for path in Path(target).rglob("*") if path.is_file()
             and path.name != MARKER]
    return len(files), sum(path.stat().st_size for path in files)


def parser() -> argparse.ArgumentParser:
    from .cli import ArgumentParser
    result = ArgumentParser(prog="python -m convarith.site",
                            description="Build the web site: the gallery of players, the "
                                        "report and the explorer.")
    result.add_argument("--out", type=Path, default=Path("site"),
                        help="the site's directory (default: site)")
    report = result.add_mutually_exclusive_group(required=True)
    report.add_argument("--report", type=Path, help=f"the report to include ({REPORT})")
    report.add_argument("--no-report", action="store_true",
                        help="build without the report (where pdflatex is missing)")
    result.add_argument("--gallery", metavar="NAMES",
                        help="comma-separated catalogue names: a smaller gallery (default: "
                             "every animation)")
    result.add_argument("--cache", type=Path, default=Path("build") / "site-cache",
                        help="where the Pyodide tarball from npm is kept between builds "
                             "(default: build/site-cache)")
    return result


def main(argv: Sequence[str]) -> int:
    args = parser().parse_args(argv)
    names = None if args.gallery is None else [
        name.strip() for name in args.gallery.split(",") if name.strip()]
    if args.no_report:
        print(f"site: {NO_REPORT}", file=sys.stderr)
    target = build_site(args.out, None if args.no_report else args.report, names, args.cache)
    files, size = site_files(target)
    print(f"site: built {target} ({files} files, {size / 10 ** 6:.1f} MB); serve it with "
          f"'python3 -m http.server -d {args.out}' and open http://localhost:8000/",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    from .cli import run
    sys.exit(run(main, prog="site"))
