"""Actor resolution within a document: the full name of whoever a mention stands for.

Built on spaCy's entities and parse; the rest is rules, in this order (docs/event_data.md):

* **names**: a person is a PERSON entity, or a proper name (spaCy often calls "Makei" an
  ORG) whose last word is that of a PERSON entity; its name is the longest form in the
  document ("Makei" -> "Vladimir Makei"). Words before the name in its phrase are its title
  ("Belarusian Deputy Minister of Foreign Affairs"); "the country's" there stands for the last
  country named before it.
* **he / she / him / her**: the attribution of a quote (``", he said"`` right after a closing
  quote) is the last named *speaker* (subject of a reporting verb) before the quote opened,
  the wire-copy convention; anywhere else the last named person that was the subject of a
  clause (subjects are salient, objects are not), else the last named person.
* **we / us / I / me** inside a quote: the quote's speaker (its attribution after or before
  the quote, itself resolved).
* **a title** ("the Belarusian diplomat", "the deputy minister"): the last named person whose
  title holds the same head word, or for a generic one (diplomat, official) the last named
  person of the same country.
* **a definite description** ("the ministry"): the last longer phrase in the document with
  the same head word ("the Belarusian Ministry of Foreign Affairs").
* they / them are left unresolved (no name), plural descriptions ("the parties") keep their
  words; so does anything without an antecedent. Resolution adds a name beside the mention; the mention is unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from eventcoder.eventdata.actors import (
    CAPITAL,
    COUNTRY,
    DEMONYM,
    ORGANISATION,
    ActorTable,
)

THIRD_SINGULAR = {"he", "him", "she", "her", "his"}
FIRST_PERSON = {"we", "us", "i", "me", "our"}
PLURAL = {"they", "them", "their"}
REPORTING = {
    "say", "add", "note", "stress", "tell", "state", "announce", "declare", "insist", "claim",
    "emphasize", "emphasise", "underline", "explain", "urge", "inform", "convey", "express",
    "point", "warn", "ask", "demand", "accuse", "criticize", "criticise", "comment", "reply",
    "write", "confirm", "reiterate", "argue", "believe", "expect",
}
PERSON_NOUNS = {
    "minister", "diplomat", "official", "president", "chancellor", "spokesman", "spokeswoman",
    "spokesperson", "ambassador", "envoy", "secretary", "secretary-general", "counterpart",
    "premier", "head", "chief", "director", "director-general", "leader", "king", "queen",
    "general", "commander", "mayor", "governor",
}
GENERIC_PERSON_NOUNS = {"diplomat", "official", "leader", "envoy", "counterpart"}
DETERMINERS = {"the", "this", "that", "its", "his", "her", "their"}
#: Words that end a title when walking left from a name.
TITLE_STOP_ADPOSITIONS = {"with", "by", "from", "to", "at", "in", "on", "about", "as", "than", "said"}
QUOTES = {"“": "”", '"': '"', "«": "»"}


@dataclass
class Person:
    """One mention of a named person."""

    start: int
    end: int
    text: str
    surname: str
    title: str
    subject: bool
    speaker: bool


@dataclass
class Resolution:
    """What a mention resolves to: a name (None when unresolved), how, and words to code by."""

    name: str | None
    via: str
    coding_texts: list[str] = field(default_factory=list)


def _is_quote_char(char: str) -> bool:
    return char in QUOTES or char in QUOTES.values()


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of quotations, from an opening mark to its closing one (inclusive)."""
    spans, i = [], 0
    while i < len(text):
        close = QUOTES.get(text[i])
        if close:
            end = text.find(close, i + 1)
            if end == -1:
                break
            spans.append((i, end + 1))
            i = end + 1
        else:
            i += 1
    return spans


class DocumentResolver:
    """Resolves actor mentions of one parsed document."""

    def __init__(self, doc: Doc, table: ActorTable):
        self.doc, self.text, self.table = doc, doc.text, table
        self.quotes = quote_spans(self.text)
        self.country_hits = [h for h in table.find(self.text) if h.entry.what in (COUNTRY, DEMONYM, CAPITAL)]
        self.people = self._people()
        self.full_names: dict[str, str] = {}
        for person in self.people:
            best = self.full_names.get(person.surname)
            if best is None or len(person.text.split()) > len(best.split()):
                self.full_names[person.surname] = person.text
        self.titles: dict[str, list[str]] = {}
        for person in self.people:
            if person.title:
                self.titles.setdefault(person.surname, []).append(person.title)

    # -- the document's people ------------------------------------------------------------

    def _people(self) -> list[Person]:
        ents = [e for e in self.doc.ents if e.label_ in ("PERSON", "ORG")]
        surnames = {e[-1].text for e in ents if e.label_ == "PERSON" and e[-1].pos_ == "PROPN"}
        people = []
        for ent in ents:
            words = [t for t in ent if not t.is_punct]
            if not words or not all(t.pos_ == "PROPN" for t in words) or ent[-1].text not in surnames:
                continue
            if any(h.entry.what in (ORGANISATION, COUNTRY, CAPITAL) for h in self.table.find(ent.text)):
                continue
            root = ent.root
            subject = root.dep_ in ("nsubj", "nsubjpass") or (root.dep_ == "appos" and root.head.dep_ in ("nsubj", "nsubjpass"))
            speaker = subject and root.head.lemma_ in REPORTING
            people.append(Person(ent.start_char, ent.end_char, ent.text, ent[-1].text, self._title(ent), subject, speaker))
        return people

    def _title(self, ent: Span) -> str:
        """The words before a name in its phrase, and an appositive after it."""
        i = ent.start
        while i > 0:
            tok = self.doc[i - 1]
            if tok.pos_ in ("VERB", "AUX") or tok.lower_ in TITLE_STOP_ADPOSITIONS or tok.text in {",", ";", ":", "."}:
                break
            if _is_quote_char(tok.text) or tok.is_sent_end or tok.lower_ == "and" and tok.head.i >= ent.start:
                break
            i -= 1
        title = self.doc[i : ent.start].text.strip()
        after = ent.end
        if after + 1 < len(self.doc) and self.doc[after].text == "," and self.doc[after + 1].lower_ == "the":
            j = after + 1
            while j < len(self.doc) and self.doc[j].text not in {",", ".", ";"} and j - after < 12:
                j += 1
            title = f"{title} {self.doc[after + 1 : j].text}".strip()
        if re.search(r"\b(the country|its)\b", title, re.IGNORECASE):
            country = self._last_country(ent.start_char)
            if country:
                title = f"{country} {title}"
        return title

    def _last_country(self, before: int) -> str | None:
        earlier = [h for h in self.country_hits if h.end <= before]
        return self.text[earlier[-1].start : earlier[-1].end] if earlier else None

    # -- resolution -------------------------------------------------------------------------

    def person_at(self, start: int, end: int) -> Person | None:
        return next((p for p in self.people if p.start < end and start < p.end), None)

    def _named(self, person: Person, via: str) -> Resolution:
        name = self.full_names.get(person.surname, person.text)
        return Resolution(name, via, [name, *self.titles.get(person.surname, [])])

    def _quote_at(self, start: int) -> tuple[int, int] | None:
        return next(((s, e) for s, e in self.quotes if s < start < e), None)

    def _attribution_of(self, start: int, end: int) -> tuple[int, int] | None:
        """For a mention just after a closing quote (", he said"), that quote."""
        for s, e in self.quotes:
            gap = self.text[e:start]
            if e <= start and len(gap) <= 3 and re.fullmatch(r"[\s,]*", gap):
                return (s, e)
        return None

    def _quote_speaker(self, quote: tuple[int, int]) -> Span | None:
        """The subject of the reporting verb right after the quote, else right before it."""
        after = self.doc.char_span(quote[1], min(len(self.text), quote[1] + 80), alignment_mode="expand")
        before = self.doc.char_span(max(0, quote[0] - 120), quote[0], alignment_mode="expand")
        for window in (after, before):
            if window is None:
                continue
            verbs = [t for t in window if t.lemma_ in REPORTING and t.pos_ in ("VERB", "AUX")]
            for verb in (verbs if window is after else reversed(verbs)):
                subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
                if subjects:
                    subject = subjects[0]
                    return self.doc[subject.left_edge.i : subject.right_edge.i + 1]
        return None

    def _last_person(self, before: int, want) -> Person | None:
        earlier = [p for p in self.people if p.end <= before and want(p)]
        return earlier[-1] if earlier else None

    def resolve(self, start: int, end: int, depth: int = 0) -> Resolution:
        mention = self.text[start:end]
        lower = mention.lower().strip()
        person = self.person_at(start, end)
        if person is not None:
            return self._named(person, "name")
        if lower in THIRD_SINGULAR:
            quote = self._attribution_of(start, end)
            found = None
            if quote is not None:
                found = self._last_person(quote[0], lambda p: p.speaker)
                via = "pronoun: last named speaker before the quote"
            if found is None:
                found = self._last_person(start, lambda p: p.subject or p.speaker) or self._last_person(start, lambda p: True)
                via = "pronoun: last named person"
            return self._named(found, via) if found else Resolution(None, "pronoun: no antecedent")
        if lower in FIRST_PERSON:
            quote = self._quote_at(start)
            speaker = self._quote_speaker(quote) if quote else None
            if speaker is None or depth > 2:
                return Resolution(None, "pronoun: no quote speaker")
            found = self.resolve(speaker.start_char, speaker.end_char, depth + 1)
            return Resolution(found.name, "pronoun: the quote's speaker", found.coding_texts)
        if lower in PLURAL:
            return Resolution(None, "plural pronoun: not resolved")
        span = self.doc.char_span(start, end, alignment_mode="expand")
        if span is not None and span[0].lower_ in DETERMINERS:
            return self._description(span)
        return Resolution(mention, "as written", [mention])

    def _description(self, span: Span) -> Resolution:
        mention = span.text
        head = span.root
        head_word = head.lower_
        if head.tag_ in ("NNS", "NNPS"):
            return Resolution(mention, "plural description: as written", [mention])
        if head_word in PERSON_NOUNS:
            countries = {h.entry.code for h in self.table.find(mention) if h.entry.what in (COUNTRY, DEMONYM, CAPITAL)}
            earlier = [p for p in self.people if p.end <= span.start_char]
            for person in reversed(earlier):
                titles = " ".join(self.titles.get(person.surname, [])).lower()
                titled = {h.entry.code for h in self.table.find(titles) if h.entry.what in (COUNTRY, DEMONYM, CAPITAL)}
                if countries and not countries & titled:
                    continue
                if re.search(rf"\b{re.escape(head_word)}\b", titles) or (head_word in GENERIC_PERSON_NOUNS and countries):
                    found = self._named(person, "title: last named person with that title")
                    return Resolution(found.name, found.via, [mention, *found.coding_texts])
            return Resolution(None, "title: no named person fits", [mention])
        # "the ministry" -> the last longer phrase with that head word
        longer = None
        for chunk in [*self.doc.ents, *self.doc.noun_chunks]:
            if chunk.end_char > span.start_char or chunk.root.lower_ != head_word or len(chunk) <= len(span):
                continue
            if longer is None or chunk.start_char > longer.start_char:
                longer = chunk
        if longer is not None:
            name = re.sub(r"^(the|The)\s+", "", longer.text)
            return Resolution(name, "description: last longer phrase with that head", [mention, name])
        return Resolution(mention, "as written", [mention])
