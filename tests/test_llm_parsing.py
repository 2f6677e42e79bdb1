"""The llm task's answer parsing: wrapping, repeated texts, token snapping and every drop."""

from __future__ import annotations

import json

import pytest

from eventcoder.extractors.llm.tasks.events.parser import event_items
from eventcoder.extractors.llm.tasks.events.resolve import resolve
from eventcoder.extractors.llm.tasks.events.sentences import numbered_sentences

ANSWER = {"events": [{"type": "MEETING", "modality": "asserted", "sentence": 0, "trigger": "met",
                      "arguments": [{"role": "participant", "text": "Makei"}, {"role": "place", "text": "Moscow"}]}]}
PLAIN = json.dumps(ANSWER)


@pytest.mark.parametrize(
    "wrapped",
    [
        PLAIN,
        f"```json\n{PLAIN}\n```",
        f"Sure! Here are the events:\n```\n{PLAIN}\n```\nLet me know if you need more.",
        f"The events are {PLAIN} as requested.",
        PLAIN.replace('"Moscow"}]', '"Moscow"},]').replace("}]}", "},]},"),  # trailing commas
        "- " + json.dumps(ANSWER["events"][0]),  # a bullet per event
        json.dumps(ANSWER["events"]),  # a bare list
        json.dumps({"events": [{"label": "meeting", "sentence": "0", "trigger": {"text": "met"},
                                "arguments": {"participant": ["Makei"], "place": "Moscow"}}]}),
    ],
)
def test_wrapped_answers_give_the_same_event(wrapped, nlp, registry):
    doc = nlp("Makei met Lavrov in Moscow.")
    items, problem = event_items(wrapped)
    assert problem is None
    result = resolve(items, doc, numbered_sentences(doc), registry, set(registry.types))
    assert result.dropped == []
    [event] = result.events
    assert event["label"] == "MEETING" and event["modality"] == "asserted"
    assert event["trigger"] == {"start": 6, "end": 9, "text": "met"}
    assert [(a["role"], a["text"], a["start"]) for a in event["arguments"]] == [
        ("participant", "Makei", 0), ("place", "Moscow", 20)]


@pytest.mark.parametrize("answer", ["", "I found no events worth mentioning.", "{not json"])
def test_answers_without_json_drop_nothing_silently(answer):
    items, problem = event_items(answer)
    assert items == [] and problem


def place(nlp, registry, text, events):
    doc = nlp(text)
    items, _ = event_items(json.dumps({"events": events}))
    return doc, resolve(items, doc, numbered_sentences(doc), registry, set(registry.types))


def test_repeated_texts_are_placed_by_sentence_and_order(nlp, registry):
    text = "Makei met Lavrov. Makei said he met Lavrov again, and Lavrov said so too."
    doc, result = place(nlp, registry, text, [
        {"type": "MEETING", "sentence": 1, "trigger": "met", "arguments": [{"role": "participant", "text": "Lavrov"}]},
        {"type": "STATEMENT", "sentence": 1, "trigger": "said", "arguments": [{"role": "speaker", "text": "Makei"}]},
        {"type": "STATEMENT", "sentence": 1, "trigger": "said", "arguments": [{"role": "speaker", "text": "Lavrov"}]},
    ])
    assert result.dropped == []
    meeting, said1, said2 = result.events
    second = text.index("Makei said")
    assert meeting["trigger"]["start"] == text.index("met", second)  # not the first "met"
    assert meeting["arguments"][0]["start"] == text.index("Lavrov", second)  # nearest to its trigger
    assert said1["trigger"]["start"] == text.index("said") and said1["arguments"][0]["start"] == second
    assert said2["trigger"]["start"] == text.rindex("said")  # the second "said", not a duplicate
    assert said2["arguments"][0]["start"] == text.rindex("Lavrov")


def test_wrong_sentence_index_falls_back_to_the_nearest_sentence(nlp, registry):
    text = "Prices rose. Makei met Lavrov."
    _, result = place(nlp, registry, text, [{"type": "MEETING", "sentence": 0, "trigger": "met", "arguments": []}])
    assert result.events[0]["trigger"]["start"] == text.index("met")


def test_texts_snap_to_tokens_and_tolerate_case_space_and_quotes(nlp, registry):
    text = "The ministers of\nBelarus and Russia met in Minsk."
    _, result = place(nlp, registry, text, [
        {"type": "MEETING", "sentence": 0, "trigger": "MET", "arguments": [
            {"role": "participant", "text": "The ministers of Belarus"}, {"role": "place", "text": '"Minsk."'}]},
    ])
    [event] = result.events
    assert event["trigger"]["text"] == "met"
    assert event["arguments"][0]["text"] == "The ministers of\nBelarus"
    assert event["arguments"][1]["text"] == "Minsk"


def test_a_word_never_matches_inside_another(nlp, registry):
    _, result = place(nlp, registry, "Belarusian officials met.", [
        {"type": "MEETING", "sentence": 0, "trigger": "met", "arguments": [{"role": "participant", "text": "Belarus"}]}])
    assert result.events[0]["arguments"] == []
    assert result.dropped[0]["reason"] == "argument not in the text"


def test_everything_invalid_is_dropped_with_reason_and_what_was_said(nlp, registry):
    _, result = place(nlp, registry, "Makei met Lavrov in Moscow. Makei said it twice.", [
        {"type": "ATTACK", "sentence": 0, "trigger": "met", "arguments": []},
        {"type": "MEETING", "modality": "probable", "sentence": 0, "trigger": "met", "arguments": []},
        {"type": "MEETING", "sentence": 0, "trigger": "greeted", "arguments": []},
        {"type": "MEETING", "sentence": 0, "arguments": []},
        "not an object",
        {"type": "MEETING", "sentence": 0, "trigger": "met", "arguments": [
            {"role": "speaker", "text": "Makei"},  # not a MEETING role
            {"role": "participant", "text": "Putin"},  # not in the text
            {"role": "place", "text": "Moscow"},
            {"role": "place", "text": "Makei"},  # place does not repeat
            {"role": "participant", "text": "Lavrov"},
            {"role": "participant", "text": "Lavrov"},  # said twice
            {"role": "topic", "text": ""},
        ]},
        {"type": "MEETING", "sentence": 0, "trigger": "met", "arguments": []},  # same event again
        {"type": "STATEMENT", "modality": "Asserted", "sentence": 9, "trigger": "said", "arguments": []},
    ])
    reasons = [d["reason"] for d in result.dropped]
    assert reasons == [
        "unknown event type 'ATTACK'", "unknown modality 'probable'", "trigger not in the text", "no trigger",
        "not an event object", "MEETING has no role 'speaker'", "argument not in the text",
        "role 'place' of MEETING does not repeat", "duplicate argument", "empty argument", "duplicate event",
    ]
    assert result.dropped[0]["said"]["type"] == "ATTACK"
    assert result.dropped[5]["said"] == {"type": "MEETING", "trigger": "met", "role": "speaker", "text": "Makei"}
    meeting, statement = result.events
    assert [(a["role"], a["text"]) for a in meeting["arguments"]] == [("place", "Moscow"), ("participant", "Lavrov")]
    assert statement["trigger"]["text"] == "said"  # out-of-range sentence: searched everywhere


def test_only_asked_types_are_kept(nlp, registry):
    doc = nlp("Makei met Lavrov and said so.")
    items, _ = event_items(json.dumps({"events": [
        {"type": "MEETING", "sentence": 0, "trigger": "met", "arguments": []},
        {"type": "STATEMENT", "sentence": 0, "trigger": "said", "arguments": []}]}))
    result = resolve(items, doc, numbered_sentences(doc), registry, {"STATEMENT"})
    assert [e["label"] for e in result.events] == ["STATEMENT"]
    assert result.dropped[0]["reason"] == "unknown event type 'MEETING'"


def test_flat_answers_with_roles_as_keys_in_any_case_and_near_misses_are_placed(nlp, registry):
    text = "Ministers from Chile and Peru will meet in Lima next week."
    _, result = place(nlp, registry, text, [
        {"sentence": 0, "type": "MEETING", "trigger": "will meet", "modality": "planned",
         "Participant": ["Ministers of Chile and Peru"], "place": "Lima", "time": "next weeks", "topic": "trade"},
    ])
    [event] = result.events
    assert event["modality"] == "planned"
    assert [(a["role"], a["text"]) for a in event["arguments"]] == [
        ("participant", "Ministers from Chile and Peru"), ("place", "Lima"), ("time", "next week")]
    assert [d["reason"] for d in result.dropped] == ["argument not in the text"]  # "trade": nothing like it


def test_a_trigger_copied_with_its_hints_type_name_is_the_word_and_text_stays_text(nlp, registry):
    text = "Kenya signed the agreement, the minister said, according to reporters."
    _, result = place(nlp, registry, text, [
        {"type": "STATEMENT", "sentence": 0, "trigger": "said STATEMENT", "speaker": "the minister"},
        {"type": "AGREEMENT", "sentence": 0, "trigger": "signed the agreement", "party": "Kenya"},
        {"type": "STATEMENT", "sentence": 0, "trigger": "according STATEMENT", "speaker": "reporters"},
    ])
    assert [(e["label"], e["trigger"]["text"]) for e in result.events] == [
        ("STATEMENT", "said"), ("AGREEMENT", "signed the agreement")]
    assert [d["reason"] for d in result.dropped] == ['not an event (guidelines: "according to")']
