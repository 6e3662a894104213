"""The house plan holds: imports between rooms point one way, and no module imports itself round.

Rooms, from the top: `web` and `cli`; `services`; `operations`, `queries`, `search`, `imports`,
`oruk` and `geo`; `models` and `db`; `domain`; then `i18n`, `settings` and the pure `geo.shapes`
that anything may use. A room may import its own floor or any floor below, never one above, and
nothing outside `web` and `cli` imports them.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "finder"
FLOORS = {
    "web": 5, "cli": 5,
    "services": 4,
    "operations": 3, "queries": 3, "evidence": 3, "search": 3, "imports": 3, "oruk": 3, "geo": 3, "migrations": 3,
    "models": 2, "db": 2,
    "domain": 1,
    "i18n": 0, "settings": 0, "geo.shapes": 0, "": 0,
}
TOP_LEVEL_MODULES = {"__init__.py", "settings.py", "db.py", "models.py", "services.py"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def room(module: str) -> str:
    parts = module.split(".")[1:]
    if parts[:2] == ["geo", "shapes"]:
        return "geo.shapes"
    return parts[0] if parts else ""


def imported_modules(path: Path) -> set[str]:
    """The finder modules a file imports (for `from finder.x import y`, finder.x.y when y is a module)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] == "finder")
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and \
                node.module.split(".")[0] == "finder":
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                is_module = (PACKAGE.parent / Path(*candidate.split("."))).with_suffix(".py").exists() or \
                    (PACKAGE.parent / Path(*candidate.split("."))).is_dir()
                found.add(candidate if is_module else node.module)
    return found


def import_graph() -> dict[str, set[str]]:
    graph = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts and "versions" in path.parts:
            continue
        graph[module_name(path)] = imported_modules(path)
    return graph


def test_every_room_has_a_floor():
    rooms = {room(name) for name in import_graph()}
    assert rooms <= set(FLOORS), f"rooms without a floor in this test: {rooms - set(FLOORS)}"


def test_imports_point_one_way():
    upward = []
    for source, targets in import_graph().items():
        for target in targets:
            here, there = room(source), room(target)
            if here == there:
                continue
            if there in ("web", "cli") or FLOORS[there] > FLOORS[here]:
                upward.append(f"{source} -> {target}")
    assert upward == []


def test_no_import_cycles():
    graph = import_graph()
    modules = set(graph)
    edges = defaultdict(set)
    for source, targets in graph.items():
        for target in targets:
            # A package's face (__init__) re-exports its own modules: not a cycle of the house.
            if target in modules and target != source and not source.startswith(target + "."):
                edges[source].add(target)
    cycles, state = [], {}

    def visit(node, path):
        state[node] = "open"
        for nxt in edges[node]:
            if state.get(nxt) == "open":
                cycles.append(path[path.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = "done"

    for module in sorted(modules):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_the_package_top_holds_only_the_shared_foundations():
    assert {path.name for path in PACKAGE.glob("*.py")} == TOP_LEVEL_MODULES


@pytest.mark.parametrize("room_name", ["domain", "operations", "queries", "search", "geo", "imports", "oruk",
                                       "i18n", "cli", "web"])
def test_each_room_says_what_it_owns(room_name):
    init = PACKAGE / room_name / "__init__.py"
    assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), f"{init} has no docstring"
