"""The client cannot hang or balloon: a deadline per try, a bound on answer size, short task meta.

Against the loopback fake server (testing.FakeLLMServer) with its faults: an answer trickled
one byte at a time, answers of megabytes, answers listing thousands of junk events.
"""

from __future__ import annotations

import json
import time

import pytest
from conftest import read_jsonl

from eventcoder.extractors.llm.cache import ResponseCache
from eventcoder.extractors.llm.client.http import LLMRequestError
from eventcoder.extractors.llm.client.model import OpenAICompatible
from eventcoder.extractors.llm.extractor import MAX_DROPPED
from eventcoder.extractors.llm.responses import FailedResponse
from eventcoder.extractors.llm.testing import FakeLLMServer, Fault
from eventcoder.run.extract import ExtractConfig, extract

TEXT = "Foreign Minister Anna Berg met her Chinese counterpart in Beijing today."


def model_for(server, **settings) -> OpenAICompatible:
    options = dict(name="test", base_url=server.base_url, api_key_env="", timeout=1.0, max_tries=1,
                   backoff=0.01, max_backoff=0.1, concurrency=2)
    return OpenAICompatible(**{**options, **settings})


def test_a_trickling_server_is_cut_at_the_deadline_not_waited_on_forever():
    with FakeLLMServer(lambda body: '{"events": []}') as server:
        server.push(Fault(trickle=0.3))  # one byte every 0.3 s: each read is well within the 1 s timeout
        model = model_for(server, deadline=1.5)
        started = time.monotonic()
        with pytest.raises(LLMRequestError, match="deadline of 1.5 s"):
            list(model([["a prompt"]]))
        assert time.monotonic() - started < 1.5 + 1.0 + 0.5  # deadline, at most one read more
        assert server.requests[0]["outcome"] == "trickled"


def test_the_deadline_is_per_try_and_a_later_try_can_succeed():
    with FakeLLMServer(lambda body: '{"events": []}') as server:
        server.push(Fault(trickle=0.3))
        model = model_for(server, deadline=1.0, max_tries=2)
        assert [list(r) for r in model([["a prompt"]])] == [['{"events": []}']]
        assert [r["outcome"] for r in server.requests] == ["trickled", 200]


def test_an_answer_over_the_size_bound_is_a_failed_answer_and_never_cached(tmp_path):
    huge = "x" * 10_000_000
    with FakeLLMServer(lambda body: huge if "big" in body["messages"][0]["content"] else '{"events": []}') as server:
        cache = ResponseCache(tmp_path / "cache.sqlite3")
        model = model_for(server, max_response_bytes=1_000_000, cache=cache, timeout=10)
        [[big], [small]] = [list(r) for r in model([["big one"], ["small one"]])]
        assert isinstance(big, FailedResponse) and big == ""
        assert "max_response_bytes=1,000,000" in big.reason
        assert small == '{"events": []}'
        assert len(cache) == 1  # only the good answer: a re-run asks for the big one again


def run_extract(server, tmp_path, **llm) -> dict:
    source = tmp_path / "one.txt"
    source.write_text(TEXT + "\n")
    out = tmp_path / "out.jsonl"
    options = {"base_url": server.base_url, "model": "test", "cache": str(tmp_path / "c.sqlite3"), **llm}
    extract([str(source)], str(out), ExtractConfig(extractors=("llm",), options={"llm": options}))
    [task] = read_jsonl(out)
    task["_line_bytes"] = len(out.read_bytes())
    return task


def test_a_10_mb_answer_to_a_short_text_gives_a_short_task_line_with_the_failure(tmp_path):
    with FakeLLMServer(lambda body: json.dumps({"events": [{"type": "MEETING", "trigger": "x" * 100}] * 100_000})) as server:
        task = run_extract(server, tmp_path)
    assert task["_line_bytes"] < 10_000
    assert task["spans"] == []
    [reason] = task["meta"]["llm"]["failed"]
    assert "max_response_bytes" in reason


def test_thousands_of_junk_items_keep_a_capped_dropped_list_with_a_count(tmp_path):
    junk = [{"type": "MEETING", "modality": "asserted", "sentence": 0, "trigger": f"nothing{i}", "arguments": []}
            for i in range(5000)]  # about 500 KB: under the size bound
    with FakeLLMServer(lambda body: json.dumps({"events": junk})) as server:
        task = run_extract(server, tmp_path)
    record = task["meta"]["llm"]
    assert len(record["dropped"]) == MAX_DROPPED
    assert record["dropped_count"] == 201  # 200 items read, each dropped, and one line for the rest
    assert record["dropped"][0]["reason"].startswith("4800 more items not read")
    assert task["_line_bytes"] < 20_000


def test_meta_refers_to_the_cached_answer_instead_of_repeating_the_prompt(tmp_path):
    with FakeLLMServer() as server:
        task = run_extract(server, tmp_path)
        [prompt] = [body["messages"][0]["content"] for body in server.answered]
    record, io = task["meta"]["llm"], task["meta"]["llm_io"]
    [key] = record["cache_keys"]
    assert ResponseCache(tmp_path / "c.sqlite3").get(key) == io["response"]
    head = prompt.rpartition("\nDOCUMENT\n")[0]
    assert head not in io["prompt"] and f"{len(head):,} characters" in io["prompt"]
    assert io["prompt"].endswith(prompt.rpartition("\nDOCUMENT\n")[2])
