"""Which task each browser tab sees next: a lazy stream, minus what is answered, leased out.

Tasks are pulled from the stream one at a time, through :class:`UniqueTasks` (which both
feeds of :mod:`.feeds` read through too): repeats within the stream are dropped there, and
those the annotator has already answered (by task or input hash) here. A task handed to a client
(one browser tab) is *leased* to it until answered: asking again returns the same task, so a
reload shows it again, and other clients get other tasks. A lease not answered within
``lease_s`` seconds (a tab left open and forgotten) may be handed to another client.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Iterator

from eventcoder.core.errors import InputError

KEYS = ("task", "input")


def hash_key(key: str) -> str:
    """The task field that tells answered tasks apart: ``_task_hash`` or ``_input_hash``."""
    if key not in KEYS:
        raise ValueError(f"key is one of {', '.join(KEYS)}, not {key!r}")
    return f"_{key}_hash"


class UniqueTasks:
    """A task stream read once, each task (by ``_task_hash``) handed out once; a bad input
    line ends it, kept in ``error``. Both feeds pull their tasks through one of these."""

    def __init__(self, tasks: Iterator[dict]):
        self._tasks = tasks
        self._seen: set[int] = set()
        self._exhausted = False
        self.error: InputError | None = None

    def pull(self) -> dict | None:
        """The next task not seen before; None at the end of the stream (or at a bad line)."""
        while not self._exhausted:
            try:
                task = next(self._tasks, None)
            except InputError as exc:
                self.error, task = exc, None
            if task is None:
                self._exhausted = True
                break
            if self.mark_seen(task["_task_hash"]):
                return task
        return None

    def mark_seen(self, task_hash: int) -> bool:
        """Count ``task_hash`` as seen (a task coming back by undo); whether it was new."""
        if task_hash in self._seen:
            return False
        self._seen.add(task_hash)
        return True


@dataclass
class _Lease:
    task: dict
    client: str
    since: float


class TaskQueue:
    """Thread-safe; the stream (which may run an extractor) is advanced under a lock."""

    def __init__(self, tasks: Iterator[dict], answered: set[int], key: str = "task",
                 total: int | None = None, lease_s: float = 600.0):
        self._stream = UniqueTasks(tasks)
        self._answered = set(answered)
        self._hash_key = hash_key(key)
        self._leases: OrderedDict[int, _Lease] = OrderedDict()
        self._lock = threading.Lock()
        self.total = total
        self.lease_s = lease_s
        #: Tasks of the stream read so far that the annotator has answered.
        self.done = 0

    @property
    def error(self) -> InputError | None:
        """Why the stream stopped early (a bad input line), for the UI."""
        return self._stream.error

    def next(self, client: str) -> dict | None:
        """The task for ``client``: its leased one, an expired lease, or a new one; None when done."""
        with self._lock:
            now = time.monotonic()
            for lease in self._leases.values():
                if lease.client == client:
                    lease.since = now
                    return lease.task
            for lease in self._leases.values():
                if now - lease.since > self.lease_s:
                    lease.client, lease.since = client, now
                    return lease.task
            task = self._pull()
            if task is not None:
                self._leases[task["_task_hash"]] = _Lease(task, client, now)
            return task

    def prime(self) -> None:
        """Read up to the first unanswered task now: bad input there raises its InputError."""
        with self._lock:
            task = self._pull()
            if self.error is not None:
                raise self.error
            if task is not None:
                self._leases[task["_task_hash"]] = _Lease(task, "", float("-inf"))  # free to take

    def _pull(self) -> dict | None:
        while (task := self._stream.pull()) is not None:
            if task[self._hash_key] not in self._answered:
                return task
            self.done += 1
        return None

    def leased(self, task_hash: int) -> dict | None:
        """The served, unanswered task with ``task_hash``, or None."""
        with self._lock:
            lease = self._leases.get(task_hash)
            return lease.task if lease else None

    def answered(self, task: dict) -> None:
        """``task`` was answered and stored: it is never handed out again."""
        with self._lock:
            if self._leases.pop(task["_task_hash"], None) is not None:
                self.done += 1
            self._answered.add(task[self._hash_key])

    def restore(self, task: dict, client: str) -> None:
        """An answer to ``task`` was undone: lease it to ``client`` ahead of everything else."""
        with self._lock:
            self._answered.discard(task[self._hash_key])
            if not self._stream.mark_seen(task["_task_hash"]):
                self.done = max(0, self.done - 1)
            self._leases[task["_task_hash"]] = _Lease(task, client, time.monotonic())
            self._leases.move_to_end(task["_task_hash"], last=False)
