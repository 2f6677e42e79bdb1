"""Trigger words: which units are worth a request, and hints for a small model's prompt.

The lexicon maps words to the event type they usually trigger: every type's typical
triggers from the registry (so plugin types count too) and a built-in list of words, with
their common inflections, that introduce meetings, statements, agreements and refusals, kept
wide on purpose. A token matches by its lower-cased form or its lemma.

- Routing (``-O llm.route=true``): a unit goes to the model only when a token matches (or a
  negation occurs: "will not send" is a refusal); a unit left out is an event missed for
  good, a unit sent for nothing costs only a request, so recall comes first.
  ``bench/llm_quality.py`` reports what it costs.
- Hints (Events.v2): each numbered sentence of a prompt is followed by the words of it that
  match, with their usual type, which a 1.5B model otherwise passes over when a sentence holds
  several events. They are candidates, not answers: the prompt says so.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from eventcoder.core.vocabulary import Registry

#: Built-in trigger words by the type they usually trigger (inflections listed: prompts of
#: examples are cut without a lemmatizer).
TYPED_WORDS = {
    "MEETING": """meet meets met meeting meetings talk talks talked visit visits visited host hosts hosted
        receive received discuss discusses discussed discussion discussions negotiate negotiated negotiation
        negotiations consult consulted consultations convene convened summit conference dialogue
        call phoned""",
    "STATEMENT": """say says said tell tells told state stated statement declare declared declaration
        announce announced stress stressed urge urged demand demanded accuse accused criticise criticised
        criticize criticized condemn condemned welcome welcomed express expressed warn warned insist insisted
        claim claimed confirm confirmed deny denied reply replied respond responded add added note noted
        praise praised pledge pledged promise promised vow vowed""",
    "AGREEMENT": """agree agrees agreed agreement agreements sign signs signed deal deals accord accords
        treaty ceasefire truce memorandum ratify ratified pact consensus convergence""",
    "REFUSAL": """refuse refuses refused refusal reject rejects rejected rejection decline declined veto
        vetoed block blocked boycott boycotted oppose opposed withdraw withdrew snub snubbed""",
}
#: Words that send a unit without hinting a type: a negated act may be a refusal.
NEGATIONS = frozenset({"not", "never", "no", "n't"})
#: Words whose lemma is a trigger word but which are not events: "according to" (lemma accord).
NOT_HINTED = frozenset({"according"})


class TriggerLexicon:
    """Trigger words and their usual types."""

    def __init__(self, typed: dict[str, str]):
        self.typed = {word.lower(): label for word, label in typed.items()}

    @classmethod
    def from_registry(cls, registry: Registry) -> "TriggerLexicon":
        typed = {}
        for label, words in TYPED_WORDS.items():
            if label in registry.types:
                typed.update(dict.fromkeys(words.split(), label))
        for etype in registry.types.values():
            for trigger in etype.triggers:
                words = trigger.lower().split()
                if len(words) == 1:  # "will not send": none of its words is a trigger alone
                    typed.setdefault(words[0], etype.name)
                elif not NEGATIONS & set(words):  # "convergence of views": its head word
                    typed.setdefault(words[0], etype.name)
        return cls(typed)

    def _label(self, token) -> str | None:
        return self.typed.get(token.lower_) or self.typed.get(token.lemma_.lower())

    def fires(self, doc: Doc) -> bool:
        """Whether ``doc`` is worth a request: a trigger word or a negation occurs."""
        return any(self._label(token) or token.lower_ in NEGATIONS for token in doc)

    def hints(self, sentence: Span) -> list[tuple[str, str]]:
        """``(word, usual type)`` for each matching token of ``sentence``, in order, once each."""
        found = []
        for token in sentence:
            if token.lower_ in NOT_HINTED:
                continue
            label = self._label(token)
            if label and (token.text, label) not in found:
                found.append((token.text, label))
        return found
