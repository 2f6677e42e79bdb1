"""Reading event files (extract output, review/Prodigy answers, gold) as whole documents.

Lines of one document (same ``doc``/``meta.doc`` id, one after another, as ``extract`` writes
them) are put back together at their ``meta.offset``, so actors resolve across paragraphs.
Answers other than ``accept`` are skipped; a task's events are rebuilt from its spans and
relations (what the reviewer left), and the actor spans' ``name``/``code``/``sector`` keys (a
reviewer's corrections) are kept on the arguments.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from eventcoder.annotation.answers import read_answers
from eventcoder.core.errors import InputError
from eventcoder.core.vocabulary import Registry
from eventcoder.pipeline.inputs import STDIN, doc_id
from eventcoder.pipeline.tasks import events_from_task

#: Keys a reviewer may set on an actor span; they win over what resolution and coding find.
CORRECTABLE = ("name", "code", "sector")


@dataclass
class Piece:
    """One input line: its record, where it came from, and its place in the document."""

    record: dict
    path: str
    line: int
    offset: int
    events: list[dict]


@dataclass
class Document:
    key: str
    pieces: list[Piece] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The document's text, rebuilt from its pieces (gaps are line breaks)."""
        text = ""
        for piece in sorted(self.pieces, key=lambda p: p.offset):
            body = piece.record["text"]
            if piece.offset >= len(text):
                text += "\n" * (piece.offset - len(text)) + body
            else:
                text = text[: piece.offset] + body + text[piece.offset + len(body) :]
        return text


def _offset(record: dict) -> int:
    meta = record.get("meta") if isinstance(record.get("meta"), dict) else {}
    value = meta.get("offset", 0)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def _with_corrections(events: list[dict], record: dict) -> list[dict]:
    spans = {(s.get("start"), s.get("end")): s for s in record.get("spans", []) if isinstance(s, dict)}
    for relation in [*record.get("relations", []), *record.get("overlapping_relations", [])]:
        child = relation.get("child_span") or {}
        spans.setdefault((child.get("start"), child.get("end")), child)
    for event in events:
        for argument in event["arguments"]:
            span = spans.get((argument["start"], argument["end"]), {})
            argument.update({k: span[k] for k in CORRECTABLE if span.get(k) not in (None, "")})
    return events


def _events(record: dict, path: str, line: int, registry: Registry) -> list[dict]:
    if "spans" in record:
        return _with_corrections(events_from_task(record, registry), record)
    events = record.get("events")
    if not isinstance(events, list):
        raise InputError(path, line, 'no "events" (or "spans") field')
    text = record["text"]
    for number, event in enumerate(events, start=1):
        trigger = event.get("trigger") if isinstance(event, dict) else None
        if not isinstance(trigger, dict) or not isinstance(event.get("label"), str):
            raise InputError(path, line, f"event {number} has no label or trigger")
        for mention in [trigger, *event.get("arguments", [])]:
            start, end = mention.get("start"), mention.get("end")
            if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(text)):
                raise InputError(path, line, f"event {number}: offsets {start}-{end} outside the text")
    return events


def _lines(path: str) -> Iterator[tuple[int, dict]]:
    # any JSONL file, lazily, with FILE:LINE errors (answers files are the general case)
    for answer in read_answers(path):
        yield answer.line, answer.task


def read_documents(paths: Iterable[str], registry: Registry, answers: tuple[str, ...] = ("accept",)) -> Iterator[Document]:
    """The documents in ``paths``, one at a time (memory holds one document)."""
    current: Document | None = None
    for path in paths:
        name = "<stdin>" if path == STDIN else path
        for number, record in _lines(path):
            if not isinstance(record.get("text"), str):
                raise InputError(name, number, 'no "text" field')
            if "answer" in record and record["answer"] not in answers:
                continue
            key = doc_id(record) or "text:" + hashlib.sha1(record["text"].encode("utf-8")).hexdigest()[:16]
            piece = Piece(record, name, number, _offset(record), _events(record, name, number, registry))
            if current is not None and current.key != key:
                yield current
                current = None
            current = current or Document(key)
            current.pieces.append(piece)
    if current is not None:
        yield current
