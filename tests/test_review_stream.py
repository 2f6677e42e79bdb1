"""The one stream-pulling loop of the review feeds (``UniqueTasks``): each task once, a bad
input line kept for the UI, an undone task not counted twice — the same in both feeds."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from eventcoder.annotation.webapp.feeds import OverlapFeed, SharedFeed
from eventcoder.annotation.webapp.queue import TaskQueue, UniqueTasks, hash_key
from eventcoder.core.errors import InputError


def _task(n: int) -> dict:
    return {"text": f"text {n}", "_task_hash": n, "_input_hash": 100 + n}


def _stream(*numbers: int, bad_after: int | None = None) -> Iterator[dict]:
    for n in numbers:
        yield _task(n)
        if n == bad_after:
            raise InputError("news.jsonl", 7, "not JSON")


def test_unique_tasks_drops_repeats_and_keeps_the_bad_line():
    stream = UniqueTasks(_stream(1, 2, 1, 3, bad_after=3))
    assert [stream.pull()["_task_hash"] for _ in range(3)] == [1, 2, 3]
    assert stream.pull() is None and str(stream.error) == "news.jsonl:7: not JSON"
    assert stream.pull() is None  # the end stays the end
    assert not stream.mark_seen(2) and stream.mark_seen(9)


def test_hash_key_names_the_field_or_refuses():
    assert (hash_key("task"), hash_key("input")) == ("_task_hash", "_input_hash")
    with pytest.raises(ValueError, match="key is one of task, input"):
        hash_key("text")


def _drain(feed, session: str) -> list[int]:
    served = []
    while (task := feed.next(session, "tab")) is not None:
        served.append(task["_task_hash"])
        feed.answered(task, session)
    return served


@pytest.mark.parametrize("make", [
    lambda tasks: OverlapFeed(lambda who: TaskQueue(tasks, answered={102}, key="input")),
    lambda tasks: SharedFeed(tasks, answered_by={102: {"anna"}}, key="input"),
], ids=["overlap", "shared"])
def test_both_feeds_serve_each_task_once_and_report_the_bad_line(make):
    feed = make(_stream(1, 2, 1, 3, 4, bad_after=3))
    feed.prime("anna")
    # 2 was answered before (its input hash), 1 repeats, the stream breaks after 3: 4 never comes.
    assert _drain(feed, "anna") == [1, 3]
    assert str(feed.error("anna")) == "news.jsonl:7: not JSON"
    assert feed.progress("anna")["done"] == 3
    feed.restore(_task(1), "anna", "tab")  # undo: task 1 comes back first, its answer uncounted
    assert feed.next("anna", "tab")["_task_hash"] == 1 and feed.progress("anna")["done"] == 2
