"""Span suggesters for the argument ``spancat``, registered in spaCy's ``misc`` registry.

Argument mentions range from one word ("Moscow") to whole reported clauses of thirty words
and more, far beyond what n-grams can offer without drowning the classifier in candidates.
So besides short n-grams the suggester proposes the phrases the dependency parse makes:
noun chunks, entities, and each word's subtree, trimmed the way the guidelines trim
arguments (no leading "that" or preposition, no edge punctuation or quotes, coordinated
actors one at a time). Without a parse (``--from-scratch``) it falls back to n-grams.
"""

from __future__ import annotations

from typing import Callable, Iterable, List, Optional

from spacy.tokens import Doc, Token
from spacy.util import registry
from thinc.api import Ops, get_current_ops
from thinc.types import Ragged

#: Leading words an argument never starts with (the guidelines drop them).
LEADING_DEPS = frozenset({"mark", "cc", "punct", "prep", "agent", "dative", "case"})


def _trim(doc: Doc, start: int, end: int, leading: bool = True) -> tuple[int, int]:
    """``[start, end)`` without edge punctuation, quotes and spaces (and leading markers)."""
    while start < end and (doc[start].is_punct or doc[start].is_space or (leading and doc[start].dep_ in LEADING_DEPS)):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return start, end


def _subtree_spans(token: Token) -> Iterable[tuple[int, int]]:
    doc = token.doc
    left, right = token.left_edge.i, token.right_edge.i + 1
    yield left, right  # the whole phrase, e.g. a reported clause
    yield _trim(doc, left, right)  # without "that", a preposition or quotes
    yield _trim(doc, left, token.i + 1, leading=False)  # the head and its left dependents
    for child in token.rights:
        # from a right dependent on: "Russia of violating ..." in "accused Russia of ..."
        yield _trim(doc, child.left_edge.i, right, leading=False)
    for inner in token.subtree:
        if inner.i > inner.head.i and inner is not token:
            # up to any right dependent inside: "Minsk" of "Minsk and Moscow", "a meeting of
            # EU ministers" without "in Brussels", a clause without its ", X said"
            yield _trim(doc, left, inner.left_edge.i, leading=False)


def suggest_spans(doc: Doc, sizes: Iterable[int], max_length: int) -> list[tuple[int, int]]:
    """Candidate argument spans of one doc as sorted ``(start, end)`` token offsets."""
    found: set[tuple[int, int]] = set()
    for size in sizes:
        found.update((i, i + size) for i in range(len(doc) - size + 1))
    if doc.has_annotation("DEP"):
        found.update((chunk.start, chunk.end) for chunk in doc.noun_chunks)
        found.update((ent.start, ent.end) for ent in doc.ents)
        for token in doc:
            if not (token.is_punct or token.is_space):
                found.update(_subtree_spans(token))
    return sorted((s, e) for s, e in found if 0 < e - s <= max_length)


@registry.misc("eventcoder.argument_suggester.v1")
def build_argument_suggester(
    sizes: List[int] = [1, 2, 3], max_length: int = 60
) -> Callable[[Iterable[Doc], Optional[Ops]], Ragged]:
    """Suggest n-grams of ``sizes`` plus noun chunks, entities and trimmed parse subtrees."""

    def argument_suggester(docs: Iterable[Doc], *, ops: Optional[Ops] = None) -> Ragged:
        ops = ops if ops is not None else get_current_ops()
        spans, lengths = [], []
        for doc in docs:
            found = suggest_spans(doc, sizes, max_length)
            spans.extend(found)
            lengths.append(len(found))
        data = ops.asarray2i(spans, dtype="i") if spans else ops.xp.zeros((0, 2), dtype="i")
        return Ragged(data, ops.asarray1i(lengths, dtype="i"))

    return argument_suggester
