"""Boilerplate units: page furniture that is not news and should not become a review task.

News pages carry lines such as "- Share on Facebook", "Follow us on Twitter", "10:21, 15
June" or "By Jane Doe, Reuters". Made into tasks, each costs a reviewer a keystroke and
teaches a model nothing. A unit (the text of one task) is boilerplate when

* it is a share/follow line, a byline or a bare time or date (:func:`looks_like_boilerplate`,
  plain patterns, checked before parsing so such a unit is not even parsed); or
* it has fewer than :data:`MIN_LETTERS` letters, or its parse holds no verb (where the pipeline
  tags parts of speech), and no extractor proposed an event in it (:func:`is_boilerplate`). Headlines are often verbless yet hold
  events ("Belarus 'ready' for dialogue"): a proposal keeps them.
"""

from __future__ import annotations

import re

from spacy.tokens import Span

#: A unit with fewer letters than this (and no proposal) is boilerplate: "Read more", "Sign up".
MIN_LETTERS = 10
#: Pattern lines are short; a longer one is prose that happens to start like them.
_MAX_WORDS = 8
#: Parts of speech that make a clause a clause.
_VERBS = frozenset({"VERB", "AUX"})

_BULLET = r"^[\s\-\u2013\u2014\u2022*\u00b7|>]*"
_SHARE = re.compile(
    _BULLET + r"(share|tweet|e-?mail|print|pin|send|post)\b(\s+(it|this|article|story|page|on|to|via|with|by)\b.*)?\W*$",
    re.IGNORECASE,
)
_FOLLOW = re.compile(_BULLET + r"(follow|like|join|subscribe\s+to|find)\s+(us|our)\b.*$", re.IGNORECASE)
# "By Jane Doe", "By Jane Doe, Reuters", "By Jane Doe and John Roe | AP": two to four
# capitalised names, then at most an agency after a comma, bar or dash.
_NAME = r"[A-Z][\w.'\u2019-]*"
_BYLINE = re.compile(
    _BULLET + r"(?i:by)\s+" + _NAME + r"(\s+(and\s+)?" + _NAME + r"){1,3}(\s*[,|/\u2013\u2014-]\s*[A-Z][\w&.' ]*)?\W*$"
)
_MONTHS = "jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|oct(ober)?|nov(ember)?|dec(ember)?"
_DAYS = "mon(day)?|tue(s(day)?)?|wed(nesday)?|thu(r(s(day)?)?)?|fri(day)?|sat(urday)?|sun(day)?"
_DATE_WORD = re.compile(
    rf"(\d{{1,4}}([:./-]\d{{1,4}})*|{_MONTHS}|{_DAYS}|[ap]\.?m\.?|utc|gmt|msk|cet|cest|updated|published)",
    re.IGNORECASE,
)


def _is_time_or_date(text: str) -> bool:
    """Only times, dates, month and day names ("10:21, 15 June", "Updated: 2021-06-15")."""
    words = [word for word in re.split(r"[\s,;()|\u2013\u2014]+", text.strip(" \t-:.")) if word.strip(":.")]
    return bool(words) and all(_DATE_WORD.fullmatch(word.strip(":.")) for word in words)


def looks_like_boilerplate(text: str) -> bool:
    """Whether ``text`` is a share/follow line, a byline or a bare time or date (no parse needed)."""
    text = text.strip()
    if len(text.split()) > _MAX_WORDS:
        return False
    return bool(_SHARE.match(text) or _FOLLOW.match(text) or _BYLINE.match(text)) or _is_time_or_date(text)


def dateline(text: str) -> str | None:
    """A document's dateline: a bare time or date among its first three lines, else None.

    Skipped as a unit, it is kept in its document's tasks' ``meta.dateline``, where
    ``eventcoder events`` finds the document date it gives."""
    for line in text.split("\n", 3)[:3]:  # not splitlines(): a long text is not cut up whole
        if line.strip() and _is_time_or_date(line):
            return line.strip()
    return None


def letters(text: str) -> int:
    return sum(char.isalpha() for char in text)


def is_boilerplate(window: Span, proposed: bool) -> bool:
    """Whether the parsed unit ``window`` is boilerplate; ``proposed``: an extractor found an event in it."""
    if looks_like_boilerplate(window.text):
        return True
    if proposed:
        return False
    if letters(window.text) < MIN_LETTERS:
        return True
    # Only a tagged parse can say there is no verb (a pipeline without a tagger tags nothing).
    return window.doc.has_annotation("POS") and not any(token.pos_ in _VERBS for token in window)
