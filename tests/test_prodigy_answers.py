"""Answers as Prodigy writes them: the relations UI adds its own keys and re-creates what an
annotator deletes and redraws; before_db and export must keep everything of ours, once."""

from __future__ import annotations

import copy
import json

import pytest
from annotation_helpers import TEXT, fake_extractor, recipes  # noqa: F401 - fixtures
from test_recipes import TEXTS, assert_valid_task, span_at

from eventcoder.annotation.export import GOLD_EVENT_KEYS, export

RELATION_COLOR = "#ffd882"
OURS = ("modality", "score", "extractors")


def prodigy_span(task: dict, span: dict) -> dict:
    """A span as the relations UI holds it: ours plus ``text`` and ``type``."""
    return {**span, "text": task["text"][span["start"]:span["end"]], "type": "span"}


def prodigy_relation(head: dict, child: dict, label: str) -> dict:
    """A relation drawn in the UI: Prodigy's keys only, with its colour."""
    plain = lambda s: {k: s[k] for k in ("start", "end", "token_start", "token_end", "label", "text", "type")}  # noqa: E731
    return {"head": head["token_end"], "child": child["token_end"], "head_span": plain(head),
            "child_span": plain(child), "label": label, "color": RELATION_COLOR}


def redraw_trigger(answer: dict, text: str) -> dict:
    """Delete the trigger reading ``text`` (its relations go with it) and draw it again, with
    its relations: the new span has none of our keys."""
    old = span_at(answer, text)
    new = {k: old[k] for k in ("start", "end", "token_start", "token_end", "label", "text", "type")}
    redrawn = [r for r in answer["relations"] if r["head_span"]["start"] == old["start"]]
    answer["spans"] = [new if s is old else s for s in answer["spans"]]
    answer["relations"] = [r for r in answer["relations"] if r not in redrawn]
    spans = {(s["start"], s["end"]): s for s in answer["spans"]}
    for rel in redrawn:
        child = spans[(rel["child_span"]["start"], rel["child_span"]["end"])]
        answer["relations"].append(prodigy_relation(new, child, rel["label"]))
    return new


def as_prodigy_writes(task: dict, who: str = "alice", ts: int = 1_700_000_000) -> dict:
    """The served task once answered in the UI, before any edit of the annotator's."""
    answer = copy.deepcopy(task)
    answer["spans"] = [prodigy_span(answer, s) for s in answer["spans"]]
    spans = {(s["start"], s["end"]): s for s in answer["spans"]}
    answer["relations"] = [
        prodigy_relation(spans[(r["head_span"]["start"], r["head_span"]["end"])],
                         spans[(r["child_span"]["start"], r["child_span"]["end"])], r["label"])
        for r in answer["relations"]
    ]
    answer.update(answer="accept", _session_id=f"my_set-{who}", _annotator_id=f"my_set-{who}", _timestamp=ts)
    return answer


def modality_option(task: dict, text: str, modality: str) -> str:
    span = span_at(task, text)
    return f"mod:{span['start']}:{span['end']}:{modality}"


@pytest.fixture
def served(recipes, fake_extractor):
    components = recipes.events_correct("my_set", iter(TEXTS[:1]), extractor=fake_extractor)
    return components, next(iter(components["stream"]))


def event_at(task: dict, text: str) -> dict:
    return next(e for e in task["events"] if e["trigger"]["text"] == text)


def test_a_redrawn_trigger_keeps_its_modality_choice_and_our_keys(served, registry):
    components, task = served
    answer = as_prodigy_writes(task)
    redraw_trigger(answer, "will not send")
    answer["accept"] = [o for o in answer["accept"] if o != modality_option(task, "will not send", "asserted")]
    answer["accept"].append(modality_option(task, "will not send", "planned"))
    components["validate_answer"](answer)

    [stored] = components["before_db"]([answer])
    assert_valid_task(stored, registry)
    refusal, before = span_at(stored, "will not send"), span_at(task, "will not send")
    assert refusal["modality"] == "planned"
    assert {k: refusal[k] for k in OURS[1:]} == {k: before[k] for k in OURS[1:]}  # score, extractors
    assert event_at(stored, "will not send")["modality"] == "planned"
    assert event_at(stored, "will not send")["arguments"] == event_at(task, "will not send")["arguments"]
    for key in ("answer", "_session_id", "_annotator_id", "_timestamp", "_input_hash", "_task_hash", "meta"):
        assert stored[key] == answer[key], key
    assert components["before_db"]([stored]) == [stored]


def test_nothing_is_lost_or_duplicated(served, registry):
    components, task = served
    answer = as_prodigy_writes(task)
    redraw_trigger(answer, "met")
    answer["relations"].append(copy.deepcopy(answer["relations"][-1]))  # drawn twice by accident
    [stored] = components["before_db"]([answer])
    assert_valid_task(stored, registry)
    key = lambda r: (r["head_span"]["start"], r["child_span"]["start"], r["label"])  # noqa: E731
    assert sorted(map(key, stored["relations"])) == sorted(map(key, task["relations"]))
    assert stored["overlapping_relations"] == task["overlapping_relations"]  # still ticked: kept
    stored_spans = {(s["start"], s["end"]): s for s in stored["spans"]}
    for served_span in task["spans"]:
        stored_span = stored_spans[(served_span["start"], served_span["end"])]
        assert {k: v for k, v in stored_span.items() if k in served_span} == served_span
    strip = lambda events: [{k: e[k] for k in (*GOLD_EVENT_KEYS, "score", "extractors")} for e in events]  # noqa: E731
    assert strip(stored["events"]) == strip(task["events"])  # the annotator changed nothing


def test_a_redrawn_trigger_without_a_choice_block_keeps_the_proposed_modality(recipes, served, registry):
    components, task = served
    answer = as_prodigy_writes(task)
    for key in ("options", "accept"):
        answer.pop(key)  # a task file answered in a view without the choice block
    span_at(answer, "said")["modality"] = "hypothetical"
    task = copy.deepcopy(answer)
    event_at(task, "said")["modality"] = "hypothetical"
    answer["events"] = task["events"]
    redraw_trigger(answer, "said")
    [stored] = components["before_db"]([answer])
    assert event_at(stored, "said")["modality"] == "hypothetical"
    assert_valid_task(stored, registry)


def test_prodigy_answers_round_trip_through_before_db_and_export(served, registry, tmp_path):
    components, task = served
    alice = as_prodigy_writes(task, "alice", ts=1)
    redraw_trigger(alice, "will not send")
    alice["accept"] = [o for o in alice["accept"] if o != modality_option(task, "will not send", "asserted")]
    alice["accept"] += [modality_option(task, "will not send", "negated")]
    alice["event_edits"] = "met: planned"
    bob = as_prodigy_writes(task, "bob", ts=2)
    redraw_trigger(bob, "will not send")  # bob keeps the proposed modality
    stored = components["before_db"]([alice, bob])
    answers = tmp_path / "answers.jsonl"
    answers.write_text("".join(json.dumps(a) + "\n" for a in stored))

    out = tmp_path / "gold.jsonl"
    export(str(answers), str(out), registry, merge="first")
    [gold] = [json.loads(line) for line in out.read_text().splitlines()]
    assert gold["events"] == [{k: e[k] for k in GOLD_EVENT_KEYS} for e in stored[0]["events"]]
    modalities = {e["trigger"]["text"]: e["modality"] for e in gold["events"]}
    assert modalities == {"met": "planned", "said": "asserted", "will not send": "negated"}
    assert gold["meta"]["annotation"] == {"answer": "accept", "annotator": "my_set-alice", "input_hash": task["_input_hash"]}

    export(str(answers), str(out), registry, merge="latest")
    [gold] = [json.loads(line) for line in out.read_text().splitlines()]
    assert {e["trigger"]["text"]: e["modality"] for e in gold["events"]}["will not send"] == "asserted"
    assert gold["meta"]["annotation"]["annotator"] == "my_set-bob"
