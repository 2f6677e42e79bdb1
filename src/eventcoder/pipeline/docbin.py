"""Gold records as a spaCy DocBin, for training spaCy components.

Each Doc is tokenized exactly as it was annotated (the answer's ``tokens``; a blank English
tokenizer when they are missing) and carries:

* ``doc.spans["events"]``: the triggers, labelled with the event type;
* ``doc.spans["arguments"]``: the argument mentions, labelled with their kind (ACTOR, ...);
  they may overlap (a content clause holds other spans);
* ``doc.user_data["events"]``: the gold events as in gold JSONL (type, modality, trigger and
  arguments with roles, character offsets), and ``doc.user_data["meta"]``.

Load with ``DocBin().from_disk(path).get_docs(nlp.vocab)``.
"""

from __future__ import annotations

import functools
from typing import Iterable

import spacy
from spacy.tokens import Doc, DocBin, Span
from spacy.vocab import Vocab

from eventcoder.core.formats import Gold
from eventcoder.core.vocabulary import Registry

EVENTS_KEY = "events"
ARGUMENTS_KEY = "arguments"


@functools.cache
def _tokenizer():
    return spacy.blank("en").tokenizer


def _tokens_fit(tokens: list | None, text: str) -> bool:
    return bool(tokens) and "".join(t["text"] + (" " if t["ws"] else "") for t in tokens) == text


def gold_doc(gold: Gold, registry: Registry, vocab: Vocab) -> Doc:
    record, text = gold.record, gold.record["text"]
    if _tokens_fit(gold.tokens, text):
        doc = Doc(vocab, words=[t["text"] for t in gold.tokens], spaces=[t["ws"] for t in gold.tokens])
    else:
        tokenized = _tokenizer()(text)
        doc = Doc(vocab, words=[t.text for t in tokenized], spaces=[bool(t.whitespace_) for t in tokenized])
    triggers: list[Span] = []
    arguments: dict[tuple, Span] = {}
    for event in record["events"]:
        trigger = event["trigger"]
        triggers.append(doc.char_span(trigger["start"], trigger["end"], label=event["label"], alignment_mode="expand"))
        for arg in event.get("arguments", []):
            kind = registry.kind_of(event["label"], arg["role"]) or arg["role"]
            arguments.setdefault((arg["start"], arg["end"], kind), doc.char_span(arg["start"], arg["end"], label=kind, alignment_mode="expand"))
    doc.spans[EVENTS_KEY] = triggers
    doc.spans[ARGUMENTS_KEY] = list(arguments.values())
    doc.user_data[EVENTS_KEY] = record["events"]
    doc.user_data["meta"] = record.get("meta", {})
    return doc


def gold_docbin(golds: Iterable[Gold], registry: Registry) -> DocBin:
    """A DocBin (with user data) of the gold records."""
    vocab = Vocab()
    docbin = DocBin(store_user_data=True)
    for gold in golds:
        docbin.add(gold_doc(gold, registry, vocab))
    return docbin
