"""A confidence per event from the token log-probabilities of the answer.

OpenAI-compatible servers (llama.cpp's among them) return, when asked with ``logprobs``,
each generated token with its log-probability. An event's score is the probability the model
gave to its type and trigger, as the geometric mean over the tokens that spell those two
values (``exp`` of their mean log-probability): a model that hesitated over whether this is a
MEETING, or over which word is the trigger, scores it lower. The values are found in the
answer text in order, one ``"type"`` and one ``"trigger"`` per event, as the answer schema
writes them; when they cannot be matched one to one with the events, no score is given.
"""

from __future__ import annotations

import math
import re

_VALUE = r'"{key}"\s*:\s*"((?:[^"\\]|\\.)*)"'


def _token_spans(tokens: list[dict]) -> list[tuple[int, int, float]] | None:
    """(start, end, logprob) of each token in the UTF-8 bytes of the answer."""
    spans, pos = [], 0
    for token in tokens:
        data = token.get("bytes")
        if isinstance(data, list):
            length = len(data)
        elif isinstance(token.get("token"), str):
            length = len(token["token"].encode("utf-8"))
        else:
            return None
        logprob = token.get("logprob")
        if not isinstance(logprob, (int, float)):
            return None
        spans.append((pos, pos + length, float(logprob)))
        pos += length
    return spans


def _value_spans(text: str, key: str) -> list[tuple[int, int]]:
    """Byte ranges of every ``"key": "value"`` value in ``text``, in order."""
    found = []
    for match in re.finditer(_VALUE.format(key=re.escape(key)), text):
        start = len(text[: match.start(1)].encode("utf-8"))
        found.append((start, start + len(match.group(1).encode("utf-8"))))
    return found


def event_scores(content: str, logprobs, n_events: int) -> list[float | None] | None:
    """One score per event of ``content`` (in order), or None when they cannot be given."""
    tokens = logprobs.get("content") if isinstance(logprobs, dict) else None
    if not tokens or not n_events:
        return None
    spans = _token_spans(tokens)
    if spans is None or spans[-1][1] != len(content.encode("utf-8")):
        return None  # the tokens do not spell the content: no safe alignment
    types, triggers = _value_spans(content, "type"), _value_spans(content, "trigger")
    if len(types) != n_events or len(triggers) != n_events:
        return None
    scores = []
    for ranges in zip(types, triggers):
        values = [lp for start, end, lp in spans if any(start < r_end and end > r_start for r_start, r_end in ranges)]
        scores.append(round(math.exp(sum(values) / len(values)), 4) if values else None)
    return scores
