"""Modality from the parse: negated, hypothetical, planned or asserted (docs/guidelines.md).

The cue words live in the pattern files (``"modality_cues"``) so users can edit them. We look
at the trigger's own dependents and at the words that govern it ("failed to reach", "is ready
for a dialogue", "are expected to meet", "called for talks", "let's talk").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Token

from .syntax import governor

NEGATORS = {"not", "n't", "never", "no", "without", "neither", "nor"}


@dataclass
class ModalityCues:
    negated_governors: set[str] = field(default_factory=set)
    hypothetical_governors: set[str] = field(default_factory=set)
    planned_governors: set[str] = field(default_factory=set)
    hypothetical_modals: set[str] = field(default_factory=set)
    planned_modals: set[str] = field(default_factory=set)
    hypothetical_modifiers: set[str] = field(default_factory=set)
    planned_modifiers: set[str] = field(default_factory=set)
    negated_modifiers: set[str] = field(default_factory=set)
    conditional_marks: set[str] = field(default_factory=set)

    def update(self, data: dict) -> None:
        for key, words in data.items():
            getattr(self, key).update(w.lower() for w in words)


def _chain(anchor: Token) -> list[Token]:
    """The anchor and the words above it that can change its modality."""
    chain = [anchor]
    current = anchor
    for _ in range(4):
        if current.pos_ in ("NOUN", "PROPN"):
            gov = governor(current)
            if gov is None:
                # "ready for a dialogue": noun under an adjective's preposition
                if current.dep_ == "pobj" and current.head.head is not current.head:
                    gov = current.head.head
                else:
                    break
        elif current.dep_ in ("xcomp", "acomp", "conj", "pcomp", "ccomp", "advcl", "relcl", "acl") and current.head is not current:
            if current.dep_ == "conj" and current.head.pos_ in ("NOUN", "PROPN"):
                gov = current.head
            elif current.dep_ in ("ccomp", "advcl", "relcl"):
                break
            else:
                gov = current.head
        elif current.dep_ == "prep" and current.head is not current:
            gov = current.head
        else:
            break
        chain.append(gov)
        current = gov
    return chain


def detect_modality(anchor: Token, trigger: set[int], cues: ModalityCues, negation_in_trigger: bool = False) -> str:
    chain = _chain(anchor)
    negated = hypothetical = planned = False
    for depth, token in enumerate(chain):
        lemma = token.lemma_.lower()
        if depth > 0:
            negated |= lemma in cues.negated_governors
            hypothetical |= lemma in cues.hypothetical_governors
            planned |= lemma in cues.planned_governors
        for child in token.children:
            word, cl = child.lower_, child.lemma_.lower()
            if child.i in trigger and negation_in_trigger:
                continue
            if child.dep_ == "neg" or (child.dep_ == "det" and word == "no") or (word in NEGATORS and child.dep_ in ("advmod", "preconj")):
                if not (negation_in_trigger and depth == 0):
                    negated = True
            elif child.dep_ in ("aux", "auxpass"):
                if word in cues.hypothetical_modals and not (negation_in_trigger and depth == 0):
                    hypothetical = True
                elif word in cues.planned_modals or cl in cues.planned_modals:
                    planned = True
                elif word == "going" or (cl == "be" and any(g.lower_ == "to" for g in child.children)):
                    planned = True
            elif child.dep_ in ("amod", "advmod", "compound"):
                hypothetical |= word in cues.hypothetical_modifiers
                planned |= word in cues.planned_modifiers
                negated |= word in cues.negated_modifiers
            elif child.dep_ == "mark" and word in cues.conditional_marks:
                hypothetical = True
        # "a conference to be held in Vienna"
        if depth == 0 and token.pos_ == "NOUN":
            for child in token.children:
                if child.dep_ in ("acl", "relcl") and any(g.lower_ == "to" for g in child.children):
                    planned = True
        # clause introduced by "if"/"unless"
        if token.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in cues.conditional_marks for c in token.children):
            hypothetical = True
        # "let's talk"
        if token.head.lemma_.lower() == "let" and token.dep_ in ("ccomp", "xcomp"):
            hypothetical = True
    if negated:
        return "negated"
    if hypothetical:
        return "hypothetical"
    if planned:
        return "planned"
    return "asserted"
