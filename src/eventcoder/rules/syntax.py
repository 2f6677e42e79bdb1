"""Reading arguments off a dependency parse: slots, noun phrases, clauses, places, dates."""

from __future__ import annotations

from typing import Iterable, Iterator

from spacy.tokens import Doc, Span, Token

SUBJECT_DEPS = ("nsubj", "csubj")
QUANTIFIERS = {"none", "all", "some", "each", "many", "most", "one", "several", "both", "neither", "any"}
#: Dependents left out of an actor's noun phrase.
ACTOR_DROP = {"relcl", "acl", "appos", "punct", "cc", "conj", "advcl", "parataxis", "prep"}
#: Dependents left out of a topic phrase or clause.
PHRASE_DROP = {"punct", "cc", "conj", "parataxis", "relcl"}
PLACE_ENTS = {"GPE", "LOC", "FAC"}
TIME_ENTS = {"DATE", "TIME"}
PLACE_PREPS = {"in", "at"}
TIME_PREPS = {"on", "in", "at", "during", "since", "until", "by", "last", "next", "this"}
EDGE_PUNCT = set("\"'“”‘’«»,.;:—–-()[]")


def _trim(doc: Doc, start: int, end: int) -> Span | None:
    while start < end and (doc[start].is_space or doc[start].text in EDGE_PUNCT or doc[start].dep_ in ("mark", "cc")):
        start += 1
    while end > start and (doc[end - 1].is_space or doc[end - 1].text in EDGE_PUNCT or doc[end - 1].dep_ == "cc"):
        end -= 1
    return doc[start:end] if start < end else None


def _collect(token: Token, drop: set[str], out: list[Token]) -> None:
    out.append(token)
    for child in token.children:
        if child.dep_ not in drop:
            _collect(child, drop, out)


def phrase(token: Token, drop: Iterable[str] = PHRASE_DROP, exclude: set[int] | None = None, max_len: int = 40) -> Span | None:
    """The contiguous span covering ``token`` and its dependents, less the ``drop`` relations."""
    tokens: list[Token] = []
    _collect(token, set(drop), tokens)
    if exclude:
        tokens = [t for t in tokens if t.i not in exclude] or [token]
    start, end = min(t.i for t in tokens), max(t.i for t in tokens) + 1
    if exclude:  # do not let a phrase run over the trigger
        left = [i for i in exclude if i < token.i]
        right = [i for i in exclude if i > token.i]
        if left:
            start = max(start, max(left) + 1)
        if right:
            end = min(end, min(right))
    if end - start > max_len:
        end = min(end, token.i + 1 + max(0, max_len - (token.i + 1 - start)))
        start = max(start, end - max_len)
    return _trim(token.doc, start, end)


def actor_phrase(token: Token) -> Span | None:
    """An actor's noun phrase: titles and names, without relative clauses or appositions.

    "None of the officials from Belarus" names the officials, so quantifiers hand over to
    their ``of`` object; prepositional modifiers stay ("officials from Belarus").
    """
    if token.lower_ in QUANTIFIERS:
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                objects = [g for g in child.children if g.dep_ == "pobj"]
                if objects:
                    token = objects[0]
    tokens: list[Token] = []
    _collect(token, ACTOR_DROP - {"prep"}, tokens)
    # keep "from X"/"of X" modifiers right after the head, but not long adverbial preps
    start, end = min(t.i for t in tokens), max(t.i for t in tokens) + 1
    return _trim(token.doc, start, end)


def conjuncts(token: Token) -> list[Token]:
    return [token, *token.conjuncts] if token.conjuncts else [token]


def children(token: Token, deps: Iterable[str]) -> list[Token]:
    deps = set(deps)
    return [child for child in token.children if child.dep_ in deps]


def subject_of(token: Token, depth: int = 4) -> list[Token]:
    """The subject of ``token``'s clause, inherited through conj, xcomp and auxiliaries."""
    current = token
    for _ in range(depth):
        found = children(current, SUBJECT_DEPS)
        if found:
            return found
        if current.dep_ in ("conj", "xcomp", "acomp", "advcl") and current.head is not current:
            current = current.head
            continue
        break
    return []


def governor(token: Token) -> Token | None:
    """For a noun trigger, the verb it hangs from: "held talks", "following a meeting"."""
    current = token
    for _ in range(3):
        if current.dep_ in ("dobj", "nsubjpass", "nsubj", "attr", "dative"):
            return current.head
        if current.dep_ == "pobj" and current.head.dep_ in ("prep", "agent"):
            return current.head.head if current.head.pos_ != "VERB" else current.head
        if current.dep_ == "conj":
            current = current.head
            continue
        return None
    return None


def prep_objects(tokens: Iterable[Token], word: str, exclude: set[int]) -> list[Token]:
    found = []
    for token in tokens:
        for prep in token.children:
            if prep.dep_ in ("prep", "agent", "dative") and prep.lower_ == word and prep.i not in exclude:
                found += [g for g in prep.children if g.dep_ in ("pobj", "pcomp")]
    return found


def clause_of(anchor: Token, trigger: set[int]) -> Span | None:
    """The reported clause of a saying verb: its ccomp, or the clause it is a parenthetical of."""
    doc = anchor.doc
    for child in anchor.children:
        if child.dep_ == "ccomp" and child.i not in trigger:
            return phrase(child, drop={"punct"} , exclude=trigger, max_len=80)
    if anchor.dep_ in ("parataxis", "ccomp") and anchor.head is not anchor:
        head = anchor.head
        # "..., Makei said": the quote is the main clause; take it up to the trigger's clause
        mine = {t.i for t in anchor.subtree}
        tokens = [t.i for t in head.subtree if t.i not in mine]
        if tokens:
            start, end = min(tokens), max(tokens) + 1
            if end > min(mine):
                end = min(mine)
            return _trim(doc, start, end)
    return None


def entity_of(token: Token, labels: set[str]) -> Span | None:
    if token.ent_type_ not in labels:
        return None
    for ent in token.doc.ents:
        if ent.start <= token.i < ent.end:
            return ent
    return None


def places_and_times(tokens: Iterable[Token], exclude: set[int]) -> Iterator[tuple[str, Span]]:
    """``("place", span)`` and ``("time", span)`` attached to the trigger (or via one prep)."""
    seen: set[int] = set()
    queue = list(tokens)
    depth = {t.i: 0 for t in queue}
    while queue:
        token = queue.pop(0)
        for child in token.children:
            if child.i in exclude or child.i in seen:
                continue
            seen.add(child.i)
            if child.dep_ in ("npadvmod", "tmod", "obl") or (child.dep_ == "pobj"):
                ent = entity_of(child, TIME_ENTS)
                if ent is not None:
                    yield "time", ent
                    continue
            if child.dep_ == "prep":
                for obj in children(child, ("pobj",)):
                    ent = entity_of(obj, TIME_ENTS)
                    if ent is not None and child.lower_ in TIME_PREPS:
                        yield "time", ent
                        continue
                    ent = entity_of(obj, PLACE_ENTS)
                    if ent is not None and child.lower_ in PLACE_PREPS:
                        yield "place", ent
                        continue
                    if depth[token.i] < 1 and obj.pos_ in ("NOUN", "PROPN"):
                        depth[obj.i] = depth[token.i] + 1
                        queue.append(obj)
