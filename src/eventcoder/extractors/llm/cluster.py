"""One LLM request budget and one response cache for a whole Dask cluster.

When a dask run uses the ``llm`` extractor, :func:`shared_llm` adds to the extractor options
its workers see (the llm pipeline turns them into settings of its model):

- ``llm_semaphore``: ``(name, max_leases)`` of a ``distributed.Semaphore`` with
  ``--llm-concurrency`` leases (default 8): requests in flight on all workers together.
  ``eventcoder.OpenAICompatible.v1`` holds a lease around each request (:func:`request_slot`);
  other spacy-llm models (``--llm-config``) send their requests their own way, unbounded.
- ``llm_cache`` and ``llm_cache_shards``: the main cache and a folder beside it. Each worker's
  model gets a :class:`ShardedCache` (``eventcoder.ShardedResponseCache.v1``), which reads
  the main cache and writes only a shard file of its own process.

Why: SQLite is not safe with writers on several machines (network disks break its locks), so
during a run nobody writes the main cache. Each worker process appends its answers to its own
JSONL shard (one writer per file, flushed per answer, so a kill keeps them). The client merges
all shards into the main cache before the run (shards a killed run left) and after it, then
deletes them; so a re-run sends no request that an earlier run got an answer to. A part that
is rerun on another worker within the same run may resend that part's requests. On a
cluster of several machines the main cache and its shards must be on a shared disk, and no
other process may write the main cache during the run (workers open it as immutable).
"""

from __future__ import annotations

import functools
import json
import os
import socket
import sqlite3
import threading
import uuid
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import ContextManager, Iterator, Sequence
from urllib.parse import quote

from eventcoder.extractors.llm.cache import ResponseCache, default_cache_path

#: The llm client's default concurrency, the cluster's budget when --llm-concurrency is unset.
DEFAULT_LLM_CONCURRENCY = 8


def shard_folder(main: str | os.PathLike) -> Path:
    return Path(f"{main}.shards")


@contextmanager
def shared_llm(options: dict) -> Iterator[dict]:
    """The extractor ``options`` with the cluster-wide LLM settings added (client side; needs a
    current dask client)."""
    from distributed import Semaphore

    options = dict(options)
    leases = options.get("llm_concurrency") or DEFAULT_LLM_CONCURRENCY
    semaphore = Semaphore(max_leases=leases, name=f"eventcoder-llm-{uuid.uuid4().hex[:8]}")
    options["llm_semaphore"] = (semaphore.name, leases)
    main = None
    if not options.get("llm_no_cache"):
        main = Path(options.get("llm_cache") or default_cache_path()).resolve()  # workers may run elsewhere
        options["llm_cache"], options["llm_cache_shards"] = str(main), str(shard_folder(main))
        merge_shards(main)
    try:
        yield options
    finally:
        semaphore.close()
        if main is not None:
            merge_shards(main)


def request_slot(spec: Sequence | None) -> ContextManager:
    """What to hold around one request: a lease of semaphore ``spec`` = ``(name, max_leases)``.

    Without a spec (no dask run) it holds nothing. Call it where the llm client is built: in a
    worker's task thread, where the semaphore finds its scheduler.
    """
    return _semaphore(*spec) if spec else nullcontext()


@functools.lru_cache(maxsize=1)  # one per worker process and run; the lease RPCs reuse it
def _semaphore(name: str, leases: int):
    from distributed import Semaphore

    return Semaphore(max_leases=leases, name=name)


class ShardedCache:
    """:class:`ResponseCache`'s ``get``/``put`` for one worker process of a cluster run."""

    def __init__(self, main: str | os.PathLike, shards: str | os.PathLike):
        self._main = None
        if Path(main).exists():
            # Nobody writes the main cache during a run, so it may be read without locks.
            uri = f"file:{quote(str(Path(main).resolve()))}?mode=ro&immutable=1"
            self._main = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self.path = Path(shards) / f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}.jsonl"
        self._own: dict[str, str] = {}
        self._file = None  # opened at the first answer, so idle workers leave no shard
        self._lock = threading.Lock()

    def get(self, key: str) -> str | None:
        with self._lock:
            if key in self._own:
                return self._own[key]
            if self._main is None:
                return None
            row = self._main.execute("SELECT response FROM responses WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def put(self, key: str, response: str, model: str = "") -> None:
        line = json.dumps({"key": key, "model": model, "response": response}, ensure_ascii=False) + "\n"
        with self._lock:
            if self._file is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._file = open(self.path, "a", encoding="utf-8")
            self._file.write(line)
            self._file.flush()  # a killed worker keeps every answer it wrote
            self._own[key] = response

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
            if self._main is not None:
                self._main.close()


def merge_shards(main: str | os.PathLike) -> int:
    """Fold the worker shards of ``main`` into it and delete them; the number of answers merged.

    Only the client calls this, while no worker writes (before and after a run). A line torn
    by a kill is skipped. Closing the cache checkpoints its write-ahead log into the database
    file, which is all that workers read.
    """
    merged = 0
    cache = ResponseCache(main)
    try:
        for path in sorted(shard_folder(main).glob("*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    answer = json.loads(line)
                except ValueError:
                    continue
                cache.put(answer["key"], answer["response"], answer["model"])
                merged += 1
            path.unlink()
    finally:
        cache.close()
    return merged
