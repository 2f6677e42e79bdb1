"""Helpers to install a real plugin distribution (an entry point on sys.path) for tests."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_plugin_source() -> str:
    """The plugin example from the README: the docs example is itself tested."""
    text = README.read_text(encoding="utf-8")
    match = re.search(r"<!-- plugin-example -->\s*```python\n(.*?)```", text, re.S)
    assert match, "README lost its plugin example"
    return match.group(1)


def install_plugin(site: Path, module: str, source: str, entry_name: str | None = None) -> Path:
    """Write ``module.py`` and a dist-info declaring it in the ``eventcoder`` group into ``site``."""
    site.mkdir(parents=True, exist_ok=True)
    (site / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    dist = site / f"{module}-0.1.dist-info"
    dist.mkdir(exist_ok=True)
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {module}\nVersion: 0.1\n", encoding="utf-8")
    (dist / "entry_points.txt").write_text(f"[eventcoder]\n{entry_name or module} = {module}\n", encoding="utf-8")
    return site
