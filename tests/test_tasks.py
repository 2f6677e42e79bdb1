"""The task contract: spans, relations, overlap handling, derived events and hashes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import jsonschema
import pytest
from conftest import ROOT, read_jsonl, run_cli, run_script

from eventcoder.core.formats import Argument, Mention, ProposedEvent
from eventcoder.pipeline.hashing import set_hashes
from eventcoder.pipeline.tasks import events_from_task, make_task
from eventcoder.pipeline.validate import line_errors

TASK_SCHEMA = json.loads((ROOT / "schemas" / "task.schema.json").read_text())


def _event(text, label, trigger, modality="asserted", **roles):
    def mention(phrase):
        start = text.index(phrase)
        return start, start + len(phrase)

    start, end = mention(trigger)
    args = []
    for role, phrases in roles.items():
        for phrase in phrases if isinstance(phrases, list) else [phrases]:
            s, e = mention(phrase)
            args.append(Argument(role=role, start=s, end=e, text=phrase))
    return ProposedEvent(label=label, trigger=Mention(start=start, end=end, text=trigger), arguments=args,
                         modality=modality, score=0.8, extractors=["test"])


TEXT = "Makei said Minsk will not send any officials after he met Lavrov in Moscow on Wednesday."


@pytest.fixture(scope="module")
def task(nlp, registry):
    doc = nlp(TEXT)
    events = [
        _event(TEXT, "STATEMENT", "said", speaker="Makei", content="Minsk will not send any officials after he met Lavrov in Moscow on Wednesday"),
        _event(TEXT, "REFUSAL", "will not send", refuser="Minsk"),
        _event(TEXT, "MEETING", "met", participant=["he", "Lavrov"], place="Moscow", time="Wednesday"),
    ]
    return make_task(doc[:], events, {"source": "test"}, registry), events


def test_task_is_schema_valid_and_passes_every_invariant(task, registry):
    task, _ = task
    jsonschema.validate(task, TASK_SCHEMA)
    assert line_errors(task, "task", registry) == []
    assert task["_view_id"] == "relations"


def test_content_clause_goes_to_overlapping_relations(task):
    task, _ = task
    spans = sorted((s["start"], s["end"]) for s in task["spans"])
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), "spans overlap"
    (content,) = task["overlapping_relations"]
    assert content["label"] == "content" and content["child_span"]["label"] == "CONTENT"
    assert (content["child_span"]["start"], content["child_span"]["end"]) not in spans
    labels = {(r["head_span"]["label"], r["label"]) for r in task["relations"]}
    assert ("MEETING", "place") in labels and ("REFUSAL", "refuser") in labels


def test_relation_indices_are_last_tokens_and_token_end_inclusive(task):
    task, _ = task
    tokens = task["tokens"]
    for span in task["spans"]:
        assert tokens[span["token_start"]]["start"] == span["start"]
        assert tokens[span["token_end"]]["end"] == span["end"]
    refusal = next(s for s in task["spans"] if s["label"] == "REFUSAL")
    assert task["text"][refusal["start"]:refusal["end"]] == "will not send"
    assert refusal["token_end"] - refusal["token_start"] == 2
    for rel in task["relations"] + task["overlapping_relations"]:
        assert rel["head"] == rel["head_span"]["token_end"] and rel["child"] == rel["child_span"]["token_end"]


def test_events_rebuilt_from_spans_and_relations_equal_the_extractors(task, registry):
    task, events = task
    expected = sorted(
        (e.label, e.trigger.start, e.trigger.end, e.modality, sorted((a.role, a.start, a.end) for a in e.arguments))
        for e in events
    )
    derived = sorted(
        (e["label"], e["trigger"]["start"], e["trigger"]["end"], e["modality"], sorted((a["role"], a["start"], a["end"]) for a in e["arguments"]))
        for e in events_from_task(task, registry)
    )
    assert derived == expected


def test_events_follow_a_reviewers_edit_of_the_relations(task, registry):
    task, _ = task
    edited = {**task, "relations": [r for r in task["relations"] if r["label"] != "place"]}
    edited.pop("events")
    meeting = next(e for e in events_from_task(edited, registry) if e["label"] == "MEETING")
    assert sorted(a["role"] for a in meeting["arguments"]) == ["participant", "participant", "time"]
    dropped = {**edited, "spans": [s for s in edited["spans"] if s["label"] != "REFUSAL"]}
    assert [e["label"] for e in events_from_task(dropped, registry)].count("REFUSAL") == 0


def test_shared_mention_serves_two_events(nlp, registry):
    text = "Makei said after talks with Lavrov that the sides agreed."
    doc = nlp(text)
    events = [_event(text, "STATEMENT", "said", speaker="Makei"), _event(text, "MEETING", "talks", participant=["Makei", "Lavrov"])]
    task = make_task(doc[:], events, {}, registry)
    makei = [r for r in task["relations"] if r["child_span"]["start"] == 0]
    assert sorted(r["label"] for r in makei) == ["participant", "speaker"]
    assert sum(1 for s in task["spans"] if s["start"] == 0) == 1


def test_offsets_snap_to_token_boundaries(nlp, registry):
    text = "Lavrov met Makei in Moscow."
    doc = nlp(text)
    sloppy = ProposedEvent(label="MEETING", trigger=Mention(start=7, end=9, text="et"),
                           arguments=[Argument(role="place", start=21, end=24, text="osc")])
    task = make_task(doc[:], [sloppy], {}, registry)
    assert [(e["trigger"]["text"], [a["text"] for a in e["arguments"]]) for e in task["events"]] == [("met", ["Moscow"])]


def test_sentence_window_keeps_its_events_at_window_offsets(nlp, registry):
    text = "Prices rose. Lavrov met Makei in Moscow."
    doc = nlp(text)
    event = _event(text, "MEETING", "met", participant=["Lavrov", "Makei"])
    second = list(doc.sents)[1]
    task = make_task(second, [event], {}, registry)
    assert task["text"] == "Lavrov met Makei in Moscow."
    assert task["events"][0]["trigger"] == {"start": 7, "end": 10, "text": "met"}
    assert make_task(list(doc.sents)[0], [event], {}, registry)["events"] == []


def test_hashes_stable_include_relations_and_survive_edits(task, nlp, registry):
    task, events = task
    again = make_task(nlp(TEXT)[:], events, {"source": "elsewhere"}, registry)
    assert (again["_input_hash"], again["_task_hash"]) == (task["_input_hash"], task["_task_hash"])
    fewer = make_task(nlp(TEXT)[:], [events[0], events[1]], {}, registry)
    assert fewer["_input_hash"] == task["_input_hash"] and fewer["_task_hash"] != task["_task_hash"]
    # relations alone change the task hash
    no_rel = dict(task, relations=[])
    del no_rel["_task_hash"]
    assert set_hashes(no_rel)["_task_hash"] != task["_task_hash"]
    # an edited task keeps its hashes: they are set once
    edited = json.loads(json.dumps(task))
    edited["relations"] = edited["relations"][:1]
    assert set_hashes(edited)["_task_hash"] == task["_task_hash"]


def test_hashes_identical_across_processes(tmp_path):
    """This process against a fresh one whose string hashing differs (another PYTHONHASHSEED)."""
    text = tmp_path / "a.txt"
    text.write_text("Lavrov met Makei in Moscow on Tuesday. He said talks were useful.", encoding="utf-8")
    env = {**os.environ, "PYTHONHASHSEED": "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"}
    other = subprocess.run([sys.executable, "-c", "print(hash('eventcoder'))"], env=env, capture_output=True, text=True)
    assert other.stdout.strip() != str(hash("eventcoder"))  # the two processes hash strings differently
    here, fresh = tmp_path / "here.jsonl", tmp_path / "fresh.jsonl"
    assert run_cli("extract", str(text), "-o", str(here)).returncode == 0
    result = run_script("extract", str(text), "-o", str(fresh), env=env)
    assert result.returncode == 0, result.stderr
    outs = [[(t["_input_hash"], t["_task_hash"]) for t in read_jsonl(out)] for out in (here, fresh)]
    assert outs[0] == outs[1] and outs[0]
