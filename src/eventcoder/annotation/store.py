"""Answers in an embedded SQLite database, keyed by dataset and the Prodigy hashes.

Each row is one answer: the task as the annotator left it plus ``answer``,
``_annotator_id``, ``_session_id`` and ``_timestamp`` (one line of ``prodigy db-out``), with
the dataset, both hashes, annotator and session in columns of their own. An annotator answers
a task once per dataset: answering it again replaces the earlier answer.

The database runs in WAL mode with ``synchronous=FULL`` and one transaction per answer, so an
answer the app has acknowledged survives the process being killed (and a power cut). Several
servers and the command line may share one file.

Sessions: the ``annotator`` column is the session name of ``/?session=NAME`` and
``session`` is Prodigy's ``DATASET-NAME``. Adjudication records are answers of the final
dataset whose task lists the answers it came from under ``_adjudicated_from``.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Iterable, Iterator

from eventcoder.annotation.answers import ANSWERS, Answer, answers_of
from eventcoder.core.errors import UserError

DEFAULT_DB = "eventcoder.db"
SCHEMA_VERSION = 1
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS answers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    dataset TEXT NOT NULL,
    input_hash INTEGER NOT NULL,
    task_hash INTEGER NOT NULL,
    annotator TEXT NOT NULL,
    session TEXT NOT NULL,
    answer TEXT NOT NULL CHECK (answer IN ({", ".join(f"'{a}'" for a in ANSWERS)})),
    timestamp REAL NOT NULL,
    task TEXT NOT NULL,
    UNIQUE (dataset, annotator, task_hash)
);
CREATE INDEX IF NOT EXISTS answers_by_session ON answers (dataset, session, id);
PRAGMA user_version = {SCHEMA_VERSION};
"""


def session_id(dataset: str, annotator: str) -> str:
    """Prodigy's named-session id: ``DATASET-ANNOTATOR``."""
    return f"{dataset}-{annotator}"


class AnswerStore:
    """One SQLite file of answers. Thread-safe: calls are serialised on one connection."""

    def __init__(self, path: str | Path = DEFAULT_DB):
        self.path = str(path)
        self._lock = threading.Lock()
        try:
            # Autocommit mode: every transaction below is explicit (BEGIN IMMEDIATE ... COMMIT).
            self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise UserError(f"cannot use {self.path} as the answer database: {exc}") from None

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> "AnswerStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def add(self, dataset: str, answer: dict) -> int:
        """Store one answer (a task with ``answer``, ``_annotator_id``, ``_session_id``); its row id."""
        return self.add_many(dataset, [answer])[0]

    def add_many(self, dataset: str, answers: Iterable[dict]) -> list[int]:
        """Store answers in one transaction: all of them or, on any error, none."""
        rows = [self._row(dataset, answer) for answer in answers]
        ids = []
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for row in rows:
                    self._db.execute(
                        "DELETE FROM answers WHERE dataset = ? AND annotator = ? AND task_hash = ?",
                        (row[0], row[3], row[2]),
                    )
                    cursor = self._db.execute(
                        "INSERT INTO answers (dataset, input_hash, task_hash, annotator, session, answer, timestamp, task)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        row,
                    )
                    ids.append(cursor.lastrowid)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return ids

    @staticmethod
    def _row(dataset: str, answer: dict) -> tuple:
        if answer.get("answer") not in ANSWERS:
            raise ValueError(f"answer must be one of {', '.join(ANSWERS)}, got {answer.get('answer')!r}")
        answer.setdefault("_timestamp", round(time.time(), 3))
        return (
            dataset, int(answer["_input_hash"]), int(answer["_task_hash"]), str(answer["_annotator_id"]),
            str(answer["_session_id"]), answer["answer"], float(answer["_timestamp"]),
            json.dumps(answer, ensure_ascii=False),
        )

    def pop_last(self, dataset: str, session: str) -> dict | None:
        """Remove and return the latest answer of ``session`` (undo), or None when it has none."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                row = self._db.execute(
                    "SELECT id, task FROM answers WHERE dataset = ? AND session = ? ORDER BY id DESC LIMIT 1",
                    (dataset, session),
                ).fetchone()
                if row is not None:
                    self._db.execute("DELETE FROM answers WHERE id = ?", (row[0],))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return json.loads(row[1]) if row else None

    def answered(self, dataset: str, annotator: str, key: str = "task") -> set[int]:
        """The task (or input) hashes ``annotator`` has answered in ``dataset``."""
        column = {"task": "task_hash", "input": "input_hash"}[key]
        with self._lock:
            rows = self._db.execute(
                f"SELECT {column} FROM answers WHERE dataset = ? AND annotator = ?", (dataset, annotator)
            ).fetchall()
        return {row[0] for row in rows}

    def answered_by(self, dataset: str, key: str = "task") -> dict[int, set[str]]:
        """Task (or input) hash -> the annotators who answered it in ``dataset``."""
        column = {"task": "task_hash", "input": "input_hash"}[key]
        found: dict[int, set[str]] = {}
        with self._lock:
            for value, who in self._db.execute(f"SELECT {column}, annotator FROM answers WHERE dataset = ?", (dataset,)):
                found.setdefault(value, set()).add(who)
        return found

    def inputs(self, dataset: str) -> int:
        """How many different texts (input hashes) ``dataset`` has answers for."""
        with self._lock:
            return self._db.execute("SELECT COUNT(DISTINCT input_hash) FROM answers WHERE dataset = ?", (dataset,)).fetchone()[0]


def _read_only(db: str | Path, any_thread: bool = False) -> sqlite3.Connection:
    # A reader of its own: WAL lets it run beside the writers, and it never creates the file.
    return sqlite3.connect(Path(db).resolve().as_uri() + "?mode=ro", uri=True, timeout=30, check_same_thread=not any_thread)


def read_tasks(db: str | Path, dataset: str) -> Iterator[dict]:
    """The answers of ``dataset`` in ``db`` in the order they were given, as db-out dicts."""
    connection = _read_only(db)
    try:
        for (task,) in connection.execute("SELECT task FROM answers WHERE dataset = ? ORDER BY id", (dataset,)):
            yield json.loads(task)
    finally:
        connection.close()


def answers_by_input(db: str | Path, dataset: str) -> Iterator[list[dict]]:
    """The answers of ``dataset`` grouped by text (input hash), texts in the order first answered.

    Streams one group at a time (for adjudication): memory holds one text's answers. The
    generator may be advanced from any thread, one at a time (the review app's feed lock).
    """
    connection = _read_only(db, any_thread=True)
    try:
        rows = connection.execute(
            "SELECT a.input_hash, a.task FROM answers a"
            " JOIN (SELECT input_hash, MIN(id) AS first FROM answers WHERE dataset = ? GROUP BY input_hash) f"
            " ON a.input_hash = f.input_hash WHERE a.dataset = ? ORDER BY f.first, a.id",
            (dataset, dataset),
        )
        group: list[dict] = []
        current = None
        for input_hash, task in rows:
            if group and input_hash != current:
                yield group
                group = []
            current = input_hash
            group.append(json.loads(task))
        if group:
            yield group
    finally:
        connection.close()


def annotator_activity(db: str | Path, dataset: str, pause_s: float = 300.0) -> dict[str, dict]:
    """Per annotator of ``dataset``: answers, counts per kind, active seconds and answers/hour.

    Active time sums the gaps between one annotator's consecutive answers, leaving out gaps
    over ``pause_s`` (a break), so speed is answers per hour of work, not of wall clock.
    """
    connection = _read_only(db)
    found: dict[str, dict] = {}
    last: dict[str, float] = {}
    try:
        for who, answer, at in connection.execute(
            "SELECT annotator, answer, timestamp FROM answers WHERE dataset = ? ORDER BY annotator, timestamp", (dataset,)
        ):
            stats = found.setdefault(who, {"answers": 0, **{kind: 0 for kind in ANSWERS}, "active_s": 0.0})
            stats["answers"] += 1
            stats[answer] += 1
            if who in last and at - last[who] <= pause_s:
                stats["active_s"] += at - last[who]
            last[who] = at
    finally:
        connection.close()
    for stats in found.values():
        # n answers span n - 1 gaps: count the first one as one average gap of work.
        gaps = stats["answers"] - 1
        active = stats["active_s"] * stats["answers"] / gaps if gaps and stats["active_s"] else 0.0
        stats["active_s"] = round(active, 1)
        stats["per_hour"] = round(3600 * stats["answers"] / active, 1) if active else None
    return found


def dataset_answers(db: str | Path, dataset: str) -> Iterator[Answer]:
    """The answers of ``dataset`` in ``db``, for export and agreement.

    Each is numbered by its position in the dataset, as its line in a db-out file would be.
    """
    return answers_of(read_tasks(db, dataset), f"{db}:{dataset}")


def has_dataset(db: str | Path, dataset: str) -> bool:
    """Whether ``db`` is an answer database holding ``dataset`` (it is never created here)."""
    if not Path(db).is_file():
        return False
    try:
        connection = _read_only(db)
        try:
            return connection.execute("SELECT 1 FROM answers WHERE dataset = ? LIMIT 1", (dataset,)).fetchone() is not None
        finally:
            connection.close()
    except sqlite3.Error:
        return False
