"""The package's imports run down the data flow and never in a circle.

Every module is parsed (not imported), and every import in it counts: at
module level, inside functions, relative or absolute.  The stages, first to
last: front doors -> export -> render -> scene -> model; the base modules
(errors, settings, files, version) may be imported by every stage and import
only each other.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "convarith"

BASE = {"errors", "settings", "files", "version"}
FRONT_DOORS = {"__init__", "__main__", "cli", "commands", "console", "api", "chain",
               "modules",
               "animation", "build", "makefile", "doctor", "check_figures",
               "report_check", "report_figures", "stages", "explorer", "site",
               "site_assets"}
#: Stages in the order data flows through them; a module may import its own
#: stage and the ones before it, never a later one.
ORDER = ("base", "model", "scene", "render", "export", "front door")
ROOMS = ("model", "scene", "render", "export")


def module_names(root: Path, package: str = PACKAGE) -> dict[str, Path]:
    """{dotted module name: file} for every module of the package."""
    names = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join(parts)] = path
    return names


def _is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules that module `name` imports, wherever in it."""
    found = set()
    here = name if _is_package(path) else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here.split(".")
                base = base[:len(base) - (node.level - 1)]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            # `from X import Y` imports the module X.Y when there is one,
            # else the name Y defined in X.
            targets = [f"{origin}.{alias.name}" if f"{origin}.{alias.name}" in modules
                       else origin for alias in node.names]
        else:
            continue
        for target in targets:
            # `import convarith.a.b` runs convarith.a.b: take the longest known name.
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    modules = module_names(root)
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def stage_of(name: str) -> str | None:
    """The stage a module belongs to, by its room or, at the top, its name."""
    parts = name.split(".")[1:]
    if not parts:
        return "front door"          # the package itself: the public API
    if parts[0] in ROOMS:
        return parts[0]
    if len(parts) == 1 and parts[0] in BASE:
        return "base"
    if len(parts) == 1 and parts[0] in FRONT_DOORS:
        return "front door"
    return None


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as [a, b, ..., a], or None."""
    state: dict[str, int] = {}       # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            cycle = visit(start)
            if cycle:
                return cycle
    return None


def order_violations(graph: dict[str, set[str]]) -> list[str]:
    """Imports that run against the flow, as readable lines."""
    wrong = []
    for importer, targets in sorted(graph.items()):
        for target in sorted(targets):
            a, b = stage_of(importer), stage_of(target)
            if a is None or b is None:
                continue             # reported by the test of stage assignment
            allowed = b == "base" if a == "base" else ORDER.index(b) <= ORDER.index(a)
            if not allowed:
                wrong.append(f"{importer} ({a}) imports {target} ({b})")
    return wrong


GRAPH = import_graph()


def test_the_graph_sees_the_imports_it_must():
    """The parser finds relative, absolute and function-level imports (a
    graph without edges would pass the other tests trivially)."""
    assert len(GRAPH) > 30
    assert f"{PACKAGE}.errors" in GRAPH[f"{PACKAGE}.model.spec"]
    assert f"{PACKAGE}.model.spec" in GRAPH[f"{PACKAGE}.render.tikz"]
    # `from .render.latex import compile_tex` inside a function of build.py
    assert f"{PACKAGE}.render.latex" in GRAPH[f"{PACKAGE}.build"]


def test_every_module_has_a_stage():
    assert [name for name in GRAPH if stage_of(name) is None] == []


def test_no_import_cycle():
    cycle = find_cycle(GRAPH)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_imports_run_down_the_flow():
    assert order_violations(GRAPH) == []


def test_the_checks_catch_a_cycle_and_an_import_against_the_flow():
    graph = {"convarith.model.spec": {"convarith.cli"}, "convarith.cli": {"convarith.model.spec"},
             "convarith.render.tikz": {"convarith.export.gif"}, "convarith.export.gif": set()}
    assert find_cycle(graph) == ["convarith.cli", "convarith.model.spec", "convarith.cli"]
    assert order_violations(graph) == [
        "convarith.model.spec (model) imports convarith.cli (front door)",
        "convarith.render.tikz (render) imports convarith.export.gif (export)"]


@pytest.mark.parametrize("statement", [
    "import convarith",
    "import convarith.model.catalogue, convarith.makefile, convarith.cli",
])
def test_the_package_and_the_catalogue_need_only_the_standard_library(statement):
    """bin/generate_makefile runs on a bare python3."""
    code = (f"import sys; {statement}; "
            "print(sorted({m.partition('.')[0] for m in sys.modules} & "
            "{'jinja2', 'numpy', 'PIL', 'pypdf', 'pdf2image', 'imageio'}))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == "[]"
