"""``-O llm.fill_rules=true``: the rules' events, their empty roles filled from the model's."""

from __future__ import annotations

import json

from conftest import read_jsonl

from eventcoder.core.formats import ProposedEvent
from eventcoder.extractors.llm.fill import fill
from eventcoder.extractors.llm.testing import FakeLLMServer, document_sentences
from eventcoder.pipeline.validate import validate_file
from eventcoder.run.extract import ExtractConfig, extract


def event(label, trigger, args, extractor, score=1.0, modality="asserted"):
    return ProposedEvent(label=label, trigger={"start": trigger[0], "end": trigger[1], "text": "x"},
                         arguments=[{"role": r, "start": s, "end": e, "text": "x"} for r, s, e in args],
                         extractors=[extractor], score=score, modality=modality)


def roles(e: ProposedEvent) -> list[tuple[str, int]]:
    return [(a.role, a.start) for a in e.arguments]


def test_empty_roles_are_filled_from_the_models_matching_event_and_the_rest_stays_the_rules():
    rule = event("MEETING", (6, 9), [("participant", 0, 5)], "rules", score=0.8, modality="planned")
    model = event("MEETING", (6, 12), [("participant", 13, 19), ("place", 23, 29), ("time", 30, 39)], "llm",
                  score=0.4, modality="asserted")
    [filled] = fill([rule], [model])
    # participant is the rules' (not a second one from the model); place and time are added
    assert roles(filled) == [("participant", 0), ("place", 23), ("time", 30)]
    assert (filled.trigger, filled.modality, filled.score) == (rule.trigger, "planned", 0.8)
    assert filled.extractors == ["rules", "llm"]
    assert rule.arguments == [rule.arguments[0]] and len(rule.arguments) == 1  # inputs are not changed


def test_a_repeating_empty_role_takes_every_mention_and_overlaps_are_left_out():
    rule = event("MEETING", (10, 13), [("place", 30, 36)], "rules")
    model = event("MEETING", (10, 13), [("participant", 0, 5), ("participant", 17, 22), ("time", 11, 15),
                                         ("topic", 28, 40)], "llm")
    [filled] = fill([rule], [model])
    # time overlaps the trigger, topic overlaps the rules' place: neither is added
    assert roles(filled) == [("place", 30), ("participant", 0), ("participant", 17)]


def test_only_same_type_overlapping_events_fill_and_each_model_event_fills_once():
    rules = [event("STATEMENT", (6, 10), [], "rules"), event("STATEMENT", (6, 10), [], "rules"),
             event("AGREEMENT", (40, 46), [], "rules")]
    model = [event("MEETING", (6, 10), [("participant", 0, 5)], "llm"),      # other type
             event("STATEMENT", (6, 10), [("speaker", 0, 5)], "llm"),
             event("AGREEMENT", (50, 55), [("party", 60, 65)], "llm")]        # other trigger
    first, second, agreement = fill(rules, model)
    assert roles(first) == [("speaker", 0)] and first.extractors == ["rules", "llm"]
    assert roles(second) == [] and second.extractors == ["rules"]
    assert roles(agreement) == [] and agreement.extractors == ["rules"]


def test_model_only_events_are_added_only_at_min_score_and_never_on_a_kept_trigger():
    rules = [event("STATEMENT", (6, 10), [("speaker", 0, 5)], "rules")]
    model = [event("STATEMENT", (6, 10), [], "llm", score=0.99),
             event("MEETING", (7, 12), [], "llm", score=0.99),               # on the rules' trigger
             event("AGREEMENT", (40, 46), [("party", 30, 35)], "llm", score=0.95),
             event("REFUSAL", (60, 66), [], "llm", score=0.5)]
    assert [e.label for e in fill(rules, model)] == ["STATEMENT"]
    assert [e.label for e in fill(rules, model, min_score=0.9)] == ["STATEMENT", "AGREEMENT"]
    assert [e.label for e in fill(rules, model, min_score=0.5)] == ["STATEMENT", "AGREEMENT", "REFUSAL"]
    assert fill([], model, min_score=0.9)[0].label == "STATEMENT"  # no rules: the confident model events
    assert fill(rules, []) == rules


TEXT = "Lavrov said in Moscow that the talks were useful."


def talks_responder(body: dict) -> str:
    """A model that places the talks (the rules leave that event's roles empty here), names
    another speaker (the rules have one) and sees an agreement (not among the rules' events)."""
    sentences = document_sentences(body["messages"][-1]["content"])
    events = []
    for i, sentence in enumerate(sentences):
        if "talks" in sentence:
            events += [{"sentence": i, "type": "STATEMENT", "trigger": "said", "modality": "asserted", "speaker": "Moscow"},
                       {"sentence": i, "type": "MEETING", "trigger": "talks", "modality": "asserted", "place": "Moscow"},
                       {"sentence": i, "type": "AGREEMENT", "trigger": "useful", "modality": "asserted"}]
    return json.dumps({"events": events})


def test_extract_with_fill_rules_proposes_the_rules_events_filled_by_the_model(tmp_path, registry):
    source = tmp_path / "in.txt"
    source.write_text(TEXT + "\n")
    with FakeLLMServer(talks_responder) as server:
        def run(name, extractors, llm):
            out = tmp_path / f"{name}.jsonl"
            options = {"llm": {"base_url": server.base_url, "model": "test", "cache": str(tmp_path / "c.sqlite3"),
                               **llm}} if "llm" in extractors else {}
            extract([str(source)], str(out), ExtractConfig(extractors=extractors, options=options))
            assert list(validate_file(str(out), registry)) == []
            [task] = read_jsonl(out)
            return task

        rules = run("rules", ("rules",), {})
        filled = run("filled", ("llm",), {"fill_rules": True})
        assert len(server.requests) == 1
        confident = run("confident", ("llm",), {"fill_rules": True, "fill_min_score": 0.5})
        assert len(server.requests) == 1  # the same prompt: from the cache

    def table(task):
        return [(e["label"], e["trigger"]["text"], sorted((a["role"], a["text"]) for a in e["arguments"]), e["extractors"])
                for e in task["events"]]

    statement, meeting = table(rules)
    assert meeting == ("MEETING", "talks", [], ["rules"])  # what the model is there for
    assert table(filled) == [statement, ("MEETING", "talks", [("place", "Moscow")], ["rules", "llm"])]
    assert filled["meta"]["llm"]["model"] == "test"  # the model's record is kept
    # the fake's answers carry no log-probabilities, so they score 1.0: the agreement is added
    assert table(confident) == [*table(filled), ("AGREEMENT", "useful", [], ["llm"])]
