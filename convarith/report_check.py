"""Exit 0 if the PDF named on the command line is complete, 1 if not.

Make runs it on the report before moving it into place: a pdflatex run that
was killed can leave a PDF cut short that latexmk would take as up to date.
"""

from __future__ import annotations

import sys
from pathlib import Path


def pdf_complete(path: Path) -> bool:
    """Whether `path` is a PDF that parses to the end, with every page readable."""
    from pypdf import PdfReader
    try:
        with open(path, "rb") as handle:
            handle.seek(0, 2)
            handle.seek(max(handle.tell() - 1024, 0))
            if b"%%EOF" not in handle.read():
                return False
        reader = PdfReader(path, strict=True)
        return len(reader.pages) > 0 and all(page.mediabox for page in reader.pages)
    except Exception:    # any failure to read means incomplete
        return False


if __name__ == "__main__":
    sys.exit(0 if len(sys.argv) == 2 and pdf_complete(Path(sys.argv[1])) else 1)
