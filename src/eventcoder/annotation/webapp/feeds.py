"""Which task each session (annotator) and browser tab gets: one server, several annotators.

Like Prodigy's ``feed_overlap`` and ``annotations_per_task``:

* :class:`OverlapFeed`: every annotator sees every task. Each session reads a stream of its
  own (the input read again), minus what that annotator answered, through a
  :class:`~eventcoder.annotation.webapp.queue.TaskQueue`; memory does not grow with the input.
* :class:`SharedFeed`: one stream for the team; a task goes to the next free annotator, and
  to ``per_task`` different annotators in all (1: each task is answered once). A task waits
  in memory only while fewer than ``per_task`` annotators have answered it.

Holds are per session and tab: a task handed to ``(session, client)`` is kept for it until
answered, and a hold not answered within ``lease_s`` seconds expires (the task may then go to
another tab or annotator). Both feeds are thread-safe.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from typing import Callable, Iterator

from eventcoder.annotation.webapp.queue import KEYS, TaskQueue
from eventcoder.core.errors import InputError


class OverlapFeed:
    """Every session its own queue over its own stream (``make_queue(annotator)``)."""

    overlap = True

    def __init__(self, make_queue: Callable[[str], TaskQueue]):
        self._make_queue = make_queue
        self._queues: dict[str, TaskQueue] = {}
        self._lock = threading.Lock()

    def queue(self, session: str) -> TaskQueue:
        with self._lock:
            if session not in self._queues:
                self._queues[session] = self._make_queue(session)
            return self._queues[session]

    def prime(self, session: str) -> None:
        self.queue(session).prime()

    def next(self, session: str, client: str) -> dict | None:
        return self.queue(session).next(client)

    def leased(self, task_hash: int, session: str) -> dict | None:
        return self.queue(session).leased(task_hash)

    def answered(self, task: dict, session: str) -> None:
        self.queue(session).answered(task)

    def restore(self, task: dict, session: str, client: str) -> None:
        self.queue(session).restore(task, client)

    def progress(self, session: str) -> dict:
        queue = self.queue(session)
        return {"done": queue.done, "total": queue.total}

    def error(self, session: str) -> InputError | None:
        return self.queue(session).error


@dataclass
class _Open:
    """A task of the shared stream that still needs answers, and who holds it now."""

    task: dict
    holds: dict[tuple[str, str], float] = field(default_factory=dict)  # (session, client) -> since


class SharedFeed:
    """One stream shared by the sessions; each task answered by ``per_task`` annotators."""

    overlap = False

    def __init__(self, tasks: Iterator[dict], answered_by: dict[int, set[str]], key: str = "task",
                 total: int | None = None, lease_s: float = 600.0, per_task: int = 1):
        if key not in KEYS:
            raise ValueError(f"key is one of {', '.join(KEYS)}, not {key!r}")
        if per_task < 1:
            raise ValueError("per_task must be 1 or more")
        self._tasks = tasks
        self._answered_by = {value: set(who) for value, who in answered_by.items()}
        self._hash_key = f"_{key}_hash"
        self._seen: set[int] = set()
        self._open: OrderedDict[int, _Open] = OrderedDict()
        self._lock = threading.Lock()
        self._exhausted = False
        self.total, self.lease_s, self.per_task = total, lease_s, per_task
        #: Per session: tasks of the stream read so far that it answered.
        self._done: Counter[str] = Counter()
        #: Tasks of the stream read so far answered by ``per_task`` annotators.
        self.complete = 0
        self._error: InputError | None = None

    def _who(self, task: dict) -> set[str]:
        return self._answered_by.setdefault(task[self._hash_key], set())

    def _live(self, item: _Open, now: float) -> dict[tuple[str, str], float]:
        item.holds = {holder: since for holder, since in item.holds.items() if now - since <= self.lease_s}
        return item.holds

    def _free_for(self, item: _Open, session: str, now: float) -> bool:
        who = self._who(item.task)
        holders = {holder[0] for holder in self._live(item, now)}
        return session not in who and session not in holders and len(who) + len(holders) < self.per_task

    def next(self, session: str, client: str) -> dict | None:
        """The task for ``session``'s tab ``client``: its held one, an open one, or a new one."""
        with self._lock:
            now = time.monotonic()
            for item in self._open.values():
                if (session, client) in self._live(item, now):
                    item.holds[(session, client)] = now
                    return item.task
            for item in self._open.values():
                if self._free_for(item, session, now):
                    item.holds[(session, client)] = now
                    return item.task
            while (task := self._pull()) is not None:
                item = self._open[task["_task_hash"]]
                if self._free_for(item, session, now):
                    item.holds[(session, client)] = now
                    return task
            return None

    def prime(self, session: str) -> None:
        """Read up to the first task that needs answers: bad input there raises its InputError."""
        with self._lock:
            self._pull()
            if self._error is not None:
                raise self._error

    def _pull(self) -> dict | None:
        """The next task of the stream that needs answers, now open; None at the end."""
        while not self._exhausted:
            try:
                task = next(self._tasks, None)
            except InputError as exc:
                self._error, task = exc, None
            if task is None:
                self._exhausted = True
                break
            if task["_task_hash"] in self._seen:
                continue
            self._seen.add(task["_task_hash"])
            who = self._who(task)
            self._done.update(who)
            if len(who) >= self.per_task:
                self.complete += 1
                continue
            self._open[task["_task_hash"]] = _Open(task)
            return task
        return None

    def leased(self, task_hash: int, session: str) -> dict | None:
        """The open task ``task_hash`` when ``session`` may answer it: one of its tabs holds it, or it is free for it."""
        with self._lock:
            item = self._open.get(task_hash)
            if item is None or session in self._who(item.task):
                return None
            now = time.monotonic()
            held = any(holder[0] == session for holder in self._live(item, now))
            return item.task if held or self._free_for(item, session, now) else None

    def answered(self, task: dict, session: str) -> None:
        """``session`` answered ``task`` and it was stored."""
        with self._lock:
            who = self._who(task)
            if session in who:
                return
            who.add(session)
            self._done[session] += 1
            item = self._open.get(task["_task_hash"])
            if item is not None:
                item.holds = {holder: since for holder, since in item.holds.items() if holder[0] != session}
            if len(who) >= self.per_task:
                self.complete += 1
                self._open.pop(task["_task_hash"], None)

    def restore(self, task: dict, session: str, client: str) -> None:
        """``session``'s answer to ``task`` was undone: hold it for ``client``, first in line."""
        with self._lock:
            who = self._who(task)
            if session in who:
                if len(who) >= self.per_task:
                    self.complete = max(0, self.complete - 1)
                who.discard(session)
                self._done[session] = max(0, self._done[session] - 1)
            self._seen.add(task["_task_hash"])
            item = self._open.setdefault(task["_task_hash"], _Open(task))
            item.holds[(session, client)] = time.monotonic()
            self._open.move_to_end(task["_task_hash"], last=False)

    def progress(self, session: str) -> dict:
        with self._lock:
            return {"done": self._done[session], "total": self.total, "complete": self.complete}

    def error(self, session: str) -> InputError | None:
        return self._error


class SessionQueue:
    """One session's view of a feed, with the single-annotator queue's calls."""

    def __init__(self, feed: OverlapFeed | SharedFeed, session: str):
        self.feed, self.session = feed, session

    def next(self, client: str) -> dict | None:
        return self.feed.next(self.session, client)

    @property
    def total(self) -> int | None:
        return self.feed.progress(self.session)["total"]

    @property
    def done(self) -> int:
        return self.feed.progress(self.session)["done"]
