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

    return build_extractors(["rules"], ExtractorContext(registry, nlp, {}))[0]


def run_cli(*args: str, input: str | None = None, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m eventcoder`` in a subprocess, as a user would."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "eventcoder", *args],
        input=input, capture_output=True, text=True, env=full_env, cwd=cwd or ROOT,
    )


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
