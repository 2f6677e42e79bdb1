"""Modality from the parse: negated, hypothetical, planned or asserted (docs/guidelines.md).

We walk from the trigger up through the words that can change what it asserts — the verb a
noun trigger is the object of ("held talks", "failed to reach an agreement"), the verbs and
adjectives that control it ("are expected to meet", "is ready for a dialogue", "called for
talks") — and read negators, modals, conditionals and cue words on the way. The walk stops at
a reported clause: "said they met" asserts the meeting as much as the speaker does.

When cues disagree the least real reading wins (negated > hypothetical > planned), because
claiming an irrealis event as real is the error users mind most. Cue words live in the
pattern files (``"modality_cues"``) so users can edit them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Token

from eventcoder.extractors.rules.syntax import (
    VERBAL,
    coordinated_with,
    governor,
    reporting_host,
)

NEGATORS = frozenset({"not", "n't", "never", "no", "neither", "nor"})
NEGATIVE_SUBJECTS = frozenset({"no", "none", "nobody", "neither", "nothing", "no one"})
#: Relations by which a verb is controlled by the word above it.
CONTROLLED = frozenset({"xcomp", "acomp", "pcomp", "auxpass"})
RANK = {"asserted": 0, "planned": 1, "hypothetical": 2, "negated": 3}
#: Prepositions of circumstance: "refused to shake hands at the start of the meeting" does not
#: negate the meeting, and "failed to agree after the talks" does not negate the talks. Through
#: them only a future reaches the noun ("will speak at the conference"); "did not meet during
#: the summit" says the meeting did not happen, not the summit.
ADJUNCT_PREPS = frozenset({"at", "after", "following", "since", "amid", "throughout", "despite", "before", "during"})
MAX_DEPTH = 5
#: Longest prepositional phrase of a copula read as a fixed cue phrase ("out of the question").
MAX_PHRASE = 4
#: Subordinators of a clause of time: "is expected to call on them when they meet" shares the
#: future of the clause it hangs on, and nothing else of it.
TEMPORAL_MARKS = frozenset({"when", "after", "before", "until", "till", "while", "once", "as"})
#: A clause of time about the future is in the present ("when they meet"); "after Austria
#: lifted its veto" is a past of its own.
PRESENT_TAGS = frozenset({"VBP", "VBZ", "VB"})
#: Conjunctions across which coordinated verbs share no negation or modal.
CONTRASTIVE = frozenset({"but", "yet", "though", "although", "whereas"})


@dataclass
class ModalityCues:
    """Cue words for modality, merged from every pattern file's ``modality_cues``.

    Governors are lemmas of words above the trigger, optionally with the particle or
    preposition that links them ("call for", "call off", "break down").
    """

    negated_governors: set[str] = field(default_factory=set)
    hypothetical_governors: set[str] = field(default_factory=set)
    planned_governors: set[str] = field(default_factory=set)
    hypothetical_modals: set[str] = field(default_factory=set)
    planned_modals: set[str] = field(default_factory=set)
    hypothetical_modifiers: set[str] = field(default_factory=set)
    planned_modifiers: set[str] = field(default_factory=set)
    negated_modifiers: set[str] = field(default_factory=set)
    conditional_marks: set[str] = field(default_factory=set)
    future_time_words: set[str] = field(default_factory=set)
    reporting_verbs: set[str] = field(default_factory=set)
    #: Taking part in an event held by others ("would not attend the summit", "boycotted the
    #: talks"): the event noun is a meeting of its own, which the verb's cues do not reach
    #: (only a future does, as through ADJUNCT_PREPS).
    participation_governors: set[str] = field(default_factory=set)
    #: Answering an act of saying ("rejected the accusations", "did not respond to the
    #: request"): the statement noun was made whatever the answer, so no cue of the answering
    #: verb reaches it, not even a future.
    response_governors: set[str] = field(default_factory=set)
    #: Negotiating nouns with their preposition ("talks on", "negotiations over"): an event noun
    #: that is their direct topic is only sought ("withdrew from the talks on a security pact":
    #: the pact is hypothetical), while "talks on implementing the accord" leave the accord be.
    sought_governors: set[str] = field(default_factory=set)
    irrealis_gerund_preps: set[str] = field(default_factory=set)
    stance_verbs: set[str] = field(default_factory=set)

    def update(self, data: dict) -> None:
        for key, words in data.items():
            getattr(self, key).update(w.lower() for w in words)


def _keys(token: Token, via: Token | None, controls: bool = False) -> list[str]:
    """The cue keys of a governing word: its lemma, and lemma + particle or linking preposition.

    A verb that controls an infinitive also gets keys with its prepositions and adverbs:
    "called on X to return to talks" -> "call on", "have yet to agree" -> "have yet".
    """
    lemma = token.lemma_.lower()
    keys = [lemma, token.lower_]  # the surface form too: the lemmatizer makes "hopes" "hop"
    if via is not None:  # "ended without agreement": the preposition alone is a cue too
        keys += [f"{lemma} {via.lower_}", via.lower_]
    for child in token.children:
        if child.dep_ == "prt" or (controls and child.dep_ in ("prep", "advmod")):
            keys.append(f"{lemma} {child.lower_}")
        elif child.dep_ == "prep" and token.pos_ == "AUX" and child.right_edge.i - child.i < MAX_PHRASE:
            # a copula's fixed phrase: "a ceasefire is out of the question", "is off the table"
            keys.append(f"{lemma} {child.doc[child.i : child.right_edge.i + 1].text.lower()}")
        elif child.dep_ == "acomp" and token.pos_ == "AUX" and any(g.dep_ == "xcomp" for g in child.children):
            keys.append(child.lemma_.lower())  # "the talks are due to resume": the subject's event is due
    return keys


@dataclass
class Chain:
    """The words above a trigger that bear on its modality."""

    #: (word, linking preposition) pairs from the trigger upwards.
    links: list[tuple[Token, Token | None]]
    #: Where the walk stopped.
    top: Token
    #: The verb whose reported clause the walk stopped at ("hope (that) they meet"): only its
    #: lemma counts, not its own negation or tense.
    reporter: Token | None = None
    #: The walk passed an infinitive modifying a noun ("a way to launch a dialogue") or a
    #: gerund after "about", "of", "for" ("an initiative about holding a conference").
    irrealis: bool = False
    #: Links reached through coordination: their auxiliaries count, their lemma does not.
    siblings: set[int] = field(default_factory=set)
    #: Links that control an infinitive below them ("called on X to return").
    controllers: set[int] = field(default_factory=set)
    #: The depth from which the words above govern the trigger only as a circumstance.
    adjunct: int | None = None
    #: The depth from which nothing above bears on the trigger (see ``response_governors``).
    detached: int | None = None


def _is_infinitive(verb: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)


def _chain(anchor: Token, cues: ModalityCues, statement: bool = False) -> Chain:
    chain = Chain([(anchor, None)], anchor)
    current = anchor
    for _ in range(MAX_DEPTH):
        head = current.head
        if head is current:
            break
        if current.pos_ not in VERBAL and current.dep_ not in ("acomp", "prep", "pcomp", "xcomp"):
            found = governor(current)
            if found is None:
                if current.dep_ == "pobj" and head.head is not head:  # "ready for a dialogue"
                    found = (head.head, head)
                else:
                    break
            current = found[0]
            if chain.adjunct is None and (found[1] is not None and found[1].lower_ in ADJUNCT_PREPS
                                          or _participation(found, cues, cues.participation_governors)):
                chain.adjunct = len(chain.links)
            if statement and chain.detached is None and _participation(found, cues, cues.response_governors):
                chain.detached = len(chain.links)
            chain.links.append(found)
            continue
        if current.dep_ == "pcomp" and head.lower_ in cues.irrealis_gerund_preps:
            chain.irrealis = True
        if current.dep_ in CONTROLLED or current.dep_ == "prep":
            if current.dep_ == "xcomp":
                chain.controllers.add(head.i)
            current = head
        elif current.dep_ == "conj" and head.pos_ in VERBAL and not any(c.dep_ in ("nsubj", "nsubjpass") for c in current.children):
            if any(c.dep_ == "cc" and c.lower_ in CONTRASTIVE for c in current.head.children if c.i < current.i):
                break  # "did not rule it out, but said ...": the negation stays on its side of "but"
            head = coordinated_with(current)
            current = head  # "will meet and sign": shared subject, shared auxiliaries
            chain.siblings.add(head.i)
        elif current.dep_ == "advcl" and _is_infinitive(current) and not any(c.dep_ in ("nsubj", "nsubjpass", "mark") for c in current.children):
            chain.controllers.add(head.i)
            current = head  # "met to discuss trade"
        elif current.dep_ == "advcl" and current.tag_ == "VBG" and not any(c.dep_ in ("nsubj", "nsubjpass", "mark") for c in current.children):
            head = reporting_host(current)
            current = head  # "let them hold it, discussing X": the participle shares the clause's mood
            chain.siblings.add(head.i)
        elif current.dep_ == "advcl" and head.pos_ in VERBAL and current.tag_ in PRESENT_TAGS and any(
                m.dep_ in ("mark", "advmod") and m.lower_ in TEMPORAL_MARKS and m.i < current.i for m in current.children):
            if chain.adjunct is None:
                chain.adjunct = len(chain.links)
            current = head
        elif current.dep_ in ("acl", "relcl") and head.pos_ not in VERBAL and _is_infinitive(current):
            chain.irrealis = True  # "efforts to reach a deal", "the way to launch a dialogue"
            current = head
        else:
            if current.dep_ == "ccomp":
                chain.reporter = head
            break
        chain.links.append((current, None))
    chain.top = current
    return chain


def _participation(found: tuple[Token, Token | None], cues: ModalityCues, words: set[str]) -> bool:
    """Whether the governing word (with its linking preposition or particle) is in ``words``."""
    word, via = found
    lemma = word.lemma_.lower()
    if lemma == "take" and any(c.dep_ == "dobj" and c.lower_ == "part" for c in word.children):
        lemma = "part"  # "will not take part in the conference"
    keys = _keys(word, via) + [lemma] + ([f"{lemma} {via.lower_}"] if via is not None else [])
    return any(k in words for k in keys)


def _past_saying(token: Token, cues: ModalityCues) -> bool:
    """A reporting verb in the past with no modal of its own: it reports, whatever it reports
    (or whatever a parser hangs on it from the reported clause) is conditional."""
    return (token.tag_ == "VBD" and token.lemma_.lower() in cues.reporting_verbs
            and not any(c.dep_ == "aux" and c.lower_ in cues.hypothetical_modals for c in token.children))


def _reported_past(top: Token, cues: ModalityCues) -> bool:
    """"said (that) they would meet": "would" is a future seen from the past, not a wish."""
    return top.dep_ == "ccomp" and top.head.lemma_.lower() in cues.reporting_verbs and top.head.tag_ in ("VBD", "VBN")


def _has_conditional(tokens: list[Token], cues: ModalityCues) -> bool:
    for token in tokens:
        if _past_saying(token, cues):
            continue  # "If asked, the minister said, Paris would ...": the condition is what was said
        for child in token.children:
            if child.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in cues.conditional_marks for m in child.children):
                return True
            if child.dep_ == "mark" and child.lower_ in cues.conditional_marks:
                return True
    return False


def detect_modality(
    anchor: Token,
    trigger: set[int],
    cues: ModalityCues,
    negation_in_trigger: bool = False,
    future_is_asserted: bool = False,
    conditions: bool = True,
    statement: bool = False,
) -> str:
    """The modality of the event whose trigger's syntactic anchor is ``anchor``.

    ``negation_in_trigger``: the trigger's own negation and modal make it a refusal, not a
    negated event. ``future_is_asserted``: future modals and dates do not make it planned.
    ``conditions``: an if-clause makes it hypothetical (not for refusals: "will reject the
    plan if ..." refuses now). ``statement``: the trigger is an act of saying, which answering it
    does not undo (``response_governors``).
    """
    chain = _chain(anchor, cues, statement)
    top = chain.top
    tokens = [token for token, _ in chain.links]
    found = "negated" if _negative_governor(chain.reporter, cues) else "asserted"

    depth_now = 0
    #: The depth of the first wish or possibility passed ("proposal", "ready"): a negation above
    #: it ("did not respond to the proposal for talks") leaves the event hypothetical.
    unreal_from: int | None = None

    def claim(modality: str) -> None:
        nonlocal found
        if chain.detached is not None and depth_now >= chain.detached:
            return
        if modality == "negated" and unreal_from is not None and depth_now > unreal_from:
            modality = "hypothetical"
        if chain.adjunct is not None and depth_now >= chain.adjunct and modality != "planned":
            return
        if RANK[modality] > RANK[found]:
            found = modality

    scope = min((d for d in (chain.adjunct, chain.detached) if d is not None), default=None)
    if conditions and _has_conditional(tokens[:scope], cues):
        claim("hypothetical")
    if chain.reporter is not None and not _performative_let(chain.reporter, anchor, cues):
        keys = _keys(chain.reporter, None)
        if any(k in cues.hypothetical_governors for k in keys):
            claim("hypothetical")
        elif any(k in cues.planned_governors for k in keys):
            claim("planned")
    for depth, (token, via) in enumerate(chain.links):
        depth_now = depth
        wish = False
        if depth > 0 and token.i not in chain.siblings and not _performative_let(token, anchor, cues):
            keys = _keys(token, via, token.i in chain.controllers)
            if any(k in cues.negated_governors for k in keys):
                claim("negated")
            if any(k in cues.hypothetical_governors for k in keys):
                claim("hypothetical")
                # "did not rule out a meeting", "has no interest in talks": denying a wish or
                # a possibility leaves the event as unreal as before, not negated.
                wish = not any(k in cues.negated_governors for k in keys)
                if wish and unreal_from is None:
                    unreal_from = depth
            # the word an event is only the circumstance of: its own lemma's plan is for what it
            # governs ("agreed at a summit to open talks": the summit is not planned)
            host = chain.adjunct is not None and depth == chain.adjunct
            if any(k in cues.planned_governors for k in keys) and not host:
                claim("planned")
            if depth == 1 and via is not None and any(k in cues.sought_governors for k in keys):
                claim("hypothetical")
        own = negation_in_trigger and depth == 0
        for child in token.children:
            if child.i in trigger and negation_in_trigger:
                continue
            if wish and (child.dep_ == "neg" or (child.dep_ in ("det", "advmod") and child.lower_ in NEGATORS)):
                continue
            word = child.lower_
            dep = child.dep_
            if dep == "neg" or (dep in ("det", "advmod", "preconj") and word in NEGATORS):
                if not own:
                    claim("negated")
            elif dep in ("aux", "auxpass"):
                if word in cues.hypothetical_modals:
                    if not own:
                        reported = word == "would" and _reported_past(top, cues) and token.lemma_.lower() not in cues.stance_verbs
                        claim("planned" if reported else "hypothetical")
                elif (word in cues.planned_modals or word == "going") and not future_is_asserted:
                    claim("planned")
            elif dep in ("amod", "advmod", "compound", "npadvmod"):
                if word in cues.negated_modifiers:
                    claim("negated")
                elif word in cues.hypothetical_modifiers:
                    claim("hypothetical")
                elif word in cues.planned_modifiers:
                    claim("planned")
            elif dep == "dobj" and depth == 0 and word in ("nothing", "none"):
                claim("negated")  # "Moscow has said nothing"
            elif dep in ("nsubj", "nsubjpass") and token.pos_ in VERBAL and not own:
                # "nobody met them", "no officials met them"
                if word in NEGATIVE_SUBJECTS or (depth == 0 and any(g.dep_ == "det" and g.lower_ in NEGATORS for g in child.children)):
                    claim("negated")
            if dep in ("npadvmod", "prep", "pobj", "poss") and depth <= 1 and not future_is_asserted:
                if _future_time(child, cues):
                    claim("planned")
        if depth == 0 and token.pos_ not in VERBAL and not statement:
            # "a conference to be held in Vienna" (not "an appeal to disarm": what was appealed for)
            for child in token.children:
                if child.dep_ in ("acl", "relcl") and any(g.lower_ == "to" and g.dep_ == "aux" for g in child.children):
                    claim("planned")
    depth_now = 0
    if chain.irrealis:
        claim("hypothetical")
    return found


#: The first person a "let" of saying speaks in: "let me say", "let us stress".
FIRST_PERSON = frozenset({"me", "us"})


def _performative_let(let: Token, anchor: Token, cues: ModalityCues) -> bool:
    """"Let me say that ...", "let us stress ...": the speaker says it now, in saying it, so the
    statement is asserted (docs/guidelines.md), unlike the exhortation "let's talk" or the
    permission "they let him speak" (a "let" with a subject of its own is no imperative)."""
    if let.lemma_.lower() != "let" or anchor.lemma_.lower() not in cues.reporting_verbs:
        return False
    if any(c.dep_ in ("nsubj", "nsubjpass") for c in let.children):
        return False
    speakers = [c for c in (*anchor.children, *let.children) if c.dep_ in ("nsubj", "dobj")]
    return any(c.lower_ in FIRST_PERSON for c in speakers)


def _negative_governor(reporter: Token | None, cues: ModalityCues) -> bool:
    """"denied that they met": the clause's verb says it did not happen."""
    return reporter is not None and any(k in cues.negated_governors for k in _keys(reporter, None))


def _future_time(token: Token, cues: ModalityCues) -> bool:
    """"next week", "on Friday next week", "in the coming days" attached to the event."""
    if token.dep_ == "prep":
        return any(_future_time(obj, cues) for obj in token.children if obj.dep_ == "pobj")
    if token.ent_type_ not in ("DATE", "TIME"):
        return False
    return any(t.lower_ in cues.future_time_words for t in token.subtree)
