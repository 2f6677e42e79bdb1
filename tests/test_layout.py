"""The package's import graph: no circles, and no import that runs back up the flow.

Stages, lowest first; a module may import its own stage and those below it, never one above:

    core -> plugins -> pipeline -> extractors -> run -> annotation -> learn -> eventdata -> (cli, plugins' glue)

Every import counts, also those inside functions (lazy imports hide circles, they do not
remove them).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "eventcoder"

#: Stage of each top-level name under eventcoder, lowest first.
STAGES = [
    {"core", "hookspecs"},
    {"plugins"},
    {"pipeline"},
    {"extractors"},
    {"run"},
    {"annotation"},
    {"learn"},
    {"eventdata"},
    # The entry points: free to import any stage.
    {"cli", "__main__", "__init__", "default_plugins"},
]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import; write eventcoder.... in full"
            if node.module and node.module.split(".")[0] == "eventcoder":
                found.add(node.module)
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] == "eventcoder")
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        # "from eventcoder.x import y" names a module only when y is one; keep what exists
        graph[name] = {m for m in _imports(path) if m in modules and m != name}
    return graph


def _stage(module: str) -> int:
    top = module.split(".")[1] if "." in module else "__init__"
    for rank, names in enumerate(STAGES):
        if top in names:
            return rank
    raise AssertionError(f"{module}: eventcoder.{top} belongs to no stage; add it to STAGES in {__file__}")


def _package_of(module: str) -> str:
    return module.rpartition(".")[0]


def test_every_module_has_a_stage():
    for module in _graph():
        if module != "eventcoder":
            _stage(module)


def test_no_import_runs_back_up_the_flow():
    wrong = [
        f"{module} -> {target}"
        for module, targets in _graph().items() if module != "eventcoder"
        for target in targets if target != "eventcoder" and _stage(target) > _stage(module)
    ]
    assert not wrong, "imports from a later stage:\n" + "\n".join(sorted(wrong))


def test_no_import_circle():
    graph = _graph()
    # a package's __init__ importing its own submodules is how packages export; not a circle
    edges = {m: {t for t in ts if _package_of(t) != m and t != "eventcoder"} for m, ts in graph.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                cycle = stack[stack.index(target):] + [target]
                pytest.fail("import circle: " + " -> ".join(cycle))
            if target not in state:
                visit(target)
        stack.pop()
        state[node] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module)
