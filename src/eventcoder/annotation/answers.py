"""Prodigy answers: ``prodigy db-out DATASET`` JSONL, or answer dicts from anywhere else.

Each answer is a task (text, tokens, spans, relations, ...) as the annotator left it, plus
``answer`` (accept, reject or ignore), ``_annotator_id`` / ``_session_id`` and
``_timestamp``. Answers travel with the place they came from, so every problem can be
reported as ``FILE:LINE``.
"""

from __future__ import annotations

import functools
from typing import Iterable, Iterator, NamedTuple, Sequence

from pydantic import TypeAdapter, ValidationError

from eventcoder.core.errors import InputError
from eventcoder.core.formats import Event, Relation, Span, Token
from eventcoder.core.reading import Skipping, read_json_objects
from eventcoder.pipeline.hashing import input_hash

ANSWERS = ("accept", "reject", "ignore")


class Answer(NamedTuple):
    """One answer and where it came from (a file and line, or a database and row)."""

    path: str
    line: int
    task: dict


def read_answers(path: str, skipping: Skipping | None = None) -> Iterator[Answer]:
    """The answers in a ``db-out`` JSONL file (``-``: stdin, gzip too), lazily.

    ``skipping`` (``--skip-invalid``): unreadable lines skipped, lone surrogates replaced.
    """
    for number, task in read_json_objects(path, skipping):
        yield Answer("<stdin>" if path == "-" else path, number, task)


def answers_of(items: Iterable[Answer | dict], source: str = "<answers>") -> Iterator[Answer]:
    """Answers as they are, and plain answer dicts (the review app's) placed at ``source:N``."""
    for number, item in enumerate(items, start=1):
        yield item if isinstance(item, Answer) else Answer(source, number, item)


def answer_kinds(value: str | Sequence[str]) -> tuple[str, ...]:
    """``"accept,reject"`` as a tuple; ValueError for anything but accept, reject, ignore."""
    kinds = tuple(k.strip() for k in (value.split(",") if isinstance(value, str) else value) if k.strip())
    unknown = [k for k in kinds if k not in ANSWERS]
    if unknown or not kinds:
        raise ValueError(f"answers are {', '.join(ANSWERS)}; got {', '.join(unknown) or 'none'}")
    return kinds


#: The fields of a task an annotator edits (and the events served with it), typed by the task
#: format's own models.
_EDITED = {"tokens": list[Token], "spans": list[Span], "relations": list[Relation],
           "overlapping_relations": list[Relation], "events": list[Event]}


@functools.cache
def _adapter(key: str) -> TypeAdapter:
    return TypeAdapter(_EDITED[key])


def require(answer: Answer) -> dict:
    """The task of ``answer``; InputError when it is not an answer at all, or when the fields
    an annotator edits (tokens, spans, relations, events) are not of the task format's types."""
    task = answer.task
    if not isinstance(task.get("text"), str):
        raise InputError(answer.path, answer.line, 'no "text" field')
    if task.get("answer") not in ANSWERS:
        raise InputError(answer.path, answer.line, f'"answer" must be one of {", ".join(ANSWERS)}, got {task.get("answer")!r}')
    if not isinstance(task.get("meta", {}), dict):
        raise InputError(answer.path, answer.line, '"meta" must be an object')
    for key in _EDITED:
        if key in task:
            try:
                _adapter(key).validate_python(task[key])
            except ValidationError as exc:
                first = exc.errors()[0]
                where = "/".join(map(str, (key, *first["loc"])))
                raise InputError(answer.path, answer.line, f"{where}: {first['msg']}") from None
    return task


def annotator(task: dict) -> str | None:
    """Who answered: ``_annotator_id``, else ``_session_id``."""
    for key in ("_annotator_id", "_session_id"):
        if task.get(key) not in (None, ""):
            return str(task[key])
    return None


def input_key(task: dict) -> int:
    """The task's ``_input_hash`` (computed from the text when missing)."""
    value = task.get("_input_hash")
    return value if isinstance(value, int) else input_hash(task)


def timestamp(task: dict) -> float:
    value = task.get("_timestamp")
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0
