"""The llm extractor on a real model: Qwen2.5-Coder-1.5B (GGUF) behind `eventcoder llm serve`.

The model is fetched by ``bench/local_model.py`` (``.ci/run`` does it and sets
``EVENTCODER_TEST_MODEL``); nothing downloads here. Without the model or xllamacpp the
real-model test is skipped on a developer's machine, and fails where it must run: under CI
(``$CI`` set) or when ``EVENTCODER_TEST_MODEL`` names the model (``.ci/run`` sets it).
What a 1.5B model finds varies, so structure is asserted, not exact events: every answer parsed
or its failure recorded, types and roles the registry allows, every trigger and argument a span
of its sentence, scores from the model, and a second run served wholly from the cache.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, read_jsonl, run_cli

from eventcoder.pipeline.validate import validate_file
from eventcoder.run.extract import ExtractConfig, extract

SENTENCES = [
    "Foreign Minister Anna Berg met her Chinese counterpart in Beijing on Monday.",
    "The two leaders signed a trade agreement in Ankara.",
    "Poland refused to join the talks.",
    "The president said the sanctions would stay.",
    "Fuel prices rose by three percent in March.",
    "Ministers from Chile and Peru will meet in Lima next week.",
    "Iran rejected the proposal on Tuesday.",
    "The envoy told reporters that the ceasefire was holding.",
    "Kenya and Ethiopia agreed to reopen the border.",
    "The talks in Geneva did not take place.",
]
#: CPU threads of the test server: 1 leaves the other core to the rest of the suite.
THREADS = os.environ.get("EVENTCODER_TEST_THREADS", "1")


def model_path() -> Path | None:
    path = os.environ.get("EVENTCODER_TEST_MODEL")
    if path:
        return Path(path)
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from local_model import (  # the fetch script, imported, not run
            FILENAME,
            default_cache,
        )
    finally:
        sys.path.pop(0)
    candidate = default_cache() / FILENAME
    return candidate if candidate.is_file() else None


def _must_run() -> bool:
    return bool(os.environ.get("CI") or os.environ.get("EVENTCODER_TEST_MODEL"))


def _require_model() -> Path:
    model = model_path()
    missing = []
    if model is None or not model.is_file():
        missing.append(f"the test model (python bench/local_model.py; EVENTCODER_TEST_MODEL={model})")
    if importlib.util.find_spec("xllamacpp") is None:
        missing.append("xllamacpp (pip install 'eventcoder[local-llm]')")
    if missing:
        message = "needs " + " and ".join(missing)
        if _must_run():
            pytest.fail(f"CI must run the real-model test: {message}")
        pytest.skip(message)
    return model


@pytest.fixture(scope="module")
def served():
    """`eventcoder llm serve MODEL --threads 1` in a child process; its base URL."""
    model = _require_model()
    proc = subprocess.Popen([sys.executable, "-m", "eventcoder", "llm", "serve", str(model), "--threads", THREADS],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:") and url.endswith("/v1"), url
        yield proc, url
    finally:
        proc.terminate()
        proc.wait(30)


def test_the_llm_extractor_on_a_real_model_gives_well_formed_events_and_reruns_from_the_cache(served, tmp_path, registry):
    proc, url = served
    source = tmp_path / "sentences.txt"
    source.write_text("\n\n".join(SENTENCES) + "\n")
    options = {"base_url": url, "model": "qwen2.5-coder-1.5b", "cache": str(tmp_path / "cache.sqlite3"),
               "timeout": 600}
    config = ExtractConfig(extractors=("llm",), options={"llm": options})
    first = tmp_path / "first.jsonl"
    extract([str(source)], str(first), config)

    assert list(validate_file(str(first), registry)) == []  # schema and task invariants
    tasks = read_jsonl(first)
    assert [task["text"] for task in tasks] == SENTENCES
    triggers, scores = 0, []
    for task in tasks:
        record = task["meta"]["llm"]
        assert "failed" in record or record["cache_keys"]  # every answer parsed, or why not is recorded
        text, spans = task["text"], task["spans"]
        for span in spans:
            assert 0 <= span["start"] < span["end"] <= len(text)  # a span of its sentence
        for span in (s for s in spans if s.get("extractors")):
            assert span["label"] in registry.types and span["modality"] in ("asserted", "planned", "negated", "hypothetical")
            triggers += 1
            scores.append(span["score"])
            roles = set(registry.types[span["label"]].role_names)
            for relation in (r for r in task["relations"] if r["head_span"]["start"] == span["start"]):
                assert relation["label"] in roles
    assert triggers >= 5  # ten sentences, nine with an event: a working model finds some
    assert all(0 < score <= 1 for score in scores) and min(scores) < 1.0  # from log-probabilities

    # Second run, the server stopped: any request would fail, so all must come from the cache.
    proc.terminate()
    proc.wait(30)
    again = tmp_path / "again.jsonl"
    extract([str(source)], str(again), config)
    assert again.read_text() == first.read_text()


def test_llm_serve_refuses_a_missing_or_broken_model_in_one_line(tmp_path):
    result = run_cli("llm", "serve", str(tmp_path / "none.gguf"))
    assert result.returncode == 2 and result.stderr.strip().count("\n") == 0
    assert "no such model file" in result.stderr
    if importlib.util.find_spec("xllamacpp") is None:
        if _must_run():
            pytest.fail("CI must run the real-model test: xllamacpp is not installed")
        pytest.skip("xllamacpp is not installed")
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"not a model")
    result = subprocess.run([sys.executable, "-m", "eventcoder", "llm", "serve", str(broken)], check=False, cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].startswith(f"eventcoder: {broken}: llama.cpp could not serve it")
