"""Several units per request behind one stable prefix, the answer split back per unit, and
event scores from token log-probabilities."""

from __future__ import annotations

import json
import math

import pytest
from conftest import SEEDS, read_jsonl

from eventcoder.extractors.llm.client.packing import make_packs, split_answer
from eventcoder.extractors.llm.client.scoring import event_scores
from eventcoder.extractors.llm.prompts import PackablePrompt
from eventcoder.extractors.llm.tasks.events.sharding import estimate_tokens
from eventcoder.extractors.llm.testing import FakeLLMServer, document_sentences
from eventcoder.run.extract import ExtractConfig, extract

MARK = "\nDOCUMENT\n"


def run(server, tmp_path, name: str, **llm) -> list[dict]:
    out = tmp_path / f"{name}.jsonl"
    options = {"base_url": server.base_url, "model": "test", "cache": str(tmp_path / f"{name}.sqlite3"), **llm}
    # Every unit a task (no boilerplate left out after the model saw it): one request per unit.
    extract([str(SEEDS)], str(out), ExtractConfig(extractors=("llm",), options={"llm": options}, skip_boilerplate=False))
    return read_jsonl(out)


def events(tasks: list[dict]) -> list[list]:
    return [[(s["start"], s["end"], s["label"]) for s in task["spans"]] for task in tasks]


@pytest.fixture(scope="module")
def server():
    with FakeLLMServer() as fake:
        yield fake


def test_packed_requests_give_the_same_events_as_one_request_per_unit(server, tmp_path):
    server.reset()
    alone = run(server, tmp_path, "alone", batch_sentences=1)
    n_alone = len(server.requests)
    server.reset()
    packed = run(server, tmp_path, "packed")  # default: up to 10 sentences per request
    bodies = [r["body"] for r in server.requests]
    assert len(alone) == n_alone  # one request per unit ...
    assert len(bodies) < n_alone / 2  # ... against several units per request
    assert events(packed) == events(alone) and any(events(packed))
    prompts = [body["messages"][0]["content"] for body in bodies]
    prefixes = {prompt.rpartition(MARK)[0] for prompt in prompts}
    assert len(prefixes) == 1  # one stable prefix: the server's prompt cache reuses it
    assert all(1 <= len(document_sentences(prompt)) <= 10 for prompt in prompts)
    # every sentence of every unit asked once (a task's llm_io shows its own document part)
    assert sum(len(document_sentences(p)) for p in prompts) == sum(
        len(document_sentences(task["meta"]["llm_io"]["prompt"])) for task in packed)
    server.reset()
    again = run(server, tmp_path, "packed")
    assert server.requests == [] and events(again) == events(packed)  # second run: 0 requests


def prompt(lines: list[str], prefix: str = "P" + MARK) -> PackablePrompt:
    return PackablePrompt(prefix, lines, "\nAnswer:")


def test_packs_hold_at_most_the_sentences_asked_and_keep_order():
    jobs = [("a", prompt(["A0.", "A1."])), ("b", prompt(["B0."])), ("c", prompt(["C0.", "C1.", "C2."])),
            ("d", prompt(["D0."], prefix="Q" + MARK)), ("e", "a plain prompt")]
    packs = make_packs(jobs, 4, 10**9, estimate_tokens)
    assert [p.keys for p in packs] == [["a", "b"], ["c"], ["d"], ["e"]]
    assert packs[0].prompt == "P\nDOCUMENT\n[0] A0.\n[1] A1.\n[2] B0.\nAnswer:" and packs[0].starts == [0, 2]
    assert packs[3].prompt == "a plain prompt"
    assert [p.keys for p in make_packs(jobs[:3], 4, estimate_tokens("P" + MARK + "\nAnswer:") + 8, estimate_tokens)] == [
        ["a"], ["b"], ["c"]]  # the token budget cuts packs too


def test_an_answer_is_split_by_sentence_and_renumbered_per_unit():
    [pack] = make_packs([("a", prompt(["Kim met Lee.", "They talked."])), ("b", prompt(["Lee said so."]))], 10, 10**9,
                        estimate_tokens)
    answer = json.dumps({"events": [
        {"sentence": 0, "type": "MEETING", "trigger": "met"},
        {"sentence": 2, "type": "STATEMENT", "trigger": "said"},
        {"sentence": 9, "type": "STATEMENT", "trigger": "said"},  # no such sentence: by its trigger text
        {"type": "MEETING", "trigger": "nowhere"},  # nothing to go by: the first unit, which drops it
    ]})
    a, b = (json.loads(part)["events"] for part in split_answer(pack, answer, [0.9, 0.8, 0.7, None]))
    assert a == [{"sentence": 0, "type": "MEETING", "trigger": "met", "score": 0.9},
                 {"type": "MEETING", "trigger": "nowhere"}]
    assert b == [{"sentence": 0, "type": "STATEMENT", "trigger": "said", "score": 0.8},
                 {"sentence": 9, "type": "STATEMENT", "trigger": "said", "score": 0.7}]
    assert split_answer(pack, "no json here", None) == ["no json here", "no json here"]


def tokens(pieces: list[tuple[str, float]]) -> dict:
    return {"content": [{"token": t, "logprob": lp, "bytes": list(t.encode())} for t, lp in pieces]}


def test_scores_are_the_geometric_mean_probability_of_type_and_trigger_tokens():
    pieces = [('{"events": [{"type": "', 0.0), ("MEET", -0.1), ("ING", -0.3), ('", "trigger": "', 0.0), ("met", -0.2),
              ('"}, {"type": "', 0.0), ("REFUSAL", -2.0), ('", "trigger": "', -5.0), ("refused", -1.0), ('"}]}', 0.0)]
    content = "".join(t for t, _ in pieces)
    first, second = event_scores(content, tokens(pieces), 2)
    assert first == pytest.approx(math.exp((-0.1 - 0.3 - 0.2) / 3), abs=1e-4)
    # the tokens spelling keys and quotes (the -5.0) do not count: only the values'
    assert second == pytest.approx(math.exp((-2.0 - 1.0) / 2), abs=1e-4)
    assert event_scores(content, tokens(pieces), 3) is None  # cannot align: no scores rather than wrong ones
    assert event_scores(content + " ", tokens(pieces), 2) is None
