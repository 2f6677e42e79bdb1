"""``eventcoder db-in`` and the database branch of ``export`` / ``agreement``: round trips and bad input."""

from __future__ import annotations

import json

import pytest
from conftest import SEEDS, read_jsonl
from test_review_api import payload, rows, write_jsonl

from eventcoder.annotation.store import AnswerStore, session_id
from eventcoder.annotation.webapp.payload import build_answer
from eventcoder.cli import main
from eventcoder.run.extract import extract


@pytest.fixture(scope="module")
def seed_tasks(tmp_path_factory, nlp):
    """The tasks ``eventcoder extract`` makes of the seed articles."""
    path = tmp_path_factory.mktemp("seeds") / "tasks.jsonl"
    extract([str(SEEDS)], str(path))
    return read_jsonl(path)


def answer_all(db, dataset, tasks, registry, annotator, edit=False):
    """Answer every task as ``annotator``: accept, with every third a reject (and one edit)."""
    with AnswerStore(db) as store:
        for i, task in enumerate(tasks):
            body = payload(task, "reject" if i % 3 == 2 else "accept")
            if edit and task["events"] and body["answer"] == "accept":
                body["spans"] = [dict(s, modality="negated") if s.get("modality") else s for s in body["spans"]]
                edit = False
            store.add(dataset, build_answer(task, body, registry, annotator, session_id(dataset, annotator)))


def run(*args: str) -> None:
    main(list(args))  # in-process: a failure raises SystemExit


def test_export_db_in_export_gives_the_same_file(tmp_path, seed_tasks, registry):
    db = tmp_path / "review.db"
    answer_all(db, "ds", seed_tasks, registry, "anna", edit=True)
    run("export", "ds", "-o", str(tmp_path / "gold1.jsonl"), "--db", str(db))
    run("db-in", "copy", str(tmp_path / "gold1.jsonl"), "--db", str(db))
    run("export", "copy", "-o", str(tmp_path / "gold2.jsonl"), "--db", str(db))
    first = (tmp_path / "gold1.jsonl").read_text(encoding="utf-8")
    assert first == (tmp_path / "gold2.jsonl").read_text(encoding="utf-8")
    gold = [json.loads(line) for line in first.splitlines()]
    assert len(gold) == sum(1 for i, _ in enumerate(seed_tasks) if i % 3 != 2)
    assert any(e["modality"] == "negated" for g in gold for e in g["events"])  # the edit
    assert {g["meta"]["annotation"]["annotator"] for g in gold} == {"anna"}
    copied = [r for r in rows(db) if r["dataset"] == "copy"]
    assert {(r["annotator"], r["session"], r["answer"]) for r in copied} == {("anna", "copy-anna", "accept")}


def test_gold_jsonl_comes_in_as_accepted_answers(tmp_path, registry, capsys):
    db = tmp_path / "review.db"
    original = read_jsonl(SEEDS / "gold.jsonl")[:1]
    run("db-in", "seeds", str(write_jsonl(tmp_path / "gold.jsonl", original)), "--db", str(db), "--annotator", "ref")
    assert "1 answer (1 from gold)" in capsys.readouterr().err
    assert {(r["annotator"], r["session"], r["answer"]) for r in rows(db)} == {("ref", "seeds-ref", "accept")}
    run("export", "seeds", "-o", str(tmp_path / "exported.jsonl"), "--db", str(db))
    [exported] = read_jsonl(tmp_path / "exported.jsonl")
    assert exported["text"] == original[0]["text"] and exported["meta"]["doc"] == original[0]["doc"]
    def canonical(events):
        return sorted((e["label"], e["modality"], json.dumps(e["trigger"], sort_keys=True),
                       sorted(json.dumps(a, sort_keys=True) for a in e["arguments"])) for e in events)

    assert canonical(exported["events"]) == canonical(original[0]["events"])


def test_gold_off_token_boundaries_is_refused_by_name(tmp_path, capsys):
    text = "Makei said they would come."
    record = {"text": text, "events": [{"label": "STATEMENT", "trigger": {"start": 6, "end": 10, "text": "said"},
                                         "arguments": [{"role": "speaker", "start": 12, "end": 14, "text": "he"}]}]}
    with pytest.raises(SystemExit):
        run("db-in", "ds", str(write_jsonl(tmp_path / "gold.jsonl", [record])), "--db", str(tmp_path / "review.db"))
    assert capsys.readouterr().err.strip().endswith('STATEMENT "said": "he" (12-14) does not start and end on token boundaries')


def test_prodigy_db_out_lines_keep_their_annotator_and_fold_their_edits(tmp_path, seed_tasks, registry):
    db = tmp_path / "review.db"
    task = next(t for t in seed_tasks if len(t["events"]) >= 2)
    met = next(s for s in task["spans"] if task["text"][s["start"]:s["end"]] == "met")
    lines = [
        {**task, "answer": "accept", "_annotator_id": "ds-bob", "_session_id": "ds-bob", "event_edits": "met: planned"},
        {**task, "answer": "reject"},  # no annotator: --annotator
    ]
    run("db-in", "ds", str(write_jsonl(tmp_path / "db-out.jsonl", lines)), "--db", str(db), "--annotator", "carl")
    first, second = rows(db)
    assert (first["annotator"], first["session"], first["task_hash"]) == ("ds-bob", "ds-bob", task["_task_hash"])
    assert (second["annotator"], second["session"], second["answer"]) == ("carl", "ds-carl", "reject")
    events = json.loads(first["task"])["events"]
    assert next(e for e in events if e["trigger"]["start"] == met["start"])["modality"] == "planned"


def test_a_bad_line_stores_nothing(tmp_path, seed_tasks, capsys):
    db = tmp_path / "review.db"
    task = next(t for t in seed_tasks if t["relations"])
    actor = next(s for s in task["spans"] if s["label"] == "ACTOR")
    broken = {**task, "answer": "accept", "relations": [dict(task["relations"][0], head_span=actor, head=actor["token_end"])]}
    path = write_jsonl(tmp_path / "answers.jsonl", [{**task, "answer": "accept"}, broken])
    with pytest.raises(SystemExit) as exit_code:
        run("db-in", "ds", str(path), "--db", str(db))
    assert exit_code.value.code == 2
    assert capsys.readouterr().err.startswith(f"{path}:2: ")
    assert not db.exists()  # nothing written on refusal (issue 14)


def test_agreement_reads_a_dataset_of_two_annotators(tmp_path, seed_tasks, registry, capsys):
    db = tmp_path / "review.db"
    answer_all(db, "ds", seed_tasks, registry, "anna")
    answer_all(db, "ds", seed_tasks, registry, "bob", edit=True)
    capsys.readouterr()
    run("agreement", "ds", "--db", str(db), "--json")
    result = json.loads(capsys.readouterr().out)
    assert result["annotators"] == ["anna", "bob"]
    [pair] = result["pairs"]
    assert pair["shared_inputs"] == sum(1 for i, _ in enumerate(seed_tasks) if i % 3 != 2)
    assert 0 < pair["triggers"]["f1"] < 1  # bob made one real event negated


def test_a_name_that_is_neither_file_nor_dataset(tmp_path, capsys):
    with pytest.raises(SystemExit):
        run("export", "nothing", "-o", str(tmp_path / "gold.jsonl"), "--db", str(tmp_path / "none.db"))
    assert "nothing: no such file, and" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()
