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


def check_pinned(workflow: str, pinned: dict) -> None:
    """Every action used is the one expected, at its full commit, with its
    version in a comment."""
    uses = re.findall(r"uses:\s*(\S+)@(\S+)(?:\s*#\s*(\S+))?", workflow)
    assert {action for action, _, _ in uses} == set(pinned)
    for action, ref, comment in uses:
        assert (ref, comment) == pinned[action], action


def test_every_action_is_pinned_to_its_commit_with_the_version_in_a_comment():
    check_pinned(WORKFLOW, PINNED)


def test_read_only_token_and_no_persisted_credentials():
    assert re.search(r"^permissions:\n  contents: read$", WORKFLOW, re.MULTILINE)
    assert "persist-credentials: false" in WORKFLOW


def test_ci_lints_before_it_tests():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = re.findall(r"^make [^\n]+", ci, re.MULTILINE)
    # lint first, the suite last; between them only the report it reads is built
    assert commands[0] == "make lint" and commands[-1].startswith("make test ")
    assert all(command.endswith(" report") for command in commands[1:-1])
    steps = re.findall(r"run: (make [^\n]+)", WORKFLOW)
    assert steps[0] == "make lint" and "test" in steps[1]


def test_make_lint_runs_the_three_linters():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert "ruff check" in recipe and "actionlint" in recipe
    assert "zizmor --offline" in recipe


PAGES = (ROOT / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8")
PAGES_PINNED = {
    "actions/checkout": PINNED["actions/checkout"],
    "actions/setup-python": PINNED["actions/setup-python"],
    "actions/upload-pages-artifact": ("fc324d3547104276b827a68afc52ff2a11cc49c9", "v5.0.0"),
    "actions/deploy-pages": ("cd2ce8fcbc39b97be8ca5fce6e763baed58fa128", "v5.0.0"),
}


def test_the_pages_workflow_pins_its_actions_to_commits():
    check_pinned(PAGES, PAGES_PINNED)


def test_only_the_deploy_job_may_publish():
    top, jobs = PAGES.split("\njobs:\n", 1)
    assert re.search(r"^permissions:\n  contents: read$", top, re.MULTILINE)
    build, deploy = jobs.split("\n  deploy:\n", 1)
    assert "permissions" not in build and "persist-credentials: false" in build
    granted = re.findall(r"^      (\S+): (\S+)", deploy.split("permissions:\n", 1)[1],
                         re.MULTILINE)[:2]
    assert sorted(granted) == [("id-token", "write"), ("pages", "write")]
    assert "environment:\n      name: github-pages" in deploy


def test_pages_publishes_what_make_site_builds_on_pushes_to_main():
    assert re.search(r"push:\n    branches: \[main\]", PAGES)
    assert re.search(r"run: make (-j\d+ )?site$", PAGES, re.MULTILINE)
    assert "path: site/" in PAGES
