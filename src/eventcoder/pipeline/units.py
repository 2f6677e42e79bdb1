"""Cutting documents into the units that become tasks: doc, paragraph or sentence.

Paragraphs are blocks separated by blank lines; a text with no blank line at all has one
paragraph per line (wire copy often puts each paragraph on its own line). Sentence units
are cut after parsing, from the paragraph's parse, so the parser sees the whole paragraph.

A unit longer than :data:`MAX_UNIT_CHARS` (spaCy refuses texts over ``max_length`` and its
memory grows with the text) is cut further, on blank lines, then line breaks, then sentence
ends, packing neighbouring pieces back together up to the limit; ``meta.offset`` stays the
offset in the document. A sentence longer than the limit is an :class:`InputError`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from eventcoder.core.errors import InputError
from eventcoder.pipeline.inputs import Record

UNITS = ("doc", "paragraph", "sentence")
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_LINE = re.compile(r"\n")
# After a sentence end (and any closing quotes or brackets), the whitespace before the next one.
_SENTENCE_END = re.compile(r"(?<=[.!?\u3002])[\"'\u201d\u2019)\]]*\s+")
#: Longest unit parsed at once, in characters (EVENTCODER_MAX_UNIT_CHARS overrides it).
MAX_UNIT_CHARS = int(os.environ.get("EVENTCODER_MAX_UNIT_CHARS", "20000"))


@dataclass
class Unit:
    """A piece of a document that is parsed on its own."""

    text: str
    meta: dict


_LEADING_SPACE = re.compile(r"\s*")


def _pieces(text: str, separator: re.Pattern) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of the pieces of ``text`` between matches of ``separator``."""
    start = 0
    for match in separator.finditer(text):
        yield start, match.start()
        start = match.end()
    yield start, len(text)


def _stripped(text: str, start: int, end: int) -> tuple[int, int] | None:
    """``text[start:end]`` without its surrounding whitespace, as offsets (a long text is
    never copied to strip it); None when nothing is left."""
    start = _LEADING_SPACE.match(text, start, end).end()
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


def _between(text: str, start: int, end: int, separator: re.Pattern) -> Iterator[tuple[int, int]]:
    """``(a, b)`` of the non-empty pieces of ``text[start:end]`` between matches of ``separator``,
    lazily (a 200 MB text has millions of sentence ends: they are never all held at once)."""
    a = start
    for match in separator.finditer(text, start, end):
        if match.start() > a:
            yield a, match.start()
        a = match.end()
    if end > a:
        yield a, end


def _bounded(text: str, start: int, end: int, limit: int, levels: tuple[re.Pattern, ...]) -> Iterator[tuple[int, int]]:
    """``(start, end)`` windows of ``text[start:end]``, each at most ``limit`` characters,
    cut only where a separator of ``levels`` matches (coarsest first)."""
    if end - start <= limit:
        yield start, end
        return
    if not levels:
        raise ValueError(f"{end - start} characters without a paragraph or sentence break")
    separator, rest = levels[0], levels[1:]
    window: tuple[int, int] | None = None
    for a, b in _between(text, start, end, separator):
        if b - a > limit:
            if window:
                yield window
                window = None
            yield from _bounded(text, a, b, limit, rest)
        elif window and b - window[0] <= limit:
            window = (window[0], b)
        else:
            if window:
                yield window
            window = (a, b)
    if window:
        yield window


def split_units(
    record: Record, unit: str, max_chars: int | None = None, on_error: Callable[[InputError], None] | None = None
) -> Iterator[Unit]:
    """The parse units of ``record``; each ``meta`` says the unit and its character offset.

    A unit over ``max_chars`` is cut on paragraph and sentence boundaries; one that cannot be
    raises InputError (or, with ``on_error``, is reported there and the record yields nothing).
    """
    limit = MAX_UNIT_CHARS if max_chars is None else max_chars
    try:
        if len(record.text) <= limit:
            units: Iterable[Unit] = list(_units(record, unit, limit))
        else:
            # A long text: one pass that only checks it can be cut (a record is all or nothing),
            # then the units again, lazily, so they are never all held at once.
            for _ in _units(record, unit, limit):
                pass
            units = _units(record, unit, limit)
    except ValueError as exc:
        if unit not in UNITS:
            raise
        where = record.meta.get("source", "<input>"), record.meta.get("line", 1)
        error = InputError(where[0], where[1], f"text has {exc} (limit {limit}, EVENTCODER_MAX_UNIT_CHARS)")
        if on_error is None:
            raise error from None
        on_error(error)
        return
    yield from units


def _units(record: Record, unit: str, limit: int) -> Iterator[Unit]:
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}; choose one of {', '.join(UNITS)}")
    text = record.text
    if unit == "doc":
        pieces: Iterable[tuple[int, int]] = [(0, len(text))]
    else:
        pieces = _pieces(text, _BLANK_LINE if _BLANK_LINE.search(text) else _LINE)
    for piece in pieces:
        found = _stripped(text, *piece)
        if found is None:
            continue
        start, end = found
        if end - start <= limit:
            yield Unit(text[start:end], {**record.meta, "unit": unit, "offset": start})
            continue
        for window in _bounded(text, start, end, limit, (_BLANK_LINE, _LINE, _SENTENCE_END)):
            found = _stripped(text, *window)
            if found is not None:
                yield Unit(text[found[0]:found[1]], {**record.meta, "unit": unit, "offset": found[0]})
