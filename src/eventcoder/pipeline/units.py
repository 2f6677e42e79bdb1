"""Cutting documents into the units that become tasks: doc, paragraph or sentence.

Paragraphs are blocks separated by blank lines; a text with no blank line at all has one
paragraph per line (wire copy often puts each paragraph on its own line). Sentence units
are cut after parsing, from the paragraph's parse, so the parser sees the whole paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from eventcoder.pipeline.inputs import Record

UNITS = ("doc", "paragraph", "sentence")
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_LINE = re.compile(r"\n")


@dataclass
class Unit:
    """A piece of a document that is parsed on its own."""

    text: str
    meta: dict


def _pieces(text: str, separator: re.Pattern) -> Iterator[tuple[int, str]]:
    start = 0
    for match in separator.finditer(text):
        yield start, text[start : match.start()]
        start = match.end()
    yield start, text[start:]


def _stripped(offset: int, piece: str) -> tuple[int, str] | None:
    body = piece.strip()
    if not body:
        return None
    return offset + (len(piece) - len(piece.lstrip())), body


def split_units(record: Record, unit: str) -> Iterator[Unit]:
    """The parse units of ``record``; each ``meta`` says the unit and its character offset."""
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}; choose one of {', '.join(UNITS)}")
    text = record.text
    if unit == "doc":
        pieces = [(0, text)]
    else:
        pieces = _pieces(text, _BLANK_LINE if _BLANK_LINE.search(text) else _LINE)
    for offset, piece in pieces:
        found = _stripped(offset, piece)
        if found is None:
            continue
        offset, body = found
        yield Unit(body, {**record.meta, "unit": unit, "offset": offset})
