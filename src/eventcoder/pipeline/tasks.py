"""Tasks: from a spaCy window and proposed events to a Prodigy-format task, and back.

``make_task`` lays events out as non-overlapping ``spans`` (triggers labelled with their event
type, argument mentions labelled with their kind) and ``relations`` (trigger -> mention,
labelled with the role). Arguments that would overlap another span (a statement's content
clause, say) keep their role in ``overlapping_relations``. ``events_from_task`` is the one
function that turns spans and relations back into events: extraction, validation and export
all use it, so what a reviewer edits is what gets exported.
"""

from __future__ import annotations

from typing import Iterable

from spacy.tokens import Span as SpacySpan

from eventcoder.core.formats import ProposedEvent
from eventcoder.core.vocabulary import Registry
from eventcoder.pipeline.hashing import set_hashes

DEFAULT_VIEW_ID = "relations"


def _span_dict(span: SpacySpan, window: SpacySpan, label: str) -> dict:
    return {
        "start": span.start_char - window.start_char,
        "end": span.end_char - window.start_char,
        "token_start": span.start - window.start,
        "token_end": span.end - 1 - window.start,
        "label": label,
    }


def snap_to_tokens(doc, start: int, end: int) -> SpacySpan | None:
    """The tokens covering characters [start, end) of ``doc``, without edge spaces, or None."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    first, last = span.start, span.end
    while first < last and doc[first].is_space:
        first += 1
    while last > first and doc[last - 1].is_space:
        last -= 1
    return doc[first:last] if first < last else None


def _snap(window: SpacySpan, start: int, end: int) -> SpacySpan | None:
    """Like :func:`snap_to_tokens`, but None unless the result lies inside ``window``."""
    if start < window.start_char or end > window.end_char or start >= end:
        return None
    span = snap_to_tokens(window.doc, start, end)
    if span is None or span.start < window.start or span.end > window.end:
        return None
    return span


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def tokens_of(window: SpacySpan) -> list[dict]:
    base = window.start_char
    return [
        {
            "text": token.text,
            "start": token.idx - base,
            "end": token.idx + len(token.text) - base,
            "id": token.i - window.start,
            "ws": bool(token.whitespace_),
        }
        for token in window
    ]


def make_task(
    window: SpacySpan,
    events: Iterable[ProposedEvent],
    meta: dict,
    registry: Registry,
    view_id: str = DEFAULT_VIEW_ID,
) -> dict:
    """Build the task for ``window`` (a sentence, or ``doc[:]``) from doc-level ``events``.

    Event offsets are characters into ``window.doc``; they are snapped outward to token
    boundaries. Events whose trigger lies outside the window are left out; arguments outside
    it are dropped (arguments stay in the trigger's sentence).
    """
    triggers: dict[tuple[int, int], dict] = {}
    placed: list[tuple[int, int]] = []
    laid_out: list[tuple[dict, ProposedEvent]] = []
    for event in sorted(events, key=lambda e: (e.trigger.start, e.trigger.end)):
        snapped = _snap(window, event.trigger.start, event.trigger.end)
        if snapped is None:
            continue
        key = (snapped.start_char, snapped.end_char)
        if key in triggers or any(_overlaps(key, other) for other in placed):
            continue  # one event per trigger span; extractors merge before this point
        span = _span_dict(snapped, window, event.label)
        span["modality"] = event.modality
        span["score"] = round(float(event.score), 4)
        span["extractors"] = list(event.extractors)
        if getattr(event, "agreement", None) is not None:
            span["agreement"] = event.agreement
        triggers[key] = span
        placed.append(key)
        laid_out.append((span, event))

    # Argument mentions: one per text range, labelled with the kind of its first role.
    mentions: dict[tuple[int, int], dict] = {}
    may_overlap: set[tuple[int, int]] = set()
    roles: list[tuple[dict, str, tuple[int, int]]] = []
    for trigger_span, event in laid_out:
        for arg in event.arguments:
            kind = registry.kind_of(event.label, arg.role)
            snapped = _snap(window, arg.start, arg.end)
            if kind is None or snapped is None:
                continue
            key = (snapped.start_char, snapped.end_char)
            if key not in mentions:
                mentions[key] = triggers.get(key) or _span_dict(snapped, window, kind)
                if registry.kinds[kind].may_overlap:
                    may_overlap.add(key)
            roles.append((trigger_span, arg.role, key))

    # Shortest mentions first: names and dates stay in ``spans``, long clauses give way.
    in_spans: set[tuple[int, int]] = set(triggers)
    for key in sorted(mentions, key=lambda k: (k[1] - k[0], k[0])):
        if key in in_spans or key in may_overlap:
            continue
        if not any(_overlaps(key, other) for other in placed):
            placed.append(key)
            in_spans.add(key)

    relations: list[dict] = []
    overlapping: list[dict] = []
    seen: set[tuple] = set()
    for trigger_span, role, key in roles:
        child = mentions[key]
        ident = (trigger_span["start"], trigger_span["end"], role, key)
        if ident in seen or child is trigger_span:
            continue
        seen.add(ident)
        relation = {
            "head": trigger_span["token_end"],
            "child": child["token_end"],
            "head_span": _plain(trigger_span),
            "child_span": _plain(child),
            "label": role,
        }
        (relations if key in in_spans else overlapping).append(relation)

    spans = [triggers.get(key) or mentions[key] for key in sorted(in_spans)]
    task = {
        "text": window.text,
        "meta": meta,
        "tokens": tokens_of(window),
        "spans": spans,
        "relations": relations,
        "overlapping_relations": overlapping,
    }
    set_hashes(task)
    task["events"] = events_from_task(task, registry)
    task["_view_id"] = view_id
    return task


def _plain(span: dict) -> dict:
    return {key: span[key] for key in ("start", "end", "token_start", "token_end", "label")}


def events_from_task(task: dict, registry: Registry) -> list[dict]:
    """Rebuild ``events`` from a task's spans and relations (as a reviewer left them).

    A span whose label is an event type is a trigger; each relation from a trigger is one of
    its arguments, the relation label being the role. Modality, score and extractors come from
    the trigger span (``asserted``, 1.0 and none when a reviewer added the span by hand).
    """
    text = task["text"]
    events: dict[tuple[int, int], dict] = {}
    for span in task.get("spans", []):
        if span.get("label") not in registry.types:
            continue
        start, end = span["start"], span["end"]
        events[(start, end)] = {
            "label": span["label"],
            "trigger": {"start": start, "end": end, "text": text[start:end]},
            "arguments": [],
            "modality": span.get("modality") or "asserted",
            "score": span.get("score", 1.0) if span.get("score") is not None else 1.0,
            "extractors": list(span.get("extractors") or []),
        }
        if span.get("agreement") is not None:
            events[(start, end)]["agreement"] = span["agreement"]
    for relation in [*task.get("relations", []), *task.get("overlapping_relations", [])]:
        head, child = relation["head_span"], relation["child_span"]
        event = events.get((head["start"], head["end"]))
        if event is None:
            continue
        argument = {
            "role": relation["label"],
            "start": child["start"],
            "end": child["end"],
            "text": text[child["start"] : child["end"]],
        }
        if argument not in event["arguments"]:
            event["arguments"].append(argument)
    result = [events[key] for key in sorted(events)]
    for event in result:
        event["arguments"].sort(key=lambda a: (a["start"], a["end"], a["role"]))
    return result
