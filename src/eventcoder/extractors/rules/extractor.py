"""The ``rules`` extractor: trigger patterns over a real parse, arguments read off the tree."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterable, Iterator

import numpy
from spacy.attrs import LEMMA
from spacy.tokens import Doc, Span, Token

from eventcoder.core.errors import UserError
from eventcoder.core.formats import Argument, Mention, ProposedEvent
from eventcoder.core.vocabulary import EventType, Registry
from eventcoder.extractors import ExtractorContext
from eventcoder.extractors.rules.arguments import Slots, places_and_times, word_matches
from eventcoder.extractors.rules.matching import GatedDependencyMatcher, IndexedMatcher
from eventcoder.extractors.rules.modality import detect_modality
from eventcoder.extractors.rules.patterns import (
    BUILTIN_DIR,
    SENTENCE,
    PatternSet,
    TriggerPattern,
    load_patterns,
    split_slots,
)
from eventcoder.extractors.rules.score import (
    DEFAULT_SCORE,
    default_scorer,
    features,
    neighbour_features,
    parse_features,
)
from eventcoder.extractors.rules.senses import SenseChecks
from eventcoder.extractors.rules.spans import (
    PLACE_ENTS,
    TIME_ENTS,
    actor_spans,
    clause_span,
    entity_of,
    object_content,
    parenthetical_content,
    refused_head,
    subtree_span,
    topic_span,
    trailing_speaker,
    without_infinitive_to,
)
from eventcoder.extractors.rules.syntax import VERBAL, Regions

NAME = "rules"
#: Reported clauses of saying verbs, and the relations a parenthetical "X said" hangs by.
PARENTHETICAL_DEPS = frozenset({"parataxis", "ccomp"})
#: Role override of a place or time split off a topic: used only when the event has none.
FALLBACK = "fallback:"


class Rule:
    """A loaded pattern with its word lists turned into sets, ready to apply."""

    def __init__(self, pattern: TriggerPattern):
        self.pattern = pattern
        self.governors = frozenset(w.lower() for w in pattern.governors)
        self.places = frozenset(pattern.places)
        self.exclude = {tuple(split_slots(key)): _word_set(words) for key, words in pattern.exclude.items()}
        self.require = {tuple(split_slots(key)): _word_set(words) for key, words in pattern.require.items()}
        self.dep_names = [node["RIGHT_ID"] for node in pattern.dep_pattern] if pattern.dep_pattern else []


def _word_set(words: list[str]) -> frozenset[str]:
    """Lemmas lowercased; ``ENT:``/``POS:`` tests and ``ACTOR`` kept as written."""
    return frozenset(w if ":" in w or w == "ACTOR" else w.lower() for w in words)


class Match:
    """One trigger found in a doc: its tokens, anchor and slot fillers."""

    __slots__ = ("rule", "tokens", "anchor", "start", "end", "slots")

    def __init__(self, rule: Rule, tokens: list[Token], anchor: Token, actor_nouns: set[str]):
        self.rule, self.tokens, self.anchor = rule, tokens, anchor
        self.start = min(t.i for t in tokens)
        self.end = max(t.i for t in tokens) + 1
        self.slots = Slots(anchor, tokens, set(range(self.start, self.end)), rule.governors, actor_nouns)


def _context(match: Match) -> list[str]:
    """Where the trigger sits in the parse, for the score: its relation, the word it hangs from
    (the governor of a noun trigger), a noun's determiner, and whether it is reported speech."""
    anchor = match.anchor
    found = [f"dep={anchor.dep_}"]
    if anchor.pos_ in VERBAL:
        found.append(f"head={anchor.head.lemma_.lower() if anchor.head.i != anchor.i else 'ROOT'}")
    else:
        gov = match.slots.governor
        found.append(f"governor={gov.lemma_.lower() if gov is not None else 'none'}")
        det = next((c.lower_ for c in anchor.children if c.dep_ in ("det", "poss")), "none")
        found.append(f"det={det if det in ('the', 'a', 'an', 'no', 'none') else 'other'}")
    return found


class RuleExtractor:
    """Finds triggers with spaCy matchers and fills roles from the dependency parse."""

    name = NAME

    def __init__(self, registry: Registry, vocab, patterns: PatternSet):
        self.registry = registry
        self.patterns = patterns
        self.scorer = default_scorer()
        #: Lemma hash -> hash of the lemma lower-cased (see ``_lower_lemmas``).
        self._lowered: dict[int, int] = {}
        self.actor_nouns = patterns.lexicon["actor_nouns"]
        self.senses = SenseChecks(patterns.lexicon)
        self.located = patterns.lexicon.get("located_nouns", set())
        self.matcher = IndexedMatcher(vocab)
        self.dep_matcher = GatedDependencyMatcher(vocab)
        self.rules: dict[str, Rule] = {}
        for entry in patterns.patterns:
            self.rules[entry.id] = Rule(entry)
            try:
                if entry.pattern is not None:
                    self.matcher.add(entry.id, entry.pattern)
                else:
                    self.dep_matcher.add(entry.id, entry.dep_pattern)
            except (ValueError, KeyError, TypeError) as exc:
                message = " ".join(str(exc).split())
                raise UserError(f"{entry.source}:{entry.line}: pattern {entry.id!r}: invalid spaCy pattern: {message[:300]}") from None

    @classmethod
    def from_context(cls, context: ExtractorContext) -> "RuleExtractor":
        """Built-in and plugin patterns, or only the user's ``patterns`` folders when given."""
        if context.options.patterns:
            dirs = list(context.options.patterns)
        else:
            dirs = [BUILTIN_DIR, *context.registry.pattern_dirs]
        return cls(context.registry, context.nlp.vocab, load_patterns(dirs, context.registry))

    # -- matching ---------------------------------------------------------------------------

    def _candidates(self, doc: Doc) -> Iterator[Match]:
        strings = doc.vocab.strings
        for match_id, start, end, alignment in self.matcher(doc):
            rule = self.rules[strings[match_id]]
            by_position: dict[int, Token] = {}
            for token, position in zip(doc[start:end], alignment):
                by_position.setdefault(position, token)
            anchor = by_position.get(rule.pattern.anchor, doc[start])
            chosen = rule.pattern.trigger
            tokens = [by_position[p] for p in chosen if p in by_position] if chosen else list(doc[start:end])
            yield self._with_aux(rule, tokens or [anchor], anchor)
        for match_id, token_ids in self.dep_matcher(doc):
            rule = self.rules[strings[match_id]]
            by_name = {name: doc[i] for name, i in zip(rule.dep_names, token_ids)}
            ref = rule.pattern.anchor
            anchor = by_name.get(ref) if isinstance(ref, str) else doc[token_ids[ref]]
            chosen = rule.pattern.trigger or rule.dep_names
            tokens = [by_name[n] if isinstance(n, str) else doc[token_ids[n]] for n in chosen if not isinstance(n, str) or n in by_name]
            yield self._with_aux(rule, tokens, anchor or tokens[0])

    def _with_aux(self, rule: Rule, tokens: list[Token], anchor: Token) -> Match:
        if rule.pattern.include_aux:
            tokens = tokens + [c for c in anchor.children if c.dep_ in ("aux", "neg") and c.i < anchor.i and c.lower_ != "to"]
        return Match(rule, tokens, anchor, self.actor_nouns)

    def _admissible(self, match: Match, regions: Regions) -> bool:
        """The pattern's ``exclude`` and ``require`` guards."""
        rule = match.rule
        for slots, words in rule.exclude.items():
            if slots == (SENTENCE,):
                start, end = regions(match.anchor)
                fillers = list(match.anchor.doc[start:end])
            else:
                fillers = [t for slot in slots for t in match.slots[slot]]
            if any(word_matches(t, words, self.actor_nouns) for t in fillers):
                return False
        for slots, words in rule.require.items():
            if not any(word_matches(t, words, self.actor_nouns) for slot in slots for t in match.slots[slot]):
                return False
        return True

    def _matches(self, doc: Doc, regions: Regions) -> list[Match]:
        found = [m for m in self._candidates(doc) if self._admissible(m, regions)]
        suppressed = {t.i for m in found for slot in m.rule.pattern.suppress for t in m.slots[slot]}
        if suppressed:
            found = [m for m in found if m.anchor.i not in suppressed]
        # Overlapping triggers: higher priority, then longer, then earlier wins.
        found.sort(key=lambda m: (-m.rule.pattern.priority, -(m.end - m.start), m.start))
        kept: list[Match] = []
        for match in found:
            if all(match.end <= k.start or k.end <= match.start for k in kept):
                kept.append(match)
        return sorted(kept, key=lambda m: m.start)

    # -- arguments ----------------------------------------------------------------------------

    def _spans(self, match: Match, slot: str, kind: str, repeats: bool, limits: tuple[int, int],
               role_name: str = "") -> Iterator[tuple[str | None, Span]]:
        """(role override, span) for each filler of ``slot``; the override is "place", a
        ``FALLBACK`` place or time, or None."""
        slots, trigger = match.slots, match.slots.trigger
        if kind == "CONTENT":  # the quote ends before a speaker the parser hung inside it
            speaker = trailing_speaker(match.anchor, limits)
            if speaker is not None and speaker.i in {t.i for t in slots["subject"]}:
                limits = (limits[0], speaker.left_edge.i)
        if slot == "clause" and kind == "CONTENT":
            heads = slots["clause"]
            if not heads and slots.governor is not None:  # "said in a statement that ..."
                heads = [t for t in slots.governor.children if t.dep_ == "ccomp"]
            if heads:
                span = clause_span(heads[0], limits, trigger)
            elif self._parenthetical(match.anchor):
                span = parenthetical_content(match.anchor, limits, trigger)
            else:
                span = None
            if span is not None:
                yield None, span
            return
        for head in slots[slot]:
            if not limits[0] <= head.i < limits[1]:
                continue
            if kind in ("TOPIC", "CONTENT", "ACTOR") and head.ent_type_ in TIME_ENTS and slot.startswith("prep:"):
                continue  # "agreed on Thursday": a date, not what was agreed
            if kind == "ACTOR" and head.i in slots.borrowed:
                continue
            if (kind == "CONTENT" and slot == "object" and head.ent_type_ == "PERSON"
                    and match.anchor.lemma_ in self.patterns.cues.reporting_verbs):
                continue  # "Makei said as he met ... Amy Pope": a person is not what is said, a misparse
            if slot in match.rule.places and head.ent_type_ in PLACE_ENTS:
                place = entity_of(head, PLACE_ENTS)
                if place is not None:
                    yield "place", place
                continue
            if kind == "ACTOR":
                if head.pos_ in VERBAL:
                    continue
                if slot == "compound":
                    yield None, entity_of(head, frozenset({head.ent_type_}))
                    continue
                for span in actor_spans(head, limits, trigger, split=repeats):
                    yield None, span
            elif kind == "TIME":
                span = entity_of(head, TIME_ENTS)
                if span is not None:
                    yield None, span
            elif kind == "PLACE":
                span = entity_of(head, PLACE_ENTS) or subtree_span(head, limits, trigger)
                if span is not None:
                    yield None, span
            elif kind == "TOPIC":
                refused = role_name == "refused"
                if refused:
                    head = refused_head(head, self.patterns.cues.participation_governors)
                span, adjuncts = topic_span(head, limits, trigger, self.located, split=not refused)
                if refused:
                    span = without_infinitive_to(span, head)
                if span is not None:
                    yield None, span
                    for adjunct_role, adjunct in adjuncts:
                        yield FALLBACK + adjunct_role, adjunct
            elif kind == "CONTENT" and slot == "object":
                span = object_content(head, match.anchor, limits, trigger)
                if span is not None:
                    yield None, span
            else:
                span = clause_span(head, limits, trigger) if kind == "CONTENT" else subtree_span(head, limits, trigger, drop=frozenset())
                if span is not None:
                    yield None, span

    @staticmethod
    def _parenthetical(anchor: Token) -> bool:
        """"“We are ready,” Makei said": a reporting clause after the quote it comments on."""
        # "X, Y said as he met with ... Amy Pope": a person is never what is said, only a misparse
        if anchor.head.i >= anchor.i or any(c.dep_ in ("ccomp", "xcomp") or (c.dep_ == "dobj" and c.ent_type_ != "PERSON")
                                            for c in anchor.children):
            return False
        if anchor.dep_ in PARENTHETICAL_DEPS:
            return True
        # "Minsk receives signals ... but on condition of confidentiality, Makei said": the
        # parser coordinates the reporting clause with the clause it reports.
        return (
            anchor.dep_ == "conj"
            and anchor.head.pos_ in VERBAL
            and any(c.dep_ in ("nsubj", "nsubjpass") for c in anchor.children)
            and any(c.dep_ in ("nsubj", "nsubjpass") for c in anchor.head.children)
        )

    def _event(self, match: Match, etype: EventType, regions: Regions,
               refusal_anchors: frozenset[int] = frozenset()) -> tuple[ProposedEvent, list[str]]:
        doc = match.anchor.doc
        limits = regions(match.anchor)
        arguments: list[Argument] = []
        taken: set[tuple[str, int, int]] = set()

        def add(role_name: str, span: Span) -> None:
            role = etype.role(role_name)
            key = (role_name, span.start_char, span.end_char)
            if role is None or key in taken:
                return
            if not role.repeats and any(a.role == role_name for a in arguments):
                return
            taken.add(key)
            arguments.append(Argument(role=role_name, start=span.start_char, end=span.end_char, text=span.text))

        actor_tails: list[Span] = []
        fallbacks: list[tuple[str, Span]] = []
        # "refused to attend the summit", "would not attend the summit": who stays away is the
        # refuser, not a participant of the meeting held by others.
        governor = match.slots.governor
        stays_away = governor is not None and (governor.i in refusal_anchors
                                               or (governor.dep_ == "xcomp" and governor.head.i in refusal_anchors))
        for slot, role_name in match.rule.pattern.slots.items():
            if stays_away and slot == "governor_subject":
                continue
            role = etype.role(role_name)
            for override, span in self._spans(match, slot, role.kind, role.repeats, limits, role_name):
                if override is not None and override.startswith(FALLBACK):
                    fallbacks.append((override[len(FALLBACK):], span))
                    continue
                add(override or role_name, span)
                if role.kind == "ACTOR" and override is None:
                    actor_tails.append(span)
        # A name the parser hung outside the trigger's phrase ("said as he met with ... Amy Pope
        # in Geneva" makes "Pope" the object of "said") brings its place along.
        left, right = match.anchor.left_edge.i, match.anchor.right_edge.i
        actors = [doc[a_span.end - 1] for a_span in actor_tails if not left <= a_span.end - 1 <= right]
        object_role = etype.role(match.rule.pattern.slots.get("object", ""))
        objects = object_role is not None and object_role.kind == "ACTOR"  # not "said Amy Pope in Geneva"
        for role_name, span in places_and_times(match.slots, limits, actors, objects, self.located):
            if any(span.start_char < a.end and a.start < span.end_char for a in arguments if a.role != "content"):
                continue
            add(role_name, span)
        for role_name, span in fallbacks:
            if not any(a.role == role_name for a in arguments):
                add(role_name, span)
        pattern = match.rule.pattern
        modality = pattern.modality or detect_modality(
            match.anchor, match.slots.trigger, self.patterns.cues, pattern.negation_in_trigger, pattern.future_is_asserted,
            conditions=etype.name != "REFUSAL",  # docs/guidelines.md: refusals stay asserted under conditions
            statement=etype.name == "STATEMENT" and match.anchor.pos_ not in VERBAL,
        )
        span = doc[match.start : match.end]
        event = ProposedEvent(
            label=etype.name,
            trigger=Mention(start=span.start_char, end=span.end_char, text=span.text),
            arguments=arguments,
            modality=modality,
            score=DEFAULT_SCORE,
            extractors=[NAME],
        )
        names = features(
            event,
            pattern.id,
            match.anchor.lemma_.lower(),
            match.anchor.pos_,
            cued=pattern.modality is None and modality != "asserted",
            sentence_words=limits[1] - limits[0],
            context=_context(match) + parse_features(match.anchor, modality, limits, self.patterns.cues),
        )
        return event, names

    @contextmanager
    def _lower_lemmas(self, doc: Doc) -> Iterator[None]:
        """Patterns and word lists are lower-cased lemmas ("the Lisbon Treaty", "TALKS"): the
        doc's lemmas are lower-cased while the rules read it and put back afterwards, since
        other extractors share the doc."""
        if not len(doc):
            yield
            return
        original = doc.to_array([LEMMA])
        lowered = numpy.fromiter((self._lower_hash(h, doc.vocab.strings) for h in original.tolist()),
                                 dtype=original.dtype, count=len(original))
        if numpy.array_equal(lowered, original):
            yield
            return
        doc.from_array([LEMMA], lowered.reshape(-1, 1))
        try:
            yield
        finally:
            doc.from_array([LEMMA], original.reshape(-1, 1))

    def _lower_hash(self, value: int, strings) -> int:
        lowered = self._lowered.get(value)
        if lowered is None:
            text = strings[value]
            lowered = self._lowered[value] = value if text.islower() or not text else strings.add(text.lower())
        return lowered

    def proposals(self, doc: Doc) -> list[tuple[ProposedEvent, list[str]]]:
        """The events of one parsed doc in text order, each with its score features."""
        found = []
        regions = Regions(doc)
        with self._lower_lemmas(doc):
            matches = self._matches(doc, regions)
            refusals = [m for m in matches if m.rule.pattern.type == "REFUSAL"]
            refusal_anchors = frozenset(m.anchor.i for m in refusals)
            for match in matches:
                etype = self.registry.types.get(match.rule.pattern.type)
                if etype is None:
                    continue
                proposal = self._event(match, etype, regions, refusal_anchors)
                if self.senses.keep(doc, proposal[0], match.anchor, match.slots.governor is not None):
                    found.append(proposal)
            neighbour_features(doc, found, regions)
        return found

    def events(self, doc: Doc) -> list[ProposedEvent]:
        """The events of one parsed doc, in text order, scored (:mod:`.score`)."""
        events = []
        for event, names in self.proposals(doc):
            if self.scorer is not None:
                event.score = self.scorer(names)
            events.append(event)
        return events

    def extract(self, docs: Iterable[Doc]) -> Iterator[list[ProposedEvent]]:
        for doc in docs:
            yield self.events(doc)
