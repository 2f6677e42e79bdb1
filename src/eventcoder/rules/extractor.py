"""The ``rules`` extractor: trigger patterns over a real parse, arguments read off the tree."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

from spacy.matcher import DependencyMatcher, Matcher
from spacy.tokens import Doc, Span, Token

from ..extractors import ExtractorContext
from ..model import Argument, Mention, ProposedEvent
from ..schema import EventType, Registry
from . import syntax
from .modality import detect_modality
from .patterns import BUILTIN_DIR, PatternSet, TriggerPattern, load_patterns

NAME = "rules"


class Match:
    """One trigger found in a doc."""

    __slots__ = ("pattern", "tokens", "anchor")

    def __init__(self, pattern: TriggerPattern, tokens: list[Token], anchor: Token):
        self.pattern, self.tokens, self.anchor = pattern, tokens, anchor

    @property
    def start(self) -> int:
        return min(t.i for t in self.tokens)

    @property
    def end(self) -> int:
        return max(t.i for t in self.tokens) + 1


class RuleExtractor:
    """Finds triggers with spaCy matchers and fills roles from the dependency parse."""

    name = NAME

    def __init__(self, registry: Registry, vocab, patterns: PatternSet):
        self.registry = registry
        self.patterns = patterns
        self.matcher = Matcher(vocab)
        self.dep_matcher = DependencyMatcher(vocab)
        self._by_key: dict[str, TriggerPattern] = {}
        for entry in patterns.patterns:
            self._by_key[entry.id] = entry
            if entry.pattern is not None:
                self.matcher.add(entry.id, [entry.pattern])
            else:
                self.dep_matcher.add(entry.id, [entry.dep_pattern])

    @classmethod
    def from_context(cls, context: ExtractorContext) -> "RuleExtractor":
        option = context.options.get("patterns")
        if option:
            dirs = [Path(p) for p in (option if isinstance(option, (list, tuple)) else [option])]
        else:
            dirs = [BUILTIN_DIR, *context.registry.pattern_dirs]
        return cls(context.registry, context.nlp.vocab, load_patterns(dirs, context.registry))

    # -- matching ---------------------------------------------------------------------------

    def _matches(self, doc: Doc) -> list[Match]:
        found: list[Match] = []
        for match_id, start, end in self.matcher(doc):
            entry = self._by_key[doc.vocab.strings[match_id]]
            tokens = list(doc[start:end])
            anchor = tokens[entry.anchor] if isinstance(entry.anchor, int) else tokens[0]
            if entry.trigger:
                tokens = [tokens[i] for i in entry.trigger if isinstance(i, int)]
            found.append(Match(entry, tokens, anchor))
        for match_id, token_ids in self.dep_matcher(doc):
            entry = self._by_key[doc.vocab.strings[match_id]]
            names = [node["RIGHT_ID"] for node in entry.dep_pattern]
            by_name = dict(zip(names, (doc[i] for i in token_ids)))
            anchor = by_name.get(entry.anchor) if isinstance(entry.anchor, str) else doc[token_ids[entry.anchor]]
            chosen = entry.trigger or names
            tokens = [by_name[n] for n in chosen if n in by_name]
            found.append(Match(entry, tokens, anchor or tokens[0]))
        for match in found:
            if match.pattern.include_aux:
                match.tokens += [c for c in match.anchor.children if c.dep_ in ("aux", "neg") and c.i < match.anchor.i]
        # Overlapping triggers: higher priority, then longer, then earlier wins.
        found.sort(key=lambda m: (-m.pattern.priority, -(m.end - m.start), m.start))
        kept: list[Match] = []
        for match in found:
            if all(match.end <= k.start or k.end <= match.start for k in kept):
                kept.append(match)
        return sorted(kept, key=lambda m: m.start)

    # -- arguments ----------------------------------------------------------------------------

    def _slot_heads(self, slot: str, match: Match, trigger: set[int]) -> list[Token]:
        anchor = match.anchor
        if slot == "subject":
            return syntax.subject_of(anchor)
        if slot == "passive_subject":
            return syntax.children(anchor, ("nsubjpass",))
        if slot == "agent":
            return syntax.prep_objects([anchor], "by", trigger)
        if slot == "object":
            return [t for t in syntax.children(anchor, ("dobj",)) if t.i not in trigger]
        if slot == "dative":
            return syntax.children(anchor, ("dative", "iobj"))
        if slot == "xcomp":
            return syntax.children(anchor, ("xcomp",))
        if slot == "possessor":
            return syntax.children(anchor, ("poss",))
        if slot == "compound":
            return [t for t in syntax.children(anchor, ("compound",)) if t.i not in trigger and t.ent_type_]
        if slot in ("governor_subject", "governor_object"):
            gov = syntax.governor(anchor)
            if gov is None:
                return []
            if slot == "governor_subject":
                return syntax.subject_of(gov)
            return [t for t in syntax.children(gov, ("dobj",)) if t.i not in trigger]
        if slot.startswith("prep:"):
            word = slot[5:]
            tokens = [t for t in match.tokens]
            found = syntax.prep_objects(tokens, word, trigger)
            if not found and anchor.pos_ in ("NOUN", "PROPN"):
                gov = syntax.governor(anchor)
                if gov is not None and gov.pos_ in ("VERB", "AUX"):
                    found = syntax.prep_objects([gov], word, trigger)
            return found
        return []

    def _mentions(self, role_kind: str, heads: list[Token], repeats: bool, trigger: set[int]) -> list[Span]:
        spans: list[Span] = []
        if role_kind == "ACTOR":
            expanded = [c for h in heads for c in syntax.conjuncts(h)] if repeats else heads
            for head in expanded:
                span = syntax.actor_phrase(head) if repeats else syntax.phrase(head, drop={"punct", "relcl", "appos", "acl", "advcl", "parataxis"}, exclude=trigger)
                if span is not None:
                    spans.append(span)
        else:
            for head in heads:
                span = syntax.phrase(head, exclude=trigger)
                if span is not None:
                    spans.append(span)
        return [s for s in spans if not any(s.start <= i < s.end for i in trigger)]

    def _event(self, match: Match, etype: EventType) -> ProposedEvent:
        doc = match.anchor.doc
        trigger = set(range(match.start, match.end))
        arguments: list[Argument] = []
        used: set[tuple[str, int, int]] = set()

        def add(role: str, span: Span) -> None:
            key = (role, span.start_char, span.end_char)
            if key in used:
                return
            used.add(key)
            arguments.append(Argument(role=role, start=span.start_char, end=span.end_char, text=span.text))

        for slot, role_name in match.pattern.slots.items():
            role = etype.role(role_name)
            if role is None:
                continue
            if slot == "clause":
                clause = syntax.clause_of(match.anchor, trigger)
                if clause is not None:
                    add(role_name, clause)
                continue
            heads = self._slot_heads(slot, match, trigger)
            for span in self._mentions(role.kind, heads, role.repeats, trigger):
                if not role.repeats and any(a.role == role_name for a in arguments):
                    break
                add(role_name, span)
        for role_name, span in syntax.places_and_times(match.tokens, trigger):
            if etype.role(role_name) and not any(a.role == role_name for a in arguments):
                if not any(span.start_char < a.end and a.start < span.end_char for a in arguments if a.role != "content"):
                    add(role_name, span)
        if match.pattern.modality:
            modality = match.pattern.modality
        else:
            modality = detect_modality(match.anchor, trigger, self.patterns.cues, match.pattern.negation_in_trigger)
        span = doc[match.start : match.end]
        return ProposedEvent(
            label=etype.name,
            trigger=Mention(start=span.start_char, end=span.end_char, text=span.text),
            arguments=arguments,
            modality=modality,
            score=0.9 if modality in ("asserted", "planned") else 0.6,
            extractors=[NAME],
        )

    def events(self, doc: Doc) -> list[ProposedEvent]:
        events = []
        for match in self._matches(doc):
            etype = self.registry.types.get(match.pattern.type)
            if etype is not None:
                events.append(self._event(match, etype))
        return events

    def extract(self, docs: Iterable[Doc]) -> Iterator[list[ProposedEvent]]:
        for doc in docs:
            yield self.events(doc)
