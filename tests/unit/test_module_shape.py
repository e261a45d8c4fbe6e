"""The codebase's shape, as the developers' guide asks: no import cycle in shared/ (walked with ast over every
import a module runs, those inside functions included; imports for type checking only, under `if TYPE_CHECKING:`,
run nowhere), and no module in shared/, functions/ or infra/ over 250 lines (split by responsibility)."""

from __future__ import annotations

import ast
from pathlib import Path

from infra.settings import ROOT

LAYER = ROOT / "shared"
MAX_LINES = 250


def _module_name(path: Path) -> str:
    parts = path.relative_to(LAYER).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The modules of the layer that `path` imports (`from a import b` counts as a.b when a.b is a module)."""
    found = set()
    for node in _runtime_nodes(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name in modules}


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node but those under `if TYPE_CHECKING:`."""
    nodes, todo = [], [tree]
    while todo:
        node = todo.pop()
        nodes.append(node)
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            todo.extend(node.orelse)
            continue
        todo.extend(ast.iter_child_nodes(node))
    return nodes


def import_graph() -> dict[str, set[str]]:
    paths = {_module_name(p): p for p in LAYER.rglob("*.py")}
    graph = {name: _imports(path, set(paths)) for name, path in paths.items()}
    for name, targets in graph.items():  # a package's __init__ naming its own modules is no cycle
        targets.discard(name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each import cycle, found by a depth-first walk (as the path from a module back to itself)."""
    found: list[list[str]] = []
    state: dict[str, str] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                found.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


def test_imports_for_type_checking_only_are_not_run(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import a\ndef f():\n    import b\n")
    assert _imports(module, {"a", "b"}) == {"b"}


def test_the_walk_finds_a_cycle_when_there_is_one() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_layer_has_no_import_cycle() -> None:
    graph = import_graph()
    assert graph.get("calls_platform.bootstrap")
    assert cycles(graph) == []


def test_no_module_in_shared_functions_or_infra_is_over_250_lines() -> None:
    sizes = {
        str(path.relative_to(ROOT)): len(path.read_text().splitlines())
        for folder in ("shared", "functions", "infra")
        for path in (ROOT / folder).rglob("*.py")
        if "node_modules" not in path.parts
    }
    assert len(sizes) > 100
    assert {path: lines for path, lines in sizes.items() if lines > MAX_LINES} == {}
