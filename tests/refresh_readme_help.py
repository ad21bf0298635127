"""Rewrite the README's `convarith ... --help` blocks from the parsers.

Run after changing a flag or a help text, and review the diff:
    python tests/refresh_readme_help.py
"""

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
README = ROOT / "README.md"
#: The width the blocks are formatted for (argparse reads $COLUMNS).
HELP_COLUMNS = "80"
BLOCK = re.compile(r"(<summary><code>(convarith(?: [a-z]+)?) --help</code></summary>\n\n```\n)"
                   r"(.*?)(```)", re.DOTALL)


def help_texts() -> dict:
    """{'convarith': text, 'convarith animate': text, ...} at HELP_COLUMNS."""
    os.environ["COLUMNS"] = HELP_COLUMNS
    from convarith.console import top_parser, subcommand_parsers
    texts = {"convarith": top_parser().format_help()}
    for name, parser in subcommand_parsers().items():
        texts[f"convarith {name}"] = parser.format_help()
    return texts


def readme_blocks(text: str) -> dict:
    return {match.group(2): match.group(3) for match in BLOCK.finditer(text)}


def refreshed(text: str) -> str:
    texts = help_texts()
    return BLOCK.sub(lambda m: m.group(1) + texts[m.group(2)] + m.group(4), text)


if __name__ == "__main__":
    README.write_text(refreshed(README.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"rewrote the help blocks of {README}")
