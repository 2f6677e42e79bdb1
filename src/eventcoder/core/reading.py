"""The one reader of JSON lines for every file the project reads (tasks, answers, gold, manifests).

Hostile input ends here as one :class:`InputError` ``FILE:LINE: problem``: gzip is opened
by name, lines longer than :data:`MAX_LINE_BYTES` and JSON nested deeper than
:data:`MAX_DEPTH` are refused, and lone surrogates (``"\\ud800"``, which JSON allows but
UTF-8 cannot encode) are reported or, with ``on_replace``, replaced by U+FFFD and counted.
Small whole-file documents (pattern files, LLM configs) are read by :func:`read_text_document`
and :func:`read_json_document` under the same bounds, and :func:`line_of` finds the line of a
problem inside one, so they fail as ``FILE:LINE`` too.
:class:`Skipping` is what ``--skip-invalid`` hands a reader: it skips the lines it cannot read
and replaces lone surrogates, counting both for the command's summary line.
"""

from __future__ import annotations

import functools
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
#: Largest whole-file document read (a pattern file, an LLM config): they are small by nature.
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024
# An escaped surrogate in the raw line: cheap C-speed test before walking the object.
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")
_JSON_SPACE = " \t\r\n"


def open_binary(path: str) -> BinaryIO:
    """``path`` opened for reading bytes, gunzipped when it ends in ``.gz``; ``-`` is stdin."""
    if path == STDIN:
        return sys.stdin.buffer
    if path.endswith(".gz"):
        return gzip.open(path, "rb")
    return open(path, "rb")


def iter_lines(handle: BinaryIO, path: str, first_line: int = 1, limit: int | None = None,
               on_long: Callable[[InputError], None] | None = None, count: int | None = None) -> Iterator[tuple[int, bytes]]:
    """``(number, raw line)`` of ``handle`` (the next ``count`` lines, default all); InputError
    for a line over ``limit`` bytes.

    With ``on_long`` an overlong line is reported there and read past (never held whole).
    """
    limit = MAX_LINE_BYTES if limit is None else limit
    number = first_line
    while count is None or number < first_line + count:
        try:
            raw = handle.readline(limit + 1)
            if len(raw) > limit and not raw.endswith(b"\n"):
                error = InputError(path, number, f"line longer than {limit} bytes")
                if on_long is None:
                    raise error
                del raw
                while (rest := handle.readline(1 << 20)) and not rest.endswith(b"\n"):
                    pass
                on_long(error)
                number += 1
                continue
        except (OSError, EOFError) as exc:  # broken gzip, unreadable file
            raise InputError(path, number, f"cannot read: {exc}") from None
        if not raw:
            return
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
    line = decode_line(raw, path, number)
    if not line or line.isspace():
        return None
    # json.loads skips JSON's own whitespace at the ends: strip (a copy of a long line) only when
    # other whitespace (U+0085, U+00A0, ...) is there too
    start, end = 0, len(line)
    while line[end - 1] in _JSON_SPACE:
        end -= 1
    while line[start] in _JSON_SPACE:
        start += 1
    if line[start].isspace() or line[end - 1].isspace():
        line = line.strip()
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        # The column in the line as read; an error found in the whitespace at its end (the
        # newline: "line 2, column 1" to json) is at the end of its content.
        column = min(exc.pos, len(line.rstrip())) + 1
        raise InputError(path, number, f"invalid JSON: {exc.msg} (column {column})") from None
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

    A line the reader cannot read (too long, not UTF-8, not JSON, too deep, not an object) is handed to
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
        """``"; 1 invalid input skipped; 2 lone surrogates replaced by U+FFFD"``, or ``""`` for none."""
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
        for number, raw in iter_lines(handle, name, on_long=None if skipping is None else skipping.skip):
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


def read_text_document(path: str | Path, what: str) -> str:
    """The text of a small whole-file document (``what``: "pattern file", "LLM config", ...).

    InputError ``FILE:LINE`` when it is missing, over :data:`MAX_DOCUMENT_BYTES` or not UTF-8.
    """
    path = str(path)
    if not Path(path).is_file():
        raise InputError(path, 0, f"no such {what}" if not Path(path).exists() else f"{what} is not a regular file")
    try:
        with open_binary(path) as handle:
            raw = handle.read(MAX_DOCUMENT_BYTES + 1)
    except (OSError, EOFError) as exc:
        raise InputError(path, 0, f"cannot read {what}: {exc}") from None
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise InputError(path, 0, f"{what} larger than {MAX_DOCUMENT_BYTES} bytes")
    return decode_text(raw, path)


def decode_text(raw: bytes, path: str) -> str:
    """A whole file's bytes as text, without a leading BOM; InputError naming the line and
    column of the first byte that is not UTF-8."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(path, line, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column {column})") from None
    return text.removeprefix("\ufeff")


def _line_of_depth(text: str, limit: int) -> int:
    """The line where brackets outside strings first nest deeper than ``limit`` (1 if never)."""
    depth, line, in_string, escaped = 0, 1, False, False
    for char in text:
        if char == "\n":
            line += 1
        elif in_string:
            escaped, in_string = (not escaped and char == "\\"), (in_string and (escaped or char != '"'))
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return line
        elif char in "]}":
            depth -= 1
    return 1


def read_json_document(path: str | Path, what: str) -> tuple[dict, str]:
    """A whole-file JSON object and its text (for :func:`line_of`); InputError ``FILE:LINE``.

    The bounds of the JSONL reader hold: size, UTF-8, nesting depth, no lone surrogates.
    """
    text = read_text_document(path, what)
    path = str(path)
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(path, exc.lineno, f"invalid JSON: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise InputError(path, _line_of_depth(text, MAX_DEPTH), f"JSON nested deeper than {MAX_DEPTH} levels") from None
    if not isinstance(obj, dict):
        raise InputError(path, 1, f"expected a JSON object, got {type(obj).__name__}")
    if _depth(obj) > MAX_DEPTH:
        raise InputError(path, _line_of_depth(text, MAX_DEPTH), f"JSON nested deeper than {MAX_DEPTH} levels")
    found = _ESCAPED_SURROGATE.search(text.encode("utf-8"))
    if found and _fix_surrogates(obj, replace=False)[1]:
        line = text.encode("utf-8").count(b"\n", 0, found.start()) + 1
        raise InputError(path, line, "lone surrogate such as \\ud800 (not encodable as UTF-8)")
    return obj, text


@functools.lru_cache(maxsize=2)
def _source_map(text: str) -> dict:
    """The source map of one JSON document, computed once for all the lines asked of it (a
    pattern file asks one per pattern: mapping the whole file each time took seconds)."""
    from json_source_map import calculate  # only when a line is asked for

    return calculate(text)


def line_of(text: str, loc: tuple | list) -> int:
    """The line (from 1) in the JSON ``text`` of the value at ``loc``, a path of keys and indexes
    (a pydantic error's ``loc``): the deepest part of it found; parts that are no key of the
    document (pydantic's union tags) are passed over."""
    entries = _source_map(text)
    pointer, best = "", entries.get("")
    for part in loc:
        candidate = pointer + "/" + str(part).replace("~", "~0").replace("/", "~1")
        if candidate in entries:
            pointer, best = candidate, entries[candidate]
    if best is None:
        return 1
    return (best.key_start or best.value_start).line + 1
