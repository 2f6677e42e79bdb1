"""``--skip-invalid`` on every reading command: bad lines skipped, lone surrogates replaced by
U+FFFD, and both counts in the command's summary line (issue 14)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli

from eventcoder.core.reading import Skipping, read_json_objects

GOLD = {"doc": "d1", "text": "Obama met Putin.", "events": [{"label": "MEETING", "trigger": {"start": 6, "end": 9, "text": "met"}}]}
#: A lone surrogate where it does no harm to offsets: in meta (json.dumps escapes it as \ud800).
NOTE = {"note": "checked \ud800"}
GARBAGE = "{not json"


def lines(path: Path, *items) -> str:
    path.write_text("".join((item if isinstance(item, str) else json.dumps(item)) + "\n" for item in items), encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def task(tmp_path_factory) -> dict:
    """One real task of ``extract`` (tokens, spans, relations, hashes)."""
    folder = tmp_path_factory.mktemp("task")
    source = folder / "in.txt"
    source.write_text("Obama met Putin in Paris on Monday.\n", encoding="utf-8")
    result = run_cli("extract", str(source), "-o", str(folder / "out.jsonl"))
    assert result.returncode == 0, result.stderr
    return json.loads((folder / "out.jsonl").read_text(encoding="utf-8").splitlines()[0])


def answers(task: dict, who: str, meta_extra: dict | None = None) -> dict:
    meta = {**task["meta"], **(meta_extra or {})}
    return {**task, "meta": meta, "answer": "accept", "_annotator_id": who, "_session_id": who, "_timestamp": 1}


def test_reader_counts_skipped_lines_and_replaced_surrogates(tmp_path):
    path = lines(tmp_path / "a.jsonl", {"text": "a", "meta": NOTE}, GARBAGE, {"text": "\ud800b"})
    reported = []
    skipping = Skipping(report=reported.append)
    got = list(read_json_objects(path, skipping))
    assert [number for number, _ in got] == [1, 3]
    assert got[0][1]["meta"]["note"] == "checked \ufffd" and got[1][1]["text"] == "\ufffdb"
    assert (skipping.skipped, skipping.replaced) == (1, 2)
    assert [str(e) for e in reported] == [f"{path}:2: invalid JSON: Expecting property name enclosed in double quotes (column 2)"]
    assert skipping.summary() == "; 1 invalid input skipped; 2 lone surrogates replaced by U+FFFD"
    assert Skipping().summary() == ""


def test_extract_summary_counts_replaced_surrogates(tmp_path):
    source = lines(tmp_path / "in.jsonl", {"text": "Obama met Putin. \ud800"}, {"text": "Xi met Modi.", "meta": NOTE}, GARBAGE)
    for output in (str(tmp_path / "out.jsonl"), f"{tmp_path / 'parts'}/"):
        refused = run_cli("extract", source, "-o", output)
        assert refused.returncode == 2 and f"{source}:1: 1 lone surrogate(s)" in refused.stderr
        result = run_cli("extract", "--skip-invalid", source, "-o", output)
        assert result.returncode == 0, result.stderr
        assert "; 1 invalid input skipped; 2 lone surrogates replaced by U+FFFD" in result.stderr.splitlines()[-1]
    # A resumed folder run counts what its kept parts replaced (from the manifest).
    again = run_cli("extract", "--skip-invalid", source, "-o", f"{tmp_path / 'parts'}/")
    assert "2 lone surrogates replaced by U+FFFD" in again.stderr.splitlines()[-1], again.stderr


def test_validate_counts_replaced_surrogates(tmp_path):
    path = lines(tmp_path / "gold.jsonl", {**GOLD, "meta": NOTE}, GOLD)
    refused = run_cli("validate", path)
    assert refused.returncode == 1 and f"{path}:1: 1 lone surrogate(s)" in refused.stderr
    result = run_cli("validate", "--skip-invalid", path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[-1] == f"{path}: 2 lines valid; 1 lone surrogate replaced by U+FFFD"


def test_evaluate_counts_and_scores_what_it_kept(tmp_path):
    gold = lines(tmp_path / "gold.jsonl", {**GOLD, "meta": NOTE}, GARBAGE)
    pred = lines(tmp_path / "pred.jsonl", GOLD)
    assert run_cli("evaluate", gold, pred).returncode == 2
    result = run_cli("evaluate", "--skip-invalid", "--json", gold, pred)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["triggers"]["f1"] == 1.0
    assert f"skipped {gold}:2: invalid JSON" in result.stderr
    assert result.stderr.splitlines()[-1] == f"{gold} {pred}: 1 invalid input skipped; 1 lone surrogate replaced by U+FFFD"


def test_export_counts_and_writes_the_replacement(tmp_path, task):
    source = lines(tmp_path / "answers.jsonl", answers(task, "alice", NOTE), GARBAGE, {"text": "no answer"})
    out = tmp_path / "gold.jsonl"
    assert run_cli("export", source, "-o", str(out)).returncode == 2 and not out.exists()
    result = run_cli("export", "--skip-invalid", source, "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[-1].endswith("; 2 invalid inputs skipped; 1 lone surrogate replaced by U+FFFD")
    assert "\ufffd" in out.read_text(encoding="utf-8") or "\\ufffd" in out.read_text(encoding="utf-8")


def test_agreement_counts_replaced_surrogates(tmp_path, task):
    source = lines(tmp_path / "answers.jsonl", answers(task, "alice", NOTE), answers(task, "bob"), GARBAGE)
    assert run_cli("agreement", source).returncode == 2
    result = run_cli("agreement", "--skip-invalid", "--json", source)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["pairs"][0]["triggers"]["f1"] == 1.0
    assert result.stderr.splitlines()[-1] == f"{source}: 1 invalid input skipped; 1 lone surrogate replaced by U+FFFD"


def test_db_in_counts_and_stores_only_good_answers(tmp_path, task):
    from eventcoder.annotation.store import read_tasks

    source = lines(tmp_path / "answers.jsonl", answers(task, "alice", NOTE), GARBAGE, {**GOLD, "meta": NOTE})
    db = tmp_path / "x.db"
    assert run_cli("db-in", "ds", source, "--db", str(db)).returncode == 2 and not db.exists()
    result = run_cli("db-in", "--skip-invalid", "ds", source, "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[-1].endswith("; 1 invalid input skipped; 2 lone surrogates replaced by U+FFFD")
    stored = list(read_tasks(db, "ds"))
    assert len(stored) == 2 and all(t["meta"]["note"] == "checked \ufffd" for t in stored)
