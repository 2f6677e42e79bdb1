"""Event dates: an explicit date in the event's sentence, else a relative one resolved
against the document date, else the document date; never a date that nothing gives.

The document date is the record's ``date``, else ``meta.date``, else a dateline among the
first lines of the text (a line that is a full date, year included). Expressions are parsed
with dateparser; a bare weekday ("on Wednesday") is the latest such day on or before the
document date, or for a planned event the next one on or after it (wire copy dates past
events by the weekday of the same week). The result is ISO 8601 at the precision the words
give: ``2021-11-24``, ``2021-10`` ("last month"), ``2020`` ("in 2020").
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable
from typing import NamedTuple

#: How an event's date was found.
EXPLICIT, RELATIVE, DOCUMENT, NONE = "explicit", "relative", "document", "none"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_BARE_WEEKDAY = re.compile(r"^(?:on\s+|last\s+|this\s+)?(" + "|".join(WEEKDAYS) + r")$", re.IGNORECASE)
_YEAR = re.compile(r"\b(1[89]\d\d|2\d\d\d)\b")


class EventDate(NamedTuple):
    date: str | None
    #: explicit, relative, document or none
    source: str
    #: the words the date came from (None for the document date or none)
    text: str | None = None


@functools.cache
def _parser(prefer: str, base: dt.datetime | None):
    from dateparser.date import DateDataParser  # slow to import; only when dating

    settings = {"PREFER_DATES_FROM": prefer, "RETURN_TIME_AS_PERIOD": True, "REQUIRE_PARTS": []}
    if base is not None:
        settings["RELATIVE_BASE"] = base
    return DateDataParser(languages=["en"], settings=settings)


def _iso(value: dt.datetime, period: str) -> str:
    if period == "year":
        return f"{value.year:04d}"
    if period == "month":
        return f"{value.year:04d}-{value.month:02d}"
    return value.date().isoformat()


def parse_document_date(value: object) -> dt.date | None:
    """A full date (day, month, year) from a record's date field, else None."""
    if isinstance(value, dt.date):
        return value if not isinstance(value, dt.datetime) else value.date()
    if not isinstance(value, str) or not value.strip() or not _YEAR.search(value):
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        pass
    found = _parser("past", None).get_date_data(value.strip())
    if found.date_obj is None or found.period not in ("day", "time"):
        return None
    return found.date_obj.date()


def document_date(record: dict, text: str | None = None) -> dt.date | None:
    """The document date: ``date``, ``meta.date``, or a dateline in the first three lines."""
    meta = record.get("meta") if isinstance(record.get("meta"), dict) else {}
    for value in (record.get("date"), meta.get("date")):
        found = parse_document_date(value)
        if found:
            return found
    for line in (text or record.get("text") or "").splitlines()[:3]:
        if len(line) <= 40:
            found = parse_document_date(line.strip())
            if found:
                return found
    return None


def _weekday(name: str, base: dt.date, forward: bool) -> dt.date:
    delta = (WEEKDAYS.index(name.lower()) - base.weekday()) % 7
    return base + dt.timedelta(days=delta) if forward else base - dt.timedelta(days=(7 - delta) % 7)


def resolve_expression(words: str, base: dt.date | None, planned: bool = False) -> EventDate | None:
    """The date one expression gives, or None when it gives none (or needs an unknown base)."""
    words = words.strip()
    if not words:
        return None
    explicit = bool(_YEAR.search(words))
    if not explicit and base is None:
        return None
    weekday = _BARE_WEEKDAY.match(words)
    if weekday and base is not None:
        forward = planned and not words.lower().startswith("last")
        return EventDate(_weekday(weekday.group(1), base, forward).isoformat(), RELATIVE, words)
    base_time = dt.datetime.combine(base, dt.time()) if base else None
    found = _parser("future" if planned else "past", base_time).get_date_data(words)
    if found.date_obj is None:
        return None
    return EventDate(_iso(found.date_obj, found.period or "day"), EXPLICIT if explicit else RELATIVE, words)


def event_date(expressions: Iterable[str], base: dt.date | None, planned: bool = False) -> EventDate:
    """The first explicit date among ``expressions``, else the first relative one, else the
    document date, else none."""
    found = [d for d in (resolve_expression(words, base, planned) for words in expressions) if d]
    for source in (EXPLICIT, RELATIVE):
        for date in found:
            if date.source == source:
                return date
    if base is not None:
        return EventDate(base.isoformat(), DOCUMENT)
    return EventDate(None, NONE)
