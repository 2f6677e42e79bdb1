"""Shared fixtures: the spaCy pipeline and the plugin registry load once per test session."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def registry():
    from eventcoder.plugins import get_registry

    return get_registry()


@pytest.fixture(scope="session")
def nlp():
    from eventcoder.pipeline.nlp import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def rules(registry, nlp):
    from eventcoder.extractors import ExtractorContext, build_extractors

    return build_extractors(["rules"], ExtractorContext(registry, nlp))[0]


@pytest.fixture
def plugin_site(tmp_path, monkeypatch):
    """A folder on this process's sys.path whose plugins (example_plugin.install_plugin) the
    registry loads for this one test: the in-process twin of ``run_script(env=PYTHONPATH)``.

    Afterwards the session's registry is back, the very object the ``registry`` fixture holds
    (tests patch it and expect the code's own get_registry() to see the patch).
    """
    from eventcoder import plugins

    original = plugins.get_registry()
    modules = set(sys.modules)
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    plugins.reset()
    yield site
    for name in set(sys.modules) - modules:
        if name.startswith("eventcoder_"):  # the plugin modules of the test
            del sys.modules[name]
    with pytest.MonkeyPatch.context() as patch:  # re-prime get_registry's cache with the original
        patch.setattr(plugins, "make_plugin_manager", lambda errors: None)
        patch.setattr(plugins, "build_registry", lambda pm, errors: original)
        plugins.reset()
        assert plugins.get_registry() is original


def run_script(*args: str, input: str | None = None, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m eventcoder`` in a fresh interpreter: for what only a new process shows
    (installed entry points, environment read at start-up, the console script itself)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "eventcoder", *args],
        input=input, capture_output=True, text=True, env=full_env, cwd=cwd or ROOT,
    )


def run_cli(*args: str, input: str | None = None, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the command line in this process (``main`` with its error handling), as
    ``python -m eventcoder`` would but without a new interpreter loading spaCy each time.

    stdin, stdout and stderr are swapped for buffers (click's CliRunner isolation); an
    exception that escapes ``main`` is printed as a traceback with exit code 1, as Python does.
    """
    import traceback

    from click.testing import CliRunner

    from eventcoder.cli import main

    code = 0
    previous = Path.cwd()
    with CliRunner().isolation(input=input, env=env) as (stdout, stderr, _output):
        os.chdir(cwd or ROOT)
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException:  # noqa: BLE001 - what a user would see: a traceback, exit 1
            traceback.print_exc(file=sys.stderr)
            code = 1
        finally:
            os.chdir(previous)
            sys.stdout.flush()
            sys.stderr.flush()
        out, err = stdout.getvalue(), stderr.getvalue()
    return subprocess.CompletedProcess(["eventcoder", *args], code, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"))


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
