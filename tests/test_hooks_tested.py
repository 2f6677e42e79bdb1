"""datasette's guard: every hook in hookspecs.py has a test named after it."""

from __future__ import annotations

import ast
from pathlib import Path

from eventcoder import hookspecs

TESTS = Path(__file__).resolve().parent


def hook_names() -> list[str]:
    tree = ast.parse(Path(hookspecs.__file__).read_text(encoding="utf-8"))
    return [node.name for node in tree.body if isinstance(node, ast.FunctionDef)
            and any(getattr(d, "id", None) == "hookspec" for d in node.decorator_list)]


def collected_test_names():
    return sorted(
        node.name for path in TESTS.glob("test_*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    )


def test_every_hook_has_a_test():
    hooks = hook_names()
    assert "register_extractors" in hooks  # the guard reads the real specs
    names = collected_test_names()
    untested = [hook for hook in hooks if not any(f"test_{hook}_hook" in name for name in names)]
    assert untested == [], f"hooks without a test named test_<hook>_hook...: {untested}"
