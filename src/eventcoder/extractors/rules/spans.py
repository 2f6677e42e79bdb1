"""Span extents of arguments (docs/guidelines.md, "Span extents"): actor noun phrases, topic
phrases, reported clauses, place and date entities. Every span stays inside the trigger's
sentence (``bounds``) and never runs over the trigger.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from eventcoder.extractors.rules.syntax import children, conjuncts, resolve_relative

QUANTIFIERS = frozenset({"none", "all", "some", "each", "many", "most", "one", "several", "both", "neither", "any", "few"})
#: Prepositional modifiers that belong to an actor's name ("Minister of Foreign Affairs",
#: "officials from Belarus", "Ambassador to the UN", "Secretary for Management").
ACTOR_PREPS = frozenset({"of", "from", "for", "to"})
#: Dependents never part of an actor phrase.
ACTOR_DROP = frozenset({"relcl", "acl", "advcl", "parataxis", "cc", "conj", "punct", "prep", "appos", "ccomp", "xcomp", "mark", "advmod"})
#: Dependents never part of a topic phrase.
TOPIC_DROP = frozenset({"parataxis"})
PLACE_ENTS = frozenset({"GPE", "LOC", "FAC"})
TIME_ENTS = frozenset({"DATE", "TIME"})
ACTOR_ENTS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
EDGE_PUNCT = frozenset("\"'“”‘’«»,.;:—–-()[]!?")
MAX_TOPIC = 40
MAX_CONTENT = 80


def trimmed(doc: Doc, start: int, end: int) -> Span | None:
    """``doc[start:end]`` without edge punctuation, spaces, conjunctions and "that"."""
    while start < end and (doc[start].is_space or doc[start].text in EDGE_PUNCT or doc[start].dep_ in ("mark", "cc")):
        start += 1
    while end > start and (doc[end - 1].is_space or doc[end - 1].text in EDGE_PUNCT or doc[end - 1].dep_ == "cc"):
        end -= 1
    return doc[start:end] if start < end else None


def clipped(anchor: Token, start: int, end: int, limits: tuple[int, int], trigger: set[int]) -> Span | None:
    """[start, end) cut to ``limits`` and to the side of the trigger ``anchor`` lies on."""
    start, end = max(start, limits[0]), min(end, limits[1])
    before = [i for i in trigger if i < anchor.i]
    after = [i for i in trigger if i > anchor.i]
    if before:
        start = max(start, max(before) + 1)
    if after:
        end = min(end, min(after))
    if anchor.i < start or anchor.i >= end:
        return None
    return trimmed(anchor.doc, start, end)


def _collect(token: Token, keep, out: list[int]) -> None:
    out.append(token.i)
    for child in token.children:
        if keep(child):
            _collect(child, keep, out)



def _actor_child(child: Token) -> bool:
    if child.dep_ == "prep":
        objects = children(child, ("pobj",))
        return child.lower_ in ACTOR_PREPS and not any(o.ent_type_ in TIME_ENTS for o in objects)
    if child.dep_ == "appos":  # "his counterpart Sergey Lavrov", "The US ambassador, Linda Carver"
        doc = child.doc
        between = doc[child.head.i + 1 : child.left_edge.i]
        return child.i > child.head.i and (not any(t.is_punct for t in between) or child.ent_type_ == "PERSON")
    return child.dep_ not in ACTOR_DROP


def _modifier_child(child: Token) -> bool:
    """Inside an actor's modifiers coordination stays: "the ministers of Azerbaijan and Kazakhstan"."""
    return child.dep_ in ("cc", "conj") or _actor_child(child)


def actor_head(token: Token) -> Token:
    """The word that names the actor: "who" -> its noun, "None of the officials" -> officials."""
    token = resolve_relative(token)
    if token.lower_ in QUANTIFIERS:
        for prep in children(token, ("prep",)):
            if prep.lower_ == "of":
                objects = children(prep, ("pobj",))
                if objects:
                    return objects[0]
    return token


def actor_span(token: Token, limits: tuple[int, int], trigger: set[int]) -> Span | None:
    """The actor noun phrase headed by ``token``: titles and names, no clauses."""
    head = actor_head(token)
    if head.ent_type_ in TIME_ENTS or head.dep_ == "expl" or head.is_punct:
        return None
    found: list[int] = [head.i]
    for child in head.children:
        if _actor_child(child):
            _collect(child, _modifier_child, found)
    end = max(found) + 1
    if head.ent_type_ != "PERSON":
        end = _trailing_name(head, end, limits)
    return clipped(head, min(found), end, limits, trigger)


#: Relations that leave the noun phrase (or go to another actor): a name there is not this one.
CLAUSE_DEPS = frozenset({"relcl", "acl", "advcl", "ccomp", "xcomp", "parataxis", "conj", "cc"})


def _trailing_name(head: Token, end: int, limits: tuple[int, int]) -> int:
    """Where an actor phrase ends when a person's name closes the title it starts with.

    "Director-General of the UN Office, Secretary General of X and Representative Y Tatyana
    Valovaya" and "Deputy Director General of the IOM (IOM) Amy Pope" name one person: the
    parser hangs the name deep under the titles or outside them, and the name is what a reader
    wants (docs/guidelines.md prefers the appositive name to the title beside it).
    """
    doc = head.doc
    if any(doc[i].ent_type_ == "PERSON" for i in range(head.left_edge.i, end)):
        return end
    inside: list[int] = []
    _collect(head, lambda child: child.dep_ not in CLAUSE_DEPS, inside)
    last = max(max(inside) + 1, end)
    while last < limits[1] and doc[last].text in (")", "]"):
        last += 1
    if doc[last - 1].ent_type_ == "PERSON" and last > end:
        return last if doc[last - 1].i in inside else end
    if last < limits[1] and doc[last].ent_type_ == "PERSON" and doc[last].ent_iob_ == "B":
        name_end = last + 1
        while name_end < limits[1] and doc[name_end].ent_iob_ == "I":
            name_end += 1
        return name_end
    return end


def titles_of_one_person(heads: list[Token]) -> bool:
    """"Director-General of X, Secretary General of Y and Representative Z" is one person.

    The parser coordinates the titles; when only the last conjunct names a person, splitting
    would turn titles into participants.
    """
    if len(heads) < 2 or heads[-1].ent_type_ != "PERSON":
        return False
    return all(h.pos_ == "PROPN" and h.ent_type_ != "PERSON" and h.text[:1].isupper() for h in heads[:-1])


def actor_spans(token: Token, limits: tuple[int, int], trigger: set[int], split: bool) -> list[Span]:
    """One span per coordinated actor when ``split`` (repeatable roles), else one for all."""
    heads = conjuncts(actor_head(token))
    if len(heads) > 1 and (not split or titles_of_one_person(heads)):
        first = actor_span(heads[0], limits, trigger)
        last = actor_span(heads[-1], limits, trigger)
        if first is None or last is None:
            return [s for s in (first, last) if s is not None][:1]
        return [s for s in [clipped(heads[0], first.start, last.end, limits, trigger)] if s is not None]
    spans = []
    for head in heads:
        span = actor_span(head, limits, trigger)
        if span is not None:
            spans.append(span)
    return spans


def subtree_span(token: Token, limits: tuple[int, int], trigger: set[int], drop=TOPIC_DROP, max_len: int = MAX_TOPIC) -> Span | None:
    """``token`` with its dependents (less ``drop`` relations), at most ``max_len`` tokens."""
    found: list[int] = []
    _collect(token, lambda child: child.dep_ not in drop, found)
    start, end = min(found), max(found) + 1
    if end - start > max_len:
        start = max(start, token.i - max_len // 4)
        end = min(end, start + max_len)
    return clipped(token, start, end, limits, trigger)


def parenthetical_content(anchor: Token, limits: tuple[int, int], trigger: set[int]) -> Span | None:
    """The quote a reporting clause comments on: "“We are ready,” Makei said"."""
    head = anchor.head
    mine = {t.i for t in anchor.subtree}
    outside = [t.i for t in head.subtree if t.i not in mine]
    if not outside:
        return None
    start, end = min(outside), max(outside) + 1
    if start < min(mine) < end:  # keep the side of the quote that holds its head
        if head.i < min(mine):
            end = min(mine)
        else:
            start = max(mine) + 1
    start, end = max(start, limits[0]), min(end, limits[1])
    if start >= end or end - start > MAX_CONTENT:
        return None
    return trimmed(anchor.doc, start, end)


def entity_of(token: Token, labels: frozenset) -> Span | None:
    """The entity ``token`` is part of, when its label is one of ``labels``."""
    if token.ent_type_ not in labels:
        return None
    doc = token.doc
    start, end = token.i, token.i + 1
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return doc[start:end]
