"""The numbered sentences a prompt shows and a response refers to by number."""

from __future__ import annotations

from spacy.tokens import Doc, Span


def numbered_sentences(doc: Doc) -> list[Span]:
    """The doc's sentences that hold more than whitespace, numbered from 0 in this order.

    A doc without sentence boundaries (no parser, senter or sentencizer ran) is one sentence.
    """
    sentences = list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]
    return [sent for sent in sentences if sent.text.strip()]


def sentence_lines(sentences: list[Span]) -> str:
    """``[0] First sentence.`` lines, inner line breaks folded to spaces."""
    return "\n".join(f"[{i}] {' '.join(sent.text.split())}" for i, sent in enumerate(sentences))
