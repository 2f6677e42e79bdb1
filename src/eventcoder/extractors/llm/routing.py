"""Route only the units worth a request to the model: those where a trigger word occurs.

A unit goes to the model when one of its tokens' lemmas (or lower-cased forms) is in the
lexicon: every type's typical triggers from the registry (so plugin types route too) and a
built-in list of words that introduce meetings, statements, agreements and refusals, kept
wide on purpose (recall first: a unit left out is an event missed for good, a unit sent for
nothing costs only a request). ``bench/llm_quality.py`` reports what it costs in recall.
"""

from __future__ import annotations

from spacy.tokens import Doc

from eventcoder.core.vocabulary import Registry

#: Lemmas beyond the registry's triggers; any token with one of these sends its unit.
WORDS = frozenset("""
meet meeting talk talks visit host receive discuss discussion negotiate negotiation consult consultation
convene summit conference dialogue call phone hold gather session forum envoy delegation
say tell state statement declare declaration announce stress urge demand accuse criticise criticize
condemn welcome express concern warn note add insist claim confirm deny reply respond ask invite
propose proposal offer pledge promise vow suggest argue praise blame spokesman spokeswoman
agree agreement sign deal accord treaty ceasefire truce memorandum ratify reach pact settle
understanding consensus convergence commit endorse approve accept
refuse refusal reject rejection decline veto block boycott walk rule oppose withdraw snub
not never no
""".split())


class TriggerLexicon:
    """Whether a parsed unit mentions any trigger word."""

    def __init__(self, words: set[str] | frozenset[str]):
        self.words = frozenset(word.lower() for word in words)

    @classmethod
    def from_registry(cls, registry: Registry) -> "TriggerLexicon":
        words = set(WORDS)
        for etype in registry.types.values():
            for trigger in etype.triggers:
                words.update(trigger.lower().split())
        return cls(words)

    def fires(self, doc: Doc) -> bool:
        return any(token.lower_ in self.words or token.lemma_.lower() in self.words for token in doc)
