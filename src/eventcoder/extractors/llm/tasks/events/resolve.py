"""From normalised event items to events with character offsets, checked against the registry.

A text the model names may occur several times, so it is looked up where the model said:

- a **trigger** in its stated sentence (else the nearest sentence holding it); among several
  occurrences there, the first one no earlier event of the same type took, so "He said ...
  and she said ..." gives two events on the two "said";
- an **argument** at its occurrence nearest to the event's trigger, in the trigger's sentence
  when it occurs there (arguments stay in the trigger's sentence), else anywhere.

Matching is exact first, then case-insensitive, then without surrounding quotes and final
punctuation; whitespace may differ (prompts fold line breaks) and a match must not start or
end inside a word. An argument found nowhere is snapped to the most alike token span of the
trigger's sentence when it is a near miss (:func:`near_miss`). Offsets are snapped outward to whole tokens. Nothing the model says can
raise: unknown types and modalities, roles the type lacks, a non-repeating role given twice,
texts not in the doc and duplicates are dropped, each with a reason and what the model said.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from eventcoder.core.vocabulary import MODALITIES, EventType, Registry
from eventcoder.extractors.llm.responses import clip
from eventcoder.extractors.llm.tasks.events.parser import normalise_item
from eventcoder.pipeline.tasks import snap_to_tokens

#: ``doc.user_data`` key of a parsed doc's ``{"events": [...], "dropped": [...]}``.
RESULT_KEY = "eventcoder.llm"
#: Items of one answer that are read; a model that loops lists thousands.
MAX_ITEMS = 200
#: How alike (difflib ratio) an argument text must be to a span of its sentence when it is not
#: in the text as written.
NEAR_MISS = 0.85
#: Characters of JSON kept of what the model said for a dropped item.
SAID_LIMIT = 500


@dataclass
class Resolved:
    """Events (gold format, offsets into the doc) and what was dropped, as JSON-ready dicts."""

    events: list[dict] = field(default_factory=list)
    dropped: list[dict] = field(default_factory=list)


_QUOTES = "\"'“”‘’«»`"


def _patterns(text: str) -> list[re.Pattern]:
    """Patterns for ``text``, strictest first."""
    variants = [text]
    trimmed = text.strip(_QUOTES + " ").rstrip(".,;:!?").strip(_QUOTES + " ")
    if trimmed and trimmed != text:
        variants.append(trimmed)
    patterns = []
    for variant in variants:
        body = r"\s+".join(re.escape(word) for word in variant.split())
        if not body:
            continue
        # Do not start or end inside a word: "Belarus" must not match in "Belarusian".
        left = r"(?<!\w)" if re.match(r"\w", variant[0]) else ""
        right = r"(?!\w)" if re.search(r"\w$", variant) else ""
        patterns.append(re.compile(left + body + right))
        patterns.append(re.compile(left + body + right, re.IGNORECASE))
    return patterns


def _occurrences(doc: Doc, text: str) -> list[Span]:
    """Token spans where ``text`` occurs, by the strictest pattern that finds any."""
    for pattern in _patterns(text):
        spans = [snap_to_tokens(doc, m.start(), m.end()) for m in pattern.finditer(doc.text)]
        spans = [span for span in spans if span is not None]
        if spans:
            return list({(s.start, s.end): s for s in spans}.values())
    return []


def _sentence_of(span: Span, sentences: list[Span]) -> int | None:
    for i, sent in enumerate(sentences):
        if sent.start <= span.start < sent.end:
            return i
    return None


def _mention(span: Span) -> dict:
    return {"start": span.start_char, "end": span.end_char, "text": span.text}


def _distance(a: Span, b: Span) -> int:
    return max(0, a.start_char - b.end_char, b.start_char - a.end_char)


def _etype(registry: Registry, labels: set[str], name: str) -> EventType | None:
    name = name.upper()
    return registry.types.get(name) if name in labels else None


def resolve(items: list, doc: Doc, sentences: list[Span], registry: Registry, labels: set[str]) -> Resolved:
    """Place each item of a model's events list in ``doc``."""
    result = Resolved()
    taken: set[tuple[str, int, int]] = set()  # (type, token start, token end) of placed triggers

    def drop(reason: str, said) -> None:
        text = json.dumps(said, ensure_ascii=False)
        result.dropped.append({"reason": reason, "said": said if len(text) <= SAID_LIMIT else clip(text, SAID_LIMIT)})

    if len(items) > MAX_ITEMS:
        drop(f"{len(items) - MAX_ITEMS} more items not read (at most {MAX_ITEMS} per answer)", None)
        items = items[:MAX_ITEMS]

    for raw in items:
        item = normalise_item(raw)
        if item is None:
            drop("not an event object", raw)
            continue
        etype = _etype(registry, labels, item["type"])
        if etype is None:
            drop(f"unknown event type {item['type']!r}", raw)
            continue
        if item["modality"] not in MODALITIES:
            drop(f"unknown modality {item['modality']!r}", raw)
            continue
        item["trigger"] = _without_type_name(item["trigger"], registry)
        if (item["trigger"] or "").strip().lower() in NOT_TRIGGERS:
            drop("not an event (guidelines: \"according to\")", raw)
            continue
        trigger = _place_trigger(doc, sentences, item, etype.name, taken)
        if trigger is None:
            drop("trigger not in the text" if item["trigger"] else "no trigger", raw)
            continue
        key = (etype.name, trigger.start, trigger.end)
        if key in taken:
            drop("duplicate event", raw)
            continue
        taken.add(key)
        sentence = _sentence_of(trigger, sentences)
        arguments: list[dict] = []
        for arg in item["arguments"]:
            said = {"type": etype.name, "trigger": item["trigger"], **arg}
            role = etype.role(arg["role"])
            if role is None:
                drop(f"{etype.name} has no role {arg['role']!r}", said)
                continue
            span = _place_argument(doc, sentences, arg["text"], trigger, sentence) if arg["text"] else None
            if span is None:
                drop("argument not in the text" if arg["text"] else "empty argument", said)
                continue
            placed = {"role": role.name, **_mention(span)}
            if placed in arguments:
                drop("duplicate argument", said)
            elif not role.repeats and any(a["role"] == role.name for a in arguments):
                drop(f"role {role.name!r} of {etype.name} does not repeat", said)
            else:
                arguments.append(placed)
        event = {"label": etype.name, "modality": item["modality"], "trigger": _mention(trigger), "arguments": arguments}
        if item.get("score") is not None:  # the model's own confidence (client/scoring.py)
            event["score"] = item["score"]
        result.events.append(event)
    return result


#: Words the guidelines name as never events, which small models still propose.
NOT_TRIGGERS = frozenset({"according", "according to"})


def _without_type_name(text: str, registry: Registry) -> str:
    """A small model copies the prompt's hints ("said STATEMENT"): the trigger without that
    upper-case type name (a lower-case "agreement" is text, and stays)."""
    head, _, last = (text or "").rpartition(" ")
    return head if head.strip() and last in registry.types else text


def _place_trigger(doc, sentences, item, label, taken) -> Span | None:
    found = _occurrences(doc, item["trigger"]) if item["trigger"] else []
    if not found:
        return None
    stated = item["sentence"] if item["sentence"] is not None and 0 <= item["sentence"] < len(sentences) else None
    by_sentence: dict[int | None, list[Span]] = {}
    for span in found:
        by_sentence.setdefault(_sentence_of(span, sentences), []).append(span)
    if stated is None:
        chosen = found
    else:
        nearest = min(by_sentence, key=lambda i: (abs(i - stated), i) if i is not None else (len(sentences), 0))
        chosen = by_sentence[nearest]
    free = [span for span in chosen if (label, span.start, span.end) not in taken]
    return (free or chosen)[0]


def near_miss(sent: Span, text: str, threshold: float = NEAR_MISS) -> Span | None:
    """The token span of ``sent`` most like ``text`` (a small model's slip: "Ministers of Chile"
    for "Ministers from Chile"), when it is alike enough: difflib's ratio of the lower-cased
    texts at least ``threshold``, and about as many tokens."""
    wanted = " ".join(text.lower().split())
    n = len(text.split())
    if not wanted or n > 30:
        return None
    best, best_ratio = None, threshold
    for size in range(max(1, n - 2), n + 3):
        for start in range(sent.start, sent.end - size + 1):
            span = sent.doc[start : start + size]
            ratio = difflib.SequenceMatcher(None, wanted, " ".join(span.text.lower().split())).ratio()
            if ratio > best_ratio:
                best, best_ratio = span, ratio
    return best


def _place_argument(doc, sentences, text, trigger: Span, sentence: int | None) -> Span | None:
    found = _occurrences(doc, text)
    if not found and sentence is not None:  # not in the text as written: a near miss in its sentence
        close = near_miss(sentences[sentence], text)
        return close
    if sentence is not None:
        sent = sentences[sentence]
        inside = [span for span in found if sent.start <= span.start and span.end <= sent.end]
        found = inside or found
    return min(found, key=lambda span: (_distance(span, trigger), span.start), default=None)
