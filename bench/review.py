"""Load on ``eventcoder review``: concurrent clients answering on 127.0.0.1, and lost answers.

Starts the real command (``python -m eventcoder review TASKS --port 0``) in a process of its
own, on a file of synthetic tasks (one MEETING each, every text different), and lets
``--clients`` client processes answer like browser tabs do: ``GET /api/next``, then ``POST
/api/answer`` (accept, reject or ignore in turn; every third accept changes the modality).
The clients are spread over ``--sessions`` named sessions (``?session=s0`` ...: annotators
sharing one server, two tabs each by default); ``--feed-overlap`` gives every session every task.
Each client stops after ``--answers`` answers or ``--seconds`` seconds, whichever is first.
Then the server is stopped and the database is read: every answer a client saw
acknowledged (HTTP 200) must be there, once (per session).

    python bench/review.py                          # 8 clients over 4 sessions x 200 answers
    python bench/review.py --feed-overlap           # every session sees every task
    python bench/review.py --clients 16 --answers 50 --sessions 1

Prints answers/s, the latency of the answer and next-task requests (p50, p95, max), and
the count of lost answers. Per answer the server checks the task like ``eventcoder
validate`` (JSON Schema included) and commits one SQLite transaction with synchronous=FULL
(an fsync); on a machine with few cores the clients compete with the server for them.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

CITIES = ("Geneva", "Vienna", "Minsk", "Moscow", "Brussels", "Warsaw", "Vilnius", "Riga")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
ANSWERS = ("accept", "reject", "ignore")


def make_tasks(count: int, path: Path) -> None:
    """``count`` tasks with different texts, one MEETING each, written to ``path``."""
    # Imported here, so the client processes (which import this module) start light.
    from eventcoder.core.formats import Argument, Mention, ProposedEvent
    from eventcoder.pipeline.nlp import load_pipeline
    from eventcoder.pipeline.tasks import make_task
    from eventcoder.plugins import get_registry

    nlp, registry = load_pipeline(), get_registry()
    with open(path, "w", encoding="utf-8") as out:
        for i in range(count):
            city, day = CITIES[i % len(CITIES)], DAYS[i % len(DAYS)]
            text = f"Delegation {i} met Lavrov in {city} on {day} to discuss case {i * 7 + 3}."

            def mention(phrase: str) -> tuple[int, int]:
                start = text.index(phrase)
                return start, start + len(phrase)

            args = [Argument(role=role, start=s, end=e, text=phrase)
                    for role, phrase in (("participant", f"Delegation {i}"), ("participant", "Lavrov"), ("place", city), ("time", day))
                    for s, e in [mention(phrase)]]
            s, e = mention("met")
            event = ProposedEvent(label="MEETING", trigger=Mention(start=s, end=e, text="met"), arguments=args, extractors=["bench"])
            task = make_task(nlp.make_doc(text)[:], [event], {"source": "bench", "line": i + 1}, registry)
            out.write(json.dumps(task) + "\n")


def start_server(tasks: Path, db: Path, overlap: bool) -> tuple[subprocess.Popen, str]:
    server = subprocess.Popen(
        [sys.executable, "-m", "eventcoder", "review", str(tasks), "--dataset", "bench", "--annotator", "bench",
         "--db", str(db), "--port", "0", *(["--feed-overlap"] if overlap else [])],
        stderr=subprocess.PIPE, text=True,
    )
    for line in server.stderr:
        if found := re.search(r"open (http://\S+)", line):
            threading.Thread(target=server.stderr.read, daemon=True).start()  # keep the pipe drained
            return server, found.group(1).rstrip("/")
    raise RuntimeError(f"the server did not start (exit code {server.wait()})")


def span(s: dict, **changes) -> dict:
    return {**{k: s[k] for k in ("token_start", "token_end", "label", "modality") if k in s}, **changes}


def client_loop(url: str, name: str, session: str, answers: int, seconds: float) -> dict:
    """One client (a process of its own, like a browser tab of ``session``): answer until done or out of time."""
    deadline = time.monotonic() + seconds
    acked, answer_times, next_times, errors = [], [], [], 0
    with httpx.Client(base_url=url, timeout=30, params={"session": session}) as client:
        while len(acked) < answers and time.monotonic() < deadline:
            started = time.perf_counter()
            task = client.get("/api/next", params={"client": name, "session": session}).json()["task"]
            next_times.append(time.perf_counter() - started)
            if task is None:
                break
            kind = ANSWERS[len(acked) % len(ANSWERS)]
            spans = [span(s, modality="planned") if s["label"] == "MEETING" and len(acked) % 9 == 0 else span(s) for s in task["spans"]]
            body = {"task_hash": task["_task_hash"], "answer": kind, "client": name, "spans": spans,
                    "relations": [{"head_span": span(r["head_span"]), "child_span": span(r["child_span"]), "label": r["label"]}
                                  for r in task["relations"]],
                    "overlapping_relations": []}
            started = time.perf_counter()
            response = client.post("/api/answer", json=body)
            answer_times.append(time.perf_counter() - started)
            if response.status_code == 200:
                acked.append((session, task["_task_hash"]))
            else:
                errors += 1
    return {"acked": acked, "answer_times": answer_times, "next_times": next_times, "errors": errors}


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else (values or [0])[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--answers", type=int, default=200, help="answers per client")
    parser.add_argument("--seconds", type=float, default=60.0, help="time limit per client")
    parser.add_argument("--sessions", type=int, default=4, help="named sessions (annotators) the clients are spread over")
    parser.add_argument("--feed-overlap", action="store_true", help="every session sees every task")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        tasks, db = Path(tmp, "tasks.jsonl"), Path(tmp, "bench.db")
        make_tasks(args.clients * args.answers, tasks)
        server, url = start_server(tasks, db, args.feed_overlap)
        try:
            with multiprocessing.get_context("spawn").Pool(args.clients) as pool:
                pool.map(time.sleep, [0.2] * args.clients, chunksize=1)  # every client process is up first
                started = time.perf_counter()
                results = pool.starmap(client_loop, [(url, f"client{i}", f"s{i % args.sessions}", args.answers, args.seconds)
                                                      for i in range(args.clients)])
                elapsed = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(30)
        with sqlite3.connect(db) as connection:
            stored = [(who, task_hash) for who, task_hash in connection.execute("SELECT annotator, task_hash FROM answers WHERE dataset = 'bench'")]

    acked = [h for result in results for h in result["acked"]]
    answer_times = [t for result in results for t in result["answer_times"]]
    next_times = [t for result in results for t in result["next_times"]]
    lost = set(acked) - set(stored)
    ms = lambda values, q: 1000 * percentile(values, q)  # noqa: E731
    print(f"clients                 {args.clients} processes over {args.sessions} sessions"
          f" ({'every task to every session' if args.feed_overlap else 'each task to one session'})"
          f" x up to {args.answers} answers ({args.seconds:.0f} s limit), {os.cpu_count()} CPUs for them and the server")
    print(f"answers acknowledged    {len(acked)} in {elapsed:.2f} s = {len(acked) / elapsed:.0f} answers/s")
    print(f"POST /api/answer        p50 {ms(answer_times, 50):.1f} ms, p95 {ms(answer_times, 95):.1f} ms, max {1000 * max(answer_times):.1f} ms")
    print(f"GET /api/next           p50 {ms(next_times, 50):.1f} ms, p95 {ms(next_times, 95):.1f} ms, max {1000 * max(next_times):.1f} ms")
    print(f"refused answers         {sum(result['errors'] for result in results)}")
    print(f"rows in the database    {len(stored)} ({len(stored) - len(set(stored))} duplicates)")
    print(f"lost answers            {len(lost)}")
    if lost or len(stored) != len(acked):
        sys.exit(1)


if __name__ == "__main__":
    main()
