"""Slots: the words that fill a trigger's syntactic positions, read off the parse.

A :class:`Slots` object answers "which words are the subject / object / with-phrase ... of
this trigger" once per match; guards (``exclude``/``require``) and role filling both use it.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from eventcoder.extractors.rules import syntax
from eventcoder.extractors.rules.spans import (
    ACTOR_ENTS,
    PLACE_ENTS,
    PLACE_PREPS,
    TIME_ENTS,
    actor_head,
    entity_of,
    is_duration,
    occasion,
    place_of,
    trailing_speaker,
)

#: Prepositions whose object can be a date (PLACE_PREPS: those whose object a place).
TIME_PREPS = frozenset({"on", "in", "at", "during", "since", "until", "by", "from", "before", "after", "within", "for", "through", "throughout", "till"})
PERSONAL_PRONOUNS = frozenset({"i", "we", "you", "he", "she", "they", "us", "him", "her", "them", "me", "who"})


class Slots:
    """Fillers of the syntactic slots of one matched trigger."""

    def __init__(self, anchor: Token, tokens: list[Token], trigger: set[int], governors: frozenset[str], actor_nouns: set[str]):
        self.anchor, self.tokens, self.trigger, self.governors = anchor, tokens, trigger, governors
        self.actor_nouns = actor_nouns
        #: The trigger's sentence (``syntax.Regions``), for fillers found by position.
        self.limits: tuple[int, int] = (anchor.sent.start, anchor.sent.end)
        self._cache: dict[str, list[Token]] = {}
        self._governor: tuple[Token, Token | None] | None | bool = False
        #: Prepositional objects found under the trigger's object rather than the trigger.
        self.borrowed: set[int] = set()

    @property
    def governor(self) -> Token | None:
        """The light verb or preposition a noun trigger hangs from, if the pattern allows it."""
        if self._governor is False:
            self._governor = None
            if self.anchor.pos_ not in syntax.VERBAL:
                found = syntax.governor(self.anchor)
                if found is not None:
                    verb, prep = found
                    if verb.lemma_.lower() in self.governors or (prep is not None and prep.lower_ in self.governors):
                        self._governor = found
        return self._governor[0] if self._governor else None

    @property
    def head_verb(self) -> Token | None:
        """The verb a noun trigger is an argument of, allowed by the pattern or not."""
        if self.anchor.pos_ in syntax.VERBAL:
            return None
        found = syntax.governor(self.anchor)
        return found[0] if found is not None and found[0].pos_ in syntax.VERBAL else None

    def __getitem__(self, slot: str) -> list[Token]:
        if slot not in self._cache:
            found = [t for t in self._find(slot) if t.i not in self.trigger]
            self._cache[slot] = found
        return self._cache[slot]

    def _find(self, slot: str) -> list[Token]:
        anchor = self.anchor
        if slot in ("subject", "passive_subject"):
            deps = syntax.SUBJECT_DEPS if slot == "subject" else syntax.PASSIVE_SUBJECT_DEPS
            found, close = syntax.subject_of(anchor, deps)
            found = found if close else self._actors(found)
            if not found and slot == "subject":  # "X could block it, a source in Sofia said"
                speaker = trailing_speaker(anchor, self.limits)
                if speaker is not None and is_actor(speaker, self.actor_nouns):
                    return [speaker]
            return found
        if slot == "agent":
            return syntax.prep_objects([anchor], ("by",))
        if slot == "object":
            return syntax.children(anchor, ("dobj",))
        if slot == "dative":  # "gave a statement to reporters": the parser may call "to" the dative
            return [g for d in syntax.children(anchor, ("dative", "iobj"))
                    for g in ([c for c in d.children if c.dep_ == "pobj"] if d.pos_ == "ADP" else [d])]
        if slot == "xcomp":  # also a gerund the parser took for an adverbial: "ruled out sending troops"
            end = max(self.trigger) + 1
            return syntax.children(anchor, ("xcomp", "oprd")) + [
                c for c in anchor.children
                if c.dep_ == "advcl" and c.tag_ == "VBG" and c.i == end and not syntax.children(c, ("mark", "nsubj"))
            ]
        if slot == "clause":
            return syntax.children(anchor, ("ccomp",))
        if slot == "possessor":
            found = syntax.children(anchor, ("poss",))
            if found and all(t.pos_ == "PRON" for t in found) and self["governor_subject"]:
                return []  # "Brunei and Manila will hold their first meeting": "their" is the subject
            return found
        if slot == "compound":
            return _actor_modifiers(anchor)
        if slot == "modifier":
            return syntax.children(anchor, MODIFIER_DEPS | {"det", "nummod", "advmod"})
        if slot == "preceding":
            first = min(self.trigger)
            return [anchor.doc[first - 1]] if first > 0 else []
        if slot in ("governor_subject", "governor_object"):
            gov = self.governor
            if gov is None:
                return []
            if self._governor[1] is not None and self._holders():
                return []  # "signed an accord during a visit by the Lao premier": he makes the visit
            if slot == "governor_object":
                # "told her counterpart during a phone call", but "expressed concern during a phone
                # call" and "did not discuss Venezuela during the call": what the verb acts on
                objects = syntax.children(gov, ("dobj",))
                if self._governor[1] is None:
                    return objects
                return [t for t in objects if is_actor(actor_head(t), self.actor_nouns) and t.ent_type_ not in PLACE_ENTS]
            inside = {a.i for a in anchor.subtree}
            found, _ = syntax.subject_of(gov)
            return self._actors([t for t in found if t.i not in inside])
        if slot.startswith("prep:"):
            return self._prep(slot[5:].split("|"))
        return []

    def _holders(self) -> bool:
        """Whether a noun trigger names who holds it: "a visit by X", "a meeting of X's ministers",
        "X's summit" (not a pronoun, which stands for the subject)."""
        anchor = self.anchor
        if any(t.pos_ != "PRON" for t in syntax.children(anchor, ("poss",))):
            return True
        return any(is_actor(actor_head(t), self.actor_nouns) for t in syntax.prep_objects([anchor], ("by", "of")))

    def _prep(self, words: list[str]) -> list[Token]:
        found = syntax.prep_objects(self.tokens, words)
        if not found:  # "a memorandum of understanding on X"
            of_objects = [g for g in syntax.prep_objects(self.tokens, ("of",)) if g.pos_ in ("NOUN", "PROPN")]
            found = syntax.prep_objects(of_objects, words)
        if not found and self.governor is not None and self._governor[1] is None:
            found = syntax.prep_objects([self.governor], words)
        if not found:  # "informed the IOM leadership about X": attached to the object
            found = syntax.prep_objects(syntax.children(self.anchor, ("dobj",)), words)
            self.borrowed.update(t.i for t in found)
        return found

    def _actors(self, tokens: list[Token]) -> list[Token]:
        """Subjects found far from the trigger are trusted only when they name an actor."""
        return [t for t in tokens if is_actor(actor_head(t), self.actor_nouns)]


MODIFIER_DEPS = frozenset({"compound", "amod", "nmod"})


def _actor_modifiers(noun: Token) -> list[Token]:
    """Named actors modifying a noun trigger ("US-China talks", "the EU summit"), one per name."""
    found: list[Token] = []
    seen: set[int] = set()
    stack = [c for c in noun.children if c.i < noun.i and c.dep_ in MODIFIER_DEPS]
    while stack:
        token = stack.pop()
        ent = entity_of(token, ACTOR_ENTS)
        if ent is not None and ent.start not in seen:
            seen.add(ent.start)
            found.append(token)
        stack += [c for c in token.children if c.dep_ in MODIFIER_DEPS]
    return sorted(found, key=lambda t: t.i)


def word_matches(token: Token, values: frozenset[str], actor_nouns: set[str]) -> bool:
    """Does ``token`` match one of the ``exclude``/``require`` values (docs/patterns.md)?"""
    if token.lemma_.lower() in values or token.lower_ in values:
        return True
    if token.ent_type_ and f"ENT:{token.ent_type_}" in values:
        return True
    if f"POS:{token.pos_}" in values:
        return True
    return "ACTOR" in values and is_actor(token, actor_nouns)


def is_actor(token: Token, actor_nouns: set[str]) -> bool:
    """A word that can name an actor: a person, organisation or state, a name the tagger
    did not classify, a personal pronoun, or a word for an actor."""
    if token.ent_type_ in ACTOR_ENTS or (token.pos_ == "PROPN" and not token.ent_type_):
        return True
    if token.pos_ == "PRON":
        return token.lower_ in PERSONAL_PRONOUNS
    # the surface form too: the lemmatizer makes "media" "medium"
    return token.lemma_.lower() in actor_nouns or token.lower_ in actor_nouns


#: Prepositions of a noun trigger's complements, the last of which the parser often hangs the
#: event's place on: "talks between their ministers in Hua Hin", "a meeting of ASEAN ministers
#: in Jakarta", "a conference on maritime security in Tangier".
COMPLEMENT_PREPS = frozenset({"with", "between", "among", "of", "through", "on", "about", "over", "by"})


def _complements(slots: Slots, located: set[str]) -> list[Token]:
    """The objects of a noun trigger's complements (and their conjuncts, and an of-phrase under
    them), last in line for a place or time, and not nouns that are where they are ("talks on
    the insurgency in Cabo Delgado" are not held there)."""
    if slots.anchor.pos_ in syntax.VERBAL:
        return []
    found: list[Token] = []
    for obj in syntax.prep_objects(slots.tokens, COMPLEMENT_PREPS):
        for token in syntax.conjuncts(obj):
            found.append(token)
            found += syntax.prep_objects([token], ("of",))
    return [t for t in found if t.i not in slots.trigger and t.lemma_.lower() not in located]


def places_and_times(slots: Slots, limits: tuple[int, int], actors: list[Token] = (), objects: bool = True,
                     located: set[str] = frozenset()) -> list[tuple[str, Span]]:
    """("place", span) and ("time", span) attached to the trigger, its objects or governor.

    Looking one step below the trigger's objects (when ``objects``: the pattern reads its
    object as an actor) and its ``actors`` (the heads of its actor arguments) tolerates the
    parser attaching "in Geneva" to them ("met Putin in Geneva") rather than to the verb. A
    place inside an at/in phrase counts too: "said at a news conference in Moscow". A noun
    trigger's complements come last (``_complements``).
    """
    hosts = list(slots.tokens)
    if objects:
        for token in slots.tokens:
            hosts += [c for c in token.children if c.dep_ == "dobj" and c.i not in slots.trigger]
    hosts += [a for a in actors if a.i not in slots.trigger]
    if slots.head_verb is not None:
        hosts.append(slots.head_verb)
    # "will meet in Male on Thursday to discuss it", "will travel to Kinshasa to chair a summit"
    purpose = _purpose_of(slots.head_verb if slots.head_verb is not None else slots.anchor)
    if purpose is not None:
        hosts.append(purpose)
    travels = {h.i for h in hosts[-2:] if h.pos_ in syntax.VERBAL and h.lemma_.lower() in TRAVEL_VERBS and h.i not in slots.trigger}
    hosts += _complements(slots, located)
    found: list[tuple[str, Span]] = []
    seen: set[int] = set()
    for host in hosts:
        for child in host.children:
            if child.i in seen or child.i in slots.trigger or not limits[0] <= child.i < limits[1]:
                continue
            seen.add(child.i)
            if host.i in travels and child.dep_ in ("dobj", "prep") and (child.dep_ == "dobj" or child.lower_ == "to"):
                # the destination of a journey made for the event: "travel to Vientiane for talks"
                target = child if child.dep_ == "dobj" else next(iter(syntax.children(child, ("pobj",))), None)
                ent = entity_of(target, PLACE_ENTS) if target is not None else None
                if ent is not None:
                    found.append(("place", ent))
                continue
            if child.dep_ in ("npadvmod", "tmod", "poss"):  # "on Friday", "Monday's meeting"
                ent = entity_of(child, TIME_ENTS)
                if ent is not None and not is_duration(ent):
                    found.append(("time", ent))
            elif child.dep_ == "prep":
                word = child.lower_
                for obj in syntax.children(child, ("pobj",)):
                    ent = entity_of(obj, TIME_ENTS)
                    if ent is not None and word in TIME_PREPS:
                        if not is_duration(ent):  # "for months", "after 14 hours of talks"
                            found.append(("time", ent))
                        continue
                    ent = place_of(obj)
                    if ent is not None and word in PLACE_PREPS:
                        found.append(("place", ent))
                    elif word in OCCASION_PREPS and obj.pos_ == "NOUN" and obj.i not in slots.trigger:
                        found += occasion(obj)
    return found


#: Prepositions of an occasion the event happened at, whose place and date are the event's too
#: (corpus convention 9): "said at a news conference in Moscow", "signed during a visit to New
#: Delhi on Saturday", "said in a statement on Friday".
OCCASION_PREPS = frozenset({"at", "in", "during"})
#: Verbs of a journey whose destination ("to Vientiane", "visit Moscow") is where the event
#: they are made for takes place.
TRAVEL_VERBS = frozenset({"travel", "fly", "go", "come", "head", "journey", "return", "visit", "arrive"})


#: Verbs of meeting or going somewhere whose infinitive of purpose happens there and then
#: (not "agreed in Lima to resume talks", which the parser may hang the same way).
PURPOSE_HOSTS = TRAVEL_VERBS | {"meet", "gather", "convene", "assemble", "hold", "host"}


def _purpose_of(verb: Token) -> Token | None:
    """The verb an infinitive of purpose belongs to: "met in Male to discuss it" -> met."""
    if verb.pos_ not in syntax.VERBAL or verb.dep_ != "advcl" or verb.head.i == verb.i:
        return None
    if verb.head.lemma_.lower() not in PURPOSE_HOSTS:
        return None
    if not any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
        return None
    if any(c.dep_ in ("nsubj", "nsubjpass", "mark") for c in verb.children):
        return None
    return verb.head
