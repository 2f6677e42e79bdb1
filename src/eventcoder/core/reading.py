"""The one reader of JSON lines for every file the project reads (tasks, answers, gold, manifests).

Hostile input ends here as one :class:`InputError` ``FILE:LINE: problem``: gzip is opened
by name, lines longer than :data:`MAX_LINE_BYTES` and JSON nested deeper than
:data:`MAX_DEPTH` are refused, and lone surrogates (``"\\ud800"``, which JSON allows but
UTF-8 cannot encode) are reported or, with ``on_replace``, replaced by U+FFFD and counted.
:class:`Skipping` is what ``--skip-invalid`` hands a reader: it skips the lines it cannot read
and replaces lone surrogates, counting both for the command's summary line.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from eventcoder.core.errors import InputError
from eventcoder.core.plural import count

STDIN = "-"
#: Longest line read, in bytes (a 200 MB single-document line still fits).
MAX_LINE_BYTES = int(os.environ.get("EVENTCODER_MAX_LINE_BYTES", str(512 * 1024 * 1024)))
#: Deepest nesting of arrays and objects accepted in one line.
MAX_DEPTH = 64
# An escaped surrogate in the raw line: cheap C-speed test before walking the object.
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")


def open_binary(path: str) -> BinaryIO:
    """``path`` opened for reading bytes, gunzipped when it ends in ``.gz``; ``-`` is stdin."""
    if path == STDIN:
        return sys.stdin.buffer
    if path.endswith(".gz"):
        return gzip.open(path, "rb")
    return open(path, "rb")


def iter_lines(handle: BinaryIO, path: str, first_line: int = 1, limit: int | None = None) -> Iterator[tuple[int, bytes]]:
    """``(number, raw line)`` of ``handle``; InputError for a line over ``limit`` bytes."""
    limit = MAX_LINE_BYTES if limit is None else limit
    number = first_line
    while True:
        try:
            raw = handle.readline(limit + 1)
        except (OSError, EOFError) as exc:  # broken gzip, unreadable file
            raise InputError(path, number, f"cannot read: {exc}") from None
        if not raw:
            return
        if len(raw) > limit and not raw.endswith(b"\n"):
            raise InputError(path, number, f"line longer than {limit} bytes")
        yield number, raw
        number += 1


def decode_line(raw: bytes, path: str, line: int) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(path, line, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})") from None


def _depth(obj: object) -> int:
    """Nesting depth of ``obj``, iteratively (never recursion)."""
    deepest, stack = 0, [(obj, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            value = value.values()
        elif not isinstance(value, list):
            continue
        deepest = max(deepest, depth)
        stack.extend((v, depth + 1) for v in value if isinstance(v, (dict, list)))
    return deepest


def _fix_surrogates(obj: object, replace: bool) -> tuple[object, int]:
    """``obj`` with lone surrogates in its strings (keys too) replaced; how many were found."""
    count = 0

    def fix(value: object) -> object:
        nonlocal count
        if isinstance(value, str):
            found = len(_SURROGATE.findall(value))
            if found:
                count += found
                return _SURROGATE.sub("\ufffd", value) if replace else value
            return value
        if isinstance(value, list):
            return [fix(v) for v in value]
        if isinstance(value, dict):
            return {fix(k): fix(v) for k, v in value.items()}
        return value

    return fix(obj), count  # depth is bounded by MAX_DEPTH before this runs


def parse_json_line(
    raw: bytes, path: str, number: int, on_replace: Callable[[int], None] | None = None
) -> dict | None:
    """One JSONL line as a dict; None for a blank line; InputError when it is not a safe object.

    With ``on_replace`` lone surrogates become U+FFFD and ``on_replace(count)`` is called;
    without it they are an error.
    """
    line = decode_line(raw, path, number).strip()
    if not line:
        return None
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(path, number, f"invalid JSON: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise InputError(path, number, f"JSON nested deeper than {MAX_DEPTH} levels") from None
    if not isinstance(obj, dict):
        raise InputError(path, number, f"expected a JSON object, got {type(obj).__name__}")
    if (line.count("[") + line.count("{")) > MAX_DEPTH and _depth(obj) > MAX_DEPTH:
        raise InputError(path, number, f"JSON nested deeper than {MAX_DEPTH} levels")
    if _ESCAPED_SURROGATE.search(raw):
        fixed, count = _fix_surrogates(obj, replace=on_replace is not None)
        if count and on_replace is None:
            raise InputError(path, number, f"{count} lone surrogate(s) such as \\ud800 (not encodable as UTF-8)")
        if count:
            on_replace(count)
            obj = fixed
    return obj


@dataclass
class Skipping:
    """``--skip-invalid``: what a reader does instead of refusing, counted for the summary line.

    A line the reader cannot read (not UTF-8, not JSON, too deep, not an object) is handed to
    ``report`` and skipped; a lone surrogate becomes U+FFFD.
    """

    report: Callable[[InputError], None] | None = None
    skipped: int = 0
    replaced: int = 0

    def skip(self, error: InputError) -> None:
        self.skipped += 1
        if self.report is not None:
            self.report(error)

    def replace(self, found: int) -> None:
        self.replaced += found

    def summary(self) -> str:
        """``"; 1 invalid line skipped; 2 lone surrogates replaced by U+FFFD"``, or ``""`` for none."""
        return summary_of(self.skipped, self.replaced)


def summary_of(skipped: int, replaced: int) -> str:
    """The tail of a command's summary line for what ``--skip-invalid`` did (``""`` for nothing)."""
    said = ""
    if skipped:
        said += f"; {count(skipped, 'invalid input')} skipped"
    if replaced:
        said += f"; {count(replaced, 'lone surrogate')} replaced by U+FFFD"
    return said


def read_json_objects(path: str, skipping: Skipping | None = None, name: str | None = None) -> Iterator[tuple[int, dict]]:
    """``(line number, object)`` for each non-blank line of the JSONL file ``path``, lazily.

    gzip is read by name, ``-`` is stdin (reported as ``name``). InputError ``FILE:LINE`` at
    the first bad line; with ``skipping``, bad lines are skipped and surrogates replaced.
    """
    name = name or ("<stdin>" if path == STDIN else path)
    if path != STDIN and not Path(path).is_file():
        raise InputError(name, 0, "no such file" if not Path(path).exists() else "not a regular file")
    handle = open_binary(path)
    try:
        for number, raw in iter_lines(handle, name):
            try:
                obj = parse_json_line(raw, name, number, on_replace=None if skipping is None else skipping.replace)
            except InputError as exc:
                if skipping is None:
                    raise
                skipping.skip(exc)
                continue
            if obj is not None:
                yield number, obj
    finally:
        if path != STDIN:
            handle.close()
