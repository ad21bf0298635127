"""External programs the pipeline needs, and how to install each one.

Stdlib only: `bin/setup` uses this before any Python package is installed.
"""

from __future__ import annotations

import shutil
import subprocess

from ..errors import ToolError

# Debian/Ubuntu packages that together provide everything the build runs.
DEBIAN_PACKAGES = ("texlive-latex-base", "texlive-latex-recommended",
                   "texlive-latex-extra", "texlive-pictures",
                   "texlive-fonts-recommended", "latexmk", "poppler-utils")

PROGRAMS = {
    # program: (what it is for, Debian/Ubuntu, Fedora, macOS)
    "pdflatex": ("compiles the TikZ figures and the report",
                 "sudo apt-get install texlive-latex-base",
                 "sudo dnf install texlive-scheme-basic",
                 "brew install --cask mactex-no-gui"),
    "pdftoppm": ("rasterises PDF pages to PNG",
                 "sudo apt-get install poppler-utils",
                 "sudo dnf install poppler-utils",
                 "brew install poppler"),
    "pdfinfo": ("counts the pages of the PDFs to rasterise",
                "sudo apt-get install poppler-utils",
                "sudo dnf install poppler-utils",
                "brew install poppler"),
    "pdftocairo": ("converts PDF to SVG (storyboards, --svg-frames)",
                   "sudo apt-get install poppler-utils",
                   "sudo dnf install poppler-utils",
                   "brew install poppler"),
    "latexmk": ("runs pdflatex and bibtex for the report",
                "sudo apt-get install latexmk",
                "sudo dnf install latexmk",
                "brew install --cask mactex-no-gui"),
}

TEX_FILES = {
    # file: (Debian/Ubuntu, Fedora, macOS)
    "standalone.cls": ("sudo apt-get install texlive-latex-extra",
                       "sudo dnf install texlive-standalone",
                       "sudo tlmgr install standalone"),
    "tikz.sty": ("sudo apt-get install texlive-pictures",
                 "sudo dnf install texlive-pgf",
                 "sudo tlmgr install pgf"),
}


def install_hint(debian: str, fedora: str, macos: str) -> str:
    return (f"Install it with '{debian}' on Debian/Ubuntu, '{fedora}' on "
            f"Fedora, or '{macos}' on macOS (or run 'make setup', which "
            "installs everything on Debian/Ubuntu when run as root).")


def missing_program_message(program: str) -> str:
    purpose, *hints = PROGRAMS[program]
    return (f"'{program}' was not found on PATH; it {purpose}. "
            + install_hint(*hints))


def missing_tex_file_message(filename: str) -> str:
    return (f"The TeX file '{filename}' is not installed, so pdflatex cannot "
            "compile the figures. " + install_hint(*TEX_FILES[filename]))


def require_program(program: str, command: str | None = None) -> str:
    """Full path of `command` (default: `program`), or a ToolError saying how to get it."""
    path = shutil.which(command or program)
    if path is None:
        message = missing_program_message(program)
        if command and command != program:
            message = f"'{command}' (set for {program}) was not found. " + message
        raise ToolError(message)
    return path


def missing_tex_files() -> list[str]:
    """TeX files from TEX_FILES that kpsewhich cannot find."""
    kpsewhich = shutil.which("kpsewhich")
    if kpsewhich is None:
        return list(TEX_FILES)
    missing = []
    for filename in TEX_FILES:
        found = subprocess.run([kpsewhich, filename], capture_output=True, text=True)
        if found.returncode != 0 or not found.stdout.strip():
            missing.append(filename)
    return missing
