"""-O llm.similar_examples: each request also shows the gold records most like its sentences."""

from __future__ import annotations

import json

from conftest import read_jsonl

from eventcoder.extractors.llm.tasks.events.similar import SimilarExamples
from eventcoder.extractors.llm.testing import FakeLLMServer
from eventcoder.run.extract import ExtractConfig, extract


def record(text: str) -> dict:
    return {"text": text, "events": []}


POOL = [
    record("Iran rejected the proposal of the envoys."),
    record("The ministers met in Oslo to discuss fishing quotas."),
    record("Fuel prices rose again."),
    record("Chile and Peru signed an agreement on water rights."),
    record("The spokesman said the embassy would reopen."),
]


def test_each_sentence_brings_its_most_similar_record_in_pool_order():
    similar = SimilarExamples(POOL, 2, lambda r: r["text"])
    assert similar.choose(["Ministers from Spain met in Oslo.", "Cuba rejected the proposal."]) == [POOL[0], POOL[1]]
    assert similar.choose(["They signed an agreement on water."]) == [POOL[3]]  # nothing else shares a word
    assert SimilarExamples(POOL, 5, str).choose(["Nothing here matches xyzzy."]) == []  # none alike: none shown
    assert SimilarExamples(POOL, 0, str).choose(["met"]) == [] and SimilarExamples([], 3, str).choose(["met"]) == []
    assert similar.block(["The ministers met in Oslo."]) == f"\n\n{POOL[0]['text']}\n\n{POOL[1]['text']}"
    assert SimilarExamples(POOL, 1, lambda r: r["text"]).block(["The ministers met in Oslo."]) == f"\n\n{POOL[1]['text']}"


def test_extract_shows_similar_examples_after_the_stable_prefix_and_still_packs_units(tmp_path):
    pool = tmp_path / "pool.jsonl"
    gold = [
        {"text": "Iran rejected the proposal on Tuesday.", "events": [
            {"label": "REFUSAL", "modality": "asserted", "trigger": {"start": 5, "end": 13, "text": "rejected"},
             "arguments": [{"role": "refuser", "start": 0, "end": 4, "text": "Iran"}]}]},
        {"text": "Fuel prices rose in March.", "events": []},
    ]
    pool.write_text("".join(json.dumps(r) + "\n" for r in gold))
    source = tmp_path / "in.txt"
    source.write_text("Cuba rejected the offer on Tuesday.\n\nThe talks went on.\n")
    with FakeLLMServer() as server:
        def run(name, **llm):
            options = {"base_url": server.base_url, "model": "test", "cache": str(tmp_path / f"{name}.sqlite3"), **llm}
            out = tmp_path / f"{name}.jsonl"
            extract([str(source)], str(out), ExtractConfig(extractors=("llm",), options={"llm": options}))
            return server.requests[-1]["body"]["messages"][0]["content"], read_jsonl(out)

        plain, plain_tasks = run("plain")
        with_pool, tasks = run("similar", similar_examples=str(pool), n_similar=1)
        assert len(server.requests) == 2  # the two paragraphs packed into one request, each time
    prefix = plain.rsplit("\n\nDOCUMENT\n", 1)[0]
    assert with_pool.startswith(prefix)  # the stable prefix is unchanged
    added = with_pool[len(prefix):].rsplit("\n\nDOCUMENT\n", 1)[0]
    assert added.startswith("\n\n[0] Iran rejected the proposal on Tuesday.")
    assert '"refuser": "Iran"' in added and "Fuel" not in added  # one example, the alike one, answered flat
    assert with_pool.endswith(plain[len(prefix):])  # the same document part
    assert [e["label"] for t in tasks for e in t["events"]] == [e["label"] for t in plain_tasks for e in t["events"]]
