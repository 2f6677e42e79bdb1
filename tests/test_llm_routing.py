"""Trigger words: the optional route (only units with one are sent) and the prompt's hints."""

from __future__ import annotations

from conftest import read_jsonl

from eventcoder.extractors.llm.routing import TriggerLexicon
from eventcoder.extractors.llm.testing import FakeLLMServer, document_sentences
from eventcoder.run.extract import ExtractConfig, extract

PARAGRAPHS = [
    "Fuel prices rose by three percent in March.",
    "Poland refused to join the talks, the minister said.",
    "Warsaw will not send any officials.",
]


def run(tmp_path, **llm) -> tuple[list[dict], list[str]]:
    source = tmp_path / "in.txt"
    source.write_text("\n\n".join(PARAGRAPHS) + "\n")
    out = tmp_path / "out.jsonl"
    with FakeLLMServer() as server:
        options = {"base_url": server.base_url, "model": "test", "no_cache": True, "batch_sentences": 1, **llm}
        extract([str(source)], str(out), ExtractConfig(extractors=("llm",), options={"llm": options}))
        prompts = [body["messages"][0]["content"] for body in server.answered]
    return read_jsonl(out), prompts


def test_the_route_sends_only_units_with_a_trigger_word_or_a_negation(tmp_path):
    tasks, prompts = run(tmp_path, route=True)
    assert [task["meta"]["llm"].get("routed", True) for task in tasks] == [False, True, True]
    assert tasks[0]["spans"] == [] and any(s.get("extractors") for s in tasks[1]["spans"])
    assert len(prompts) == 2 and not any("Fuel prices" in p.rpartition("\nDOCUMENT\n")[2] for p in prompts)
    _, unrouted = run(tmp_path)
    assert len(unrouted) == 3


def test_prompts_name_each_sentences_trigger_words_with_their_usual_type(tmp_path):
    _, prompts = run(tmp_path)
    lines = sorted(line for p in prompts for line in document_sentences(p))
    assert lines == [
        "Fuel prices rose by three percent in March.",
        "Poland refused to join the talks, the minister said. (candidates: refused REFUSAL, talks MEETING, said STATEMENT)",
        "Warsaw will not send any officials.",
    ]


def test_plugin_types_and_their_triggers_count(registry, nlp):
    lexicon = TriggerLexicon.from_registry(registry)
    assert lexicon.hints(nlp("They convened in Oslo.")[:]) == [("convened", "MEETING")]  # built-in word
    assert lexicon.typed["convergence"] == "AGREEMENT"  # from the registry's triggers
    # "according to" is no accord: not hinted (a small model copies hints as events)
    assert lexicon.hints(nlp("According to Reuters, they signed an accord.")[:]) == [("signed", "AGREEMENT"), ("accord", "AGREEMENT")]
    assert not lexicon.fires(nlp("Prices rose in March."))
