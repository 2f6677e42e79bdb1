"""Fuzz tests for the readers not covered in test_hostile_input: export, agreement, db-in, train's
gold reading and the review API (issue 14).

Any bytes give a one-line error (exit 2, or a 4xx from the API) or correct processing, never a
traceback or a 500, and a refusal leaves nothing half-written. Besides random JSON, unicode
edge cases, truncation and binary, lines are valid answers with one field swapped for a random
value, so the checks behind the reader are reached too. Bounded by ``max_examples``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_hostile_input import _json, _lines
from test_review_api import make_tasks, open_app, payload, rows, write_jsonl

from eventcoder.core.errors import InputError

FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def tasks(nlp, registry) -> list[dict]:
    return make_tasks(nlp, registry)


def as_answer(task: dict, who: str) -> dict:
    return {**task, "answer": "accept", "_annotator_id": who, "_session_id": who, "_timestamp": 1}


GOLD = {"doc": "d1", "text": "Obama met Putin in Paris.", "events": [
    {"label": "MEETING", "trigger": {"start": 6, "end": 9, "text": "met"},
     "arguments": [{"role": "participant", "start": 0, "end": 5, "text": "Obama"}]}]}


def mutated(base: dict) -> st.SearchStrategy[bytes]:
    """``base`` with one top-level field (or one of its first event's) set to a random value, or cut short."""
    keys = sorted(base)

    def swap(key: str, value) -> bytes:
        return json.dumps({**base, key: value}).encode()

    def swap_in_event(key: str, value) -> bytes:
        events = base.get("events") or [{}]
        return json.dumps({**base, "events": [{**events[0], key: value}, *events[1:]]}).encode()

    whole = json.dumps(base).encode()
    return st.one_of(
        st.builds(swap, st.sampled_from(keys), _json),
        st.builds(swap_in_event, st.sampled_from(["label", "trigger", "arguments", "modality", "start"]), _json),
        st.builds(lambda n: whole[:n], st.integers(1, len(whole) - 1)),
        st.builds(lambda drop: json.dumps({k: v for k, v in base.items() if k != drop}).encode(), st.sampled_from(keys)),
    )


def file_of(tmp_path: Path, lines: list[bytes]) -> Path:
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"\n".join(line.replace(b"\n", b" ") for line in lines) + b"\n")
    return source


def clean_exit(result, *left_behind: Path) -> None:
    """Exit 0, or exit 2 with one ``FILE:LINE: problem`` line last and nothing written."""
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 2), result.stderr
    if result.returncode == 2:
        last = result.stderr.strip().splitlines()[-1]
        assert last.startswith("eventcoder: ") or ":" in last, result.stderr
        for path in left_behind:
            assert not path.exists(), f"{path} left behind by a refusal"


@pytest.fixture(scope="module")
def answer_lines(tasks) -> st.SearchStrategy[list[bytes]]:
    good = [json.dumps(as_answer(t, who)).encode() for t in tasks[:2] for who in ("alice", "bob")]
    return st.lists(st.one_of(st.sampled_from(good), mutated(as_answer(tasks[0], "alice")), _lines), min_size=1, max_size=4)


def test_fuzz_export(tmp_path, answer_lines):
    @FUZZ
    @given(answer_lines, st.booleans())
    def check(lines, skip):
        out = tmp_path / "gold.jsonl"
        out.unlink(missing_ok=True)
        source = file_of(tmp_path, lines)
        result = run_cli("export", str(source), "-o", str(out), *(["--skip-invalid"] if skip else []))
        clean_exit(result, out)
        if result.returncode == 0:  # what was written is gold every reader accepts
            assert run_cli("validate", "--kind", "gold", str(out)).returncode == 0

    check()


def test_fuzz_agreement(tmp_path, answer_lines):
    @FUZZ
    @given(answer_lines, st.booleans())
    def check(lines, skip):
        source = file_of(tmp_path, lines)
        result = run_cli("agreement", "--json", str(source), *(["--skip-invalid"] if skip else []))
        clean_exit(result)
        if result.returncode == 0:
            assert len(json.loads(result.stdout)["annotators"]) >= 2

    check()


def test_fuzz_db_in(tmp_path, answer_lines):
    from eventcoder.annotation.store import read_tasks

    gold = mutated(GOLD)

    @FUZZ
    @given(st.lists(st.one_of(answer_lines.map(lambda ls: ls[0]), gold), min_size=1, max_size=4), st.booleans())
    def check(lines, skip):
        db = tmp_path / "x.db"
        db.unlink(missing_ok=True)
        source = file_of(tmp_path, lines)
        result = run_cli("db-in", "ds", str(source), "--db", str(db), *(["--skip-invalid"] if skip else []))
        clean_exit(result, db)
        if result.returncode == 0 and not skip:  # all or nothing: every non-blank line taken (repeats stored once)
            taken = sum(1 for line in lines if line.replace(b"\n", b" ").decode("utf-8", "replace").strip())
            assert result.stderr.splitlines()[-1].startswith(f"{taken} answer")
            stored = len(list(read_tasks(db, "ds")))
            assert stored <= taken and (stored > 0) == (taken > 0)

    check()


def test_fuzz_train_reads_gold_or_refuses_before_writing(tmp_path, registry):
    """train's input side (reading and converting the gold): no training is run."""
    from eventcoder.learn.train import prepare

    @FUZZ
    @given(st.lists(st.one_of(st.just(json.dumps(GOLD).encode()), mutated(GOLD), _lines), min_size=1, max_size=3))
    def check(lines):
        source = file_of(tmp_path, lines)
        out = tmp_path / "model"
        shutil.rmtree(out, ignore_errors=True)
        try:
            files = prepare(str(source), str(source), out, registry, from_scratch=True, max_steps=1)
        except InputError as exc:
            assert "\n" not in str(exc) and str(exc).startswith(f"{source}:")
            assert not out.exists() or not any(out.rglob("*")), "a refusal wrote training files"
        else:
            assert files.train.is_file() and files.dev.is_file() and files.config.is_file()

    check()


def test_fuzz_review_api_answers_4xx_never_500(tmp_path, tasks):
    from starlette.testclient import TestClient

    from eventcoder.annotation.webapp.app import create_app

    review = open_app(write_jsonl(tmp_path / "tasks.jsonl", tasks), tmp_path / "review.db")
    client = TestClient(create_app(review), base_url="http://127.0.0.1:8080")
    first = client.get("/api/next", params={"client": "c1"}).json()["task"]
    assert client.post("/api/answer", json=payload(first)).status_code == 200  # the client reaches the app
    good = payload(client.get("/api/next", params={"client": "c1"}).json()["task"])
    bodies = st.one_of(
        _lines,
        st.builds(lambda key, value: json.dumps({**good, key: value}).encode(), st.sampled_from(sorted(good)), _json),
        st.builds(lambda value: json.dumps({**good, "spans": [value]}).encode(), _json),
        st.builds(lambda value: json.dumps({**good, "relations": [{**good["relations"][0], "head_span": value}]}).encode()
                  if good["relations"] else b"{}", _json),
    )

    @FUZZ
    @given(bodies, st.sampled_from(["/api/answer", "/api/undo"]))
    def check(body, route):
        before = len(rows(tmp_path / "review.db"))
        response = client.post(route, content=body, headers={"content-type": "application/json"})
        assert response.status_code < 500, response.text
        assert isinstance(response.json(), dict)
        if response.status_code >= 400:
            assert response.json()["error"] and len(rows(tmp_path / "review.db")) == before

    try:
        check()
    finally:
        client.close()
        review.store.close()
