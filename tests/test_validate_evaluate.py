"""`eventcoder validate`, `eventcoder evaluate` and the schemas in schemas/."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT, SEEDS, read_jsonl, run_cli

from eventcoder.core.json_schemas import schemas
from eventcoder.learn.evaluate import evaluate


def test_schema_files_are_generated_from_the_models():
    for name, schema in schemas().items():
        on_disk = json.loads((ROOT / "schemas" / name).read_text(encoding="utf-8"))
        assert on_disk == schema, f"schemas/{name} is stale: run eventcoder schemas --write schemas/"


def test_seed_gold_validates_against_schema_and_vocabulary():
    gold_schema = json.loads((ROOT / "schemas" / "gold.schema.json").read_text())
    for record in read_jsonl(SEEDS / "gold.jsonl"):
        jsonschema.validate(record, gold_schema)
    result = run_cli("validate", str(SEEDS / "gold.jsonl"))
    assert result.returncode == 0, result.stderr


def _write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def seed_tasks(tmp_path_factory):
    out = tmp_path_factory.mktemp("seeds") / "p.jsonl"
    result = run_cli("extract", str(SEEDS), "-o", str(out), "--unit", "sentence")
    assert result.returncode == 0, result.stderr
    return read_jsonl(out)


def test_validate_reports_each_bad_line_by_number(tmp_path, seed_tasks):
    with_relations = next(t for t in seed_tasks if t["relations"])
    tasks = [json.loads(json.dumps(t)) for t in (seed_tasks[0], with_relations, seed_tasks[1], seed_tasks[2])]
    with_rel = 1
    tasks[with_rel]["relations"][0]["head"] += 1                    # head is not the span's last token
    tasks[0]["spans"].append(dict(tasks[0]["tokens"][0], token_start=0, token_end=0, label="MEETING", end=tasks[0]["tokens"][0]["end"] + 1))
    del tasks[2]["_task_hash"]
    path = _write(tmp_path / "t.jsonl", tasks)
    with path.open("a") as handle:
        handle.write("{oops\n")
    result = run_cli("validate", str(path))
    assert result.returncode == 1
    bad = sorted({int(line.split(":")[1]) for line in result.stderr.splitlines() if line.startswith(str(path) + ":") and line.split(":")[1].isdigit()})
    assert bad == sorted({1, with_rel + 1, 3, 5})
    assert "should be the last token of head_span" in result.stderr
    assert "'_task_hash' is a required property" in result.stderr


def test_validate_catches_events_that_disagree_with_spans(tmp_path, seed_tasks):
    task = json.loads(json.dumps(next(t for t in seed_tasks if t["events"])))
    task["events"][0]["modality"] = "negated" if task["events"][0]["modality"] != "negated" else "asserted"
    result = run_cli("validate", str(_write(tmp_path / "t.jsonl", [task])))
    assert result.returncode == 1 and "do not match spans + relations" in result.stderr


def test_validate_gold_checks_roles_and_offsets(tmp_path):
    text = "Makei met Lavrov."
    bad = [
        {"text": text, "events": [{"label": "MEETING", "trigger": {"start": 6, "end": 9, "text": "met"},
                                   "arguments": [{"role": "speaker", "start": 0, "end": 5, "text": "Makei"}]}]},
        {"text": text, "events": [{"label": "MEETING", "trigger": {"start": 6, "end": 9, "text": "Met"}}]},
        {"text": text, "events": [{"label": "WAR", "trigger": {"start": 6, "end": 9, "text": "met"}}]},
        {"text": text, "events": [{"label": "MEETING", "modality": "rumoured", "trigger": {"start": 6, "end": 9, "text": "met"}}]},
    ]
    result = run_cli("validate", str(_write(tmp_path / "g.jsonl", bad)), "--kind", "gold")
    assert result.returncode == 1
    for needle in (":1: events/0: MEETING has no role 'speaker'", ":2: events/0/trigger: text 'Met'", ":3: events/0: unknown event type 'WAR'", ":4: events/0/modality"):
        assert needle in result.stderr, needle


def _ev(text, label, trigger, modality="asserted", **roles):
    s = text.index(trigger)
    args = []
    for role, phrase in roles.items():
        a = text.index(phrase)
        args.append({"role": role, "start": a, "end": a + len(phrase), "text": phrase})
    return {"label": label, "modality": modality, "trigger": {"start": s, "end": s + len(trigger), "text": trigger}, "arguments": args}


def test_evaluate_counts_by_hand(tmp_path, registry):
    t1 = "Makei met Lavrov in Moscow and said talks were useful."
    t2 = "Minsk is ready for a dialogue, Makei said."
    gold = [
        {"id": "a", "text": t1, "events": [_ev(t1, "MEETING", "met", participant="Makei", place="Moscow"), _ev(t1, "STATEMENT", "said", speaker="Makei")]},
        {"id": "b", "text": t2, "events": [_ev(t2, "MEETING", "dialogue", "hypothetical", participant="Minsk"), _ev(t2, "STATEMENT", "said", speaker="Makei")]},
    ]
    pred = [
        # a: MEETING right (1 of 2 args right + 1 wrong arg), STATEMENT missed, one spurious AGREEMENT
        {"id": "a", "text": t1, "events": [_ev(t1, "MEETING", "met", participant="Makei", time="Moscow"), _ev(t1, "AGREEMENT", "talks")]},
        # b: the hypothetical dialogue claimed as asserted; STATEMENT right with its speaker
        {"id": "b", "text": t2, "events": [_ev(t2, "MEETING", "dialogue", participant="Minsk"), _ev(t2, "STATEMENT", "said", speaker="Makei")]},
    ]
    result = evaluate(str(_write(tmp_path / "g.jsonl", gold)), str(_write(tmp_path / "p.jsonl", pred)), registry)
    assert result["triggers"] == {"precision": 0.5, "recall": 0.6667, "f1": 0.5714, "tp": 2, "fp": 2, "fn": 1}
    assert result["per_type"]["MEETING"]["triggers"]["fp"] == 1  # the irrealis one
    assert result["irrealis_claimed_as_real"] == 1
    assert result["irrealis"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "tp": 0, "fp": 0, "fn": 1}
    # arguments: tp = Makei(met) + Makei(said) = 2; fp = time + dialogue's participant = 2; fn = place + said(a) speaker = 2
    assert result["arguments"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "tp": 2, "fp": 2, "fn": 2}
    # macro over types with any count: MEETING 0.667, STATEMENT 0.667, AGREEMENT 0
    assert result["triggers_macro_f1"] == pytest.approx((2 / 3 + 2 / 3 + 0) / 3, abs=1e-3)


def test_evaluate_aligns_sentence_tasks_with_document_gold(registry, seed_tasks, tmp_path):
    pred = _write(tmp_path / "p.jsonl", seed_tasks)
    by_sentence = evaluate(str(SEEDS / "gold.jsonl"), str(pred), registry)
    result = run_cli("extract", str(SEEDS), "-o", str(tmp_path / "doc.jsonl"), "--unit", "doc")
    assert result.returncode == 0
    by_doc = evaluate(str(SEEDS / "gold.jsonl"), str(tmp_path / "doc.jsonl"), registry)
    assert by_sentence["documents"] == by_doc["documents"] == 2
    assert by_sentence["triggers"]["tp"] > 0.8 * by_doc["triggers"]["tp"]


def test_evaluate_cli_json_and_table(tmp_path):
    result = run_cli("evaluate", str(SEEDS / "gold.jsonl"), str(SEEDS / "gold.jsonl"), "--json")
    scores = json.loads(result.stdout)
    assert scores["triggers"]["f1"] == 1.0 and scores["arguments"]["f1"] == 1.0 and scores["irrealis"]["f1"] == 1.0
    table = run_cli("evaluate", str(SEEDS / "gold.jsonl"), str(SEEDS / "gold.jsonl"))
    assert "MEETING" in table.stdout and "macro" in table.stdout
    missing = run_cli("evaluate", str(tmp_path / "nope.jsonl"), str(SEEDS / "gold.jsonl"))
    assert missing.returncode == 2 and "nope.jsonl:0: no such file" in missing.stderr
