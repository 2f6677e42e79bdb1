"""Dates against a document date, and the schema of every events format (CLI in-process)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from conftest import SEEDS, run_cli

from eventcoder.eventdata.dates import document_date, event_date, resolve_expression

BASE = dt.date(2021, 11, 24)  # a Wednesday


@pytest.mark.parametrize("words, planned, expected", [
    ("on Wednesday", False, ("2021-11-24", "relative")),
    ("Monday", False, ("2021-11-22", "relative")),
    ("Monday", True, ("2021-11-29", "relative")),
    ("next Tuesday", False, ("2021-11-30", "relative")),
    ("last month", False, ("2021-10", "relative")),
    ("3 March 2020", False, ("2020-03-03", "explicit")),
])
def test_date_expressions_against_the_document_date(words, planned, expected):
    found = resolve_expression(words, BASE, planned)
    assert (found.date, found.source) == expected


def test_explicit_beats_relative_then_document_then_none():
    assert event_date(["Wednesday", "3 March 2020"], BASE).date == "2020-03-03"
    assert tuple(event_date(["in the coming days"], BASE))[:2] == ("2021-11-24", "document")
    assert tuple(event_date(["on Wednesday"], None))[:2] == (None, "none")
    assert document_date({"text": "Title\n10:21, 15 June\nbody"}) is None  # no year: no date invented
    assert document_date({"text": "x", "meta": {"date": "2021-11-24T10:00:00Z"}}) == BASE


def _events(tmp_path, fmt, *inputs, extra=()):
    out = tmp_path / f"out.{fmt}"
    result = run_cli("events", *map(str, inputs), "-o", str(out), "--format", fmt, *extra)
    assert result.returncode == 0, result.stderr
    return out.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def dated_gold(tmp_path_factory):
    path = tmp_path_factory.mktemp("gold") / "gold.jsonl"
    lines = [json.loads(line) for line in (SEEDS / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    for record in lines:
        record["meta"] = {"date": "2021-11-24"}
    path.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    return path


def test_plover_schema_and_seed_actors(tmp_path, dated_gold):
    records = [json.loads(line) for line in _events(tmp_path, "plover", dated_gold).splitlines()]
    assert records
    for record in records:
        assert set(record) == {"id", "date", "event", "mode", "source", "target", "eventText", "text", "location", "eventcoder"}
        assert record["event"] in {"CONSULT", "AGREE", "REJECT", "DEMAND", "DISAPPROVE", "THREATEN"}
        assert record["eventcoder"]["modality"] in {"asserted", "planned"}
        for actor in record["source"] + record["target"]:
            assert set(actor) == {"actorText", "name", "code", "sector", "start", "end"}
            assert record["text"][actor["start"]:actor["end"]] == actor["actorText"]
    meeting = next(r for r in records if r["eventcoder"]["trigger"]["text"] == "met" and r["source"][0]["actorText"] == "he")
    assert meeting["source"][0] | {} == {**meeting["source"][0], "name": "Yuri Ambrazevich", "code": "BLR", "sector": "GOV"}
    demand = next(r for r in records if r["eventcoder"]["trigger"]["text"] == "demanded")
    assert demand["event"] == "DEMAND" and demand["source"][0]["code"] == "RUS" and demand["date"] == "2021-11-24"
    everything = _events(tmp_path, "plover", dated_gold, extra=("--all-modalities",)).splitlines()
    assert len(everything) > len(records)


def test_cameo_schema(tmp_path, dated_gold):
    records = [json.loads(line) for line in _events(tmp_path, "cameo", dated_gold).splitlines()]
    codes = {r["eventcoder"]["trigger"]["text"]: r["eventCode"] for r in records}
    assert codes["demanded"] == "100" and codes["urged"] == "020" and codes["met"] == "040"
    assert codes["will not send"] == "125"
    assert all(set(a) == {"actorText", "name", "code", "start", "end"} for r in records for a in r["source"])
    said = next(r for r in records if r["eventcoder"]["trigger"]["text"] == "said" and r["source"][0]["actorText"] == "he")
    assert said["source"][0]["code"] in {"BLRGOV", "RUSGOV"}


def test_csv_loads_as_a_dyadic_table(tmp_path, dated_gold):
    rows = list(csv.DictReader(io.StringIO(_events(tmp_path, "csv", dated_gold))))
    assert rows and list(rows[0]) == ["id", "date", "date_source", "source_name", "source_code", "source_sector",
                                      "target_name", "target_code", "target_sector", "type", "plover", "cameo",
                                      "modality", "place", "doc", "sentence", "score"]
    meet = [r for r in rows if r["source_name"] == "Vladimir Makei" and r["target_name"] == "Sergey Lavrov"]
    assert meet and meet[0]["source_code"] == "BLR" and meet[0]["target_code"] == "RUS" and meet[0]["plover"] == "CONSULT"


def test_extract_output_names_the_pronouns(tmp_path):
    proposals = tmp_path / "proposals.jsonl"
    assert run_cli("extract", str(SEEDS), "-o", str(proposals)).returncode == 0
    rows = list(csv.DictReader(io.StringIO(_events(tmp_path, "csv", proposals))))
    names = {r["source_name"] for r in rows}
    assert {"Yuri Ambrazevich", "Vladimir Makei", "Sergey Lavrov"} <= names


def test_corrections_on_answer_spans_win(tmp_path):
    proposals = tmp_path / "proposals.jsonl"
    assert run_cli("extract", str(SEEDS), "-o", str(proposals)).returncode == 0
    answers = []
    for line in proposals.read_text(encoding="utf-8").splitlines():
        task = json.loads(line)
        for span in task["spans"]:
            if task["text"][span["start"]:span["end"]] == "Moscow" and span["label"] == "ACTOR":
                span.update(name="Russian government", code="RUS", sector="MIL")
        answers.append(json.dumps({**task, "answer": "accept"}))
    path = tmp_path / "answers.jsonl"
    path.write_text("\n".join(answers) + "\n", encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(_events(tmp_path, "csv", path))))
    assert any(r["source_name"] == "Russian government" and r["source_sector"] == "MIL" for r in rows)


def test_bad_input_is_one_line_and_leaves_nothing(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x", "events": []}\nnot json\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run_cli("events", str(bad), "-o", str(out))
    assert result.returncode == 2 and f"{bad}:2:" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


def test_tasks_format_puts_name_code_sector_on_actor_spans(tmp_path):
    proposals = tmp_path / "proposals.jsonl"
    assert run_cli("extract", str(SEEDS), "-o", str(proposals)).returncode == 0
    tasks = [json.loads(line) for line in _events(tmp_path, "tasks", proposals).splitlines()]
    assert len(tasks) == len(proposals.read_text(encoding="utf-8").splitlines())
    actors = [(t["text"][s["start"]:s["end"]], s) for t in tasks for s in t["spans"] if s["label"] == "ACTOR"]
    assert actors and all({"name", "code", "sector"} <= set(s) for _, s in actors)
    pronouns = [s for words, s in actors if words.lower() in {"he", "we"}]
    assert pronouns and all(s["name"] in {"Yuri Ambrazevich", "Vladimir Makei", "Sergey Lavrov"} for s in pronouns)
