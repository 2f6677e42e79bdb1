"""Walking the dependency parse: subjects through control and coordination, governors of noun
triggers, prepositional objects, conjuncts, and the stretch of text an argument may come from.

The small English pipeline makes attachment errors; these helpers are written to degrade
gracefully (return nothing) rather than guess far away in the tree.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Iterable

from spacy.tokens import Doc, Token

SUBJECT_DEPS = frozenset({"nsubj", "csubj"})
PASSIVE_SUBJECT_DEPS = frozenset({"nsubjpass", "csubjpass"})
#: A verb without a subject of its own takes the one of the word it hangs from by these.
INHERITING_DEPS = frozenset({"xcomp", "conj", "advcl", "acomp", "pcomp", "prep"})
#: Relations by which a noun trigger hangs from its governing word.
ARGUMENT_DEPS = frozenset({"dobj", "nsubj", "nsubjpass", "attr", "dative", "oprd", "appos"})
#: Prepositions whose gerund shares the subject of the clause: "after meeting X, he said".
ADVERBIAL_PREPS = frozenset({"after", "before", "since", "while", "upon", "by", "without", "through", "following", "during", "on", "in", "when"})
#: Nouns that only count what follows "of": "a round of talks", "a series of meetings".
PARTITIVES = frozenset({"round", "series", "set", "cycle", "number", "couple", "day", "week", "hour", "month", "year"})
RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom", "whose"})
VERBAL = frozenset({"VERB", "AUX"})
NOMINAL = frozenset({"NOUN", "PROPN", "PRON", "NUM"})


def children(token: Token, deps: Iterable[str]) -> list[Token]:
    """``token``'s children whose relation is one of ``deps``."""
    deps = deps if isinstance(deps, (set, frozenset)) else set(deps)
    return [child for child in token.children if child.dep_ in deps]


def conjuncts(token: Token) -> list[Token]:
    """``token`` and the words coordinated with it, in text order."""
    found = token.conjuncts
    return sorted([token, *found], key=lambda t: t.i) if found else [token]


def resolve_relative(token: Token) -> Token:
    """"who" in "Lavrov, who met Blinken" stands for "Lavrov"."""
    if token.lower_ in RELATIVE_PRONOUNS and token.head.dep_ == "relcl":
        return token.head.head
    return token


FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP"})


def _infinitive(verb: Token) -> bool:
    return verb.dep_ == "xcomp" or any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)


def coordinated_with(verb: Token) -> Token:
    """The verb a coordinated verb really shares its clause with.

    The parser often hangs a finite verb on the infinitive before it: in "He urged the UN to
    be guided ... and pointed to X", "pointed" is a conjunct of "guided". A finite verb cannot
    be coordinated with an infinitive, so it goes with the verb that controls the infinitive.
    """
    head = verb.head
    if verb.dep_ != "conj" or verb.tag_ not in FINITE_TAGS or head.tag_ in FINITE_TAGS or not _infinitive(head):
        return head
    while head.dep_ == "xcomp" and head.head is not head:
        head = head.head
    return head


def subject_of(verb: Token, deps: frozenset = SUBJECT_DEPS, depth: int = 5) -> tuple[list[Token], bool]:
    """The subject of ``verb``'s clause, inherited through control, coordination and adjuncts,
    and whether it is close: the verb's own or shared through coordination or control.

    "Lavrov agreed to meet" gives "meet" the subject "Lavrov"; "urged Iran to negotiate" gives
    "negotiate" the object "Iran"; "the minister, speaking in Geneva" and relative clauses
    give the noun they modify.
    """
    current = verb
    close = True
    for _ in range(depth):
        found = children(current, deps)
        if found:
            return [resolve_relative(t) for t in found], close
        head = coordinated_with(current) if current.pos_ in VERBAL else current.head
        if head is current:
            break
        if head.pos_ in NOMINAL and (current.dep_ == "relcl" or (current.dep_ == "acl" and current.tag_ == "VBG")):
            return [head], False  # "Lavrov, who met ...", "the minister, speaking in Geneva"
        if current.dep_ == "xcomp":
            controller = children(head, ("dobj",)) or children(head, PASSIVE_SUBJECT_DEPS)
            if controller:
                return controller, close
        if current.dep_ in ("conj", "prep") and head.pos_ not in VERBAL:
            break  # "the idea of holding talks" has no subject to inherit
        if current.dep_ == "prep" and current.lower_ not in ADVERBIAL_PREPS:
            break  # "after meeting X, he said" inherits; "talked about holding a summit" does not
        if current.dep_ in ("prep", "pcomp", "advcl") and any(c.dep_ == "auxpass" for c in head.children):
            break  # "funds spent on holding conferences": a passive's subject does not act
        if current.dep_ not in INHERITING_DEPS:
            break
        close = close and current.dep_ in ("conj", "xcomp")
        current = head
    return [], close


def governor(token: Token) -> tuple[Token, Token | None] | None:
    """For a noun trigger, the word it is an argument of, and the preposition between them.

    "held talks" -> (held, None); "following a meeting" -> (following, None) when "following"
    is the preposition-like verb, or "at the meetings, X said" -> (said, at).
    """
    current = token
    for _ in range(3):
        if current.dep_ in ARGUMENT_DEPS and current.head is not current:
            return current.head, None
        if current.dep_ == "pobj":
            prep = current.head
            if prep.pos_ in VERBAL:  # "following a meeting": the verb is the preposition
                return prep, None
            if prep.head is prep:
                return None
            if prep.lower_ == "of" and prep.head.lemma_.lower() in PARTITIVES:
                current = prep.head  # "held a new round of talks"
                continue
            return prep.head, prep
        if current.dep_ == "conj" and current.head is not current:
            current = current.head
            continue
        return None
    return None


def prep_objects(tokens: Iterable[Token], words: Iterable[str]) -> list[Token]:
    """Objects of the prepositions ``words`` hanging from ``tokens`` ("with X", "by phone")."""
    words = set(words)
    found = []
    for token in tokens:
        for prep in token.children:
            if prep.dep_ in ("prep", "agent", "dative") and prep.lower_ in words:
                found += [g for g in prep.children if g.dep_ in ("pobj", "pcomp")]
    return found


class Regions:
    """The token range arguments of a trigger may come from: its sentence, cut at line breaks.

    Headlines, datelines and bullet lines often end up in one parsed sentence with the text
    after them; a line break is a harder boundary than the parser's. Computed once per doc,
    on first use.
    """

    def __init__(self, doc: Doc):
        self.doc = doc
        self._starts: list[int] | None = None

    def _cuts(self) -> list[int]:
        doc = self.doc
        cuts = {sent.start for sent in doc.sents}
        if "\n" in doc.text:
            for token in doc:
                if "\n" in token.text:
                    cuts.update((token.i, token.i + 1))
        return sorted(cuts | {len(doc)})

    def __call__(self, token: Token) -> tuple[int, int]:
        if self._starts is None:
            self._starts = self._cuts()
        index = bisect_right(self._starts, token.i) - 1
        return self._starts[index], self._starts[index + 1]
