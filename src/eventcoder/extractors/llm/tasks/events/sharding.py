"""Long docs: shards that fit the model's context, cut on sentence boundaries, merged back.

spacy-llm shards a doc when the model reports a ``context_length`` and the rendered prompt is
too long. Its own mapper halves docs by token count, cutting inside sentences, and its
reducers rebuild the doc with ``ensure_whitespace=True``, which can shift every later offset.
Here whole sentences are packed greedily into each shard, a shard remembers where it starts
in the doc, and the reducer shifts each shard's events by that offset, so events come back at
the doc's own offsets. Prompt size is estimated, as spacy-llm does, without the model's
tokenizer (see :func:`estimate_tokens`).
"""

from __future__ import annotations

import logging
import math
import warnings
from typing import Callable, Iterable, Optional

from spacy.tokens import Doc

from eventcoder.extractors.llm.tasks.events.resolve import RESULT_KEY
from eventcoder.extractors.llm.tasks.events.sentences import numbered_sentences

logger = logging.getLogger(__name__)

#: ``shard.user_data`` key: character offset of the shard in its doc.
SHARD_OFFSET = "eventcoder.shard_offset"


def estimate_tokens(text: str) -> int:
    """Approximate model tokens in ``text``: 1.3 per word or 1 per 4 characters, whichever is more.

    Words * 1.3 fits English prose; JSON in the examples has more tokens per word.
    """
    return math.ceil(max(len(text.split()) * 1.3, len(text) / 4))


def _piece(doc: Doc, start: int, end: int) -> Doc:
    shard = doc[start:end].as_doc(copy_user_data=True)
    shard.user_data[SHARD_OFFSET] = doc[start].idx
    return shard


def make_sentence_shard_mapper(
    n_token_estimator: Optional[Callable[[str], int]] = None,
    buffer_frac: float = 1.1,
    answer_tokens: int = 1024,
) -> Callable:
    """A spacy-llm shard mapper packing whole sentences into prompts that fit the context.

    A prompt fits when ``estimate(prompt) * buffer_frac + answer_tokens <= context_length``
    (the answer shares the context). A single sentence too long for any prompt is sent alone.
    """
    estimate = n_token_estimator or estimate_tokens

    def map_doc_to_shards(
        doc: Doc, i_doc: int, context_length: int, render_template: Callable[[Doc, int, int, int], str]
    ) -> Iterable[Doc]:
        budget = (context_length - answer_tokens) / buffer_frac
        if estimate(render_template(doc, 0, i_doc, 1)) <= budget:
            return [doc]
        sentences = list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]
        # Prompt cost = a fixed part (instructions, examples) + one numbered line per sentence.
        first = _piece(doc, sentences[0].start, sentences[0].end)
        lines = numbered_sentences(first)
        fixed = estimate(render_template(first, 0, i_doc, 1)) - sum(
            estimate(f"[{i}] {line.text}") for i, line in enumerate(lines)
        )
        shards: list[Doc] = []
        start, cost, n_lines = sentences[0].start, fixed, 0
        for sent in sentences:
            line = estimate(f"[{n_lines}] {sent.text}") if sent.text.strip() else 0
            if n_lines and cost + line > budget:
                shards.append(_piece(doc, start, sent.start))
                start, cost, n_lines = sent.start, fixed, 0
                line = estimate(f"[0] {sent.text}")
            if line and fixed + line > budget:
                logger.warning("a sentence of %d tokens does not fit the context; sent alone", line)
            cost += line
            n_lines += 1 if line else 0
        shards.append(_piece(doc, start, len(doc)))
        return shards

    return map_doc_to_shards


def reduce_shards(task, shards: Iterable[Doc]) -> Doc:
    """One doc from its shards, their events shifted to the doc's offsets."""
    shards = list(shards)
    if len(shards) == 1 and SHARD_OFFSET not in shards[0].user_data:
        return shards[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # from_docs skips our user_data keys, and says so
        doc = Doc.from_docs(shards, ensure_whitespace=False)
    events, dropped, failed = [], [], []
    for i, shard in enumerate(shards):
        offset = shard.user_data.get(SHARD_OFFSET, 0)
        result = shard.user_data.get(RESULT_KEY) or {}
        events.extend(_shifted(event, offset) for event in result.get("events", []))
        dropped.extend({**item, "shard": i} for item in result.get("dropped", []))
        failed.extend(f"shard {i}: {reason}" for reason in result.get("failed", []))
    doc.user_data[RESULT_KEY] = {"events": events, "dropped": dropped, **({"failed": failed} if failed else {})}
    return doc


def _shifted(event: dict, offset: int) -> dict:
    def move(mention: dict) -> dict:
        return {**mention, "start": mention["start"] + offset, "end": mention["end"] + offset}

    return {**event, "trigger": move(event["trigger"]), "arguments": [move(a) for a in event["arguments"]]}
