"""The CI workflow: actions pinned to full commits, least privilege, lint before tests.
(make lint runs actionlint and zizmor on it; this pins down our own choices.)"""

import re

from test_bad_input import ROOT

WORKFLOW = (ROOT / ".github" / "workflows" / "figures.yml").read_text(encoding="utf-8")
PINNED = {
    "actions/checkout": ("3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1"),
    "actions/setup-python": ("5fda3b95a4ea91299a34e894583c3862153e4b97", "v7.0.0"),
    "actions/upload-artifact": ("bbbca2ddaa5d8feaa63e36b76fdaad77386f024f", "v7.0.0"),
}


def test_every_action_is_pinned_to_its_commit_with_the_version_in_a_comment():
    uses = re.findall(r"uses:\s*(\S+)@(\S+)(?:\s*#\s*(\S+))?", WORKFLOW)
    assert {action for action, _, _ in uses} == set(PINNED)
    for action, ref, comment in uses:
        assert (ref, comment) == PINNED[action], action


def test_read_only_token_and_no_persisted_credentials():
    assert re.search(r"^permissions:\n  contents: read$", WORKFLOW, re.MULTILINE)
    assert "persist-credentials: false" in WORKFLOW


def test_ci_lints_before_it_tests():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = re.findall(r"^make \S+", ci, re.MULTILINE)
    assert commands == ["make lint", "make test"]
    steps = re.findall(r"run: (make [^\n]+)", WORKFLOW)
    assert steps[0] == "make lint" and "test" in steps[1]


def test_make_lint_runs_the_three_linters():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert "ruff check" in recipe and "actionlint" in recipe
    assert "zizmor --offline" in recipe
