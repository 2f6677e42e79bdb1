"""Sparse features of (trigger, argument) pairs and of triggers, as hashed ids.

The role classifier sees token vectors from its own small tok2vec; with a few hundred
training sentences it learns much faster when told, in words, what the frozen parser of the
base pipeline already knows: the dependency path from the argument to the trigger ("nsubj",
"pobj^prep:with"), the preposition in front of an argument, the auxiliaries, negation and
governing words around a trigger ("aux:will", "gov1:ready"). Without a parse
(``--from-scratch``) only labels, direction, distance and nearby words remain.
"""

from __future__ import annotations

from spacy.strings import hash_string
from spacy.tokens import Span, Token

#: Dependents of a trigger (or of a word governing it) that decide its modality.
MODALITY_DEPS = frozenset({"aux", "auxpass", "neg", "mark", "advmod", "amod", "det", "prt", "acomp"})
#: Dependency relations named together with their word on a path ("prep:with").
LEXICAL_DEPS = frozenset({"prep", "agent", "dative", "mark"})
CONDITIONS = frozenset({"if", "unless", "whether"})
MAX_PATH = 4


def _word(token: Token) -> str:
    return token.lemma_.lower() or token.norm_


def _bucket(distance: int) -> str:
    for limit in (0, 1, 2, 3, 5, 8, 16):
        if distance <= limit:
            return str(limit)
    return "far"


def _step(token: Token) -> str:
    return f"{token.dep_}:{_word(token)}" if token.dep_ in LEXICAL_DEPS else token.dep_


def dependency_path(source: Token, target: Token) -> str:
    """Relations up from ``source`` to the lowest common ancestor, then down to ``target``."""
    up = [source, *source.ancestors]
    down = [target, *target.ancestors]
    depth = {token.i: k for k, token in enumerate(down)}
    for k, token in enumerate(up):
        if token.i in depth:
            rising, falling = up[:k], down[: depth[token.i]]
            if len(rising) > MAX_PATH or len(falling) > MAX_PATH:
                return "far"
            return "^".join(map(_step, rising)) + "|" + "v".join(map(_step, reversed(falling)))
    return "none"


def _hashed(features: list[str]) -> list[int]:
    return [hash_string(feature) for feature in features]


def pair_features(trigger: Span, argument: Span, parsed: bool) -> list[int]:
    """Hashed features of ``argument`` as a candidate role filler of ``trigger``."""
    t = trigger.label_
    if argument.end <= trigger.start:
        direction, gap = "before", trigger.start - argument.end
    elif argument.start >= trigger.end:
        direction, gap = "after", argument.start - trigger.end
    else:
        direction, gap = ("contains" if argument.start <= trigger.start and argument.end >= trigger.end else "inside"), 0
    distance = _bucket(gap)
    # The argument's label is left out: candidates come from several sources (the argument
    # classifier, noun chunks, entities) and only the role says what kind a mention is.
    features = [
        "bias", f"t={t}", f"dir={direction}", f"tdir={t}|{direction}", f"dist={direction}|{distance}",
        f"tdist={t}|{direction}|{distance}", f"alen={_bucket(len(argument))}", f"talen={t}|{_bucket(len(argument))}",
        f"afirst={argument[0].norm_}", f"tafirst={t}|{argument[0].norm_}", f"alast={argument[-1].norm_}",
    ]
    if gap == 1:  # the word between them: "X, said", "talks with X"
        between = trigger.doc[argument.end if direction == "before" else trigger.end]
        features += [f"between={between.norm_}", f"tbetween={t}|{direction}|{between.norm_}"]
    if parsed:
        t_root, a_root = trigger.root, argument.root
        path = dependency_path(a_root, t_root)
        head = a_root.head
        features += [
            f"path={path}", f"tpath={t}|{path}", f"apos={a_root.pos_}", f"adep={a_root.dep_}",
            f"tadep={t}|{a_root.dep_}", f"aent={a_root.ent_type_}", f"taent={t}|{a_root.ent_type_}",
            f"tlemma_path={_word(t_root)}|{path}", f"ahead={_word(head)}|{a_root.dep_}",
        ]
        if head.dep_ in LEXICAL_DEPS or head.pos_ == "ADP":
            features += [f"prep={_word(head)}", f"tprep={t}|{_word(head)}"]
    return _hashed(features)


def trigger_features(trigger: Span, parsed: bool) -> list[int]:
    """Hashed features of ``trigger`` that bear on its modality."""
    doc, t = trigger.doc, trigger.label_
    features = ["bias", f"t={t}", f"text={trigger.text.lower()}", f"ttext={t}|{trigger.text.lower()}"]
    for k in range(1, 4):
        if trigger.start - k >= 0:
            features += [f"l{k}={_word(doc[trigger.start - k])}"]
    for k in range(2):
        if trigger.end + k < len(doc):
            features += [f"r{k}={_word(doc[trigger.end + k])}"]
    if not parsed:
        return _hashed(features)
    root = trigger.root
    features += [f"lemma={_word(root)}", f"tag={root.tag_}", f"dep={root.dep_}", f"tdep={t}|{root.dep_}"]
    features += [f"{c.dep_}={_word(c)}" for c in root.children if c.dep_ in MODALITY_DEPS]
    child, governor = root, root.head
    for k in range(1, 4):
        if governor is child:
            break
        features += [f"gov{k}={_word(governor)}", f"gov{k}dep={child.dep_}", f"gov{k}={_word(governor)}|{child.dep_}"]
        features += [f"gov{k}{c.dep_}={_word(c)}" for c in governor.children if c.dep_ in MODALITY_DEPS and c is not child]
        child, governor = governor, governor.head
    if any(token.lower_ in CONDITIONS for token in root.sent):
        features.append("condition")
    return _hashed(features)
