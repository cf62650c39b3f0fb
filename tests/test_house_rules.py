"""The house rules that keep src/ readable, checked from the syntax tree and the import graph.

- no file over :data:`MAX_FILE_LINES` lines;
- no function over :data:`MAX_FUNCTION_LINES` lines (decorators and docstring included), unless
  its docstring says why ("long because ...");
- no import circle between modules, imports inside functions and under ``TYPE_CHECKING``
  included (the layer contracts of ``lint-imports`` see packages; this sees every module).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "semioscope"
MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 50
REASON = "long because"


def _sources() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def _functions(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def function_length(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines from the first decorator (or ``def``) to the last line of the body."""
    first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    return (node.end_lineno or node.lineno) - first + 1


def oversized(path: Path) -> list[str]:
    """The rule breaks of one file, as ``path:line name (N lines)``."""
    text = path.read_text(encoding="utf-8")
    where = path.relative_to(SRC.parent)
    found = []
    lines = len(text.splitlines())
    if lines > MAX_FILE_LINES:
        found.append(f"{where}: {lines} lines (at most {MAX_FILE_LINES})")
    for node in _functions(ast.parse(text, str(path))):
        length = function_length(node)
        if length > MAX_FUNCTION_LINES and REASON not in (ast.get_docstring(node) or "").lower():
            found.append(f"{where}:{node.lineno} {node.name}: {length} lines (at most "
                         f"{MAX_FUNCTION_LINES}, or a docstring saying '{REASON} ...')")
    return found


def test_no_file_or_function_over_the_limits() -> None:
    problems = [p for path in _sources() for p in oversized(path)]
    assert not problems, "\n".join(problems)


def test_the_checker_sees_a_long_function_and_accepts_a_reason(tmp_path: Path,
                                                                monkeypatch) -> None:
    """The rule itself, on files made to break it (a check that cannot fail proves nothing)."""
    monkeypatch.setattr(sys.modules[__name__], "SRC", tmp_path / "semioscope")
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    pkg = tmp_path / "semioscope"
    pkg.mkdir()
    (pkg / "long.py").write_text(f"def f():\n{body}\n")
    (pkg / "told.py").write_text(f'def g():\n    """Long because a table."""\n{body}\n')
    (pkg / "big.py").write_text("x = 1\n" * (MAX_FILE_LINES + 1))
    assert oversized(pkg / "long.py") == [
        f"semioscope/long.py:1 f: {MAX_FUNCTION_LINES + 1} lines (at most "
        f"{MAX_FUNCTION_LINES}, or a docstring saying '{REASON} ...')"]
    assert oversized(pkg / "told.py") == []
    assert oversized(pkg / "big.py") == [
        f"semioscope/big.py: {MAX_FILE_LINES + 1} lines (at most {MAX_FILE_LINES})"]


def import_circles(graph: object, package: str = "semioscope") -> list[list[str]]:
    """Every set of modules that import each other in a circle (Tarjan's strongly connected
    components over the direct imports grimp found)."""
    modules = sorted(m for m in graph.modules if m.startswith(package))  # type: ignore[attr-defined]
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.find_modules_directly_imported_by(v):  # type: ignore[attr-defined]
            if not w.startswith(package):
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10 * len(modules) + 100))
    try:
        for module in modules:
            if module not in index:
                visit(module)
    finally:
        sys.setrecursionlimit(limit)
    return circles


def test_no_import_circle_between_modules() -> None:
    grimp = pytest.importorskip("grimp")
    graph = grimp.build_graph("semioscope", exclude_type_checking_imports=False)
    assert import_circles(graph) == []


def test_the_circle_finder_finds_a_circle() -> None:
    class Graph:
        modules = {"semioscope.a", "semioscope.b", "semioscope.c", "semioscope.d"}
        edges = {"semioscope.a": {"semioscope.b"}, "semioscope.b": {"semioscope.c", "os"},
                 "semioscope.c": {"semioscope.a"}, "semioscope.d": {"semioscope.a"}}

        def find_modules_directly_imported_by(self, module: str) -> set[str]:
            return self.edges.get(module, set())

    assert import_circles(Graph()) == [["semioscope.a", "semioscope.b", "semioscope.c"]]
