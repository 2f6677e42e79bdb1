"""The numbered sentences a prompt shows and a response refers to by number."""

from __future__ import annotations

from typing import Callable

from spacy.tokens import Doc, Span


def numbered_sentences(doc: Doc) -> list[Span]:
    """The doc's sentences that hold more than whitespace, numbered from 0 in this order.

    A doc without sentence boundaries (no parser, senter or sentencizer ran) is one sentence.
    """
    sentences = list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]
    return [sent for sent in sentences if sent.text.strip()]


def sentence_texts(sentences: list[Span], hint: Callable[[Span], str] | None = None) -> list[str]:
    """Each sentence's text, inner line breaks folded to spaces, and its ``hint`` if any."""
    return [" ".join(sent.text.split()) + (hint(sent) if hint else "") for sent in sentences]


def sentence_lines(sentences: list[Span], hint: Callable[[Span], str] | None = None) -> str:
    """``[0] First sentence.`` lines (see :func:`sentence_texts`)."""
    return "\n".join(f"[{i}] {text}" for i, text in enumerate(sentence_texts(sentences, hint)))
