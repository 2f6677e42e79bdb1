"""Sense checks through the arguments: is this match the diplomatic sense of its trigger?

A trigger word has other senses ("police foiled an attack", "a firm sued to block a takeover",
"a case raises fears", "contacts between groups"). Rather than dropping a match for some word
anywhere in its sentence, these checks read the arguments the match found (docs/guidelines.md):

* a REFUSAL refuses something that can be proposed or asked (a plan, request, invitation,
  demand, talks, a deal ...) or is made by a political actor, and not by a court, a firm or
  strikers;
* a MEETING's participants, and what it is held in or at, are not of another world (teams
  meeting in a semi-final, climbers at a summit);
* an AGREEMENT's parties and a STATEMENT's speakers are not actors of another world (a club
  signing a striker, a defendant's statement);
* a verb of saying has an actor as its subject (speaker), not an inanimate thing.

The word lists live in the pattern files' ``lexicon`` (docs/patterns.md), so users can edit them.
"""

from __future__ import annotations

from collections.abc import Mapping

from spacy.tokens import Doc, Token

from eventcoder.core.formats import ProposedEvent
from eventcoder.extractors.rules.arguments import is_actor
from eventcoder.extractors.rules.spans import actor_head
from eventcoder.extractors.rules.syntax import (
    PARTITIVES,
    VERBAL,
    governor,
    prep_objects,
)

#: Entities that are political actors whatever their head word.
POLITICAL_ENTS = frozenset({"GPE", "NORP", "PERSON"})
PRONOUNS = frozenset({"i", "we", "you", "he", "she", "they", "it", "us", "him", "her", "them", "who",
                      "its", "their", "his", "our", "my"})


def _head(doc: Doc, start: int, end: int) -> Token | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    return actor_head(span.root) if span is not None and len(span) else None


def _heads(doc: Doc, event: ProposedEvent, role: str) -> list[Token]:
    return [h for a in event.arguments if a.role == role for h in [_head(doc, a.start, a.end)] if h is not None]


class SenseChecks:
    """The checks, with the lexicon's word lists."""

    def __init__(self, lexicon: Mapping[str, set[str]]):
        self.actor_nouns = lexicon.get("actor_nouns", set())
        self.non_political = lexicon.get("non_political_nouns", set())
        self.inanimate = lexicon.get("inanimate_nouns", set())
        self.relationships = lexicon.get("relationship_nouns", set())
        self.refusable_nouns = lexicon.get("refusable_nouns", set())

    def political_actor(self, token: Token) -> bool:
        if token.ent_type_ in POLITICAL_ENTS or token.lower_ in PRONOUNS or (token.pos_ == "PROPN" and not token.ent_type_):
            return True
        if self.non_political_actor(token):
            return False
        return token.ent_type_ == "ORG" or token.lemma_.lower() in self.actor_nouns

    def non_political_actor(self, token: Token) -> bool:
        return token.lemma_.lower() in self.non_political

    def refusable(self, token: Token) -> bool:
        """Something that can be proposed, asked or negotiated: a plan, a request, talks, a deal,
        or an act (a verb: "refused to meet")."""
        if token.lemma_.lower() in PARTITIVES:  # "the previous round of talks"
            token = next((g for p in token.children if p.lower_ == "of" for g in p.children if g.dep_ == "pobj"), token)
        return token.pos_ in VERBAL or token.lemma_.lower() in self.refusable_nouns or token.lower_ in self.refusable_nouns

    def keep(self, doc: Doc, event: ProposedEvent, anchor: Token, governed: bool = False) -> bool:
        """Whether ``event`` (found at ``anchor``; ``governed``: a verb of the pattern's
        ``governors`` makes a noun trigger happen) is the diplomatic sense of its trigger."""
        if (anchor.lower_ in self.relationships and not governed and event.modality == "asserted"
                and not any(a.role == "time" for a in event.arguments)):
            return False  # "contacts between student groups have grown": a relationship, not "possible contacts" or "no contacts"
        if anchor.pos_ not in VERBAL and any(self.non_political_actor(t) for t in self._governor_subjects(anchor)):
            return False  # "the court dismissed an appeal", "the team reached a deal"
        if event.label == "REFUSAL":
            return self._refusal(doc, event)
        if event.label == "MEETING":  # "Madrid will meet Porto in the semi-final", "climbers reached the summit"
            participants = _heads(doc, event, "participant")
            if participants and all(self.non_political_actor(t) for t in participants):
                return False
            return not any(self.non_political_actor(t) for t in [*participants, *prep_objects([anchor], ("in", "at"))])
        if event.label == "AGREEMENT":  # "the club signed a striker on a five-year deal"
            parties = _heads(doc, event, "party")
            if parties and all(self.non_political_actor(t) for t in parties):
                return False
            return not any(self.hired(t) for t in self._signed_objects(anchor))
        if event.label == "STATEMENT" and anchor.pos_ in VERBAL:  # "a demonstration calling for", "a case raises fears"
            speakers = _heads(doc, event, "speaker")
            return not speakers or not all(self.inanimate_thing(t) for t in speakers)
        return True

    @staticmethod
    def _governor_subjects(anchor: Token) -> list[Token]:
        found = governor(anchor)
        if found is None or found[0].pos_ not in VERBAL:
            return []
        return [c for c in found[0].children if c.dep_ in ("nsubj", "nsubjpass") and c.i != anchor.i]

    @staticmethod
    def _signed_objects(anchor: Token) -> list[Token]:
        """The objects of the verb that signs or makes the agreement, other than the agreement."""
        verb = anchor if anchor.pos_ in VERBAL else None
        if verb is None:
            found = governor(anchor)
            verb = found[0] if found is not None and found[0].pos_ in VERBAL else None
        if verb is None:
            return []
        inside = {t.i for t in anchor.subtree}
        return [c for c in verb.children if c.dep_ == "dobj" and c.i not in inside]

    def hired(self, token: Token) -> bool:
        """A person or a player signed up: an employment, not an agreement between actors."""
        return token.ent_type_ == "PERSON" or any(t.lemma_.lower() in self.non_political for t in token.subtree)

    def inanimate_thing(self, token: Token) -> bool:
        """A common noun for a thing or an event, which cannot speak ("the protest calling for")."""
        return (token.pos_ == "NOUN" and not token.ent_type_ and token.lemma_.lower() in self.inanimate
                and not is_actor(token, self.actor_nouns))

    def _refusal(self, doc: Doc, event: ProposedEvent) -> bool:
        refusers = _heads(doc, event, "refuser")
        refused = _heads(doc, event, "refused")
        if any(self.non_political_actor(t) for t in refusers):
            return False  # a court dismissing an appeal, a firm blocking a takeover, strikers shunning work
        if not refusers and not refused:
            return True  # "the boycott", "the walkout": an anaphoric mention (corpus convention 2)
        return any(self.refusable(t) for t in refused) or any(self.political_actor(t) for t in refusers)
