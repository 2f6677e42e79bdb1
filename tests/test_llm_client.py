"""The OpenAI-compatible client against a local fake server: answers, retries, cache, concurrency."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from eventcoder.core.errors import UserError
from eventcoder.extractors.llm.cache import ResponseCache
from eventcoder.extractors.llm.client.model import OpenAICompatible
from eventcoder.extractors.llm.response_schema import response_format
from eventcoder.extractors.llm.testing import FakeLLMServer, Fault


def echo(body: dict) -> str:
    return "echo:" + body["messages"][-1]["content"]


@pytest.fixture
def server():
    with FakeLLMServer(echo) as fake:
        yield fake


def make_model(server, **settings) -> OpenAICompatible:
    options = dict(name="test", base_url=server.base_url, api_key_env="", timeout=0.5, max_tries=4,
                   backoff=0.01, max_backoff=2.0, concurrency=4)
    return OpenAICompatible(**{**options, **settings})


def ask(model, prompts: list[list[str]]) -> list[list[str]]:
    return [list(responses) for responses in model(prompts)]


def test_answers_per_doc_in_order_with_response_format_in_the_request(server, registry):
    model = make_model(server, response_format=response_format(registry), temperature=0.0)
    assert ask(model, [["a"], ["b", "c"], []]) == [["echo:a"], ["echo:b", "echo:c"], []]
    [body] = [r["body"] for r in server.requests if r["body"]["messages"][0]["content"] == "a"]
    assert body["model"] == "test" and body["temperature"] == 0.0
    assert body["messages"] == [{"role": "user", "content": "a"}]
    assert body["response_format"]["type"] == "json_schema"
    schema = body["response_format"]["json_schema"]["schema"]
    assert schema["properties"]["events"]["items"]["anyOf"][0]["properties"]["type"]["enum"] == ["MEETING"]


def test_429_waits_as_long_as_retry_after_says(server):
    server.push(Fault(status=429, headers={"Retry-After": "1"}))
    model = make_model(server)
    assert ask(model, [["a"]]) == [["echo:a"]]
    first, second = server.requests
    assert first["outcome"] == 429 and second["outcome"] == 200
    assert second["time"] - first["time"] >= 0.95
    assert model.client.retries == 1


def test_500_timeout_and_dropped_connection_are_retried(server):
    server.push(Fault(status=500), Fault(delay=1.5), Fault(drop=True))
    model = make_model(server, timeout=0.3)
    assert ask(model, [["a"]]) == [["echo:a"]]
    assert len(server.requests) == 4 and server.requests[-1]["outcome"] == 200
    assert server.requests[0]["outcome"] == 500 and server.requests[2]["outcome"] == "dropped"
    assert model.client.retries == 3


def test_gives_up_after_max_tries_with_a_one_line_user_error(server):
    server.push(*[Fault(status=503)] * 3)
    with pytest.raises(UserError) as caught:
        ask(make_model(server, max_tries=3), [["a"]])
    assert "did not answer after 3 tries: HTTP 503" in str(caught.value) and "\n" not in str(caught.value)
    assert len(server.requests) == 3


def test_client_errors_fail_at_once(server):
    server.push(Fault(status=404, message="model 'nope' not found"))
    with pytest.raises(UserError, match="HTTP 404: model 'nope' not found"):
        ask(make_model(server), [["a"]])
    assert len(server.requests) == 1


def test_a_server_without_structured_outputs_is_asked_without_them(server, registry):
    server.push(Fault(status=400, message="unknown field: response_format"))
    model = make_model(server, response_format=response_format(registry), concurrency=1)
    assert ask(model, [["a"], ["b"]]) == [["echo:a"], ["echo:b"]]
    assert [("response_format" in r["body"]) for r in server.requests] == [True, False, False]


def test_cache_answers_repeats_and_keys_on_model_and_settings(server, tmp_path):
    cache = ResponseCache(tmp_path / "cache.sqlite3")
    assert ask(make_model(server, cache=cache), [["a", "b"], ["a"], ["c"]]) == [["echo:a", "echo:b"], ["echo:a"], ["echo:c"]]
    assert len(server.requests) == 3  # "a" twice in one batch is sent once
    again = make_model(server, cache=ResponseCache(tmp_path / "cache.sqlite3"))
    assert ask(again, [["c"], ["a", "b"]]) == [["echo:c"], ["echo:a", "echo:b"]]
    assert len(server.requests) == 3  # all from the cache file
    ask(make_model(server, cache=cache, temperature=0.7), [["a"]])
    ask(make_model(server, cache=cache, name="other"), [["a"]])
    assert len(server.requests) == 5 and len(cache) == 5


def test_requests_in_flight_stay_within_concurrency_and_run_together(tmp_path):
    state = {"now": 0, "most": 0}
    lock = threading.Lock()

    def slow(body):
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
        time.sleep(0.2)
        with lock:
            state["now"] -= 1
        return echo(body)

    with FakeLLMServer(slow) as server:
        started = time.monotonic()
        prompts = [[f"p{i}"] for i in range(12)]
        assert ask(make_model(server, concurrency=4), prompts) == [[f"echo:p{i}"] for i in range(12)]
        elapsed = time.monotonic() - started
    assert state["most"] == 4
    assert elapsed < 12 * 0.2 / 2  # about 3 rounds of 0.2 s, far from 12 in a row


def test_faults_under_concurrency_lose_and_duplicate_nothing(server, tmp_path):
    server.push(Fault(status=429, headers={"Retry-After": "0.05"}), Fault(status=502), Fault(drop=True),
                Fault(status=500), Fault(drop=True))
    cache = ResponseCache(tmp_path / "cache.sqlite3")
    prompts = [[f"p{i}", f"q{i}"] for i in range(10)]
    assert ask(make_model(server, concurrency=8, cache=cache), prompts) == [[f"echo:p{i}", f"echo:q{i}"] for i in range(10)]
    answered = [body["messages"][0]["content"] for body in server.answered]
    assert sorted(answered) == sorted(p for doc in prompts for p in doc)  # each exactly once
    assert len(cache) == 20


def test_nothing_is_sent_at_start_up_and_the_key_goes_in_a_header(server, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(UserError, match="set OPENAI_API_KEY"):
        OpenAICompatible("gpt-4o-mini")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")

    def no_network(*args, **kwargs):
        raise AssertionError("a request at start-up")

    with monkeypatch.context() as patched:
        patched.setattr(httpx.Client, "send", no_network)
        OpenAICompatible("gpt-4o-mini")
    monkeypatch.setenv("EVENTCODER_TEST_KEY", "sk-local")
    ask(make_model(server, api_key_env="EVENTCODER_TEST_KEY"), [["a"]])
    assert server.requests[0]["headers"]["Authorization"] == "Bearer sk-local"
