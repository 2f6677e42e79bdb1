"""``eventcoder export``: Prodigy answers (db-out JSONL) to gold JSONL or a spaCy DocBin."""

from __future__ import annotations

import copy
import json

import pytest
from annotation_helpers import PROPOSALS, TEXT, as_answer, build_task
from conftest import ROOT, read_jsonl, run_cli
from jsonschema import Draft202012Validator

from eventcoder.annotation.answers import answers_of
from eventcoder.annotation.edits import add_choices
from eventcoder.annotation.export import build_gold

GOLD_SCHEMA = Draft202012Validator(json.loads((ROOT / "schemas" / "gold.schema.json").read_text()))
REFUSAL_TEXT = "Belarus refused to attend the summit in Vienna."


def span_dict(task, piece, label):
    start = task["text"].index(piece)
    end = start + len(piece)
    first = next(t["id"] for t in task["tokens"] if t["start"] == start)
    last = next(t["id"] for t in task["tokens"] if t["end"] == end)
    return {"start": start, "end": end, "token_start": first, "token_end": last, "label": label}


def relation(head, child, role):
    return {"head": head["token_end"], "child": child["token_end"], "head_span": dict(head), "child_span": dict(child), "label": role}


def alice_edits(task, registry):
    """What alice did in the UI: relabelled a span, removed, added and re-pointed relations, changed a modality."""
    task = add_choices(copy.deepcopy(task), registry)  # as the correct recipe serves it
    wednesday = next(s for s in task["spans"] if s["label"] == "PLACE")
    wednesday["label"] = "TIME"  # span relabelled
    met = next(s for s in task["spans"] if s["label"] == "MEETING")
    task["relations"] = [r for r in task["relations"] if r["label"] != "place"]  # relation removed
    moscow = span_dict(task, "Moscow", "PLACE")
    task["spans"] = sorted([*task["spans"], moscow], key=lambda s: s["start"])
    task["relations"] += [relation(met, moscow, "place"), relation(met, wednesday, "time")]  # relations added
    task["accept"] = [i for i in task["accept"] if i != "mod:48:52:asserted"] + ["mod:48:52:hypothetical"]  # modality
    return task


@pytest.fixture
def answers_file(tmp_path, nlp, registry):
    proposals = build_task(nlp, registry, TEXT, PROPOSALS, doc="n1")
    refusal = build_task(nlp, registry, REFUSAL_TEXT, [("REFUSAL", "refused", [("refuser", "Belarus")])], doc="n2")
    nothing = build_task(nlp, registry, "Prices rose.", [], doc="n3")
    lines = [
        as_answer(proposals, "accept", "bob", ts=300),
        as_answer(alice_edits(proposals, registry), "accept", "alice", ts=400),
        as_answer(refusal, "reject", "alice", ts=100),
        as_answer(refusal, "accept", "bob", ts=150),
        as_answer(nothing, "ignore", "alice", ts=10),
    ]
    path = tmp_path / "answers.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines) + "\n")
    return path


def events_of(record):
    return [(e["label"], e["trigger"]["text"], e["modality"], [(a["role"], a["text"]) for a in e["arguments"]]) for e in record["events"]]


ALICE_T1 = [
    ("MEETING", "met", "asserted", [("participant", "Makei"), ("participant", "Lavrov"), ("place", "Moscow"), ("time", "Wednesday")]),
    ("STATEMENT", "said", "hypothetical", [("speaker", "Lavrov"), ("content", "Minsk will not send any officials")]),
    ("REFUSAL", "will not send", "asserted", [("refuser", "Minsk")]),
]
BOB_T1 = [
    ("MEETING", "met", "asserted", [("participant", "Makei"), ("participant", "Lavrov"), ("place", "Wednesday")]),
    ("STATEMENT", "said", "asserted", [("speaker", "Lavrov"), ("content", "Minsk will not send any officials")]),
    ("REFUSAL", "will not send", "asserted", [("refuser", "Minsk")]),
]
BOB_T2 = [("REFUSAL", "refused", "asserted", [("refuser", "Belarus")])]


def test_export_keeps_accepts_merges_latest_and_reflects_edits(answers_file, tmp_path):
    out = tmp_path / "gold.jsonl"
    result = run_cli("export", str(answers_file), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == f"5 answers -> 2 gold records (4 events) in {out}; left out: 1 ignore, 1 reject"
    gold = read_jsonl(out)
    assert [events_of(r) for r in gold] == [ALICE_T1, BOB_T2]
    assert gold[0]["meta"]["doc"] == "n1" and gold[0]["meta"]["annotation"]["annotator"] == "events-alice"
    for record in gold:
        assert list(GOLD_SCHEMA.iter_errors(record)) == []
        assert set(record["events"][0]) == {"label", "trigger", "arguments", "modality"}


def test_merge_first_and_answer_kinds(answers_file, registry):
    from eventcoder.annotation.answers import read_answers

    first = build_gold(read_answers(str(answers_file)), registry, merge="first")
    assert [events_of(g.record) for g in first] == [BOB_T1, BOB_T2]
    everything = build_gold(read_answers(str(answers_file)), registry, keep=("accept", "reject", "ignore"))
    assert [g.record["meta"]["annotation"]["answer"] for g in everything] == ["accept", "accept", "ignore"]
    assert [events_of(g.record) for g in everything] == [ALICE_T1, BOB_T2, []]


def test_merge_strict_reports_every_conflict(answers_file, tmp_path):
    out = tmp_path / "gold.jsonl"
    result = run_cli("export", str(answers_file), "-o", str(out), "--merge", "strict", "--answers", "accept,reject")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{answers_file}:2: events-alice disagrees with events-bob at line 1 on the same text: only here: ")
    assert 'STATEMENT "said" hypothetical' in lines[0]
    assert lines[1] == f"{answers_file}:4: events-bob disagrees with events-alice at line 3 on the same text: answer 'accept' here, 'reject' there"
    assert not out.exists()


def test_export_to_spacy_docbin(answers_file, tmp_path):
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    out = tmp_path / "gold.spacy"
    assert run_cli("export", str(answers_file), "-o", str(out)).returncode == 0
    docs = list(DocBin().from_disk(out).get_docs(Vocab()))
    assert [d.text for d in docs] == [TEXT, REFUSAL_TEXT]
    doc = docs[0]
    assert [(s.text, s.label_) for s in doc.spans["events"]] == [("met", "MEETING"), ("said", "STATEMENT"), ("will not send", "REFUSAL")]
    arguments = {(s.text, s.label_) for s in doc.spans["arguments"]}
    assert {("Wednesday", "TIME"), ("Moscow", "PLACE"), ("Minsk will not send any officials", "CONTENT")} <= arguments
    assert [(e["label"], e["modality"]) for e in doc.user_data["events"]] == [(label, m) for label, _, m, _ in ALICE_T1]
    assert doc.user_data["meta"]["doc"] == "n1"


def test_format_option_overrides_suffix(answers_file, tmp_path, registry):
    from spacy.tokens import DocBin

    out = tmp_path / "gold.bin"
    assert run_cli("export", str(answers_file), "-o", str(out), "--format", "spacy").returncode == 0
    assert len(DocBin().from_disk(out)) == 2


def test_malformed_line_names_file_and_line_and_writes_nothing(answers_file, tmp_path):
    lines = answers_file.read_text().splitlines()
    lines.insert(2, '{"text": "broken", ')
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out" / "gold.jsonl"
    result = run_cli("export", str(bad), "-o", str(out))
    assert result.returncode == 2
    assert result.stderr.startswith(f"{bad}:3: invalid JSON")
    assert "Traceback" not in result.stderr
    assert not out.exists() and list(tmp_path.rglob("*.tmp")) == []


def test_invalid_answer_names_file_and_line(answers_file, tmp_path, registry):
    answers = read_jsonl(answers_file)
    makei, lavrov = answers[0]["spans"][0], answers[0]["spans"][2]
    answers[0]["relations"].append(relation(makei, lavrov, "participant"))
    bad = tmp_path / "bad.jsonl"
    bad.write_text("".join(json.dumps(a) + "\n" for a in answers))
    out = tmp_path / "gold.jsonl"
    result = run_cli("export", str(bad), "-o", str(out))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f'{bad}:1: relation "participant" starts at "Makei" (ACTOR), not at a trigger:'
        " draw relations from the event's trigger to its argument"
    )
    assert not out.exists()


def test_build_gold_takes_answers_from_anywhere(nlp, registry):
    task = build_task(nlp, registry, REFUSAL_TEXT, [("REFUSAL", "refused", [("refuser", "Belarus")], "negated")])
    golds = build_gold([as_answer(task, who=None)], registry)  # plain dicts will do
    assert [events_of(g.record) for g in golds] == [[("REFUSAL", "refused", "negated", [("refuser", "Belarus")])]]
    with pytest.raises(Exception, match=r"^review\.db:1: \"answer\" must be one of"):
        build_gold(answers_of([task], "review.db"), registry)
