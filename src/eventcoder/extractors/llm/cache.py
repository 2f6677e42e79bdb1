"""The persistent response cache: one SQLite row per (model identity, exact prompt).

spacy-llm's own ``BatchCache`` keys a doc by an order-blind sum of token hashes, ignores the
model and drops a partial last batch, so eventcoder keeps its own. The key is a SHA-256 of the
model's identity (server, model name, every generation setting) and the exact prompt; a
changed template, example file, type or setting is a different key. Each response is committed
on its own the moment it arrives (SQLite in WAL mode), so a run killed at any point keeps
every answer it received, and a re-run of the same input sends only the missing requests.
Several processes may share one file.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from pathlib import Path

from eventcoder.core.errors import UserError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    response TEXT NOT NULL,
    created REAL NOT NULL
)
"""


def default_cache_path() -> Path:
    """``$XDG_CACHE_HOME/eventcoder/llm-cache.sqlite3`` (``~/.cache`` when unset; LOCALAPPDATA on Windows)."""
    base = os.environ.get("XDG_CACHE_HOME") or (os.environ.get("LOCALAPPDATA") if os.name == "nt" else None)
    return Path(base or Path.home() / ".cache") / "eventcoder" / "llm-cache.sqlite3"


def canonical_json(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def cache_key(identity: str, prompt: str) -> str:
    """The key of ``prompt`` sent to the model described by ``identity`` (canonical JSON)."""
    return hashlib.sha256(canonical_json([identity, prompt]).encode("utf-8")).hexdigest()


class ResponseCache:
    """Responses by key, in a SQLite file; safe to share between threads and processes."""

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path else default_cache_path()
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Autocommit (isolation_level=None): every put is its own committed transaction.
            self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            # NORMAL keeps every commit through a process kill (not through a power cut).
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise UserError(f"cannot open the LLM response cache {self.path}: {exc}") from None

    def get(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT response FROM responses WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def put(self, key: str, response: str, model: str = "") -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO responses (key, model, response, created) VALUES (?, ?, ?, ?)",
                (key, model, response, time.time()),
            )

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM responses").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()
