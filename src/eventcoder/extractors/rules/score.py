"""The ``score`` of a rule proposal: the probability that a reviewer keeps it.

A small logistic model over features of the match (pattern, trigger lemma, part of speech,
roles found, modality and its cue, sentence length, extractors, where the trigger sits in the
parse and which cue words are near it, whether another proposal's argument holds it) learned
on train+dev and calibrated on their out-of-fold logits (Platt scaling) by
``corpus/fit_score.py``. It ships as a JSON file of
weights (``score_weights.json``); scoring is a dictionary look-up per feature.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc, Token

from eventcoder.core.formats import ProposedEvent
from eventcoder.extractors.rules.modality import NEGATORS, ModalityCues
from eventcoder.extractors.rules.syntax import VERBAL, Regions, governor

WEIGHTS = Path(__file__).with_name("score_weights.json")
#: Used when no weights file is there (a fresh checkout before refitting): a neutral score.
DEFAULT_SCORE = 0.5


#: The role each type's act needs someone in: without it a proposal is more often wrong.
CORE_ROLES = {"MEETING": "participant", "STATEMENT": "speaker", "AGREEMENT": "party", "REFUSAL": "refuser"}
#: How far up the tree the nearest cue is looked for.
MAX_UP = 6
QUOTES = frozenset('"\u201c\u201d')


def _bucket(n: int, edges: tuple[int, ...]) -> str:
    for edge in edges:
        if n <= edge:
            return f"<={edge}"
    return f">{edges[-1]}"


def features(event: ProposedEvent, pattern_id: str, lemma: str, pos: str, cued: bool, sentence_words: int,
             context: list[str] = ()) -> list[str]:
    """The names of the features that fire for one proposal (all binary); ``context`` adds
    where the trigger sits in the parse (its relation, governor or head, determiner)."""
    roles = sorted({a.role for a in event.arguments})
    found = [
        "bias",
        f"type={event.label}",
        f"pattern={pattern_id}",
        f"lemma={event.label}:{lemma}",
        f"pos={pos}",
        f"modality={event.modality}",
        f"type_modality={event.label}:{event.modality}",
        f"cued={cued}",
        f"n_args={_bucket(len(event.arguments), (0, 1, 2, 3))}",
        f"words={_bucket(sentence_words, (8, 15, 25, 40))}",
        f"trigger_words={_bucket(len(event.trigger.text.split()), (1, 2))}",
        *(f"role={event.label}:{r}" for r in roles),
        *(f"extractor={name}" for name in event.extractors),
        *context,
    ]
    if not event.arguments:
        found.append(f"no_args={event.label}")
    core = CORE_ROLES.get(event.label)
    if core is not None and core not in roles:
        found.append(f"no_core={event.label}")
    return found


def _depth(n: int | None) -> str:
    return "none" if n is None else str(n) if n < 2 else "2+"


def _child_cue(child: Token, cues: ModalityCues) -> str | None:
    """The kind of cue a child lends the word it hangs from: a negator, a modal, an "if"."""
    dep, word = child.dep_, child.lower_
    if dep == "neg" or (dep in ("det", "advmod") and word in NEGATORS):
        return "neg"
    if dep in ("aux", "auxpass"):
        if word in cues.hypothetical_modals:
            return "hyp"
        if word in cues.planned_modals:
            return "plan"
    elif dep == "mark" and word in cues.conditional_marks:
        return "if"
    return None


def _word_cue(lemma: str, cues: ModalityCues) -> str | None:
    """The kind of cue a word is by its lemma: a cue word of the pattern files."""
    if lemma in cues.negated_governors:
        return "neg_word"
    if lemma in cues.hypothetical_governors:
        return "hyp_word"
    if lemma in cues.planned_governors:
        return "plan_word"
    return None


def _cue_kind(token: Token, cues: ModalityCues) -> str | None:
    """The kind of modality cue ``token`` carries: its first cue-lending child, else its lemma."""
    for child in token.children:
        kind = _child_cue(child, cues)
        if kind is not None:
            return kind
    return _word_cue(token.lemma_.lower(), cues)


def parse_features(anchor: Token, modality: str, limits: tuple[int, int], cues: ModalityCues) -> list[str]:
    """Where the modality may have come from and what kind of sentence holds the trigger.

    The nearest word at or above the trigger that carries a cue (its kind and depth), a cue
    elsewhere in the sentence that the rules did not take, the trigger's relation and the word
    it hangs from, the preposition that links a noun trigger to its governor, each against the
    modality the rules chose; the kind of the verb's subject (entity type or part of speech);
    and quotes, brackets, capitals, a question or a sentence with no verb. A few dozen token
    look-ups per proposal; the sentence-wide facts are computed once per sentence.
    """
    doc = anchor.doc
    noun = anchor.pos_ not in VERBAL
    found = [f"dep_modality={anchor.dep_}:{modality}"]
    if anchor.head.i != anchor.i:
        found.append(f"head_modality={anchor.head.lemma_.lower()}:{modality}")
    subject = next((c for c in anchor.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is not None:
        found.append(f"subject_ent={subject.ent_type_ or subject.pos_}")
    start, end = limits
    kinds, question, no_verb = _sentence_facts(doc, limits, cues)
    above: set[int] = set()
    nearest, depth, current = None, 0, anchor
    while True:
        above.add(current.i)
        kind = kinds.get(current.i) if start <= current.i < end else _cue_kind(current, cues)
        if kind is not None and nearest is None:
            nearest = (kind, depth)
        if current.head.i == current.i or depth >= MAX_UP:
            break
        current, depth = current.head, depth + 1
    if nearest is None:
        found.append(f"cue=none:{modality}")
    else:
        found += [f"cue={nearest[0]}:{modality}", f"cue_depth={_depth(nearest[1])}:{modality}"]
    stray = sorted({kind for i, kind in kinds.items() if i not in above})
    found += [f"stray_cue={k}:{modality}" for k in stray]
    if noun:
        link = governor(anchor)
        via = "none" if link is None else "direct" if link[1] is None else link[1].lower_
        found += [f"via={via}", f"via_modality={via}:{modality}"]
        if any(c.dep_ == "poss" for c in anchor.children):
            found.append("possessor")
    before = doc[start:anchor.i].text
    if sum(before.count(q) for q in QUOTES) % 2 or before.count("(") > before.count(")"):
        found.append("quoted")
    if anchor.text[:1].isupper():
        found.append("capital=first" if anchor.i == start else "capital=inner")
    if question:
        found.append("question")
    if no_verb:
        found.append("no_verb")
    return found


#: (doc, limits, facts) of the last sentence seen, read and replaced as one tuple (threads).
_last_sentence: tuple | None = None


def _sentence_facts(doc: Doc, limits: tuple[int, int], cues: ModalityCues) -> tuple[dict[int, str], bool, bool]:
    """({token index: kind of cue it carries}, ends in "?", has no verb) for one sentence, in
    one pass over its tokens, kept for the next call: a sentence's proposals come one after
    another."""
    global _last_sentence
    last = _last_sentence
    if last is not None and last[0] is doc and last[1] == limits:
        return last[2]
    start, end = limits
    lent: dict[int, str] = {}
    words: dict[int, str] = {}
    verb, last_text = False, ""
    for token in doc[start:end]:
        kind = _child_cue(token, cues)
        if kind is not None and start <= token.head.i < end and token.head.i != token.i:
            lent.setdefault(token.head.i, kind)  # children come in text order, as in _cue_kind
        kind = _word_cue(token.lemma_.lower(), cues)
        if kind is not None:
            words[token.i] = kind
        verb = verb or token.pos_ in VERBAL
        if not token.is_space:
            last_text = token.text
    kinds = {**words, **lent}  # a child's cue comes before the word's own
    facts = (kinds, last_text == "?", not verb)
    _last_sentence = (doc, limits, facts)
    return facts


def neighbour_features(doc: Doc, proposals: list[tuple[ProposedEvent, list[str]]], regions: Regions) -> None:
    """Add, to each proposal's features, what the other proposals of its sentence say about it:
    its trigger inside another event's argument ("would not accept mediation": the meeting is
    only what is refused; a treaty that is only a topic), and how many others of its type."""
    by_sentence: dict[int, list[tuple[ProposedEvent, list[str]]]] = {}
    for proposal in proposals:
        span = doc.char_span(proposal[0].trigger.start, proposal[0].trigger.end, alignment_mode="expand")
        by_sentence.setdefault(regions(span[0])[0] if span else -1, []).append(proposal)
    for group in by_sentence.values():
        for event, names in group:
            start, end = event.trigger.start, event.trigger.end
            inside = sorted({f"inside={other.label}:{a.role}" for other, _ in group if other is not event
                             for a in other.arguments if a.start <= start and end <= a.end})
            names += inside or ["inside=none"]
            names.append(f"inside_modality={'yes' if inside else 'no'}:{event.modality}")


class Scorer:
    """Logistic weights plus the Platt calibration fitted out of fold."""

    def __init__(self, weights: dict[str, float], a: float = 1.0, b: float = 0.0):
        self.weights, self.a, self.b = weights, a, b

    @classmethod
    def load(cls, path: Path = WEIGHTS) -> Scorer | None:
        if not path.is_file():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["weights"], data["calibration"]["a"], data["calibration"]["b"])

    def logit(self, names: list[str]) -> float:
        return sum(self.weights.get(name, 0.0) for name in names)

    def __call__(self, names: list[str]) -> float:
        z = self.a * self.logit(names) + self.b
        return round(1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z)))), 4)


@lru_cache(maxsize=1)
def default_scorer() -> Scorer | None:
    """The shipped scorer, loaded once per process."""
    return Scorer.load()
