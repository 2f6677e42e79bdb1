"""One review server for a team: named sessions, feeds with and without overlap, holds,
``--sessions``, the team report and adjudication, against a real uvicorn on 127.0.0.1."""

from __future__ import annotations

import json

import httpx
import pytest
from test_review_api import make_tasks, open_app, payload, rows, serving, write_jsonl

from eventcoder.annotation.export import build_gold
from eventcoder.annotation.store import dataset_answers
from eventcoder.annotation.webapp.server import ReviewOptions, open_review
from eventcoder.core.errors import UserError


@pytest.fixture(scope="module")
def tasks(nlp, registry):
    return make_tasks(nlp, registry)


@pytest.fixture
def task_file(tmp_path, tasks):
    return write_jsonl(tmp_path / "tasks.jsonl", tasks)


def take(client: httpx.Client, session: str, tab: str = "tab") -> dict:
    response = client.get("/api/next", params={"client": tab, "session": session})
    assert response.status_code == 200, response.text
    return response.json()


def give(client: httpx.Client, session: str, task: dict, answer: str = "accept", tab: str = "tab", **edits) -> httpx.Response:
    return client.post("/api/answer", params={"session": session}, json=payload(task, answer, client=tab, **edits))


def test_without_overlap_each_task_goes_to_the_next_free_annotator(task_file, tmp_path, tasks):
    db = tmp_path / "a.db"
    with serving(open_app(task_file, db)) as url, httpx.Client(base_url=url) as client:
        alice, bob = take(client, "alice")["task"], take(client, "bob")["task"]
        assert alice["_task_hash"] != bob["_task_hash"]
        assert take(client, "alice")["task"]["_task_hash"] == alice["_task_hash"]  # held for alice's tab
        assert give(client, "bob", alice).status_code == 404  # not bob's to answer: alice holds it
        assert give(client, "alice", alice).status_code == 200
        assert give(client, "bob", bob, "reject").status_code == 200
        progress = take(client, "alice")["progress"]
        assert progress == {"done": 1, "total": 4, "complete": 2}
        config = client.get("/api/config", params={"session": "bob"}).json()
        assert (config["annotator"], config["session"], config["feed"]) == ("bob", "ds-bob", {"overlap": False, "per_task": 1})
    assert [(r["annotator"], r["session"], r["task_hash"]) for r in rows(db)] == [
        ("alice", "ds-alice", tasks[0]["_task_hash"]), ("bob", "ds-bob", tasks[1]["_task_hash"])]


def test_with_overlap_every_annotator_sees_every_task(task_file, tmp_path, tasks):
    db = tmp_path / "a.db"
    with serving(open_app(task_file, db, feed_overlap=True)) as url, httpx.Client(base_url=url) as client:
        for session in ("alice", "bob"):
            for task in tasks:
                served = take(client, session)["task"]
                assert served["_task_hash"] == task["_task_hash"]
                assert give(client, session, served).status_code == 200
            assert take(client, session) == {"task": None, "progress": {"done": 4, "total": 4}, "error": None}
    assert len(rows(db)) == 8
    with serving(open_app(task_file, db, feed_overlap=True)) as url, httpx.Client(base_url=url) as client:
        assert take(client, "carol")["task"]["_task_hash"] == tasks[0]["_task_hash"]  # a newcomer starts at the top
        assert take(client, "alice")["task"] is None


def test_annotations_per_task_gives_each_task_to_n_annotators(task_file, tmp_path, tasks):
    db = tmp_path / "a.db"
    with serving(open_app(task_file, db, annotations_per_task=2)) as url, httpx.Client(base_url=url) as client:
        seen: dict[str, list[int]] = {"alice": [], "bob": [], "carol": []}
        while True:
            progress = None
            for session, hashes in seen.items():
                shown = take(client, session)
                if shown["task"] is not None:
                    hashes.append(shown["task"]["_task_hash"])
                    assert give(client, session, shown["task"]).status_code == 200
                progress = shown["progress"]
            if all(take(client, s)["task"] is None for s in seen):
                break
        assert progress["complete"] == 4
    per_task = {}
    for row in rows(db):
        per_task.setdefault(row["task_hash"], set()).add(row["annotator"])
    assert sorted(map(len, per_task.values())) == [2, 2, 2, 2]  # every task twice, never by one annotator twice
    assert all(len(hashes) == len(set(hashes)) for hashes in seen.values())


def test_holds_are_per_session_and_expire(task_file, tmp_path, tasks):
    review = open_app(task_file, tmp_path / "a.db", lease_s=0.2)
    with serving(review) as url, httpx.Client(base_url=url) as client:
        held = take(client, "alice")["task"]
        assert take(client, "bob")["task"]["_task_hash"] != held["_task_hash"]
        import time

        time.sleep(0.3)  # alice left her task; her hold expires, the next annotator asking gets it
        assert take(client, "carol")["task"]["_task_hash"] == held["_task_hash"]
        assert give(client, "carol", held).status_code == 200
        assert give(client, "alice", held).status_code == 404  # answered by carol meanwhile


def test_sessions_restrict_who_joins(task_file, tmp_path):
    review = open_app(task_file, tmp_path / "a.db", sessions=["alice", "bob"])
    with serving(review) as url, httpx.Client(base_url=url) as client:
        assert take(client, "alice")["task"]
        refused = client.get("/api/next", params={"client": "t", "session": "mallory"})
        assert refused.status_code == 403 and "alice, bob" in refused.json()["error"]
        assert client.get("/api/next", params={"session": "bad name!"}).status_code == 400
        assert client.get("/api/config").status_code == 403  # the default (--annotator anna) is not one of them
    with pytest.raises(UserError, match="exclude each other"):
        open_app(task_file, tmp_path / "b.db", feed_overlap=True, annotations_per_task=2)


def test_the_token_redirect_keeps_the_session(task_file, tmp_path):
    review = open_app(task_file, tmp_path / "a.db", host="0.0.0.0")
    with serving(review) as url, httpx.Client(base_url=url) as browser:
        opened = browser.get(f"/?token={review.token}&session=alice")
        assert opened.status_code == 303 and opened.headers["location"] == "/?session=alice"
        assert browser.get("/api/config", params={"session": "alice"}).json()["annotator"] == "alice"
        assert httpx.get(f"{url}/api/team").status_code == 401


def test_team_report_counts_speed_and_agreement(task_file, tmp_path, tasks):
    db = tmp_path / "a.db"
    with serving(open_app(task_file, db, feed_overlap=True)) as url, httpx.Client(base_url=url) as client:
        assert client.get("/api/team").json()["agreement"] is None
        for session, answers in (("alice", ["accept", "accept", "reject"]), ("bob", ["accept", "ignore", "accept"])):
            for kind in answers:
                give(client, session, take(client, session)["task"], kind)
        team = client.get("/api/team").json()
        assert team["annotators"]["alice"]["answers"] == 3
        assert {k: team["annotators"]["bob"][k] for k in ("accept", "reject", "ignore")} == {"accept": 2, "reject": 0, "ignore": 1}
        assert team["annotators"]["alice"]["per_hour"] > 0
        [pair] = team["agreement"]["pairs"]
        # The same proposals accepted unchanged on the one text both accepted: full agreement.
        assert (pair["reference"], pair["annotator"], pair["shared_inputs"]) == ("alice", "bob", 1)
        assert pair["triggers"]["f1"] == 1.0
        assert client.get("/team").status_code == 200


def _two_annotators_disagree(task_file, db, tasks):
    """alice keeps only the STATEMENT of task 2 and makes it planned; bob keeps only the REFUSAL."""
    task = tasks[1]
    statement = next(s for s in task["spans"] if s["label"] == "STATEMENT")
    refusal = next(s for s in task["spans"] if s["label"] == "REFUSAL")

    def only(trigger: dict, modality: str | None = None) -> dict:
        heads = (trigger["token_start"], trigger["token_end"])
        relations = [r for r in task["relations"] if (r["head_span"]["token_start"], r["head_span"]["token_end"]) == heads]
        overlapping = [r for r in task["overlapping_relations"] if (r["head_span"]["token_start"], r["head_span"]["token_end"]) == heads]
        kept = {(r["child_span"]["token_start"], r["child_span"]["token_end"]) for r in relations} | {heads}
        spans = [dict(s, modality=modality or s.get("modality")) if s is trigger else s
                 for s in task["spans"] if (s["token_start"], s["token_end"]) in kept]
        return {"spans": spans, "relations": relations, "overlapping_relations": overlapping}

    with serving(open_app(task_file, db, feed_overlap=True)) as url, httpx.Client(base_url=url) as client:
        for session, edits in (("alice", only(statement, "planned")), ("bob", only(refusal))):
            give(client, session, take(client, session)["task"], "accept")  # task 1: both accept as proposed
            assert give(client, session, take(client, session)["task"], "accept", **edits).status_code == 200


def test_adjudication_shows_the_versions_and_stores_the_merge_with_its_sources(task_file, tmp_path, tasks, registry):
    db = tmp_path / "a.db"
    _two_annotators_disagree(task_file, db, tasks)
    review = open_review(ReviewOptions(source="ds", dataset="final", annotator="judge", db=str(db), adjudicate=True))
    with serving(review) as url, httpx.Client(base_url=url) as client:
        config = client.get("/api/config").json()
        assert (config["mode"], config["source_dataset"], config["dataset"]) == ("adjudicate", "ds", "final")
        first = take(client, "judge")
        assert first["task"]["agreed"] is True and first["progress"]["total"] == 2
        assert [v["annotator"] for v in first["task"]["versions"]] == ["alice", "bob"]
        assert give(client, "judge", first["task"]).status_code == 200
        second = take(client, "judge")["task"]
        assert second["agreed"] is False
        alice, bob = second["versions"]
        [statement] = alice["events"]
        assert statement["label"] == "STATEMENT" and statement["differs"] and not statement["modality_differs"]
        assert all(a["differs"] for a in statement["arguments"])
        [refusal] = bob["events"]
        assert refusal["label"] == "REFUSAL" and refusal["differs"]
        # The merge: alice's spans and relations plus bob's refusal (what the page's Add sends).
        merged = {key: alice[key] + [x for x in bob[key] if x not in alice[key]] for key in ("spans", "relations", "overlapping_relations")}
        merged["spans"].sort(key=lambda s: s["start"])
        assert give(client, "judge", second, **merged).status_code == 200
        assert take(client, "judge")["task"] is None
    final = [json.loads(r["task"]) for r in rows(db) if r["dataset"] == "final"]
    assert [(r["_annotator_id"], r["_session_id"]) for r in final] == [("judge", "final-judge")] * 2
    assert "versions" not in final[1] and "agreed" not in final[1]
    assert [(s["_annotator_id"], s["answer"]) for s in final[1]["_adjudicated_from"]] == [("alice", "accept"), ("bob", "accept")]
    events = {(e["label"], e["modality"]) for e in final[1]["events"]}
    assert events == {("STATEMENT", "planned"), ("REFUSAL", "asserted")}
    golds, _ = build_gold(dataset_answers(db, "final"), registry)
    assert len(golds) == 2  # the export of FINAL is the team's gold


def test_adjudication_refuses_a_missing_dataset(tmp_path):
    with pytest.raises(UserError, match="no dataset 'nope'"):
        open_review(ReviewOptions(source="nope", dataset="final", db=str(tmp_path / "a.db"), adjudicate=True))


def test_actor_attributes_are_kept_and_edited(tmp_path, tasks):
    task = json.loads(json.dumps(tasks[0]))
    for span in task["spans"]:
        if span["label"] == "ACTOR":
            span.update(name=span.get("name", "Vladimir Makei"), code="BLRGOV", sector="GOV")
    db = tmp_path / "a.db"
    with serving(open_app(write_jsonl(tmp_path / "t.jsonl", [task]), db)) as url, httpx.Client(base_url=url) as client:
        served = take(client, "anna")["task"]
        edited = [dict(s, code="RUSGOV") if s["label"] == "ACTOR" and s["start"] > 0 else s for s in served["spans"]]
        body = payload(served, spans=edited)
        for sent, span in zip(body["spans"], edited):
            sent.update({k: span[k] for k in ("name", "code", "sector") if k in span})
        assert client.post("/api/answer", json=body).status_code == 200
    stored = json.loads(rows(db)[0]["task"])
    assert [(s["code"], s["sector"]) for s in stored["spans"] if s["label"] == "ACTOR"] == [("BLRGOV", "GOV"), ("RUSGOV", "GOV")]


def test_the_command_prints_one_address_per_session(task_file, tmp_path):
    from test_review_server import start

    server, url, lines = start(str(task_file), "--dataset", "ds", "--db", str(tmp_path / "a.db"),
                               "--sessions", "alice,bob,carol", "--annotations-per-task", "2")
    try:
        printed = "".join(lines)
        assert "each task to 2 annotator(s)" in printed
        for name in ("alice", "bob", "carol"):
            assert f"{name}: {url}?session={name}" in printed
        assert httpx.get(f"{url}api/config", params={"session": "bob"}).json()["feed"] == {"overlap": False, "per_task": 2}
    finally:
        server.terminate()
        server.wait(10)


def test_command_line_refusals_are_one_line(tmp_path, task_file, capsys):
    from eventcoder.cli import main

    for args, message in (
        (["nope", "--adjudicate", "--dataset", "final"], "--adjudicate: no dataset 'nope'"),
        ([str(task_file), "--dataset", "ds", "--feed-overlap", "--annotations-per-task", "2"], "exclude each other"),
        ([str(task_file), "--dataset", "ds", "--sessions", "al ice"], "cannot be a session name"),
    ):
        with pytest.raises(SystemExit) as exit_code:
            main(["review", *args, "--db", str(tmp_path / "a.db")])
        err = capsys.readouterr().err
        assert exit_code.value.code == 2 and message in err and "Traceback" not in err, err
