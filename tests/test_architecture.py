"""The package's floors: each module imports only from the floors below it, and no cycles.

The layering is written once, here, as data. Modules are read with `ast` (nothing is imported),
so an import inside a function counts as much as one at the top of a module.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "jtai"

# Rungs, lowest first. A unit is a top-level module or subpackage of jtai. A unit may import
# itself and any unit on a lower rung; units on one rung are siblings and import each other not
# at all. Floors 1 and 2 are each a strict order of single units.
RUNGS: tuple[tuple[str, ...], ...] = (
    # floor 1, base: shared services that know nothing of a workspace's store
    ("errors",),
    ("canonical",),
    ("files",),
    ("yamlfile",),
    ("spreadsheet",),
    ("workbook",),
    ("pseudonym",),
    ("workdays",),
    ("anonymity",),
    # floor 2: the store (the only SQL), the audit log (kept in the store), frameworks (plain
    # data), settings (inspection.yaml) and the workspace that ties them together
    ("store",),
    ("audit_keys",),
    ("audit",),
    ("audit_anchors",),
    ("frameworks",),
    ("settings",),
    ("workspace",),
    ("permissions",),
    ("timetable",),
    # floor 3: the areas, siblings (a package not listed anywhere is an area too)
    ("ingest", "linkage", "sampling", "scoring", "synth"),
    # floor 4: reports, and the fictional areas the demo runs on; floor 5: the whole pipeline on
    # sample data; floor 6: the command line
    ("report", "sample_area"),
    ("demo",),
    ("cli", "__main__"),
)
AREAS = RUNGS.index(("ingest", "linkage", "sampling", "scoring", "synth"))

# Imports of jtai's own modules inside a function are allowed only in the CLI (start-up time)
# and where the module imported brings in, at its top, one of these heavy third-party packages.
HEAVY = frozenset(
    {"pandas", "numpy", "pyarrow", "splink", "duckdb", "pydantic", "jinja2", "weasyprint", "matplotlib"}
    | {"openpyxl", "holidays", "scipy", "python_calamine", "msoffcrypto"}
)
LAZY_ALLOWED_IN = ("cli",)


@dataclass(frozen=True)
class Edge:
    """One import of a jtai module by another."""

    source: str
    target: str
    line: int
    in_function: bool
    type_only: bool = False


def module_names(package: Path = PACKAGE) -> dict[str, tuple[Path, bool]]:
    """Every module of the package by dotted name, with its file and whether it is a package."""
    names: dict[str, tuple[Path, bool]] = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        names[".".join(parts)] = (path, is_package)
    return names


def _import_statements(tree: ast.AST) -> list[tuple[ast.Import | ast.ImportFrom, bool, bool]]:
    """Every import statement of a module: (statement, inside a function, under TYPE_CHECKING)."""
    found: list[tuple[ast.Import | ast.ImportFrom, bool, bool]] = []

    def visit(node: ast.AST, in_function: bool, type_only: bool) -> None:
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append((node, in_function, type_only))
            return
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            in_function = True
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                visit(child, in_function, True)
            for child in node.orelse:
                visit(child, in_function, type_only)
            return
        for child in ast.iter_child_nodes(node):
            visit(child, in_function, type_only)

    visit(tree, False, False)
    return found


def _parsed(path: Path) -> ast.Module:
    """A module's syntax tree (parsed once per text)."""
    return _parse(path.read_text(encoding="utf-8"))


@functools.cache
def _parse(text: str) -> ast.Module:
    return ast.parse(text)


def imports(package: Path = PACKAGE) -> list[Edge]:
    """Every import of a jtai module by a jtai module, resolved to the module it names.

    Imports under ``if TYPE_CHECKING:`` count: a type from a higher floor is as much a tie.
    """
    names = module_names(package)
    edges: list[Edge] = []
    for name, (path, is_package) in names.items():
        here = name if is_package else name.rpartition(".")[0]
        for node, in_function, type_only in _import_statements(_parsed(path)):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                if node.level:
                    base = here.split(".")[: len(here.split(".")) - (node.level - 1)]
                    module = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    module = node.module or ""
                # `from jtai.x import y` names module jtai.x.y when y is a module, else jtai.x
                targets = [
                    f"{module}.{alias.name}" if f"{module}.{alias.name}" in names else module
                    for alias in node.names
                ]
            for target in dict.fromkeys(targets):
                while target and target not in names:  # `import jtai.x.y` where y is a name
                    target = target.rpartition(".")[0]
                if target.startswith("jtai") and target not in (name, "jtai"):
                    edges.append(Edge(name, target, node.lineno, in_function, type_only))
    return edges


def heavy_at_top(package: Path = PACKAGE) -> set[str]:
    """The modules whose import brings in a heavy third-party package (directly or through jtai)."""
    names = module_names(package)
    heavy: set[str] = set()
    for name, (path, _) in names.items():
        for node, in_function, type_only in _import_statements(_parsed(path)):
            if in_function or type_only:
                continue
            if isinstance(node, ast.Import):
                tops = {alias.name.split(".")[0] for alias in node.names}
            elif not node.level:
                tops = {(node.module or "").split(".")[0]}
            else:
                continue
            if tops & HEAVY:
                heavy.add(name)
    running = [e for e in imports(package) if not e.in_function and not e.type_only]
    # importing jtai.a.b runs jtai.a (its package) first
    parents = [Edge(n, n.rpartition(".")[0], 0, False) for n in names if n.count(".") > 1]
    grew = True
    while grew:
        before = len(heavy)
        heavy |= {e.source for e in [*running, *parents] if e.target in heavy}
        grew = len(heavy) > before
    return heavy


def unit(module: str) -> str:
    """The top-level module or subpackage a module belongs to (`jtai.store.core` -> `store`)."""
    return module.split(".")[1] if "." in module else module


def rung(module: str) -> int:
    """The rung of a module's unit; a package not listed is an area (floor 3)."""
    name = unit(module)
    for index, units in enumerate(RUNGS):
        if name in units:
            return index
    return AREAS


def forbidden(edges: list[Edge]) -> list[str]:
    """The imports that go up a floor or across sibling areas, as readable lines."""
    wrong: list[str] = []
    for edge in edges:
        here, there = unit(edge.source), unit(edge.target)
        if here == there:
            continue
        if rung(edge.target) >= rung(edge.source):
            wrong.append(f"{edge.source}:{edge.line} imports {edge.target}")
    return wrong


def cycles(edges: list[Edge]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    graph: dict[str, set[str]] = {}
    for edge in edges:
        graph.setdefault(edge.source, set()).add(edge.target)
        graph.setdefault(edge.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for after in sorted(graph[node]):
            if after not in index:
                visit(after)
                low[node] = min(low[node], low[after])
            elif after in on_stack:
                low[node] = min(low[node], index[after])
        if low[node] == index[node]:
            group: list[str] = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def lazy(edges: list[Edge], heavy: set[str]) -> list[str]:
    """Imports of jtai modules inside functions that neither the CLI nor a heavy import explains."""
    return [
        f"{edge.source}:{edge.line} imports {edge.target} inside a function"
        for edge in edges
        if edge.in_function and unit(edge.source) not in LAZY_ALLOWED_IN and edge.target not in heavy
    ]


# Every .xlsx is written by jtai.workbook; elsewhere openpyxl may only open a workbook to read it.
OPENPYXL_READS = frozenset({"load_workbook"})


def xlsx_writers(package: Path = PACKAGE) -> list[str]:
    """Uses of openpyxl outside jtai.workbook other than ``load_workbook`` (which only reads)."""
    found = []
    for name, (path, _) in module_names(package).items():
        if unit(name) == "workbook":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "openpyxl":
                found += [
                    f"{name}:{node.lineno} imports {node.module}.{alias.name}"
                    for alias in node.names
                    if node.module != "openpyxl" or alias.name not in OPENPYXL_READS
                ]
            elif isinstance(node, ast.Import):
                found += [
                    f"{name}:{node.lineno} imports {alias.name}"
                    for alias in node.names
                    if alias.name.startswith("openpyxl.")
                ]
            elif (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "openpyxl"
                and node.attr not in OPENPYXL_READS
            ):
                found.append(f"{name}:{node.lineno} uses openpyxl.{node.attr}")
    return found


@pytest.fixture(scope="module")
def edges() -> list[Edge]:
    """The package's import graph."""
    return imports()


def test_every_listed_unit_exists() -> None:
    """Each unit named in the floors is a module or package of jtai (the data is not stale)."""
    present = {unit(name) for name in module_names()}
    listed = {name for units in RUNGS for name in units}
    assert listed - present - {"__main__"} == set()


def test_no_import_goes_up_a_floor_or_across_areas(edges: list[Edge]) -> None:
    """No module imports one on its own floor's sibling areas or on a higher floor."""
    assert forbidden(edges) == []


def test_no_import_cycles(edges: list[Edge]) -> None:
    """No group of jtai modules imports itself round, counting imports inside functions."""
    assert cycles(edges) == []


def test_own_modules_are_imported_at_the_top(edges: list[Edge]) -> None:
    """A jtai module is imported inside a function only in the CLI or to defer a heavy package."""
    assert lazy(edges, heavy_at_top()) == []


def test_only_the_workbook_module_writes_xlsx() -> None:
    """No module but jtai.workbook uses openpyxl to write; others only read with load_workbook."""
    assert xlsx_writers() == []


def test_checks_find_what_they_are_for(tmp_path: Path) -> None:
    """On a made-up package, each check reports the upward import (typing too), the cycle, the lazy one."""
    package = tmp_path / "jtai"
    (package / "store").mkdir(parents=True)
    (package / "ingest").mkdir()
    (package / "linkage").mkdir()
    for init in ("", "store", "ingest", "linkage"):
        (package / init / "__init__.py").write_text("")
    (package / "errors.py").write_text("from jtai.store import core\n")
    (package / "store" / "core.py").write_text("from . import schema\n")
    (package / "store" / "schema.py").write_text("def f():\n    from jtai.store.core import x\n")
    (package / "ingest" / "load.py").write_text("from jtai.linkage.run import go\n")
    (package / "linkage" / "run.py").write_text("go = 1\n")
    (package / "newarea.py").write_text("from jtai import ingest\n")
    (package / "store" / "hints.py").write_text("if TYPE_CHECKING:\n    from jtai.ingest import load\n")
    found = imports(package)
    assert forbidden(found) == [
        "jtai.errors:1 imports jtai.store.core",
        "jtai.ingest.load:1 imports jtai.linkage.run",
        "jtai.newarea:1 imports jtai.ingest",
        "jtai.store.hints:2 imports jtai.ingest.load",
    ]
    assert cycles(found) == [["jtai.store.core", "jtai.store.schema"]]
    assert lazy(found, heavy_at_top(package)) == [
        "jtai.store.schema:2 imports jtai.store.core inside a function"
    ]
    (package / "ingest" / "read.py").write_text("def f(p):\n    from openpyxl import load_workbook\n")
    (package / "ingest" / "write.py").write_text(
        "import openpyxl\nfrom openpyxl.styles import Font\nbook = openpyxl.Workbook()\n"
        "rows = openpyxl.load_workbook('x.xlsx')\n"
    )
    assert xlsx_writers(package) == [
        "jtai.ingest.write:2 imports openpyxl.styles.Font",
        "jtai.ingest.write:3 uses openpyxl.Workbook",
    ]
    (package / "linkage" / "run.py").write_text("import pandas\ngo = 1\n")
    (package / "ingest" / "load.py").write_text("def f():\n    from jtai.linkage.run import go\n")
    assert "jtai.linkage.run" in heavy_at_top(package)
    assert lazy(imports(package), heavy_at_top(package)) == [
        "jtai.store.schema:2 imports jtai.store.core inside a function"
    ]
