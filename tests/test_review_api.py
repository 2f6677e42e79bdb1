"""The review app's API against a real uvicorn on 127.0.0.1: storage, edits, undo, resume, safety.

The helpers here (tasks, a server in a thread, answer payloads) are shared with the other
``test_review_*`` modules.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import httpx
import pytest
from conftest import SEEDS

from eventcoder.annotation.webapp.app import MAX_BODY, create_app
from eventcoder.annotation.webapp.server import ReviewOptions, listen, open_review
from eventcoder.core.formats import Argument, Mention, ProposedEvent
from eventcoder.pipeline.tasks import make_task

XSS_TEXT = "The minister said <script>alert(1)</script> and <img src=x onerror=alert(2)> before the talks."
#: text -> events as (label, trigger, modality, {role: phrase or [phrases]})
EVENTS = {
    "Makei met Lavrov in Moscow on Wednesday.": [
        ("MEETING", "met", "asserted", {"participant": ["Makei", "Lavrov"], "place": "Moscow", "time": "Wednesday"}),
    ],
    "Lavrov said Minsk will not send any officials to Geneva.": [
        ("STATEMENT", "said", "asserted", {"speaker": "Lavrov", "content": "Minsk will not send any officials to Geneva"}),
        ("REFUSAL", "will not send", "asserted", {"refuser": "Minsk", "place": "Geneva"}),
    ],
    "The two ministers signed an agreement on trade in Vienna on Monday.": [
        ("AGREEMENT", "signed an agreement", "asserted", {"party": "The two ministers", "topic": "trade", "place": "Vienna"}),
    ],
    XSS_TEXT: [("STATEMENT", "said", "asserted", {"speaker": "The minister"}), ("MEETING", "talks", "planned", {})],
}


def _event(text: str, label: str, trigger: str, modality: str, roles: dict) -> ProposedEvent:
    def mention(phrase: str) -> tuple[int, int]:
        start = text.index(phrase)
        return start, start + len(phrase)

    args = [Argument(role=role, start=s, end=e, text=phrase)
            for role, phrases in roles.items()
            for phrase in (phrases if isinstance(phrases, list) else [phrases])
            for s, e in [mention(phrase)]]
    start, end = mention(trigger)
    return ProposedEvent(label=label, trigger=Mention(start=start, end=end, text=trigger), arguments=args,
                         modality=modality, score=0.8, extractors=["test"])


def make_tasks(nlp, registry) -> list[dict]:
    """One task per text of EVENTS, with its events proposed, in order."""
    tasks = []
    for number, (text, events) in enumerate(EVENTS.items(), start=1):
        doc = nlp.make_doc(text)
        proposed = [_event(text, *event) for event in events]
        tasks.append(make_task(doc[:], proposed, {"source": "review-test", "line": number}, registry))
    return tasks


def write_jsonl(path: Path, lines: list[dict]) -> Path:
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    return path


@contextmanager
def serving(review, port: int = 0) -> Iterator[str]:
    """Serve ``review`` with uvicorn in a thread (on a free port by default); yields the base URL."""
    import uvicorn

    sock = listen("127.0.0.1", port)
    server = uvicorn.Server(uvicorn.Config(create_app(review), log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
        review.store.close()


def payload(task: dict, answer: str = "accept", client: str = "c1", **edits) -> dict:
    """What the page sends: token ranges and labels of the (edited) spans and relations."""
    def span(s: dict) -> dict:
        return {k: s[k] for k in ("token_start", "token_end", "label", "modality") if k in s}

    def relation(r: dict) -> dict:
        return {"head_span": span(r["head_span"]), "child_span": span(r["child_span"]), "label": r["label"]}

    return {
        "task_hash": task["_task_hash"], "answer": answer, "client": client,
        "spans": [span(s) for s in edits.get("spans", task["spans"])],
        "relations": [relation(r) for r in edits.get("relations", task["relations"])],
        "overlapping_relations": [relation(r) for r in edits.get("overlapping_relations", task["overlapping_relations"])],
    }


def rows(db: Path) -> list[dict]:
    with sqlite3.connect(db) as connection:
        connection.row_factory = sqlite3.Row
        return [dict(row) for row in connection.execute("SELECT * FROM answers ORDER BY id")]


@pytest.fixture(scope="module")
def tasks(nlp, registry):
    return make_tasks(nlp, registry)


@pytest.fixture
def task_file(tmp_path, tasks):
    return write_jsonl(tmp_path / "tasks.jsonl", tasks)


def open_app(task_file: Path, db: Path, **options):
    return open_review(ReviewOptions(source=str(task_file), dataset="ds", annotator="anna", db=str(db), **options))


def next_task(client: httpx.Client, name: str = "c1") -> dict:
    response = client.get("/api/next", params={"client": name})
    assert response.status_code == 200, response.text
    return response.json()


def test_answers_are_stored_with_hashes_annotator_and_session(task_file, tmp_path, tasks):
    db = tmp_path / "a.db"
    with serving(open_app(task_file, db)) as url, httpx.Client(base_url=url) as client:
        first = next_task(client)
        assert first["task"]["text"] == tasks[0]["text"] and first["progress"] == {"done": 0, "total": 4, "complete": 0}
        response = client.post("/api/answer", json=payload(first["task"]))
        assert response.status_code == 200, response.text
        assert response.json()["progress"] == {"done": 1, "total": 4, "complete": 1}
        second = next_task(client)["task"]
        assert client.post("/api/answer", json=payload(second, "reject")).status_code == 200
    stored = rows(db)
    assert [(r["dataset"], r["task_hash"], r["input_hash"], r["answer"], r["annotator"], r["session"]) for r in stored] == [
        ("ds", tasks[0]["_task_hash"], tasks[0]["_input_hash"], "accept", "anna", "ds-anna"),
        ("ds", tasks[1]["_task_hash"], tasks[1]["_input_hash"], "reject", "anna", "ds-anna"),
    ]
    answer = json.loads(stored[0]["task"])
    assert answer["_annotator_id"] == "anna" and answer["_session_id"] == "ds-anna" and answer["answer"] == "accept"
    assert answer["events"] == tasks[0]["events"] and answer["spans"] == tasks[0]["spans"]


def test_events_are_rebuilt_from_the_edits_never_taken_from_the_client(task_file, tmp_path, tasks):
    db = tmp_path / "a.db"
    task = tasks[0]
    spans = [dict(s, modality="planned") if s["label"] == "MEETING" else s for s in task["spans"]]
    relations = [r for r in task["relations"] if r["label"] != "time"]
    body = payload(task, spans=spans, relations=relations)
    body["events"] = [{"label": "REFUSAL", "trigger": {"start": 0, "end": 5, "text": "Makei"}, "arguments": []}]
    with serving(open_app(task_file, db)) as url, httpx.Client(base_url=url) as client:
        next_task(client)
        response = client.post("/api/answer", json=body)
        assert response.status_code == 200, response.text
    [event] = json.loads(rows(db)[0]["task"])["events"]
    assert event["label"] == "MEETING" and event["modality"] == "planned"
    assert event["score"] == 0.8 and event["extractors"] == ["test"]  # provenance kept: same trigger
    assert [a["role"] for a in event["arguments"]] == ["participant", "participant", "place"]


def test_added_span_and_role_snap_to_the_tasks_tokens(task_file, tmp_path, tasks):
    db = tmp_path / "a.db"
    task = tasks[2]  # "The two ministers signed an agreement on trade in Vienna on Monday."
    tokens = task["tokens"]
    # The reviewer drops the place, then marks "Vienna" as a TIME (wrongly) and links it as place.
    vienna = next(t["id"] for t in tokens if t["text"] == "Vienna")
    spans = [s for s in task["spans"] if s["label"] != "PLACE"]
    added = {"token_start": vienna, "token_end": vienna, "label": "TIME", "start": 999, "end": 1000}  # offsets ignored
    trigger = next(s for s in spans if s["label"] == "AGREEMENT")
    relations = [r for r in task["relations"] if r["label"] != "place"]
    relations.append({"head_span": trigger, "child_span": added, "label": "place"})
    with serving(open_app(task_file, db)) as url, httpx.Client(base_url=url) as client:
        for _ in range(2):
            client.post("/api/answer", json=payload(next_task(client)["task"], "ignore"))
        assert next_task(client)["task"]["_task_hash"] == task["_task_hash"]
        response = client.post("/api/answer", json=payload(task, spans=[*spans, added], relations=relations))
        assert response.status_code == 200, response.text
    answer = json.loads(rows(db)[-1]["task"])
    span = next(s for s in answer["spans"] if s["label"] == "TIME")
    assert (span["start"], span["end"]) == (tokens[vienna]["start"], tokens[vienna]["end"])
    place = next(a for a in answer["events"][0]["arguments"] if a["role"] == "place")
    assert place["text"] == "Vienna"


def test_content_clauses_are_edited_as_overlapping_relations(task_file, tmp_path, tasks):
    db = tmp_path / "a.db"
    task = tasks[1]  # the statement's content clause holds the refusal
    [content] = task["overlapping_relations"]
    shorter = {**content, "child_span": {**content["child_span"], "token_end": content["child_span"]["token_end"] - 2}}
    with serving(open_app(task_file, db)) as url, httpx.Client(base_url=url) as client:
        client.post("/api/answer", json=payload(next_task(client)["task"], "ignore"))
        assert next_task(client)["task"]["_task_hash"] == task["_task_hash"]
        assert client.post("/api/answer", json=payload(task, overlapping_relations=[shorter])).status_code == 200
    statement = next(e for e in json.loads(rows(db)[-1]["task"])["events"] if e["label"] == "STATEMENT")
    assert [a["text"] for a in statement["arguments"] if a["role"] == "content"] == ["Minsk will not send any officials"]


def _bad_requests(task: dict) -> list[tuple[str, dict, int]]:
    spans = task["spans"]
    trigger = next(s for s in spans if s["label"] == "MEETING")
    actor = next(s for s in spans if s["label"] == "ACTOR")
    n = len(task["tokens"])
    return [
        ("wrong answer", {**payload(task), "answer": "maybe"}, 422),
        ("no task hash", {**payload(task), "task_hash": "x"}, 422),
        ("unknown task", {**payload(task), "task_hash": 12345}, 404),
        ("token out of range", payload(task, spans=[*spans, {"token_start": n, "token_end": n, "label": "TIME"}]), 422),
        ("reversed tokens", payload(task, spans=[*spans, {"token_start": 3, "token_end": 2, "label": "TIME"}]), 422),
        ("overlapping spans", payload(task, spans=[*spans, {"token_start": 0, "token_end": 1, "label": "TIME"}]), 422),
        ("unknown label", payload(task, spans=[dict(s, label="PERSON") if s is actor else s for s in spans]), 422),
        ("bad modality", payload(task, spans=[dict(s, modality="rumoured") if s is trigger else s for s in spans]), 422),
        ("unknown role", payload(task, relations=[dict(task["relations"][0], label="mediator")]), 422),
        ("head not a trigger", payload(task, relations=[{"head_span": actor, "child_span": trigger, "label": "participant"}]), 422),
        ("relation to no span", payload(task, relations=[{"head_span": trigger, "child_span": {"token_start": 3, "token_end": 3}, "label": "participant"}]), 422),
        ("spans not a list", {**payload(task), "spans": {"0": 1}}, 422),
        ("bad client", {**payload(task), "client": ["c"]}, 400),
    ]


def test_malformed_and_invalid_requests_get_4xx_and_change_nothing(task_file, tmp_path, tasks):
    db = tmp_path / "a.db"
    task = tasks[0]
    with serving(open_app(task_file, db)) as url, httpx.Client(base_url=url) as client:
        assert next_task(client)["task"]["_task_hash"] == task["_task_hash"]
        for name, body, status in _bad_requests(task):
            response = client.post("/api/answer", json=body)
            assert response.status_code == status, (name, response.text)
            assert response.json()["error"], name
        raw = [
            ("bad JSON", b'{"task_hash": ', "application/json", 400),
            ("not an object", b"[1, 2]", "application/json", 400),
            ("not UTF-8", b'{"a": "\xff"}', "application/json", 400),
            ("form post", b"task_hash=1", "application/x-www-form-urlencoded", 415),
            ("oversized", b'{"pad": "' + b"x" * MAX_BODY + b'"}', "application/json", 413),
        ]
        for name, content, content_type, status in raw:
            response = client.post("/api/answer", content=content, headers={"content-type": content_type})
            assert response.status_code == status, (name, response.text)
        assert client.post("/api/undo", content=b"{}", headers={"content-type": "text/plain"}).status_code == 415
        assert client.get("/api/answer").status_code == 405
        # Nothing stored, and the task still waits for its answer.
        assert rows(db) == []
        assert next_task(client)["task"]["_task_hash"] == task["_task_hash"]
        assert client.post("/api/answer", json=payload(task)).status_code == 200
    assert len(rows(db)) == 1


def test_restart_resumes_where_it_stopped(task_file, tmp_path, tasks):
    db = tmp_path / "a.db"
    with serving(open_app(task_file, db)) as url, httpx.Client(base_url=url) as client:
        for answer in ("accept", "reject"):
            assert client.post("/api/answer", json=payload(next_task(client)["task"], answer)).status_code == 200
        next_task(client)  # shown, never answered
    with serving(open_app(task_file, db)) as url, httpx.Client(base_url=url) as client:
        again = next_task(client, "another-tab")
        assert again["task"]["_task_hash"] == tasks[2]["_task_hash"]
        assert again["progress"] == {"done": 2, "total": 4, "complete": 2}
    assert len(rows(db)) == 2


def test_undo_hands_the_last_answer_back_also_after_a_restart(task_file, tmp_path, tasks):
    db = tmp_path / "a.db"
    with serving(open_app(task_file, db)) as url, httpx.Client(base_url=url) as client:
        first, = [next_task(client)["task"]]
        client.post("/api/answer", json=payload(first))
        second = next_task(client)["task"]
        edited = [dict(s, modality="negated") if s["label"] == "STATEMENT" else s for s in second["spans"]]
        client.post("/api/answer", json=payload(second, spans=edited))
        undone = client.post("/api/undo", json={"client": "c1"}).json()
        assert undone["undone"] == "accept" and undone["progress"]["done"] == 1
        assert undone["task"]["_task_hash"] == second["_task_hash"] and "answer" not in undone["task"]
        assert next(s for s in undone["task"]["spans"] if s["label"] == "STATEMENT")["modality"] == "negated"
        assert [r["task_hash"] for r in rows(db)] == [first["_task_hash"]]
        assert next_task(client)["task"]["_task_hash"] == second["_task_hash"]  # shown again first
        assert client.post("/api/answer", json=payload(second, "reject")).status_code == 200
    with serving(open_app(task_file, db)) as url, httpx.Client(base_url=url) as client:
        undone = client.post("/api/undo", json={"client": "c9"}).json()
        assert undone["undone"] == "reject" and undone["task"]["_task_hash"] == second["_task_hash"]
        assert next_task(client, "c9")["task"]["_task_hash"] == second["_task_hash"]
        client.post("/api/undo", json={"client": "c9"})
        assert client.post("/api/undo", json={"client": "c9"}).json()["task"] is None
    assert rows(db) == []


def test_each_tab_keeps_its_own_task(task_file, tmp_path, tasks):
    with serving(open_app(task_file, tmp_path / "a.db")) as url, httpx.Client(base_url=url) as client:
        one, two = next_task(client, "tab1")["task"], next_task(client, "tab2")["task"]
        assert one["_task_hash"] != two["_task_hash"]
        assert next_task(client, "tab1")["task"]["_task_hash"] == one["_task_hash"]  # a reload
        client.post("/api/answer", json=payload(two, client="tab2"))
        assert client.post("/api/answer", json=payload(two, client="tab2")).status_code == 404  # answered already


def test_a_finished_stream_says_so(task_file, tmp_path, tasks):
    with serving(open_app(task_file, tmp_path / "a.db")) as url, httpx.Client(base_url=url) as client:
        for _ in tasks:
            client.post("/api/answer", json=payload(next_task(client)["task"], "ignore"))
        assert next_task(client) == {"task": None, "progress": {"done": 4, "total": 4, "complete": 4}, "error": None}


def test_news_is_run_through_the_extractor_as_it_is_served(tmp_path):
    review = open_review(ReviewOptions(source=str(SEEDS), dataset="news", annotator="anna", db=str(tmp_path / "a.db")))
    with serving(review) as url, httpx.Client(base_url=url) as client:
        shown = [next_task(client)]
        while not shown[-1]["task"]["events"]:
            client.post("/api/answer", json=payload(shown[-1]["task"], "ignore"))
            shown.append(next_task(client))
    assert shown[-1]["progress"]["total"] is None
    assert shown[-1]["task"]["meta"]["source"].startswith(str(SEEDS)) and shown[-1]["task"]["tokens"]


def test_a_bad_task_file_fails_at_start(tmp_path, tasks):
    from eventcoder.core.errors import InputError

    broken = dict(tasks[0], spans=[dict(tasks[0]["spans"][0], start=1)])
    with pytest.raises(InputError, match="tasks.jsonl:1:"):
        open_app(write_jsonl(tmp_path / "tasks.jsonl", [broken]), tmp_path / "a.db")


def test_the_token_is_required_on_every_request_but_static_files(task_file, tmp_path):
    review = open_app(task_file, tmp_path / "a.db", host="0.0.0.0")  # not local: a token is made
    token = review.token
    assert token and len(token) >= 24
    with serving(review) as url:
        with httpx.Client(base_url=url) as anonymous:
            assert anonymous.get("/api/next").status_code == 401
            assert anonymous.get("/api/config").status_code == 401
            assert anonymous.post("/api/answer", json={}).status_code == 401
            assert anonymous.get("/").status_code == 401
            assert anonymous.get("/?token=wrong").status_code == 401
            assert anonymous.get("/api/next", headers={"authorization": "Bearer wrong"}).status_code == 401
            assert anonymous.get("/static/app.js").status_code == 200
        with httpx.Client(base_url=url, headers={"authorization": f"Bearer {token}"}) as bearer:
            assert bearer.get("/api/config").status_code == 200
        with httpx.Client(base_url=url) as browser:
            opened = browser.get(f"/?token={token}")
            assert opened.status_code == 303 and opened.headers["location"] == "/"
            cookie = opened.headers["set-cookie"].lower()
            assert cookie.startswith(f"eventcoder_token_{url.rsplit(':', 1)[1]}=")  # one cookie per port
            assert "httponly" in cookie and "samesite=strict" in cookie
            assert browser.get("/api/config").status_code == 200  # the cookie
            assert browser.get("/").status_code == 200


def test_local_mode_serves_only_local_host_names(task_file, tmp_path):
    with serving(open_app(task_file, tmp_path / "a.db")) as url, httpx.Client(base_url=url) as client:
        assert client.get("/api/config").status_code == 200
        assert client.get("/api/config", headers={"host": "localhost"}).status_code == 200
        assert client.get("/api/config", headers={"host": "attacker.example"}).status_code == 400
        page = client.get("/")
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert page.headers["x-content-type-options"] == "nosniff"
