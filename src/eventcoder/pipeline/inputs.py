"""Reading input documents lazily: ``.txt`` files, folders of them, JSONL, gzip, stdin.

Each input yields :class:`Record` objects one at a time, so memory does not grow with the
input. Problems raise :class:`InputError` naming the file and line; with ``on_error`` given,
the bad record is reported there and reading goes on.
"""

from __future__ import annotations

import io
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator

from eventcoder.core.errors import InputError
from eventcoder.core.reading import (
    STDIN,
    decode_text,
    iter_lines,
    open_binary,
    parse_json_line,
)

__all__ = ["STDIN", "Record", "open_binary", "parse_jsonl_line", "read_inputs"]
#: Keys of a task or gold line that are not carried into ``meta`` of new tasks.
DROPPED_KEYS = frozenset(
    {"text", "meta", "tokens", "spans", "relations", "overlapping_relations", "events",
     "_input_hash", "_task_hash", "_view_id", "answer"}
)


@dataclass
class Record:
    """One input document."""

    text: str
    meta: dict = field(default_factory=dict)
    #: Size in bytes of what was read for it, for progress.
    nbytes: int = 0
    #: Lone surrogates replaced by U+FFFD in it (only when bad input is skipped, not refused).
    replaced: int = 0


def _is_gz(path: str) -> bool:
    return path.endswith(".gz")




def expand_inputs(inputs: Iterable[str]) -> Iterator[str]:
    """Files named directly, and the ``.txt`` files inside named folders (sorted, recursive)."""
    for name in inputs:
        if name == STDIN:
            yield name
            continue
        path = Path(name)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith((".txt", ".txt.gz")))
            if not found:
                raise InputError(name, 0, "folder holds no .txt files")
            yield from (str(p) for p in found)
        elif path.is_file():
            yield name
        elif path.exists():
            raise InputError(name, 0, "not a regular file or folder")
        else:
            raise InputError(name, 0, "no such file or folder")


def input_size(inputs: Iterable[str]) -> int | None:
    """Total bytes of the inputs, or None when unknown (stdin, or a bad input reported later)."""
    total = 0
    try:
        for name in expand_inputs(inputs):
            if name == STDIN:
                return None
            total += os.path.getsize(name)
    except (InputError, OSError):
        return None
    return total


def _format_of(path: str) -> str:
    stem = path[:-3] if _is_gz(path) else path
    return "jsonl" if stem.endswith((".jsonl", ".json", ".ndjson")) else "text"


def read_text_file(stream: BinaryIO, path: str) -> Iterator[Record]:
    raw = stream.read()
    text = decode_text(raw, path)
    if not text.strip():
        raise InputError(path, 1, "empty text")
    yield Record(text=text, meta={"source": path, "doc": Path(path).name}, nbytes=len(raw))


def doc_id(obj: dict) -> str | None:
    """The document id of a JSONL or gold line: ``doc``, ``meta.doc``, ``id`` or ``meta.id``."""
    meta = obj.get("meta") if isinstance(obj.get("meta"), dict) else {}
    for value in (obj.get("doc"), meta.get("doc"), obj.get("id"), meta.get("id")):
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            return str(value)
    return None


#: Kept under its old name: every reader parses lines with :func:`parse_json_line`.
parse_jsonl_line = parse_json_line


def read_jsonl_file(
    stream: BinaryIO, path: str, on_error: Callable[[InputError], None] | None, first_line: int = 1,
    count: int | None = None,
) -> Iterator[Record]:
    """Records of the next ``count`` (default: all) lines of ``stream``; the first is line
    ``first_line`` of ``path`` (parts start mid-file). Lines are bounded like every reader's."""
    name = Path(path).name if path != STDIN else "stdin"
    for number, raw in iter_lines(stream, path, first_line, on_long=on_error, count=count):
        replaced = []
        try:
            obj = parse_json_line(raw, path, number, on_replace=None if on_error is None else replaced.append)
            if obj is None:
                continue
            if "text" not in obj:
                raise InputError(path, number, 'no "text" field')
            text = obj["text"]
            if not isinstance(text, str):
                raise InputError(path, number, f'"text" must be a string, got {type(text).__name__}')
            if not text.strip():
                raise InputError(path, number, "empty text")
        except InputError as exc:
            if on_error is None:
                raise
            on_error(exc)
            continue
        meta = {"source": path, "line": number}
        if isinstance(obj.get("meta"), dict):
            meta.update(obj["meta"])
        meta.update({k: v for k, v in obj.items() if k not in DROPPED_KEYS})
        meta["doc"] = doc_id(obj) or f"{name}:{number}"
        meta["source"], meta["line"] = path, number
        nbytes = len(raw)
        del raw  # a long line is held once (as its text), not twice
        yield Record(text=text, meta=meta, nbytes=nbytes, replaced=sum(replaced))


def _sniff_stdin() -> tuple[BinaryIO, str]:
    """Stdin holds JSONL when its first non-blank byte is ``{``, else one plain text."""
    data = sys.stdin.buffer
    peeked = data.peek(4096) if hasattr(data, "peek") else b""
    stripped = peeked.lstrip()
    fmt = "jsonl" if stripped.startswith(b"{") else "text"
    return (data if hasattr(data, "peek") else io.BufferedReader(data)), fmt


def read_inputs(inputs: Iterable[str], on_error: Callable[[InputError], None] | None = None) -> Iterator[Record]:
    """Every document of every input, lazily, in order."""

    def report(error: InputError) -> None:
        if on_error is None:
            raise error
        on_error(error)

    for name in inputs:
        try:
            paths = list(expand_inputs([name]))
        except InputError as exc:
            report(exc)
            continue
        for path in paths:
            try:
                yield from _read_one(path, on_error)
            except InputError as exc:
                report(exc)
            except (OSError, EOFError) as exc:  # unreadable file, broken gzip
                report(InputError(path, 0, f"cannot read: {exc}"))


def _read_one(path: str, on_error: Callable[[InputError], None] | None) -> Iterator[Record]:
    if path == STDIN:
        stream, fmt = _sniff_stdin()
        yield from (read_jsonl_file(stream, "<stdin>", on_error) if fmt == "jsonl" else read_text_file(stream, "<stdin>"))
        return
    with open_binary(path) as stream:
        if _format_of(path) == "jsonl":
            yield from read_jsonl_file(stream, path, on_error)
        else:
            yield from read_text_file(stream, path)
