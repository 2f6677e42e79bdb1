"""``eventcoder review`` as a process: killed with SIGKILL it loses no acknowledged answer; --host needs the token."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading

import httpx
import pytest
from conftest import ROOT
from test_review_api import make_tasks, payload, rows, write_jsonl


def start(*args: str) -> tuple[subprocess.Popen, str, list[str]]:
    """Run ``eventcoder review ARGS --port 0``; the process, its address and its stderr lines."""
    process = subprocess.Popen([sys.executable, "-m", "eventcoder", "review", *args, "--port", "0"],
                               stderr=subprocess.PIPE, text=True, cwd=ROOT)
    lines: list[str] = []
    for line in process.stderr:
        lines.append(line)
        if found := re.search(r"open (http://\S+)", line):
            threading.Thread(target=process.stderr.read, daemon=True).start()
            return process, found.group(1), lines
    process.wait(10)
    raise AssertionError("the server did not start:\n" + "".join(lines))


@pytest.fixture(scope="module")
def task_file(nlp, registry, tmp_path_factory):
    return write_jsonl(tmp_path_factory.mktemp("review") / "tasks.jsonl", make_tasks(nlp, registry))


def test_sigkill_loses_no_acknowledged_answer(task_file, tmp_path):
    db = tmp_path / "answers.db"
    args = (str(task_file), "--dataset", "ds", "--annotator", "anna", "--db", str(db))
    server, url, _ = start(*args)
    acked = []
    try:
        with httpx.Client(base_url=url.rstrip("/")) as client:
            for answer in ("accept", "reject", "accept"):
                task = client.get("/api/next", params={"client": "c1"}).json()["task"]
                assert client.post("/api/answer", json=payload(task, answer)).status_code == 200
                acked.append(task["_task_hash"])
            client.get("/api/next", params={"client": "c1"})  # a task on screen, unanswered
    finally:
        os.kill(server.pid, signal.SIGKILL)
        server.wait(10)
    assert server.returncode == -signal.SIGKILL
    assert [r["task_hash"] for r in rows(db)] == acked
    server, url, _ = start(*args)  # it goes on with the fourth task
    try:
        with httpx.Client(base_url=url.rstrip("/")) as client:
            again = client.get("/api/next", params={"client": "new-tab"}).json()
        assert again["task"]["_task_hash"] not in acked and again["progress"]["done"] == 3
    finally:
        server.terminate()
        server.wait(10)


def test_a_host_other_than_localhost_requires_the_printed_token(task_file, tmp_path):
    # 127.0.0.2 is loopback too, so nothing is exposed, but it is not the default host.
    server, url, lines = start(str(task_file), "--dataset", "ds", "--db", str(tmp_path / "a.db"), "--host", "127.0.0.2")
    try:
        token = re.search(r"\?token=(\S+)", url).group(1)
        base = url.split("?")[0].rstrip("/")
        assert httpx.get(f"{base}/api/next").status_code == 401
        assert httpx.get(f"{base}/api/next", headers={"X-Eventcoder-Token": token}).status_code == 200
        with httpx.Client(base_url=base) as browser:
            assert browser.get(f"/?token={token}").status_code == 303
            assert browser.get("/api/config").json()["dataset"] == "ds"
    finally:
        server.terminate()
        server.wait(10)


def test_bad_input_and_a_taken_port_are_one_line_errors(tmp_path, task_file, capsys):
    from eventcoder.annotation.webapp.server import listen
    from eventcoder.cli import main

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x", "tokens": [], "spans": [{"start": 0}]}\n')
    with pytest.raises(SystemExit) as exit_code:
        main(["review", str(bad), "--dataset", "ds", "--db", str(tmp_path / "a.db")])
    assert exit_code.value.code == 2 and capsys.readouterr().err.startswith(f"{bad}:1: ")
    taken = listen("127.0.0.1", 0)
    try:
        port = taken.getsockname()[1]
        with pytest.raises(SystemExit) as exit_code:
            main(["review", str(task_file), "--dataset", "ds", "--db", str(tmp_path / "a.db"), "--port", str(port)])
        assert exit_code.value.code == 2
        assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err
    finally:
        taken.close()


def test_review_min_score_leaves_out_low_scored_proposals(nlp, registry, tmp_path):
    from test_rules_score import check_filtered, scored_task

    task = scored_task(nlp, registry)
    tasks = write_jsonl(tmp_path / "scored.jsonl", [task])
    server, url, _ = start(str(tasks), "--dataset", "ds", "--db", str(tmp_path / "a.db"), "--min-score", "0.6")
    try:
        served = httpx.get(f"{url.rstrip('/')}/api/next", params={"client": "c1"}).json()["task"]
    finally:
        server.terminate()
        server.wait(10)
    check_filtered(served, task, registry)
