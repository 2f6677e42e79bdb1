"""`eventcoder extract --extractor llm` end to end, against a local fake server."""

from __future__ import annotations

import json
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS, read_jsonl, run_cli

from eventcoder.core.errors import UserError
from eventcoder.extractors import ExtractorContext, build_extractors
from eventcoder.extractors.llm.cache import ResponseCache
from eventcoder.extractors.llm.options import LLMOptions
from eventcoder.extractors.llm.testing import FakeLLMServer
from eventcoder.pipeline.validate import validate_file
from eventcoder.run.extract import ExtractConfig, extract


@pytest.fixture(scope="module")
def server():
    with FakeLLMServer() as fake:
        yield fake


@pytest.fixture
def fresh(server):
    """The shared server, with no requests recorded and answering everything."""
    server.reset()
    return server


def extract_args(server, out: Path, cache: Path, *more: str) -> list[str]:
    """One request per unit (batch_sentences=1), so requests and prompts can be counted per task;
    several units per request: tests/test_llm_packing.py."""
    return ["extract", str(SEEDS), "--extractor", "llm", "--llm-base-url", server.base_url, "--llm-model", "test",
            "--llm-cache", str(cache), "-O", "llm.batch_sentences=1", "-o", str(out), *more]


def config(server, cache: Path, extractors: tuple = ("llm",)) -> ExtractConfig:
    """What extract_args asks for, for a run in this process."""
    return ExtractConfig(extractors=extractors, options={"llm": {"base_url": server.base_url, "model": "test",
                                                                 "cache": str(cache), "batch_sentences": 1}})


def prompts(bodies) -> list[str]:
    return [body["messages"][0]["content"] for body in bodies]


def cached(cache: Path) -> int:
    if not cache.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{cache}?mode=ro", uri=True) as db:
            return db.execute("SELECT COUNT(*) FROM responses").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


@pytest.fixture(scope="module")
def full_run(server, tmp_path_factory):
    """One complete run: its output, and the distinct prompts it sent."""
    server.reset()
    folder = tmp_path_factory.mktemp("full")
    out, cache = folder / "out.jsonl", folder / "cache.sqlite3"
    result = run_cli(*extract_args(server, out, cache))
    assert result.returncode == 0, result.stderr
    sent = prompts(server.answered)
    assert len(sent) == len(server.requests) == len(set(sent)) == cached(cache) > 10
    return out, cache, sent


def test_extract_writes_valid_tasks_with_llm_meta_and_reruns_from_the_cache(full_run, fresh):
    out, cache, sent = full_run
    result = run_cli("validate", str(out))
    assert result.returncode == 0, result.stderr
    tasks = read_jsonl(out)
    assert any(span.get("extractors") == ["llm"] for task in tasks for span in task["spans"])
    store = ResponseCache(cache)
    for task in tasks:
        record = task["meta"]["llm"]
        assert {key: record[key] for key in ("model", "dropped")} == {"model": "test", "dropped": []}
        [key] = record["cache_keys"]  # the reference to the full answer, which the cache holds
        assert store.get(key) == task["meta"]["llm_io"]["response"]
        document = task["meta"]["llm_io"]["prompt"].rpartition("\nDOCUMENT\n")[2]
        assert any(prompt.endswith("\nDOCUMENT\n" + document) for prompt in sent)
        assert json.loads(task["meta"]["llm_io"]["response"])["events"] is not None
    again = out.with_name("again.jsonl")
    extract([str(SEEDS)], str(again), config(fresh, cache))  # in this process: no start-up to wait for
    assert fresh.requests == []  # second run: 0 requests
    assert again.read_text() == out.read_text()


def test_a_killed_run_resumes_with_only_the_missing_requests(full_run, fresh, tmp_path):
    expected, _, sent = full_run
    out, cache = tmp_path / "out.jsonl", tmp_path / "cache.sqlite3"
    fresh.answer_limit = 8  # then the server stops answering
    proc = subprocess.Popen([sys.executable, "-m", "eventcoder", *extract_args(fresh, out, cache, "--llm-concurrency", "3")],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while cached(cache) < 8 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert cached(cache) == 8 and not out.exists()
    first = prompts(fresh.answered)
    fresh.answer_limit = None
    n_before = len(fresh.requests)
    result = run_cli(*extract_args(fresh, out, cache))
    assert result.returncode == 0, result.stderr
    second = prompts(fresh.answered)[len(first):]
    assert len(fresh.requests) - n_before == len(second) == len(sent) - 8  # only the missing ones
    assert Counter(first + second) == Counter(sent)  # every prompt answered exactly once
    lines = out.read_text().splitlines()
    assert len(lines) == len(set(lines)) and out.read_text() == expected.read_text()


def test_ensemble_names_extractors_and_validates(fresh, tmp_path, registry):
    out = tmp_path / "out.jsonl"
    extract([str(SEEDS)], str(out), config(fresh, tmp_path / "cache.sqlite3", ("rules", "llm")))
    assert list(validate_file(str(out), registry)) == []
    triggers = [span for task in read_jsonl(out) for span in task["spans"] if "extractors" in span]
    assert triggers and all(set(span["extractors"]) <= {"rules", "llm"} for span in triggers)
    both = [span for span in triggers if len(span["extractors"]) == 2]
    assert both and all(0.5 < span["agreement"] <= 1 for span in both)
    assert all(span["agreement"] == 0.5 for span in triggers if len(span["extractors"]) == 1)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_missing_api_key_is_a_user_error(monkeypatch, registry, nlp):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(UserError, match="^set OPENAI_API_KEY to your OpenAI API key, or use --llm-base-url"):
        build_extractors(["llm"], ExtractorContext(registry, nlp), {"llm": LLMOptions(no_cache=True)})


def test_an_unreachable_server_is_a_one_line_error_and_no_output(tmp_path):
    doc = str(next(SEEDS.glob("*.txt")))
    config = tmp_path / "llm.cfg"
    config.write_text((ROOT / "docs" / "examples" / "llm.cfg").read_text()
                      .replace("http://127.0.0.1:11434/v1", f"http://127.0.0.1:{_closed_port()}/v1")
                      .replace("max_tries = 6", "max_tries = 2\nbackoff = 0.01"))
    result = run_cli("extract", doc, "--extractor", "llm", "--llm-config", str(config), "-o", str(tmp_path / "o.jsonl"),
                     "--no-cache")
    [line] = result.stderr.strip().splitlines()
    assert result.returncode == 2 and "did not answer after 2 tries: connection failed" in line
    assert not (tmp_path / "o.jsonl").exists()
